// The DWARF line-table reader against the toolchain: a small multi-file C program compiled with
// aarch64-linux-gnu-gcc for DWARF 2, 3, 4 and 5, and the example kernel guest, decoded here and by
// aarch64-linux-gnu-readelf --debug-dump=decodedline (and llvm-dwarfdump for columns when present).
// Every row must match.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadGuestImage } from '../../emulator/loader/image';
import { readLineTables } from '../../debug-adapter/symbols/line-tables';
import { LineIndex } from '../../debug-adapter/symbols/line-index';
import { DwarfFormatError } from '../../debug-adapter/symbols/dwarf-reader';
import { readSectionData } from '../../emulator/loader/elf-section-data';
import type { LineRow } from '../../debug-adapter/symbols/dwarf-line';
import { LAYOUT } from '../loader/helpers';
import { guest, haveTool } from '../helpers/project';

const GCC = 'aarch64-linux-gnu-gcc';
const READELF = 'aarch64-linux-gnu-readelf';
const DWARFDUMP = 'llvm-dwarfdump';


const haveToolchain = haveTool(GCC) && haveTool(READELF);
const haveDwarfdump = haveTool(DWARFDUMP);

// Line numbers matter: the tests below name the comment line (4), blank lines (8, sub/b.c 4) and
// the functions' first lines.
const A_C = `#include "b.h"
int counter = 5;

/* a comment line */
int add(int a, int b) {
  return a + b;
}

void _start(void) {
  counter = add(counter, helper(3));
  for (;;) __asm__ volatile("wfi");
}
`;
const B_H = `static inline int twice(int x) { return x * 2; }
int helper(int x);
`;
const B_C = `#include "../b.h"
int helper(int x) {
  int y = twice(x);

  return y + 1;
}
`;

interface OracleRow {
  file: string;
  line: number | '-';
  address: bigint;
  isStmt: boolean;
}

/** Rows of `readelf -W --debug-dump=decodedline`: "name line address [view] [x]". */
function readelfRows(elf: string): OracleRow[] {
  const text = execFileSync(READELF, ['-W', '--debug-dump=decodedline', elf], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const rows: OracleRow[] = [];
  for (const m of text.matchAll(/^(\S+)[ \t]+(\d+|-)[ \t]+(0x[0-9a-f]+)(.*)$/gm)) {
    rows.push({ file: m[1], line: m[2] === '-' ? '-' : Number(m[2]), address: BigInt(m[3]), isStmt: /x\s*$/.test(m[4]) });
  }
  return rows;
}

function ours(rows: LineRow[]): OracleRow[] {
  // readelf prints end_sequence rows with "-" and never marks them as statements.
  return rows.map((r) => ({ file: basename(r.file), line: r.endSequence ? '-' : r.line, address: r.address, isStmt: r.endSequence ? false : r.isStmt }));
}

/** (address, line, column, is_stmt, end_sequence) from `llvm-dwarfdump --debug-line`. */
function dwarfdumpRows(elf: string): string[] {
  const text = execFileSync(DWARFDUMP, ['--debug-line', elf], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return [...text.matchAll(/^0x([0-9a-f]{16})[ \t]+(\d+)[ \t]+(\d+)[ \t]+\d+[ \t]+\d+[ \t]+\d+(.*)$/gm)].map(
    (m) => `${BigInt(`0x${m[1]}`).toString(16)} ${m[2]}:${m[3]} ${/is_stmt/.test(m[4])} ${/end_sequence/.test(m[4])}`,
  );
}

function checkAgainstOracles(elf: string): LineRow[] {
  const tables = readLineTables(new Uint8Array(readFileSync(elf)), elf);
  const rows = tables.flatMap((t) => t.rows);
  const expected = readelfRows(elf);
  assert.ok(expected.length > 0, 'readelf printed no rows');
  assert.deepEqual(ours(rows), expected);
  if (haveDwarfdump) {
    const mine = rows.map((r) => `${r.address.toString(16)} ${r.line}:${r.column} ${r.isStmt} ${r.endSequence}`);
    assert.deepEqual(mine, dwarfdumpRows(elf));
  }
  return rows;
}

function withProgram(flags: string[], body: (elf: string, dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'persona-dwarf-'));
  try {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.c'), A_C);
    writeFileSync(join(dir, 'b.h'), B_H);
    writeFileSync(join(dir, 'sub', 'b.c'), B_C);
    const elf = join(dir, 'prog.elf');
    // Relative source names, compiled from `dir`: the line tables must supply the directory.
    execFileSync(GCC, [...flags, '-O0', '-ffreestanding', '-nostdlib', '-static', '-no-pie', '-Wl,-Ttext=0x40080000', '-o', elf, 'a.c', 'sub/b.c'], { cwd: dir });
    body(elf, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [name, flags, version] of [
  ['DWARF 5 (gcc default)', ['-g'], 5],
  ['DWARF 5 in zlib-compressed sections', ['-g', '-Wl,--compress-debug-sections=zlib'], 5],
  ['DWARF 4', ['-gdwarf-4'], 4],
  ['DWARF 3', ['-gdwarf-3'], 3],
  ['DWARF 2', ['-gdwarf-2'], 2],
] as const) {
  test(`${name}: every row matches readelf, paths resolve, lookups answer`, (t) => {
    if (!haveToolchain) {
      t.skip(`${GCC} / ${READELF} not installed`);
      return;
    }
    withProgram([...flags], (elf, dir) => {
      const rows = checkAgainstOracles(elf);
      const tables = readLineTables(new Uint8Array(readFileSync(elf)), elf);
      // gcc writes a version 3 line table for -gdwarf-2 (DW_LNS opcodes 10-12 need it).
      assert.deepEqual(new Set(tables.map((tb) => tb.version)), new Set([version === 2 ? 3 : version]));
      // Directory 0 is the compilation directory: from the v5 table, or from DW_AT_comp_dir before.
      assert.deepEqual([...new Set(rows.map((r) => r.file))].sort(), [join(dir, 'a.c'), join(dir, 'b.h'), join(dir, 'sub', 'b.c')].sort());

      const index = new LineIndex(tables);
      const img = loadGuestImage(elf, new Uint8Array(readFileSync(elf)), LAYOUT);
      const entry = (fn: string): bigint => {
        const sym = img.symbols.find((s) => s.name === fn);
        assert.ok(sym !== undefined, fn);
        return sym.value;
      };
      assert.deepEqual(pick(index.lookupAddress(entry('add'))), { file: join(dir, 'a.c'), line: 5 });
      assert.deepEqual(pick(index.lookupAddress(entry('_start'))), { file: join(dir, 'a.c'), line: 9 });
      assert.deepEqual(pick(index.lookupAddress(entry('helper'))), { file: join(dir, 'sub', 'b.c'), line: 2 });
      assert.deepEqual(pick(index.lookupAddress(entry('twice'))), { file: join(dir, 'b.h'), line: 1 });
      // Inside an instruction range, and past the last sequence's end.
      assert.equal(index.lookupAddress(entry('add') + 4n)?.line, 5);
      const last = rows[rows.length - 1];
      assert.ok(last.endSequence);
      assert.equal(index.lookupAddress(last.address), undefined);
      assert.equal(index.lookupAddress(0x40080000n - 4n), undefined);

      assert.equal(index.nextLineWithCode('a.c', 4), 5, 'comment line → the function below');
      assert.equal(index.nextLineWithCode('a.c', 8), 9, 'blank line → the next function');
      assert.equal(index.nextLineWithCode('a.c', 6), 6);
      assert.equal(index.nextLineWithCode('a.c', 12), undefined, 'past the last line');
      assert.equal(index.nextLineWithCode('sub/b.c', 4), 5);
      assert.equal(index.nextLineWithCode(join(dir, 'sub', 'b.c'), 4), 5, 'a full path');
      assert.equal(index.nextLineWithCode('ub/b.c', 4), undefined, 'suffixes are whole path components');

      assert.deepEqual(index.addressesForLine('a.c', 5), [entry('add')]);
      assert.deepEqual(index.addressesForLine('b.c', 2), [entry('helper')]);
      // Line 10 has two consecutive rows (the call, then the store): one breakpoint address.
      const line10 = rows.filter((r) => r.line === 10 && r.isStmt && r.file.endsWith('a.c'));
      assert.ok(line10.length >= 2);
      assert.deepEqual(index.addressesForLine('a.c', 10), [line10[0].address]);
      assert.deepEqual(index.addressesForLine('a.c', 4), []);
    });
  });
}

function pick(loc: { file: string; line: number } | undefined): { file: string; line: number } | undefined {
  return loc === undefined ? undefined : { file: loc.file, line: loc.line };
}

test('the kernel guest (-O2 -g, DWARF 5): every row matches readelf and main.c lines resolve', (t) => {
  const elf = guest('kernel');
  if (!existsSync(elf)) {
    t.skip(`${elf} not built (node scripts/build-guests.mjs kernel)`);
    return;
  }
  if (!haveTool(READELF)) {
    t.skip(`${READELF} not installed`);
    return;
  }
  const rows = checkAgainstOracles(elf);
  const index = new LineIndex(readLineTables(new Uint8Array(readFileSync(elf)), elf));
  const mainC = index.sourceFiles.find((f) => f.endsWith('/examples/kernel/main.c'));
  assert.ok(mainC !== undefined, index.sourceFiles.join(', '));
  const img = loadGuestImage(elf, new Uint8Array(readFileSync(elf)), LAYOUT);
  const main = img.symbols.find((s) => s.name === 'main');
  assert.ok(main !== undefined);
  const at = index.lookupAddress(main.value);
  assert.equal(at?.file, mainC);
  assert.ok(at !== undefined && at.line > 0 && at.start <= main.value && main.value < at.end);

  // Every is_stmt line of main.c has a breakpoint address that maps back to main.c.
  const lines = [...new Set(rows.filter((r) => r.file === mainC && r.isStmt && !r.endSequence).map((r) => r.line))];
  assert.ok(lines.length > 10);
  for (const line of lines) {
    assert.equal(index.nextLineWithCode('kernel/main.c', line), line);
    const addrs = index.addressesForLine('kernel/main.c', line);
    assert.ok(addrs.length > 0, `line ${line}`);
    for (const a of addrs) assert.ok(rows.some((r) => r.address === a && r.line === line && r.isStmt), `line ${line} at ${a.toString(16)}`);
  }
});

test('a truncated .debug_line in a real ELF is a DwarfFormatError naming the section and offset', (t) => {
  if (!haveToolchain) {
    t.skip(`${GCC} / ${READELF} not installed`);
    return;
  }
  withProgram(['-g'], (elf) => {
    const bytes = new Uint8Array(readFileSync(elf));
    const line = readSectionData(elf, bytes).get('.debug_line');
    assert.ok(line !== undefined);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Halve sh_size in the section header: the second unit now runs past the section's end.
    const entry = Number(view.getBigUint64(0x28, true)) + line.header.index * 64;
    view.setBigUint64(entry + 32, line.header.size / 2n, true);
    const secondUnit = readLineTables(new Uint8Array(readFileSync(elf)), elf)[1].offset;
    assert.ok(BigInt(secondUnit) < line.header.size / 2n);
    assert.throws(
      () => readLineTables(bytes, elf),
      (e: unknown) =>
        e instanceof DwarfFormatError && e.section === '.debug_line' && e.offset >= secondUnit && BigInt(e.offset) <= line.header.size / 2n &&
        /truncated|runs past the end/.test(e.fault) && String(e) === e.message && e.message.startsWith('DwarfFormatError: .debug_line at 0x'),
    );
  });
});
