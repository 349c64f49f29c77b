// CFI against a real toolchain: every FDE that aarch64-linux-gnu-gcc emits (-O0/-O2, .eh_frame and
// .debug_frame, pac-ret with the A and B keys, a "zPLR" CIE with personality and LSDA) decodes to the
// rows `readelf --debug-dump=frames-interp` prints; then a synthetic stack laid out from readelf's
// rows (the oracle, not ours) for leaf <- middle <- outer <- _start is walked back by unwindStep.

import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallFrameInfo, type RegisterRule, type UnwindRow } from '../../debug-adapter/symbols/cfi';
import { callFrameInfoOfElf } from '../../debug-adapter/symbols/cfi-elf';
import { registerName } from '../../debug-adapter/symbols/cfi-rules';
import { frameFromRegisters, unwindStack, type Frame, type ReadMemory } from '../../debug-adapter/symbols/unwind';
import { haveTool } from '../helpers/project';

const GCC = 'aarch64-linux-gnu-gcc';
const READELF = 'aarch64-linux-gnu-readelf';
const OBJDUMP = 'aarch64-linux-gnu-objdump';

const TOOLS = haveTool(GCC) && haveTool(READELF) && haveTool(OBJDUMP);

const PROGRAM = `
volatile int sink;
__attribute__((noinline)) int leaf(int a) { sink = a; return a * 3; }
__attribute__((noinline)) int middle(int a) { int v[8]; for (int i = 0; i < 8; i++) v[i] = leaf(a + i); return v[a & 7] + leaf(v[1]); }
__attribute__((noinline)) int outer(int a) { return middle(a) + middle(a + 1) + 1; }
void _start(void) { sink = outer(sink); for (;;) __asm__ volatile("wfi"); }
`;
// -fexceptions with a cleanup gives a "zPLR" CIE (personality, LSDA) and remember/restore_state.
const CLEANUP = `
extern void ext(int *);
static void done(int *p) { ext(p); }
int withcleanup(int a) { int __attribute__((cleanup(done))) x = a; ext(&x); return x; }
void _start(void) { withcleanup(3); for (;;) ; }
`;
const RUNTIME = `void __gcc_personality_v0(void) {}\nvoid _Unwind_Resume(void) { for (;;); }\nvoid ext(int *p) { *p += 1; }\n`;

const NO_EH = ['-fno-asynchronous-unwind-tables', '-fno-unwind-tables'];
const LINK = ['-g', '-ffreestanding', '-nostdlib', '-static', '-no-pie', '-Wl,-Ttext=0x40080000'];

interface Variant {
  name: string;
  sources: { file: string; flags: string[] }[];
  /** A 3-deep call chain to unwind (absent for the cleanup program). */
  chain: boolean;
  pac?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'O0-eh', sources: [{ file: 'p.c', flags: ['-O0', '-fasynchronous-unwind-tables'] }], chain: true },
  { name: 'O2-eh', sources: [{ file: 'p.c', flags: ['-O2', '-fasynchronous-unwind-tables'] }], chain: true },
  { name: 'O0-debug', sources: [{ file: 'p.c', flags: ['-O0', ...NO_EH] }], chain: true },
  { name: 'O2-debug', sources: [{ file: 'p.c', flags: ['-O2', ...NO_EH] }], chain: true },
  { name: 'O2-pac', sources: [{ file: 'p.c', flags: ['-O2', '-mbranch-protection=pac-ret', ...NO_EH] }], chain: true, pac: true },
  { name: 'O2-pac-bkey', sources: [{ file: 'p.c', flags: ['-O2', '-mbranch-protection=pac-ret+b-key'] }], chain: true, pac: true },
  // Both sections in one image: the cleanup object has .eh_frame, the runtime only .debug_frame.
  { name: 'zPLR-mixed', sources: [{ file: 'x.c', flags: ['-O2', '-fexceptions'] }, { file: 'y.c', flags: ['-O2', ...NO_EH] }], chain: false },
];

let dir = '';
const built = new Map<string, string>();

before(() => {
  if (!TOOLS) return;
  dir = mkdtempSync(join(tmpdir(), 'persona-cfi-'));
  writeFileSync(join(dir, 'p.c'), PROGRAM);
  writeFileSync(join(dir, 'x.c'), CLEANUP);
  writeFileSync(join(dir, 'y.c'), RUNTIME);
  for (const v of VARIANTS) {
    const objs = v.sources.map((s, i) => {
      const o = join(dir, `${v.name}-${i}.o`);
      execFileSync(GCC, ['-c', ...LINK, ...s.flags, '-o', o, join(dir, s.file)]);
      return o;
    });
    const exe = join(dir, `${v.name}.elf`);
    execFileSync(GCC, [...LINK, '-o', exe, ...objs]);
    built.set(v.name, exe);
  }
});
after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

interface OracleFde {
  section: string;
  offset: number;
  start: bigint;
  end: bigint;
  columns: string[];
  /** LOC → cells (CFA first), the last printed row for each LOC. */
  rows: Map<bigint, string[]>;
}

/** Parses `readelf --debug-dump=frames-interp`. */
function readelfFdes(exe: string): OracleFde[] {
  const out = execFileSync(READELF, ['--debug-dump=frames-interp', exe], { encoding: 'utf8' });
  const fdes: OracleFde[] = [];
  let section = '';
  let cur: OracleFde | undefined;
  for (const line of out.split('\n')) {
    const sec = /^Contents of the (\S+) section:/.exec(line);
    if (sec !== null) section = sec[1];
    const fde = /^([0-9a-f]+) [0-9a-f]+ [0-9a-f]+ FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.([0-9a-f]+)/.exec(line);
    if (fde !== null) {
      cur = { section, offset: parseInt(fde[1], 16), start: BigInt(`0x${fde[2]}`), end: BigInt(`0x${fde[3]}`), columns: [], rows: new Map() };
      fdes.push(cur);
      continue;
    }
    if (/ CIE /.test(line)) cur = undefined;
    if (cur === undefined) continue;
    const cells = line.trim().split(/\s+/);
    if (cells[0] === 'LOC') cur.columns = cells.slice(2);
    else if (/^[0-9a-f]{16}$/.test(cells[0])) cur.rows.set(BigInt(`0x${cells[0]}`), cells.slice(1));
  }
  return fdes;
}

const signed = (n: bigint): string => (n < 0n ? `${n}` : `+${n}`);

function cell(rule: RegisterRule | undefined): string {
  switch (rule?.kind) {
    case undefined:
    case 'undefined':
      return 'u';
    case 'same':
      return 's';
    case 'offset':
      return `c${signed(rule.offset)}`;
    case 'valOffset':
      return `v${signed(rule.offset)}`;
    case 'register':
      return registerName(rule.register);
    case 'expression':
      return 'exp';
    case 'valExpression':
      return 'vexp';
  }
}

function cells(row: UnwindRow, columns: string[]): string[] {
  const cfa = row.cfa.kind === 'register' ? `${registerName(row.cfa.register)}${signed(row.cfa.offset)}` : 'exp';
  return [cfa, ...columns.map((c) => cell(row.registers.get(c === 'ra' ? 30 : c === 'sp' ? 31 : Number(c.slice(1)))))];
}

for (const v of VARIANTS) {
  test(`${v.name}: every FDE's rows match readelf --debug-dump=frames-interp`, (t) => {
    if (!TOOLS) return t.skip(`${GCC} / ${READELF} / ${OBJDUMP} not installed`);
    const exe = built.get(v.name) ?? '';
    const cfi = callFrameInfoOfElf(exe, new Uint8Array(readFileSync(exe)));
    const oracle = readelfFdes(exe);
    assert.ok(oracle.length >= 3, `readelf lists ${oracle.length} FDEs`);
    const ours = new Map(cfi.fdes.map((f) => [`${f.section.name}@${f.offset}`, f]));
    assert.equal(ours.size, oracle.length, 'same FDE count');
    let checked = 0;
    for (const o of oracle) {
      const fde = ours.get(`${o.section}@${o.offset}`);
      assert.ok(fde !== undefined, `FDE ${o.section}+0x${o.offset.toString(16)} missing`);
      assert.deepEqual([fde.start, fde.end], [o.start, o.end], `${o.section}+0x${o.offset.toString(16)} range`);
      const rows = cfi.rowsOf(fde);
      for (const [loc, want] of o.rows) {
        const row = rows.find((r) => loc >= r.start && loc < r.end);
        assert.ok(row !== undefined, `no row at 0x${loc.toString(16)}`);
        assert.deepEqual(cells(row, o.columns), want, `${o.section}+0x${o.offset.toString(16)} at 0x${loc.toString(16)} (${o.columns.join(' ')})`);
        checked++;
      }
      // Rows tile the FDE exactly.
      assert.equal(rows[0]?.start, fde.start);
      assert.equal(rows.at(-1)?.end, fde.end);
      for (let i = 1; i < rows.length; i++) assert.equal(rows[i].start, rows[i - 1].end);
    }
    assert.ok(checked >= 4, `compared ${checked} rows`);
    if (v.pac) assert.ok(cfi.fdes.some((f) => cfi.rowsOf(f).some((r) => r.raSigned)), 'negate_ra_state seen');
    if (v.name === 'O2-pac-bkey') assert.ok(cfi.fdes.some((f) => f.cie.bKey));
    if (v.name === 'zPLR-mixed') {
      const names = new Set(cfi.fdes.map((f) => f.section.name));
      assert.deepEqual([...names].sort(), ['.debug_frame', '.eh_frame']);
      const zplr = cfi.fdes.find((f) => f.cie.augmentation === 'zPLR');
      assert.ok(zplr?.lsda !== undefined, 'LSDA pointer decoded');
    }
  });
}

/** Function starts, and the first `bl <callee>` in each caller, from objdump. */
function disassembly(exe: string): { starts: Map<string, bigint>; sites: Map<string, Map<string, bigint>> } {
  const out = execFileSync(OBJDUMP, ['-d', exe], { encoding: 'utf8' });
  const starts = new Map<string, bigint>();
  const sites = new Map<string, Map<string, bigint>>();
  let fn = '';
  for (const line of out.split('\n')) {
    const head = /^([0-9a-f]+) <([\w.]+)>:$/.exec(line);
    if (head !== null) {
      fn = head[2];
      starts.set(fn, BigInt(`0x${head[1]}`));
    }
    const bl = /^\s*([0-9a-f]+):\s+[0-9a-f]{8}\s+bl\s+[0-9a-f]+ <([\w.]+)>/.exec(line);
    if (bl === null) continue;
    const m = sites.get(fn) ?? new Map<string, bigint>();
    if (!m.has(bl[2])) m.set(bl[2], BigInt(`0x${bl[1]}`));
    sites.set(fn, m);
  }
  return { starts, sites };
}

const STACK_BASE = 0x4100_0000n;
const STACK_SIZE = 0x10000;
// A made-up authentication code in a saved lr: bits 48–54 and 56–63 (bit 55 picks TTBR0/TTBR1 and is never part of it).
const PAC = (0x2an << 56n) | (0x35n << 48n);

/** The oracle's rule cells for pc (CFA first, then by column name), or undefined outside every FDE. */
function oracleRow(fdes: OracleFde[], pc: bigint): Map<string, string> | undefined {
  const fde = fdes.find((f) => pc >= f.start && pc < f.end);
  if (fde === undefined) return undefined;
  const locs = [...fde.rows.keys()].filter((l) => l <= pc).sort((a, b) => (a < b ? -1 : 1));
  const cellsAt = locs.length === 0 ? ['sp+0'] : (fde.rows.get(locs[locs.length - 1]) ?? []);
  const m = new Map<string, string>([['CFA', cellsAt[0]]]);
  fde.columns.forEach((c, i) => m.set(c, cellsAt[i + 1]));
  return m;
}

interface Laid {
  read: ReadMemory;
  innermost: Frame;
  expected: { pc: bigint; sp: bigint; fp: bigint }[];
}

/**
 * Lays out the frames of `pcs` (innermost first; later ones are return addresses) as the oracle's
 * rows say they are saved; a pc outside every FDE gets an AAPCS64 frame record at x29 instead.
 */
function layStack(fdes: OracleFde[], pcs: bigint[], pac: boolean): Laid {
  const mem = new Uint8Array(STACK_SIZE);
  const view = new DataView(mem.buffer);
  const put = (addr: bigint, v: bigint): void => view.setBigUint64(Number(addr - STACK_BASE), v, true);
  const expected: Laid['expected'] = [];
  let sp = STACK_BASE + BigInt(STACK_SIZE) - 0x1000n;
  let fp = sp + 0x10n;
  for (let i = 0; i < pcs.length; i++) {
    expected.push({ pc: pcs[i], sp, fp });
    if (i === pcs.length - 1) break;
    const row = oracleRow(fdes, i === 0 ? pcs[i] : pcs[i] - 1n);
    const ra = pcs[i + 1] | (pac ? PAC : 0n);
    if (row === undefined) {
      put(fp, fp + 0x100n);
      put(fp + 8n, ra);
      sp = fp + 0x10n;
      fp = fp + 0x100n;
      continue;
    }
    const cfa = /^sp\+(\d+)$/.exec(row.get('CFA') ?? '');
    assert.ok(cfa !== null, `CFA ${row.get('CFA')} is sp-based`);
    const callerSp = sp + BigInt(cfa[1]);
    const callerFp = callerSp + 0x10n;
    const at = (col: string): bigint | undefined => {
      const m = /^c(-\d+)$/.exec(row.get(col) ?? 'u');
      return m === null ? undefined : callerSp + BigInt(m[1]);
    };
    const raAt = at('ra');
    if (raAt !== undefined) put(raAt, ra);
    else assert.equal(i, 0, 'only the innermost frame may keep its return address in x30');
    const fpAt = at('x29');
    if (fpAt !== undefined) put(fpAt, callerFp);
    sp = callerSp;
    fp = fpAt !== undefined ? callerFp : fp;
  }
  const read: ReadMemory = (addr, size) => {
    const off = addr - STACK_BASE;
    return off < 0n || off + BigInt(size) > BigInt(STACK_SIZE) ? undefined : mem.subarray(Number(off), Number(off) + size);
  };
  const x: bigint[] = [];
  x[29] = expected[0].fp;
  x[30] = pcs[1]; // the innermost lr is live and never signed
  return { read, expected, innermost: frameFromRegisters({ pc: pcs[0], sp: expected[0].sp, x }) };
}

function walk(cfi: CallFrameInfo, laid: Laid): { pc: bigint; sp: bigint; fp: bigint }[] {
  return unwindStack(laid.innermost, laid.read, { cfi }).map((f) => ({ pc: f.pc, sp: f.registers.get(31) ?? -1n, fp: f.registers.get(29) ?? -1n }));
}

for (const v of VARIANTS.filter((x) => x.chain)) {
  test(`${v.name}: unwindStep walks leaf <- middle <- outer <- _start back to the outermost frame`, (t) => {
    if (!TOOLS) return t.skip(`${GCC} / ${READELF} / ${OBJDUMP} not installed`);
    const exe = built.get(v.name) ?? '';
    const cfi = callFrameInfoOfElf(exe, new Uint8Array(readFileSync(exe)));
    const { starts, sites } = disassembly(exe);
    const site = (caller: string, callee: string): bigint => {
      const a = sites.get(caller)?.get(callee);
      assert.ok(a !== undefined, `${caller} calls ${callee}`);
      return a;
    };
    // Stopped in leaf where its frame is deepest (past an -O0 prologue; anywhere at -O2).
    const leafFde = cfi.findFde(starts.get('leaf') ?? 0n);
    assert.ok(leafFde !== undefined, 'leaf has an FDE');
    const depth = (r: UnwindRow): bigint => (r.cfa.kind === 'register' ? r.cfa.offset : 0n);
    const leafPc = cfi.rowsOf(leafFde).reduce((a, r) => (depth(r) > depth(a) ? r : a)).start;
    const pcs = [leafPc, site('middle', 'leaf') + 4n, site('outer', 'middle') + 4n, site('_start', 'outer') + 4n];
    const laid = layStack(readelfFdes(exe), pcs, v.pac === true);
    assert.deepEqual(walk(cfi, laid), laid.expected);
  });
}

test('frame-pointer fallback: a function without an FDE hands over to CFI in its caller', (t) => {
  if (!TOOLS) return t.skip(`${GCC} / ${READELF} / ${OBJDUMP} not installed`);
  const exe = built.get('O2-debug') ?? '';
  const cfi = callFrameInfoOfElf(exe, new Uint8Array(readFileSync(exe)));
  const { sites } = disassembly(exe);
  const noFde = 0x4010_0000n; // past .text: no FDE covers it
  assert.equal(cfi.findFde(noFde), undefined);
  const pcs = [noFde, (sites.get('outer')?.get('middle') ?? 0n) + 4n, (sites.get('_start')?.get('outer') ?? 0n) + 4n];
  const laid = layStack(readelfFdes(exe), pcs, false);
  const frames = unwindStack(laid.innermost, laid.read, { cfi });
  assert.deepEqual(frames.map((f) => f.source), ['registers', 'frame-pointer', 'cfi']);
  assert.deepEqual(walk(cfi, laid), laid.expected);
});
