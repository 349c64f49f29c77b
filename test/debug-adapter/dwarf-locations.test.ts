// DWARF locations: the DW_OP stack machine on hand-made expressions (every kind of result and the
// errors), and location lists of the -O2 values guest (.debug_loclists) and its -gdwarf-4 cousin
// (.debug_loc) against llvm-dwarfdump: every variable's list must have the same pc ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateLocation, evaluateValue, LocationError, type ExpressionContext } from '../../debug-adapter/symbols/dwarf-expression';
import { readDebugInfo } from '../../debug-adapter/symbols/dwarf-info-elf';
import { readLocationSections } from '../../debug-adapter/symbols/dwarf-locations-elf';
import { expressionAt, readLocationList } from '../../debug-adapter/symbols/dwarf-loclists';
import { guest, haveTool, ROOT } from '../helpers/project';

const u64le = (v: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
const sleb = (v: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};

function ctx(over: Partial<ExpressionContext> = {}): ExpressionContext {
  const regs = new Map<number, bigint>([[0, 0x1000n], [1, 7n], [29, 0x8000n], [31, 0x7ff0n]]);
  const memory = new Map<bigint, number>();
  for (let i = 0; i < 16; i++) memory.set(0x1000n + BigInt(i), 0x10 + i);
  return {
    addressSize: 8,
    register: (n) => regs.get(n),
    readMemory: (a, size) => {
      const out: number[] = [];
      for (let i = 0; i < size; i++) {
        const b = memory.get(a + BigInt(i));
        if (b === undefined) return undefined;
        out.push(b);
      }
      return Uint8Array.from(out);
    },
    frameBase: () => 0x7f00n,
    cfa: () => 0x8010n,
    ...over,
  };
}

const run = (bytes: number[], c = ctx()) => evaluateLocation(Uint8Array.from(bytes), c);

test('DW_OP results: memory, register, computed value, implicit bytes, pieces, nothing', () => {
  assert.deepEqual(run([0x03, ...u64le(0x40081000n)]), [{ piece: { kind: 'memory', address: 0x40081000n } }], 'DW_OP_addr');
  assert.deepEqual(run([0x91, ...sleb(-20)]), [{ piece: { kind: 'memory', address: 0x7f00n - 20n } }], 'DW_OP_fbreg -20');
  assert.deepEqual(run([0x9c]), [{ piece: { kind: 'memory', address: 0x8010n } }], 'DW_OP_call_frame_cfa');
  assert.deepEqual(run([0x8d, ...sleb(16)]), [{ piece: { kind: 'memory', address: 0x8010n } }], 'DW_OP_breg29 +16');
  assert.deepEqual(run([0x51]), [{ piece: { kind: 'register', register: 1 } }], 'DW_OP_reg1');
  assert.deepEqual(run([0x90, 0x40]), [{ piece: { kind: 'register', register: 64 } }], 'DW_OP_regx v0');
  assert.deepEqual(run([0x71, ...sleb(1), 0x9f]), [{ piece: { kind: 'value', value: 8n } }], 'DW_OP_breg1 +1; stack_value');
  assert.deepEqual(run([0x9e, 2, 0xaa, 0xbb]), [{ piece: { kind: 'implicit', bytes: Uint8Array.from([0xaa, 0xbb]) } }]);
  assert.deepEqual(run([0x50, 0x93, 4, 0x51, 0x93, 4]), [
    { piece: { kind: 'register', register: 0 }, sizeBits: 32 }, { piece: { kind: 'register', register: 1 }, sizeBits: 32 },
  ], 'a value split over two registers');
  assert.deepEqual(run([0x93, 4, 0x51, 0x93, 4]), [
    { piece: { kind: 'unavailable', reason: 'optimized out' }, sizeBits: 32 }, { piece: { kind: 'register', register: 1 }, sizeBits: 32 },
  ], 'an empty piece is optimized out');
  assert.deepEqual(run([]), [{ piece: { kind: 'unavailable', reason: 'optimized out' } }]);
});

test('DW_OP arithmetic, stack ops, branches, deref', () => {
  const value = (bytes: number[]) => evaluateValue(Uint8Array.from(bytes), ctx());
  assert.equal(value([0x35, 0x33, 0x1c, 0x9f]), 2n, 'lit5 lit3 minus');
  assert.equal(value([0x11, ...sleb(-8), 0x1f, 0x9f]), 8n, 'consts -8 neg');
  assert.equal(value([0x34, 0x35, 0x16, 0x1c, 0x9f]), 1n, 'swap');
  assert.equal(value([0x31, 0x32, 0x33, 0x17, 0x9f]), 2n, 'rot: 1 2 3 -> 3 1 2');
  assert.equal(value([0x0a, 0x00, 0x01, 0x38, 0x24, 0x9f]), 0x10000n, 'const2u 256 shl 8');
  assert.equal(value([0x31, 0x28, 0x02, 0x00, 0x3a, 0x9f, 0x3b, 0x9f]), 11n, 'bra over "lit10 stack_value"');
  assert.equal(value([0x70, 0x00, 0x06, 0x9f]), 0x1716151413121110n, 'breg0 deref: 8 bytes of memory');
  assert.equal(value([0x70, 0x02, 0x94, 0x02, 0x9f]), 0x1312n, 'deref_size 2');
  assert.equal(value([0x30, 0x20, 0x9f]), (1n << 64n) - 1n, 'not 0 wraps at 64 bits');
  assert.equal(value([0x11, ...sleb(-7), 0x32, 0x1b, 0x9f]), (1n << 64n) - 3n, 'signed div -7/2 = -3');
});

test('DW_OP errors are LocationErrors naming the cause', () => {
  const err = (bytes: number[], re: RegExp, c = ctx()) => assert.throws(() => run(bytes, c), (e: unknown) => e instanceof LocationError && re.test(e.message));
  err([0x75, 0x00], /register x5 is not known in this frame/);
  err([0x1c], /stack underflow/);
  err([0x31, 0x30, 0x1b], /division by zero/);
  err([0x03, ...u64le(0x9000n), 0x06], /memory at 0x9000 is not readable/);
  err([0xa3, 1, 0x50, 0x9f], /optimized out/);
  err([0x2f, 0x00, 0x10], /a branch leaves the expression/);
  err([0x2f, 0xfd, 0xff], /runs too long/);
  err([0xe0], /unsupported DWARF operation 0xe0/);
  assert.deepEqual(run([0xa3, 1, 0x50, 0x9f], ctx({ entryValue: () => 42n })), [{ piece: { kind: 'value', value: 42n } }], 'entry_value through the context');
});

/** Each variable's location-list ranges as llvm-dwarfdump prints them, by DIE offset. */
function dwarfdumpLists(elf: string): Map<number, [bigint, bigint][]> {
  const text = execFileSync('llvm-dwarfdump', ['--debug-info', elf], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = new Map<number, [bigint, bigint][]>();
  let die = -1;
  let inList: [bigint, bigint][] | undefined;
  for (const line of text.split('\n')) {
    const d = /^0x([0-9a-f]+):\s+DW_TAG/.exec(line);
    if (d) { die = parseInt(d[1]!, 16); inList = undefined; continue; }
    if (/DW_AT_location\s+\(0x[0-9a-f]+:\s*$/.test(line)) { inList = []; out.set(die, inList); continue; }
    const r = /^\s+\[0x([0-9a-f]+), 0x([0-9a-f]+)\):/.exec(line);
    if (inList && r) inList.push([BigInt(`0x${r[1]}`), BigInt(`0x${r[2]}`)]);
    else if (inList && !/^\s+\[/.test(line)) inList = undefined;
  }
  return out;
}

function compareLists(elf: string): number {
  const bytes = readFileSync(elf);
  const info = readDebugInfo(bytes, elf)!;
  const sections = readLocationSections(bytes, elf);
  const expected = dwarfdumpLists(elf);
  let compared = 0;
  for (const fn of info.functions) {
    for (const v of [...fn.params, ...fn.locals]) {
      if (v.location?.kind !== 'list' || v.location.offset === undefined) continue;
      const unit = info.tree.die(v.dieOffset)!.unit;
      const low = unit.root?.attrs.get(0x11);
      const entries = readLocationList(sections, v.location.section, v.location.offset, {
        version: unit.version, addressSize: unit.addressSize, base: low?.kind === 'address' ? low.value : 0n, addrBase: unit.addrBase,
      });
      const want = expected.get(v.dieOffset);
      assert.ok(want, `llvm-dwarfdump shows a list for ${fn.name}.${v.name}`);
      assert.deepEqual(entries.map((e) => [e.lowPc, e.highPc]), want, `${fn.name}.${v.name}`);
      for (const e of entries) {
        if (e.lowPc < e.highPc) assert.equal(expressionAt(entries, e.highPc - 1n), entries.find((x) => e.highPc - 1n >= x.lowPc && e.highPc - 1n < x.highPc)!.expression);
      }
      if (entries.length > 0) assert.equal(expressionAt(entries, entries.reduce((m, e) => (e.highPc > m ? e.highPc : m), 0n)), undefined, 'no location past the last range');
      compared++;
    }
  }
  return compared;
}

const tools = haveTool('llvm-dwarfdump') && haveTool('aarch64-linux-gnu-gcc');

test('.debug_loclists (DWARF 5, -O2): every variable\'s list has llvm-dwarfdump\'s ranges', { skip: !tools && 'needs llvm-dwarfdump' }, () => {
  assert.ok(compareLists(guest('values')) >= 8, 'the -O2 guest has location lists to compare');
});

test('.debug_loc (DWARF 4, -O2): the same source\'s lists have llvm-dwarfdump\'s ranges', { skip: !tools && 'needs llvm-dwarfdump and the cross gcc' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'persona-loc-'));
  try {
    const elf = join(dir, 'values-dwarf4.elf');
    execFileSync('aarch64-linux-gnu-gcc', ['-ffreestanding', '-nostdlib', '-static', '-no-pie', '-O2', '-gdwarf-4', '-Wl,--unresolved-symbols=ignore-all', '-Wl,-e,main', '-o', elf, `-I${join(ROOT, 'examples/include')}`, join(ROOT, 'test/guests/values/main.c')]);
    assert.ok(readLocationSections(readFileSync(elf), elf).loc, 'gcc wrote .debug_loc');
    assert.ok(compareLists(elf) >= 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
