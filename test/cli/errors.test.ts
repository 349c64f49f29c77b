// User errors through the real CLI: one clear line (plus a fix where there is one), exit code 2,
// never a JS stack trace. Broken ELFs are generated, one kind per case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElf, EH64, PH64, setU16, setU64, type BuildOptions } from '../loader/elf-builder';
import { assertNoStackTrace, guest, PERSONA, runPersona } from '../helpers/project';

const dir = mkdtempSync(join(tmpdir(), 'persona-cli-'));
const TEXT = 0x4008_0000n;

function good(): BuildOptions {
  const code = new Uint8Array(0x100);
  code.set([0x00, 0x00, 0x00, 0x14]); // b .
  return { entry: TEXT, segments: [{ paddr: TEXT, data: code }] };
}

function mutate(f: (b: Uint8Array) => void, o: BuildOptions = good()): Uint8Array {
  const b = buildElf(o).bytes;
  f(b);
  return b;
}

const phdr = (b: Uint8Array, i: number) => Number(new DataView(b.buffer, b.byteOffset).getBigUint64(EH64.phoff, true)) + i * 56;

const BROKEN: [string, Uint8Array, RegExp][] = [
  ['empty file', new Uint8Array(0), /empty|too short/],
  ['truncated header', buildElf(good()).bytes.subarray(0, 40), /too short for an ELF64 header/],
  ['x86-64 machine', buildElf({ ...good(), machine: 62 }).bytes, /wrong machine: x86-64 \(62\)/],
  ['big-endian', buildElf({ ...good(), bigEndian: true }).bytes, /big-endian/],
  ['wrong class', mutate((b) => { b[4] = 3; }), /wrong ELF class 3/],
  ['shared object', mutate((b) => setU16(b, EH64.type, 3)), /PIE|ET_DYN|not supported/],
  ['program headers past the end', mutate((b) => setU64(b, EH64.phoff, 0x10_0000n)), /program header/],
  ['segment past the end of the file', mutate((b) => setU64(b, phdr(b, 0) + PH64.filesz, 0x100_0000n)), /past (the )?end|p_filesz/],
  ['segment outside RAM', buildElf({ ...good(), entry: 0x2000_0000n, segments: [{ paddr: 0x2000_0000n, data: new Uint8Array(16) }] }).bytes, /outside|region/],
  ['absurd segment size', mutate((b) => setU64(b, phdr(b, 0) + PH64.memsz, 0x10_0000_0000n)), /absurd|larger/],
  ['overlapping segments', buildElf({ ...good(), segments: [{ paddr: TEXT, data: new Uint8Array(0x100) }, { paddr: TEXT + 0x80n, data: new Uint8Array(0x100) }] }).bytes, /overlap/],
  ['entry outside every segment', buildElf({ ...good(), entry: 0x4800_0000n }).bytes, /entry/],
  ['no loadable segment', buildElf({ ...good(), segments: [] }).bytes, /PT_LOAD|nothing to load|no loadable/i],
];

for (const [name, bytes, fault] of BROKEN) {
  test(`broken ELF: ${name} -> one line, exit 2`, () => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.elf`);
    writeFileSync(file, bytes);
    const r = runPersona(['run', file, '--format', 'elf']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assertNoStackTrace(r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, fault);
    assert.ok(lines[0]!.includes(file), 'the error names the file');
  });
}

test('a 32-bit ARM ELF is refused clearly, not run as AArch64', () => {
  const file = join(dir, 'arm32.elf');
  writeFileSync(file, buildElf({ ...good(), is64: false, machine: 40 }).bytes);
  const r = runPersona(['run', file]);
  assert.equal(r.code, 2, r.stderr);
  assertNoStackTrace(r.stderr);
  assert.match(r.stderr, /32-bit ARM \(elf32\) image; personas run AArch64 guests only/);
});

test('usage errors exit 2 with a hint', () => {
  for (const args of [['run'], ['run', guest('hello'), '--ram', 'lots'], ['run', guest('hello'), '--cpus', '99'], ['run', guest('hello'), '--bogus'], ['fly']]) {
    const r = runPersona(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assertNoStackTrace(r.stderr);
    assert.ok(r.stderr.trim().length > 0);
  }
});

test('a missing guest file is one line, exit 2', () => {
  const r = runPersona(['run', join(dir, 'nope.elf')]);
  assert.equal(r.code, 2);
  assertNoStackTrace(r.stderr);
  assert.match(r.stderr, /ENOENT|no such file/i);
});

test('a missing native library says what is missing and how to install it', () => {
  const r = runPersona(['run', guest('hello')], { env: { PERSONA_LIBUNICORN: join(dir, 'libunicorn-missing.so') } });
  assert.equal(r.code, 2);
  assertNoStackTrace(r.stderr);
  assert.match(r.stderr, /libunicorn not found at PERSONA_LIBUNICORN=/);
  assert.match(r.stderr, /fix: run `npm run setup`/);
});

test('an older unicorn is refused with a clear message', (t) => {
  const src = join(dir, 'old-unicorn.c');
  const lib = join(dir, 'libunicorn-2.0.so');
  writeFileSync(src, 'unsigned uc_version(unsigned *ma, unsigned *mi) { if (ma) *ma = 2; if (mi) *mi = 0; return 0x020001ff; }\n');
  const cc = spawnSync('cc', ['-shared', '-fPIC', '-o', lib, src], { encoding: 'utf8' });
  if (cc.status !== 0) {
    t.skip('no C compiler to build a fake old libunicorn');
    return;
  }
  const r = runPersona(['run', guest('hello')], { env: { PERSONA_LIBUNICORN: lib } });
  assert.equal(r.code, 2);
  assertNoStackTrace(r.stderr);
  assert.match(r.stderr, /is unicorn 2\.0; Persona needs 2\.1 or newer/);
});

test('--initrd and the command line: misuse is one line and exit 2', () => {
  const initrd = join(dir, 'initrd.cpio');
  writeFileSync(initrd, new Uint8Array(64));
  const cases: [string[], RegExp][] = [
    [['run', guest('hello'), '--initrd', initrd], /ImageFormatError: .*initrd\.cpio: an initrd needs a Linux Image to boot; .*hello\.elf is an ELF/],
    [['run', guest('hello'), '--initrd', join(dir, 'missing.cpio')], /ENOENT.*missing\.cpio/],
    [['run', guest('hello'), '--bootargs', 'a', '--append', 'b'], /give the command line once, with --bootargs or --append/],
  ];
  for (const [args, want] of cases) {
    const r = runPersona(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assertNoStackTrace(r.stderr);
  }
});

test('--bios misuse: one line and exit 2', () => {
  const fw = join(dir, 'fw.bin');
  writeFileSync(fw, new Uint8Array(64));
  const big = join(dir, 'big.bin');
  writeFileSync(big, new Uint8Array(64 * 1024 * 1024 + 1));
  const cases: [string[], RegExp][] = [
    [['run', '--bios', fw, '--initrd', fw], /--initrd and --append go with a kernel: with --bios, give the kernel too/],
    [['run', '--bios', fw, guest('hello'), guest('hello')], /give at most one kernel/],
    [['run', '--bios', fw, '--load-address', '0x40000000'], /--load-address does not apply to --bios/],
    [['run', '--bios', big], /ImageFormatError: .*big\.bin: firmware of 0x4000001 bytes does not fit the 0x4000000-byte flash bank/],
    [['run', '--bios', join(dir, 'missing.bin')], /ENOENT.*missing\.bin/],
  ];
  for (const [args, want] of cases) {
    const r = runPersona(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assertNoStackTrace(r.stderr);
  }
});

test('the console reader going away (persona run ... | head) stops the guest: exit 3, a message, no stack trace', async () => {
  const p = spawn(process.execPath, [PERSONA, 'run', guest('bench-uart')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => { stderr += d; });
  p.stdout.once('data', () => p.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
  assert.equal(code, 3, stderr);
  assert.match(stderr, /guest stopped: the console output was closed \(stdout\)/);
  assertNoStackTrace(stderr);
});
