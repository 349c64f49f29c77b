// Cross-checks the loader against a real toolchain: compile a tiny freestanding AArch64 program
// and compare entry, PT_LOAD segments and symbols with aarch64-linux-gnu-readelf.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGuestImage } from '../../emulator/loader/image';
import { LAYOUT } from './helpers';
import { haveTool } from '../helpers/project';

const GCC = 'aarch64-linux-gnu-gcc';
const READELF = 'aarch64-linux-gnu-readelf';


const PROGRAM = `
int counter = 5;
int scratch[64];
const char banner[] = "persona";
int add(int a, int b) { scratch[a & 63] = b; return a + b; }
void _start(void) { counter = add(counter, banner[0]); for (;;) __asm__ volatile("wfi"); }
`;

test('a real aarch64-linux-gnu-gcc ELF matches readelf (entry, PT_LOAD, symbols)', (t) => {
  if (!haveTool(GCC) || !haveTool(READELF)) {
    t.skip(`${GCC} / ${READELF} not installed`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'persona-loader-'));
  try {
    const src = join(dir, 'prog.c');
    const exe = join(dir, 'prog.elf');
    writeFileSync(src, PROGRAM);
    execFileSync(GCC, ['-O0', '-ffreestanding', '-nostdlib', '-static', '-no-pie', '-Wl,-Ttext=0x40080000', '-Wl,-z,max-page-size=4096', '-o', exe, src]);
    const img = loadGuestImage(exe, new Uint8Array(readFileSync(exe)), LAYOUT);
    assert.equal(img.format, 'elf64');
    assert.equal(img.arch, 'aarch64');

    const header = execFileSync(READELF, ['-h', exe], { encoding: 'utf8' });
    const entry = /Entry point address:\s+(0x[0-9a-f]+)/.exec(header)?.[1];
    assert.ok(entry !== undefined, header);
    assert.equal(img.entry, BigInt(entry));

    const phdrs = execFileSync(READELF, ['-lW', exe], { encoding: 'utf8' });
    const loads = [...phdrs.matchAll(/^\s*LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)/gm)]
      .map((m) => [BigInt(m[3]), Number(BigInt(m[4])), BigInt(m[5])])
      .filter((s) => s[2] !== 0n);
    assert.ok(loads.length >= 1);
    assert.deepEqual(img.segments.map((s) => [s.paddr, s.data.length, s.memSize]), loads);

    const syms = execFileSync(READELF, ['-sW', exe], { encoding: 'utf8' });
    const rows = [...syms.matchAll(/^\s*\d+:\s+([0-9a-f]+)\s+(\S+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s+(\S+)$/gm)].map((m) => ({
      value: BigInt(`0x${m[1]}`),
      size: BigInt(m[2]),
      type: m[3],
      bind: m[4],
      ndx: m[5],
      name: m[6],
    }));
    const wanted = rows.filter((r) => r.ndx !== 'UND' && r.type !== 'SECTION' && r.type !== 'FILE');
    const mapping = wanted.filter((r) => /^\$[axtd](\.|$)/.test(r.name));
    const ordinary = wanted.filter((r) => !/^\$[axtd](\.|$)/.test(r.name));
    const key = (name: string, value: bigint): string => `${value.toString(16)} ${name}`;
    assert.deepEqual(
      img.symbols.map((s) => key(s.name, s.value)).sort(),
      ordinary.map((r) => key(r.name, r.value)).sort(),
    );
    for (const r of ordinary) {
      const s = img.symbols.find((x) => x.name === r.name && x.value === r.value);
      assert.ok(s !== undefined, r.name);
      assert.equal(s.size, r.size, r.name);
      assert.equal(s.kind, r.type === 'FUNC' ? 'func' : r.type === 'OBJECT' ? 'object' : 'other', r.name);
      assert.equal(s.global, r.bind !== 'LOCAL', r.name);
    }
    assert.deepEqual(img.mappingSymbols.map((m) => key(m.name, m.value)).sort(), mapping.map((r) => key(r.name, r.value)).sort());
    for (const name of ['_start', 'add', 'counter', 'scratch', 'banner']) assert.ok(img.symbols.some((s) => s.name === name), name);
    assert.equal(img.symbols.find((s) => s.name === '_start')?.value, img.entry);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
