// .debug_info built by hand for what gcc does not emit here: strx1-4 and addrx1-4 through their
// bases, every reference form, ref_sig8 into a v5 type unit, 64-bit DWARF, block and data16
// forms, DW_FORM_indirect, loclistx/rnglistx; and broken units, each a DwarfFormatError at the
// offset of the lie.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDebugInfoSections } from '../../debug-adapter/symbols/dwarf-functions';
import type { DwarfSections } from '../../debug-adapter/symbols/dwarf-forms';
import { DwarfFormatError } from '../../debug-adapter/symbols/dwarf-reader';
import { Bytes } from './dwarf-bytes';

const F = {
  addr: 0x01, block2: 0x03, block4: 0x04, data2: 0x05, data4: 0x06, data8: 0x07, string: 0x08, block: 0x09, block1: 0x0a,
  data1: 0x0b, flag: 0x0c, sdata: 0x0d, strp: 0x0e, udata: 0x0f, refAddr: 0x10, ref1: 0x11, ref2: 0x12, ref4: 0x13, ref8: 0x14,
  refUdata: 0x15, indirect: 0x16, secOffset: 0x17, exprloc: 0x18, flagPresent: 0x19, strx: 0x1a, addrx: 0x1b, data16: 0x1e,
  lineStrp: 0x1f, refSig8: 0x20, implicitConst: 0x21, loclistx: 0x22, rnglistx: 0x23, strx1: 0x25, strx2: 0x26, strx3: 0x27,
  strx4: 0x28, addrx1: 0x29, addrx2: 0x2a, addrx3: 0x2b, addrx4: 0x2c,
} as const;
const T = { compileUnit: 0x11, typeUnit: 0x41, subprogram: 0x2e, formalParameter: 0x05, variable: 0x34, baseType: 0x24, pointerType: 0x0f, structureType: 0x13, member: 0x0d, enumerationType: 0x04, enumerator: 0x28, typedef: 0x16 } as const;
const A = {
  name: 0x03, byteSize: 0x0b, lowPc: 0x11, highPc: 0x12, constValue: 0x1c, location: 0x02, encoding: 0x3e, type: 0x49,
  frameBase: 0x40, external: 0x3f, declLine: 0x3b, ranges: 0x55, dataMemberLocation: 0x38, strOffsetsBase: 0x72,
  addrBase: 0x73, loclistsBase: 0x8c, rnglistsBase: 0x74,
} as const;

/** One abbreviation: code, tag, children, then [attr, form, implicit?] triples. */
function abbrev(out: Bytes, code: number, tag: number, children: boolean, specs: [number, number, number?][]): void {
  out.uleb(code).uleb(tag).u8(children ? 1 : 0);
  for (const [attr, form, implicit] of specs) {
    out.uleb(attr).uleb(form);
    if (form === F.implicitConst) out.sleb(implicit ?? 0);
  }
  out.u8(0, 0);
}

/** Wraps a unit body: unit_length, version, and the v4 or v5 header fields. */
function unit(version: number, body: Bytes, opts: { dwarf64?: boolean; unitType?: number; abbrevOffset?: number; typeSig?: bigint; typeOffset?: number } = {}): Bytes {
  const h = new Bytes().u16(version);
  const off = (v: number): void => void (opts.dwarf64 ? h.u64(BigInt(v)) : h.u32(v));
  if (version >= 5) {
    h.u8(opts.unitType ?? 1, 8);
    off(opts.abbrevOffset ?? 0);
    if (opts.typeSig !== undefined) {
      h.u64(opts.typeSig);
      off(opts.typeOffset ?? 0);
    }
  } else {
    off(opts.abbrevOffset ?? 0);
    h.u8(8);
  }
  h.raw(body);
  const u = new Bytes();
  if (opts.dwarf64) u.u32(0xffffffff).u64(BigInt(h.length));
  else u.u32(h.length);
  return u.raw(h);
}

/** The v5 unit exercising indexed forms; returns the sections and the offsets the test expects. */
function indexedUnit(): { s: DwarfSections } {
  const names = ['cu.c', 'main', 'argc', 'local', 'counter'];
  const str = new Bytes();
  const strOffsets = new Bytes().u32(4 + names.length * 4).u16(5).u16(0);
  for (const n of names) {
    strOffsets.u32(str.length);
    str.cstr(n);
  }
  const addr = new Bytes().u32(4 + 3 * 8).u16(5).u8(8, 0).u64(0x1000n).u64(0x1000n).u64(0x5000n);
  const loclists = new Bytes().u32(8 + 4 + 2).u16(5).u8(8, 0).u32(1).u32(4).u8(0, 0); // one offset (4) past the base, then padding
  // One list at offset 4 past the base (16): base_address, offset_pair, start_length, startx_length, an empty pair, end.
  const list = new Bytes().u8(5).u64(0x2000n).u8(4).uleb(0x10).uleb(0x20).u8(7).u64(0x3000n).uleb(8).u8(3).uleb(2).uleb(4).u8(4).uleb(0x30).uleb(0x30).u8(0);
  const rnglists = new Bytes().u32(8 + 4 + list.length).u16(5).u8(8, 0).u32(1).u32(4).raw(list);
  const ab = new Bytes();
  abbrev(ab, 1, T.compileUnit, true, [[A.name, F.strx1], [A.strOffsetsBase, F.secOffset], [A.addrBase, F.secOffset], [A.lowPc, F.addrx1], [A.highPc, F.data4], [A.loclistsBase, F.secOffset], [A.rnglistsBase, F.secOffset]]);
  abbrev(ab, 2, T.baseType, false, [[A.name, F.string], [A.byteSize, F.data1], [A.encoding, F.data1]]);
  abbrev(ab, 3, T.pointerType, false, [[A.byteSize, F.data1], [A.type, F.ref8]]);
  abbrev(ab, 4, T.subprogram, true, [[A.name, F.strx2], [A.lowPc, F.addrx2], [A.highPc, F.udata], [A.frameBase, F.exprloc], [A.external, F.flagPresent], [A.type, F.refUdata], [A.declLine, F.implicitConst, 42]]);
  abbrev(ab, 5, T.formalParameter, false, [[A.name, F.strx3], [A.type, F.ref1], [A.location, F.loclistx]]);
  abbrev(ab, 6, T.variable, false, [[A.name, F.strx4], [A.type, F.ref2], [A.constValue, F.block4]]);
  abbrev(ab, 7, T.variable, false, [[A.name, F.strx], [A.type, F.indirect], [A.location, F.exprloc], [A.external, F.flag]]);
  abbrev(ab, 8, T.subprogram, false, [[A.name, F.string], [A.ranges, F.rnglistx]]);
  abbrev(ab, 9, T.variable, false, [[A.name, F.string], [A.type, F.ref4], [A.location, F.block2], [A.constValue, F.data16]]);
  ab.u8(0);

  const HEADER = 12;
  const body = new Bytes();
  const at = (): number => HEADER + body.length;
  body.uleb(1).u8(0).u32(8).u32(8).u8(0).u32(0x40).u32(12).u32(12);
  const intAt = at();
  body.uleb(2).cstr('int').u8(4).u8(5);
  const ptrAt = at();
  body.uleb(3).u8(8).u64(BigInt(intAt));
  body.uleb(4).u16(1).u16(1).uleb(0x20).uleb(1).u8(0x6f).uleb(intAt); // frame base DW_OP_reg31
  body.uleb(5).u8(2, 0, 0).u8(ptrAt).uleb(0);
  body.uleb(6).u32(3).u16(intAt).u32(2).u8(0xaa, 0xbb);
  body.u8(0); // end of main's children
  body.uleb(7).uleb(4).uleb(F.ref4).u32(intAt).uleb(2).u8(0xa1, 2).u8(1); // DW_OP_addrx 2 → 0x5000
  body.uleb(8).cstr('split').uleb(0);
  body.uleb(9).cstr('blocky').u32(intAt).u16(1).u8(0x9c).raw(new Uint8Array(16).fill(7));
  body.u8(0);
  return {
    s: { info: unit(5, body).build(), abbrev: ab.build(), str: str.build(), strOffsets: strOffsets.build(), addr: addr.build(), loclists: loclists.build(), rnglists: rnglists.build() },
  };
}

test('v5 indexed forms: strx1-4/strx and addrx1-2 through their bases, ref1/2/4/8/udata, implicit_const, loclistx, rnglistx, blocks, data16, indirect', () => {
  const info = readDebugInfoSections(indexedUnit().s);
  const root = info.tree.units[0].root!;
  assert.deepEqual(root.attrs.get(A.name), { kind: 'string', value: 'cu.c' });
  assert.deepEqual(root.attrs.get(A.lowPc), { kind: 'address', value: 0x1000n });
  const main = info.functions.find((f) => f.name === 'main');
  assert.ok(main);
  assert.equal(main.lowPc, 0x1000n);
  assert.equal(main.highPc, 0x1020n, 'udata high_pc is an offset from low_pc');
  assert.deepEqual(main.frameBase, { kind: 'expression', bytes: Uint8Array.of(0x6f) });
  assert.equal(main.external, true);
  assert.equal(main.decl.line, 42);
  assert.equal(info.types.name(main.returnType), 'int');
  assert.deepEqual(main.params.map((p) => [p.name, info.types.name(p.type), p.location]), [['argc', 'int *', { kind: 'list', section: '.debug_loclists', index: 0n, offset: 16n }]]);
  assert.deepEqual(main.locals.map((l) => [l.name, l.location]), [['local', { kind: 'constant', value: { kind: 'block', bytes: Uint8Array.of(0xaa, 0xbb) } }]]);
  assert.equal(info.functionAt(0x101fn)?.name, 'main');
  assert.equal(info.functionAt(0x1020n), undefined);
  const counter = info.globals.find((g) => g.name === 'counter');
  assert.equal(counter?.address, 0x5000n, 'DW_OP_addrx through .debug_addr');
  assert.equal(counter?.external, true);
  assert.equal(info.types.name(counter?.type), 'int');
  const split = info.functions.find((f) => f.name === 'split');
  assert.deepEqual(split?.ranges, [{ lowPc: 0x2010n, highPc: 0x2020n }, { lowPc: 0x3000n, highPc: 0x3008n }, { lowPc: 0x5000n, highPc: 0x5004n }]);
  assert.equal(split?.lowPc, undefined);
  assert.equal(info.functionAt(0x2015n)?.name, 'split');
  assert.equal(info.functionAt(0x3007n)?.name, 'split');
  assert.equal(info.functionAt(0x3008n), undefined);
  assert.equal(info.functionAt(0x2008n), undefined);
  const blocky = info.globals.find((g) => g.name === 'blocky');
  assert.deepEqual(blocky?.location, { kind: 'expression', bytes: Uint8Array.of(0x9c) });
  assert.equal(info.tree.die(blocky!.dieOffset)?.attrs.get(A.constValue)?.kind, 'data16');
});

test('64-bit DWARF 4 and a v5 type unit referenced by DW_FORM_ref_sig8', () => {
  const str = new Bytes().cstr('point').cstr('x');
  const ab = new Bytes();
  abbrev(ab, 1, T.compileUnit, true, [[A.name, F.string]]);
  abbrev(ab, 2, T.variable, false, [[A.name, F.strp], [A.type, F.refSig8], [A.location, F.exprloc]]);
  abbrev(ab, 3, T.baseType, false, [[A.name, F.string], [A.byteSize, F.data1], [A.encoding, F.data1]]);
  abbrev(ab, 4, T.typeUnit, true, []);
  abbrev(ab, 5, T.structureType, true, [[A.name, F.strp], [A.byteSize, F.data2]]);
  abbrev(ab, 6, T.member, false, [[A.name, F.strp], [A.type, F.refAddr], [A.dataMemberLocation, F.block1]]);
  ab.u8(0);
  // Unit 1 (64-bit DWARF 4): a base type and a variable of the struct in the type unit.
  const cu = new Bytes().uleb(1).cstr('a.c');
  const intAt = 23 + cu.length; // 64-bit v4 header: 4 + 8 + 2 + 8 + 1
  cu.uleb(3).cstr('int').u8(4).u8(5);
  cu.uleb(2).u64(0n).u64(0x1234n).uleb(9).u8(0x03).u64(0x8000n).u8(0);
  const first = unit(4, cu, { dwarf64: true });
  // Unit 2 (v5 type unit): the struct, its member's type a ref_addr back into unit 1.
  const tu = new Bytes().uleb(4);
  const structAt = first.length + 24 + tu.length; // 32-bit v5 type unit header: 4 + 2 + 1 + 1 + 4 + 8 + 4
  tu.uleb(5).u32(0).u16(16).uleb(6).u32(6).u32(intAt).u8(2, 0x23, 8).u8(0, 0);
  const info = readDebugInfoSections({
    info: new Bytes().raw(first).raw(unit(5, tu, { unitType: 2, typeSig: 0x1234n, typeOffset: structAt - first.length })).build(),
    abbrev: ab.build(), str: str.build(),
  });
  assert.equal(info.tree.units[0].is64, true);
  assert.equal(info.tree.units[1].typeSignature, 0x1234n);
  const g = info.globals[0];
  assert.equal(g.address, 0x8000n);
  assert.equal(info.types.name(g.type), 'point');
  const t = info.types.describe(g.type!);
  assert.ok(t.kind === 'struct');
  assert.deepEqual(t.members.map((m) => [m.name, m.offset, info.types.name(m.type)]), [['x', 8, 'int']]);
});

function expectError(s: DwarfSections, offset: number, fault: RegExp, section = '.debug_info'): void {
  assert.throws(() => readDebugInfoSections(s), (e: unknown) => {
    assert.ok(e instanceof DwarfFormatError, String(e));
    assert.equal(e.section, section);
    assert.equal(e.offset, offset, e.message);
    assert.match(e.fault, fault);
    return true;
  });
}

test('broken units are DwarfFormatErrors at the offset of the lie', () => {
  const good = indexedUnit().s;
  const ab = new Bytes();
  abbrev(ab, 1, T.compileUnit, true, [[A.name, F.strx1]]);
  abbrev(ab, 2, T.variable, false, [[A.type, F.ref4]]);
  abbrev(ab, 3, T.variable, false, [[A.name, 0x7f]]);
  ab.u8(0);
  const abbrevs = ab.build();
  // strx without DW_AT_str_offsets_base: reported at the form (unit header is 12 bytes, code 1 byte).
  expectError({ info: unit(5, new Bytes().uleb(1).u8(0).u8(0)).build(), abbrev: abbrevs, strOffsets: good.strOffsets, str: good.str }, 13, /without DW_AT_str_offsets_base/);
  // A unit-relative reference past the unit's end.
  expectError({ info: unit(5, new Bytes().uleb(2).u32(0x100)).build(), abbrev: abbrevs }, 13, /outside its unit/);
  // A reference inside the unit where no DIE starts: reported at the referring DIE when resolved.
  const dangling = readDebugInfoSections({ info: unit(5, new Bytes().uleb(2).u32(13).u8(0)).build(), abbrev: abbrevs });
  assert.throws(() => dangling.types.typeOf(dangling.tree.units[0].root!), /where no DIE starts/);
  // An unknown form, an unknown abbreviation code, an abbreviation offset past .debug_abbrev, a bad version.
  expectError({ info: unit(5, new Bytes().uleb(3)).build(), abbrev: abbrevs }, 13, /unknown attribute form 0x7f/);
  expectError({ info: unit(5, new Bytes().uleb(9)).build(), abbrev: abbrevs }, 12, /abbreviation code 9 is not in the table/);
  expectError({ info: unit(5, new Bytes().uleb(1), { abbrevOffset: 0x400 }).build(), abbrev: abbrevs }, 8, /outside \.debug_abbrev/);
  expectError({ info: unit(6, new Bytes()).build(), abbrev: abbrevs }, 4, /unsupported unit version 6/);
  // A unit_length past the section, and a reserved initial length.
  const info = good.info;
  expectError({ ...good, info: info.subarray(0, info.length - 3) }, 4, /runs past the end/);
  expectError({ ...good, info: Uint8Array.of(0xf0, 0xff, 0xff, 0xff) }, 0, /reserved/);
  // A broken abbreviation table is reported in .debug_abbrev.
  expectError({ info: unit(5, new Bytes().uleb(1)).build(), abbrev: Uint8Array.of(1, 0x11, 1, 3) }, 4, /truncated ULEB128 form/, '.debug_abbrev');
});
