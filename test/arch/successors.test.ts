// The step decoder against words made by the GNU assembler: each case is one instruction, placed at
// pc = base + 4 * index, with the registers and flags it is given and where it must continue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { branchEncoding, conditionHolds, successors, type SuccessorKind, type Successors } from '../../emulator/arch/aarch64/successors';

const AS = 'aarch64-linux-gnu-as';
const OBJCOPY = 'aarch64-linux-gnu-objcopy';
const toolchain = [AS, OBJCOPY].every((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0);
const skip = toolchain ? false : `${AS} / ${OBJCOPY} not installed`;

/** Assembles one instruction per line (armv8.8-a: PAC and BC.cond) and returns the words. */
function assemble(lines: readonly string[]): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'successors-'));
  try {
    writeFileSync(join(dir, 'a.s'), `.text\n${lines.join('\n')}\n`);
    const as = spawnSync(AS, ['-march=armv8.8-a', '-o', join(dir, 'a.o'), join(dir, 'a.s')], { encoding: 'utf8' });
    assert.equal(as.status, 0, as.stderr);
    const cp = spawnSync(OBJCOPY, ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')], { encoding: 'utf8' });
    assert.equal(cp.status, 0, cp.stderr);
    const bin = readFileSync(join(dir, 'a.bin'));
    assert.equal(bin.length, lines.length * 4, 'one word per line');
    return Array.from({ length: lines.length }, (_, i) => bin.readUInt32LE(i * 4));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const wrap = (v: bigint): bigint => BigInt.asUintN(64, v);

/** Registers as a test gives them; register 31 must never be asked for (it is XZR, the decoder's job). */
function reader(x: Readonly<Record<number, bigint>> = {}): (n: number) => bigint {
  return (n) => {
    assert.ok(n >= 0 && n <= 30, `regs(${n}) asked for`);
    return x[n] ?? 0xdead_0000n + BigInt(n);
  };
}

interface Case {
  asm: string;
  x?: Record<number, bigint>;
  nzcv?: number;
  elr?: bigint;
  kind: SuccessorKind;
  /** Where it continues, given its pc. */
  next: (pc: bigint) => bigint[];
  /** Calls: the return address is pc+4. */
  call?: boolean;
  /** Table row expected (undefined: not a control-flow encoding). */
  name?: string;
}

const rel = (offset: number) => (pc: bigint) => [wrap(pc + BigInt(offset))];
const at = (address: bigint) => () => [address];
const nowhere = () => [];

function check(c: Case, word: number, pc: bigint): void {
  const got: Successors = successors(word, pc, reader(c.x), { nzcv: c.nzcv ?? 0, elr: c.elr ?? 0x4000_1000n });
  const what = `${c.asm} (0x${word.toString(16).padStart(8, '0')}) at 0x${pc.toString(16)}`;
  assert.equal(got.kind, c.kind, what);
  assert.deepEqual(got.next, c.next(pc), what);
  assert.equal(got.returnAddress, c.call ? wrap(pc + 4n) : undefined, `${what}: returnAddress`);
  if (c.name !== undefined) assert.equal(branchEncoding(word), c.name, what);
}

function run(cases: readonly Case[], bases: readonly bigint[] = [0x4008_0000n, 0xffff_8000_1008_0000n]): void {
  const words = assemble(cases.map((c) => c.asm));
  for (const base of bases) cases.forEach((c, i) => check(c, words[i]!, base + 4n * BigInt(i)));
}

test('B and BL: forward, backward and the ±128 MiB extremes', { skip }, () => {
  run([
    { asm: 'b .+0x40', kind: 'branch', next: rel(0x40), name: 'B' },
    { asm: 'b .-0x40', kind: 'branch', next: rel(-0x40) },
    { asm: 'b .', kind: 'branch', next: rel(0) },
    { asm: 'b .+0x7fffffc', kind: 'branch', next: rel(0x7ff_fffc) },
    { asm: 'b .-0x8000000', kind: 'branch', next: rel(-0x800_0000) },
    { asm: 'bl .+0x1000', kind: 'call', next: rel(0x1000), call: true, name: 'BL' },
    { asm: 'bl .-0x1000', kind: 'call', next: rel(-0x1000), call: true },
    { asm: 'bl .+0x7fffffc', kind: 'call', next: rel(0x7ff_fffc), call: true },
    { asm: 'bl .-0x8000000', kind: 'call', next: rel(-0x800_0000), call: true },
  ]);
});

test('branch targets wrap around the 64-bit address space', { skip }, () => {
  const [back, fwd] = assemble(['b .-8', 'bl .+0x10']);
  assert.deepEqual(successors(back!, 0n, reader(), { nzcv: 0, elr: 0n }).next, [0xffff_ffff_ffff_fff8n]);
  const s = successors(fwd!, 0xffff_ffff_ffff_fffcn, reader(), { nzcv: 0, elr: 0n });
  assert.deepEqual([s.next, s.returnAddress], [[0xcn], 0n]);
});

// ConditionHolds written out per condition from the Arm ARM's condition-code table (C1.2.4), in
// encoding order 0..15, independently of the decoder's cond[3:1]/cond[0] evaluation.
const CONDITIONS: readonly [string, (n: boolean, z: boolean, c: boolean, v: boolean) => boolean][] = [
  ['eq', (_n, z) => z],
  ['ne', (_n, z) => !z],
  ['cs', (_n, _z, c) => c],
  ['cc', (_n, _z, c) => !c],
  ['mi', (n) => n],
  ['pl', (n) => !n],
  ['vs', (_n, _z, _c, v) => v],
  ['vc', (_n, _z, _c, v) => !v],
  ['hi', (_n, z, c) => c && !z],
  ['ls', (_n, z, c) => !c || z],
  ['ge', (n, _z, _c, v) => n === v],
  ['lt', (n, _z, _c, v) => n !== v],
  ['gt', (n, z, _c, v) => !z && n === v],
  ['le', (n, z, _c, v) => z || n !== v],
  ['al', () => true],
  ['nv', () => true],
];

function truth(cond: number, nzcv: number): boolean {
  return CONDITIONS[cond]![1]((nzcv & 8) !== 0, (nzcv & 4) !== 0, (nzcv & 2) !== 0, (nzcv & 1) !== 0);
}

test('conditionHolds: every condition against every NZCV value', () => {
  for (let cond = 0; cond < 16; cond++) {
    for (let nzcv = 0; nzcv < 16; nzcv++) assert.equal(conditionHolds(cond, nzcv), truth(cond, nzcv), `${CONDITIONS[cond]![0]} with NZCV=${nzcv.toString(2).padStart(4, '0')}`);
  }
});

test('B.cond and BC.cond: the taken way only, for every condition and NZCV value', { skip }, () => {
  const names = CONDITIONS.map(([cc]) => cc);
  const plain = assemble(names.map((cc) => `b.${cc} .+0x40`));
  const hinted = assemble(names.map((cc) => `bc.${cc} .-0x100000`));
  const pc = 0xffff_8000_1000_0000n;
  for (let cond = 0; cond < 16; cond++) {
    assert.equal(plain[cond]! & 0xf, cond, `b.${names[cond]} encodes cond ${cond}`);
    assert.equal(branchEncoding(plain[cond]!), 'B.cond');
    assert.equal(branchEncoding(hinted[cond]!), 'BC.cond');
    for (let nzcv = 0; nzcv < 16; nzcv++) {
      const taken = truth(cond, nzcv);
      const b = successors(plain[cond]!, pc, reader(), { nzcv, elr: 0n });
      assert.deepEqual(b, { next: [taken ? pc + 0x40n : pc + 4n], kind: 'conditional' }, `b.${names[cond]} NZCV=${nzcv}`);
      const bc = successors(hinted[cond]!, pc, reader(), { nzcv, elr: 0n });
      assert.deepEqual(bc, { next: [taken ? pc - 0x10_0000n : pc + 4n], kind: 'conditional' }, `bc.${names[cond]} NZCV=${nzcv}`);
    }
  }
  // The aliases hs/lo are cs/cc; the ±1 MiB extremes.
  run([
    { asm: 'b.hs .+0xffffc', nzcv: 0b0010, kind: 'conditional', next: rel(0xf_fffc) },
    { asm: 'b.lo .-0x100000', nzcv: 0b0000, kind: 'conditional', next: rel(-0x10_0000) },
    { asm: 'b.lo .-0x100000', nzcv: 0b0010, kind: 'conditional', next: rel(4) },
    { asm: 'b.eq .+4', nzcv: 0b0100, kind: 'conditional', next: rel(4) },
  ]);
});

test('CBZ/CBNZ: W tests only the low 32 bits, X all 64; xzr is zero', { skip }, () => {
  const high = 0x1_0000_0000n; // zero as a W register, non-zero as an X register
  run([
    { asm: 'cbz w3, .+0x80', x: { 3: 0n }, kind: 'conditional', next: rel(0x80), name: 'CBZ' },
    { asm: 'cbz w3, .+0x80', x: { 3: 7n }, kind: 'conditional', next: rel(4) },
    { asm: 'cbz w3, .+0x80', x: { 3: high }, kind: 'conditional', next: rel(0x80) },
    { asm: 'cbz x3, .+0x80', x: { 3: high }, kind: 'conditional', next: rel(4) },
    { asm: 'cbz x3, .-0x80', x: { 3: 0n }, kind: 'conditional', next: rel(-0x80) },
    { asm: 'cbnz w4, .+0xffffc', x: { 4: high }, kind: 'conditional', next: rel(4), name: 'CBNZ' },
    { asm: 'cbnz w4, .+0xffffc', x: { 4: 0x8000_0000n }, kind: 'conditional', next: rel(0xf_fffc) },
    { asm: 'cbnz x4, .-0x100000', x: { 4: high }, kind: 'conditional', next: rel(-0x10_0000) },
    { asm: 'cbnz x4, .-0x100000', x: { 4: 0n }, kind: 'conditional', next: rel(4) },
    { asm: 'cbz x30, .+8', x: { 30: 0n }, kind: 'conditional', next: rel(8) },
    { asm: 'cbz xzr, .+0x20', kind: 'conditional', next: rel(0x20) },
    { asm: 'cbnz wzr, .+0x20', kind: 'conditional', next: rel(4) },
  ]);
});

test('TBZ/TBNZ: bits 0, 31, 32 and 63', { skip }, () => {
  const cases: Case[] = [];
  for (const bit of [0, 31, 32, 63]) {
    const set = 1n << BigInt(bit);
    const others = wrap(~set); // every other bit set: only the tested bit decides
    const reg = bit < 32 ? `w7` : `x7`;
    cases.push(
      { asm: `tbz ${reg}, #${bit}, .+0x7ffc`, x: { 7: others }, kind: 'conditional', next: rel(0x7ffc), name: 'TBZ' },
      { asm: `tbz ${reg}, #${bit}, .+0x7ffc`, x: { 7: set }, kind: 'conditional', next: rel(4) },
      { asm: `tbnz x7, #${bit}, .-0x8000`, x: { 7: set }, kind: 'conditional', next: rel(-0x8000), name: 'TBNZ' },
      { asm: `tbnz x7, #${bit}, .-0x8000`, x: { 7: others }, kind: 'conditional', next: rel(4) },
    );
  }
  cases.push({ asm: 'tbnz xzr, #63, .+0x10', kind: 'conditional', next: rel(4) });
  run(cases);
});

test('BR, BLR, RET: the register as it is before the instruction; Rn = 31 is XZR, not SP', { skip }, () => {
  const target = 0xffff_8000_1234_5678n;
  run([
    { asm: 'br x5', x: { 5: target }, kind: 'indirect', next: at(target), name: 'BR' },
    { asm: 'br x16', x: { 16: 0x4000_0000n }, kind: 'indirect', next: at(0x4000_0000n) },
    { asm: '.inst 0xd61f03e0', kind: 'indirect', next: at(0n), name: 'BR' }, // br xzr
    { asm: 'blr x9', x: { 9: target }, kind: 'call', next: at(target), call: true, name: 'BLR' },
    { asm: 'blr x30', x: { 30: target }, kind: 'call', next: at(target), call: true },
    { asm: 'ret', x: { 30: target }, kind: 'return', next: at(target), name: 'RET' },
    { asm: 'ret x5', x: { 5: 0x4008_1000n, 30: target }, kind: 'return', next: at(0x4008_1000n) },
  ]);
});

test('pointer-authenticated branches: the PAC is stripped (bits above the VA width copy bit 55)', { skip }, () => {
  const kernel = 0x9ab5_8000_1000_1000n; // bit 55 set: a signed TTBR1 address
  const kernelPlain = 0xffff_8000_1000_1000n;
  const user = 0x0023_0000_0040_1000n; // bit 55 clear
  const userPlain = 0x0000_0000_0040_1000n;
  run([
    { asm: 'retaa', x: { 30: kernel }, kind: 'return', next: at(kernelPlain), name: 'RETAA' },
    { asm: 'retab', x: { 30: user }, kind: 'return', next: at(userPlain), name: 'RETAB' },
    { asm: 'braa x1, x2', x: { 1: kernel }, kind: 'indirect', next: at(kernelPlain), name: 'BRAA' },
    { asm: 'brab x3, sp', x: { 3: user }, kind: 'indirect', next: at(userPlain), name: 'BRAB' },
    { asm: 'braaz x5', x: { 5: kernel }, kind: 'indirect', next: at(kernelPlain), name: 'BRAAZ' },
    { asm: 'brabz x5', x: { 5: user }, kind: 'indirect', next: at(userPlain), name: 'BRABZ' },
    { asm: 'blraa x8, x9', x: { 8: kernel }, kind: 'call', next: at(kernelPlain), call: true, name: 'BLRAA' },
    { asm: 'blrab x8, sp', x: { 8: user }, kind: 'call', next: at(userPlain), call: true, name: 'BLRAB' },
    { asm: 'blraaz x10', x: { 10: kernel }, kind: 'call', next: at(kernelPlain), call: true, name: 'BLRAAZ' },
    { asm: 'blrabz x10', x: { 10: user }, kind: 'call', next: at(userPlain), call: true, name: 'BLRABZ' },
    { asm: 'eretaa', elr: kernel, kind: 'eret', next: at(kernelPlain), name: 'ERETAA' },
    { asm: 'eretab', elr: user, kind: 'eret', next: at(userPlain), name: 'ERETAB' },
  ]);
  // With a 39-bit VA (a common Android kernel configuration) the PAC reaches down to bit 39.
  const [retaa] = assemble(['retaa']);
  const s = successors(retaa!, 0n, reader({ 30: 0x12b4_5f80_0000_1000n }), { nzcv: 0, elr: 0n, vaBits: 39 });
  assert.deepEqual(s.next, [0xffff_ff80_0000_1000n]);
});

test('ERET: the ELR, untouched', { skip }, () => {
  run([
    { asm: 'eret', elr: 0x4008_2000n, kind: 'eret', next: at(0x4008_2000n), name: 'ERET' },
    { asm: 'eret', elr: 0x9ab5_8000_1000_1000n, kind: 'eret', next: at(0x9ab5_8000_1000_1000n) },
  ]);
});

test('exceptions: the emulator reports where SVC/BRK/UDF go; HVC, SMC and semihosting return to pc+4', { skip }, () => {
  run([
    { asm: 'svc #0', kind: 'exception', next: nowhere, name: 'SVC' },
    { asm: 'svc #0xffff', kind: 'exception', next: nowhere },
    { asm: 'brk #0x800', kind: 'exception', next: nowhere, name: 'BRK' },
    { asm: 'udf #0', kind: 'exception', next: nowhere, name: 'UDF' },
    { asm: 'udf #0xffff', kind: 'exception', next: nowhere },
    { asm: 'hlt #0', kind: 'exception', next: nowhere, name: 'HLT' },
    { asm: 'dcps1', kind: 'exception', next: nowhere, name: 'DCPS1' },
    { asm: 'drps', kind: 'exception', next: nowhere, name: 'DRPS' },
    { asm: 'hvc #0', kind: 'exception', next: rel(4), name: 'HVC' },
    { asm: 'hvc #0x1234', kind: 'exception', next: rel(4) },
    { asm: 'smc #0', kind: 'exception', next: rel(4), name: 'SMC' },
    { asm: 'hlt #0xf000', kind: 'exception', next: rel(4), name: 'HLT' },
  ]);
});

test('everything else goes on at pc+4', { skip }, () => {
  const sequential = (asm: string): Case => ({ asm, kind: 'sequential', next: rel(4) });
  const cases = [
    'ldr x0, [x1]', 'ldr x0, .+0x100', 'str x2, [sp, #-16]!', 'ldp x29, x30, [sp], #16', 'add x0, x1, #1',
    'adds x0, x0, x1', 'adr x0, .+0x40', 'adrp x0, .+0x4000', 'msr sctlr_el1, x0', 'mrs x0, nzcv', 'msr daifset, #2',
    'wfi', 'wfe', 'nop', 'isb', 'dsb sy', 'tlbi vmalle1', 'paciasp', 'autiasp', 'bti c', 'csel x0, x1, x2, eq',
    'movz x0, #0x5400, lsl #16', 'movz x0, #0xd61f, lsl #16', // immediates that look like branch opcodes
  ].map(sequential);
  run(cases);
  for (const w of assemble(cases.map((c) => c.asm))) assert.equal(branchEncoding(w), undefined, w.toString(16));
});

test('the word may be given signed (as a DataView getInt32 returns it)', { skip }, () => {
  const [ret] = assemble(['ret']);
  const signed = ret! | 0;
  assert.ok(signed < 0);
  assert.deepEqual(successors(signed, 0x1000n, reader({ 30: 0x2000n }), { nzcv: 0, elr: 0n }), { next: [0x2000n], kind: 'return' });
});
