// CFI from hand-assembled sections: every CFA instruction (including the ones gcc does not emit for
// these programs), the 64-bit .debug_frame format, .eh_frame pointer encodings, corrupt sections
// (CfiFormatError names section and offset) and the unwinder's stopping rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallFrameInfo, CfiFormatError, type CfiSectionData } from '../../debug-adapter/symbols/cfi';
import { frameFromRegisters, stripPac, unwindStack, unwindStep, type ReadMemory } from '../../debug-adapter/symbols/unwind';

type Bytes = number[];

const uleb = (v: number): Bytes => {
  const out: Bytes = [];
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out.push(v !== 0 ? b | 0x80 : b);
  } while (v !== 0);
  return out;
};
const sleb = (v: number): Bytes => {
  const out: Bytes = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};
const le = (v: bigint, n: number): Bytes => Array.from({ length: n }, (_, i) => Number((BigInt.asUintN(64, v) >> BigInt(8 * i)) & 0xffn));
const u16 = (v: number): Bytes => le(BigInt(v), 2);
const u32 = (v: number | bigint): Bytes => le(BigInt(v), 4);
const u64 = (v: bigint): Bytes => le(v, 8);
const str = (s: string): Bytes => [...Buffer.from(s), 0];
/** A 32-bit-format entry: length, then the id/pointer and the body. */
const entry = (id: Bytes, body: Bytes): Bytes => [...u32(id.length + body.length), ...id, ...body];

const DEF_CFA_SP0 = [0x0c, 31, 0];
/** .debug_frame CIE v4 at offset 0: code align 4, data align -8, ra x30, CFA = sp. */
const CIE_V4 = entry(u32(0xffffffff), [4, ...str(''), 8, 0, ...uleb(4), ...sleb(-8), ...uleb(30), ...DEF_CFA_SP0]);
const debugFde = (cieAt: number, start: bigint, len: bigint, ops: Bytes): Bytes => entry(u32(cieAt), [...u64(start), ...u64(len), ...ops]);
const section = (name: CfiSectionData['name'], bytes: Bytes, address = 0n): CfiSectionData => ({ name, bytes: Uint8Array.from(bytes), address });

test('every CFA instruction: advance_loc1/2/4, set_loc, def_cfa*, offsets, restore, remember/restore_state, RA state', () => {
  const ops: Bytes = [
    0x41, 0x0e, 32, 0x9d, 4, 0x9e, 3, // 0x1004: def_cfa_offset 32; x29 at c-32; x30 at c-24
    0x02, 2, 0x0d, 29, 0x2d, 0x14, 19, 2, 0x09, 20, 21, 0x08, 22, 0x07, 23, 0x2e, 16, // 0x100c
    0x0a, 0x03, ...u16(4), 0xde, 0xdd, 0x12, 31, ...sleb(-4), 0x11, 19, ...sleb(1), 0x05, 24, 3, // 0x101c
    0x04, ...u32(2), 0x0b, // 0x1024: back to the 0x100c row
    0x01, ...u64(0x1040n), 0x13, ...sleb(-6), 0x15, 24, ...sleb(2), 0x2f, 25, 1, 0x06, 19, // 0x1040
    0x41, 0x10, 26, 2, 0x70, 0x00, 0x16, 27, 1, 0x9c, 0x0f, 2, 0x8f, 0x00, 0x00, 0x00, // 0x1044
  ];
  const cfi = new CallFrameInfo([section('.debug_frame', [...CIE_V4, ...debugFde(0, 0x1000n, 0x100n, ops)])]);
  const at = (pc: bigint) => {
    const hit = cfi.rowAt(pc);
    assert.ok(hit !== undefined, `row at 0x${pc.toString(16)}`);
    return hit.row;
  };
  assert.deepEqual(at(0x1000n).cfa, { kind: 'register', register: 31, offset: 0n });
  assert.equal(at(0x1000n).registers.size, 0);
  const r1 = at(0x1008n);
  assert.deepEqual([r1.start, r1.end], [0x1004n, 0x100cn]);
  assert.deepEqual(r1.cfa, { kind: 'register', register: 31, offset: 32n });
  assert.deepEqual(r1.registers.get(29), { kind: 'offset', offset: -32n });
  assert.deepEqual(r1.registers.get(30), { kind: 'offset', offset: -24n });
  const r2 = at(0x100cn);
  assert.deepEqual(r2.cfa, { kind: 'register', register: 29, offset: 32n });
  assert.equal(r2.raSigned, true);
  assert.equal(r2.argsSize, 16n);
  assert.deepEqual(r2.registers.get(19), { kind: 'valOffset', offset: -16n });
  assert.deepEqual(r2.registers.get(20), { kind: 'register', register: 21 });
  assert.deepEqual(r2.registers.get(22), { kind: 'same' });
  assert.deepEqual(r2.registers.get(23), { kind: 'undefined' });
  const r3 = at(0x1020n);
  assert.deepEqual(r3.cfa, { kind: 'register', register: 31, offset: 32n });
  assert.equal(r3.registers.has(29), false);
  assert.equal(r3.registers.has(30), false);
  assert.deepEqual(r3.registers.get(19), { kind: 'offset', offset: -8n });
  assert.deepEqual(r3.registers.get(24), { kind: 'offset', offset: -24n });
  const r4 = at(0x1030n);
  assert.deepEqual([r4.start, r4.end], [0x1024n, 0x1040n]);
  assert.deepEqual({ ...r4, start: 0n, end: 0n }, { ...r2, start: 0n, end: 0n }, 'restore_state brings back the whole row');
  const r5 = at(0x1040n);
  assert.deepEqual(r5.cfa, { kind: 'register', register: 29, offset: 48n });
  assert.deepEqual(r5.registers.get(24), { kind: 'valOffset', offset: -16n });
  assert.deepEqual(r5.registers.get(25), { kind: 'offset', offset: 8n });
  assert.equal(r5.registers.has(19), false, 'restore_extended to the CIE (no rule)');
  const r6 = at(0x10ffn);
  assert.deepEqual([r6.start, r6.end], [0x1044n, 0x1100n]);
  assert.deepEqual(r6.cfa, { kind: 'expression', expression: Uint8Array.from([0x8f, 0x00]) });
  assert.deepEqual(r6.registers.get(26), { kind: 'expression', expression: Uint8Array.from([0x70, 0x00]) });
  assert.deepEqual(r6.registers.get(27), { kind: 'valExpression', expression: Uint8Array.from([0x9c]) });
  assert.equal(cfi.rowAt(0x1100n), undefined);
  assert.equal(cfi.rowAt(0xfffn), undefined);
});

test('64-bit .debug_frame: a CIE after its FDE, version 1 (u8 return-address column)', () => {
  const ops = [0x41, 0x0e, 16];
  const cieAt = 4 + 8 + 8 * 3 + ops.length; // the FDE's own size
  const fde = [...u32(0xffffffff), ...u64(BigInt(24 + ops.length)), ...u64(BigInt(cieAt)), ...u64(0x2000n), ...u64(0x10n), ...ops];
  const cieBody = [...u64(0xffffffffffffffffn), 1, ...str(''), 4, ...sleb(-8), 30, ...DEF_CFA_SP0];
  const cie = [...u32(0xffffffff), ...u64(BigInt(cieBody.length)), ...cieBody];
  assert.equal(fde.length, cieAt);
  const cfi = new CallFrameInfo([section('.debug_frame', [...fde, ...cie])]);
  assert.deepEqual(cfi.fdes.map((f) => [f.offset, f.start, f.end, f.cie.offset, f.cie.version]), [[0, 0x2000n, 0x2010n, cieAt, 1]]);
  assert.deepEqual(cfi.rowAt(0x2004n)?.row.cfa, { kind: 'register', register: 31, offset: 16n });
});

/** An .eh_frame CIE at offset 0 with augmentation `aug` and data `augData`. */
const ehCie = (aug: string, augData: Bytes): Bytes => entry(u32(0), [1, ...str(aug), ...uleb(4), ...sleb(-8), 30, ...uleb(augData.length), ...augData, ...DEF_CFA_SP0]);

test('.eh_frame pointer encodings: pcrel|sdata4, udata4, absptr, and a zero terminator', () => {
  const base = 0x4008_0100n;
  for (const [enc, addr] of [[0x1b, (at: number) => u32(0x4000_0000n - (base + BigInt(at)))], [0x03, () => u32(0x4000_0000)], [0x00, () => u64(0x4000_0000n)]] as const) {
    const cie = ehCie('zR', [enc]);
    const fdeAt = cie.length;
    const locAt = fdeAt + 8;
    const fde = entry(u32(fdeAt + 4), [...addr(locAt), ...(enc === 0 ? u64(0x40n) : u32(0x40)), 0, 0x41, 0x0e, 16]);
    const cfi = new CallFrameInfo([section('.eh_frame', [...cie, ...fde, ...u32(0), 0xde, 0xad], base)]);
    assert.deepEqual(cfi.fdes.map((f) => [f.start, f.end]), [[0x4000_0000n, 0x4000_0040n]], `encoding 0x${enc.toString(16)}`);
    assert.deepEqual(cfi.rowAt(0x4000_0004n)?.row.cfa, { kind: 'register', register: 31, offset: 16n });
  }
});

test('"zPLRS" CIE: the personality is skipped (even indirect), the LSDA decoded, S marks a signal frame', () => {
  const cie = ehCie('zPLRS', [0x9b, ...u32(0x1234), 0x03, 0x03]);
  const fdeAt = cie.length;
  const fde = entry(u32(fdeAt + 4), [...u32(0x5000), ...u32(0x20), 4, ...u32(0x7000), 0x41, 0x0e, 32]);
  const cfi = new CallFrameInfo([section('.eh_frame', [...cie, ...fde])]);
  const f = cfi.fdes[0];
  assert.deepEqual([f.start, f.end, f.lsda, f.cie.signalFrame, f.cie.augmentation], [0x5000n, 0x5020n, 0x7000n, true, 'zPLRS']);
  assert.equal(cfi.rowAt(0x5004n)?.row.cfa.kind, 'register');
});

function expectCfiError(fn: () => unknown, sectionName: string, offset: number, fault: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CfiFormatError, String(e));
    assert.equal(e.section, sectionName);
    assert.equal(e.offset, offset, e.message);
    assert.match(e.message, new RegExp(`^CfiFormatError: ${sectionName.replace('.', '\\.')} at 0x${offset.toString(16)}: `));
    assert.match(e.fault, fault);
    return true;
  });
}

test('corrupt sections give CfiFormatError naming the section and offset', () => {
  const good = [...CIE_V4, ...debugFde(0, 0x1000n, 0x10n, [0x41])];
  const df = (b: Bytes) => () => new CallFrameInfo([section('.debug_frame', b)]);
  const lying = [...good];
  lying.splice(CIE_V4.length, 4, ...u32(0x1000));
  expectCfiError(df(lying), '.debug_frame', CIE_V4.length, /entry length 0x1000 runs past the end/);
  expectCfiError(df([...CIE_V4, ...debugFde(0x80, 0x1000n, 0x10n, [])]), '.debug_frame', CIE_V4.length, /no CIE there/);
  expectCfiError(df([...good, 1, 2]), '.debug_frame', good.length, /2 stray bytes/);
  const v2 = [...CIE_V4];
  v2[8] = 2;
  expectCfiError(df(v2), '.debug_frame', 0, /CIE version 2/);
  expectCfiError(df(entry(u32(0xffffffff), [1, 0x61, 0x62])), '.debug_frame', 9, /unterminated CIE augmentation/);
  expectCfiError(df(entry(u32(0xffffffff), [1, ...str('eh'), 4, 0x78, 30])), '.debug_frame', 0, /augmentation "eh"/);
  expectCfiError(() => new CallFrameInfo([section('.eh_frame', ehCie('zR', [0x1b]).slice(0, 12))]), '.eh_frame', 0, /runs past the end/);
  // CFA programs are checked when first run: the bad instruction's own offset is named.
  const bad = (ops: Bytes) => () => new CallFrameInfo([section('.debug_frame', [...CIE_V4, ...debugFde(0, 0x1000n, 0x10n, ops)])]).rowAt(0x1000n);
  const opsAt = CIE_V4.length + 4 + 4 + 16;
  expectCfiError(bad([0x41, 0x3f]), '.debug_frame', opsAt + 1, /unknown CFA instruction 0x3f/);
  expectCfiError(bad([0x0b]), '.debug_frame', opsAt, /restore_state without a matching/);
  expectCfiError(bad([0x0f, 1, 0x9c, 0x0e, 8]), '.debug_frame', opsAt + 3, /applied to a CFA defined by an expression/);
  expectCfiError(bad([0x07, ...uleb(4000)]), '.debug_frame', opsAt, /register column 4000/);
  expectCfiError(bad([0x01, ...u64(0x800n)]), '.debug_frame', opsAt, /set_loc moves backwards/);
  expectCfiError(bad([0x10, 5, 9, 1]), '.debug_frame', opsAt + 3, /truncated DW_CFA_expression/);
});

// ---- The unwinder's rules on hand-made CFI ----

const STACK = 0x8000n;
function memory(words: Record<string, bigint>): ReadMemory {
  const bytes = new Uint8Array(0x1000);
  const view = new DataView(bytes.buffer);
  for (const [a, v] of Object.entries(words)) view.setBigUint64(Number(BigInt(a) - STACK), v, true);
  return (addr, size) => (addr < STACK || addr + BigInt(size) > STACK + 0x1000n ? undefined : bytes.subarray(Number(addr - STACK), Number(addr - STACK) + size));
}
const regs = (pc: bigint, sp: bigint, fp: bigint, lr: bigint) => {
  const x: bigint[] = [];
  x[29] = fp;
  x[30] = lr;
  x[16] = 0x3333_0000n;
  return frameFromRegisters({ pc, sp, x });
};

// 0x1000: CFA expression (unsupported) → frame-pointer fallback; 0x2000: x30 undefined (outermost);
// 0x3000: return address in x16, CFA sp+0.
const HANDMADE = new CallFrameInfo([
  section('.debug_frame', [
    ...CIE_V4,
    ...debugFde(0, 0x1000n, 0x100n, [0x0f, 2, 0x8f, 0x00]),
    ...debugFde(0, 0x2000n, 0x100n, [0x07, 30]),
    ...debugFde(0, 0x3000n, 0x100n, [0x09, 30, 16]),
  ]),
]);

test('unwindStep: CFA expressions fall back to the frame record; DW_CFA_undefined x30 ends the stack', () => {
  const read = memory({ [String(STACK + 0x100n)]: STACK + 0x200n, [String(STACK + 0x108n)]: 0x2004n });
  const frames = unwindStack(regs(0x1010n, STACK + 0x80n, STACK + 0x100n, 0xdeadn), read, { cfi: HANDMADE });
  assert.deepEqual(frames.map((f) => [f.pc, f.source, f.registers.get(31), f.registers.get(29)]), [
    [0x1010n, 'registers', STACK + 0x80n, STACK + 0x100n],
    [0x2004n, 'frame-pointer', STACK + 0x110n, STACK + 0x200n],
  ]);
});

test('unwindStep: DW_CFA_register takes the return address from another register', () => {
  const f = unwindStep(regs(0x3000n, STACK + 0x80n, 0n, 0xdeadn), memory({}), { cfi: HANDMADE });
  // With an explicit rule the caller's x30 is known too: DWARF gives the RA column a value.
  assert.deepEqual([f?.pc, f?.registers.get(31), f?.registers.get(30)], [0x3333_0000n, STACK + 0x80n, 0x3333_0000n]);
});

test('unwindStep: out of an S (signal) frame the caller pc is exact, not a return address', () => {
  // CIE "zRS" at 0; FDE 0x6000..0x6100 saying x30 is at CFA-8, CFA = sp+16.
  const cie = ehCie('zRS', [0x03]);
  const eh = [...cie, ...entry(u32(cie.length + 4), [...u32(0x6000), ...u32(0x100), 0, 0x0e, 16, 0x9e, 1])];
  const cfi = new CallFrameInfo([section('.eh_frame', eh)]);
  const read = memory({ [String(STACK + 0x88n)]: 0x7000n });
  const f = unwindStep(regs(0x6010n, STACK + 0x80n, 0n, 0n), read, { cfi });
  assert.deepEqual([f?.pc, f?.pcIsReturnAddress, f?.registers.get(31)], [0x7000n, false, STACK + 0x90n]);
});

test('frame-pointer chain stops on a null, looping, misaligned or unreadable record', () => {
  const none = new CallFrameInfo([]);
  const step = (fp: bigint, words: Record<string, bigint>) => unwindStep(regs(0x9000n, STACK + 0x10n, fp, 0n), memory(words), { cfi: none });
  const at = (a: bigint) => String(a);
  assert.equal(step(STACK + 0x40n, { [at(STACK + 0x40n)]: 0n, [at(STACK + 0x48n)]: 0x9100n })?.pc, 0x9100n, 'a last record (caller fp 0) still yields its caller');
  assert.equal(step(0n, {}), undefined, 'null fp');
  assert.equal(step(STACK + 0x44n, {}), undefined, 'misaligned fp');
  assert.equal(step(STACK + 0x40n, { [at(STACK + 0x40n)]: STACK + 0x20n, [at(STACK + 0x48n)]: 0x9100n }), undefined, 'chain goes down the stack');
  assert.equal(step(STACK + 0x40n, { [at(STACK + 0x40n)]: STACK + 0x40n, [at(STACK + 0x48n)]: 0x9100n }), undefined, 'chain loops on itself');
  assert.equal(step(STACK + 0x40n, { [at(STACK + 0x40n)]: STACK + 0x80n, [at(STACK + 0x48n)]: 0n }), undefined, 'null return address');
  assert.equal(step(STACK + 0x40n, { [at(STACK + 0x40n)]: STACK + 0x80n, [at(STACK + 0x48n)]: 0x9102n }), undefined, 'misaligned return address');
  assert.equal(step(STACK - 0x1000n, {}), undefined, 'frame record below sp');
  assert.equal(step(STACK + 0x2000n, {}), undefined, 'unreadable record');
  const chain = memory({ [at(STACK + 0x40n)]: STACK + 0x80n, [at(STACK + 0x48n)]: 0x9100n, [at(STACK + 0x80n)]: STACK + 0x40n, [at(STACK + 0x88n)]: 0x9200n });
  const frames = unwindStack(regs(0x9000n, STACK + 0x10n, STACK + 0x40n, 0n), chain, { cfi: none });
  assert.deepEqual(frames.map((f) => f.pc), [0x9000n, 0x9100n], 'a record pointing back to an earlier one is not trusted at all');
});

test('stripPac keeps a kernel address canonical and clears a user address', () => {
  assert.equal(stripPac(0x00a5_ffff_0800_1234n), 0xffff_ffff_0800_1234n);
  assert.equal(stripPac(0x2ab5_8000_0800_1234n), 0xffff_8000_0800_1234n);
  assert.equal(stripPac(0x3a2f_0000_4008_1234n), 0x0000_0000_4008_1234n);
  assert.equal(stripPac(0x0000_0000_4008_1234n), 0x0000_0000_4008_1234n);
  assert.equal(stripPac(0x002b_0040_0812_3400n, 39), 0x0000_0040_0812_3400n);
});
