// Hand-built line tables for what gcc does not emit here (DWARF 2 tables, 64-bit DWARF, v5 MD5s and
// strp/line_strp/data1/block forms, define_file, vendor opcodes), and broken sections: each must be
// a DwarfFormatError naming .debug_line and an offset, never a RangeError.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLineSection, type LineRow } from '../../debug-adapter/symbols/dwarf-line';
import { DwarfFormatError, DwarfReader } from '../../debug-adapter/symbols/dwarf-reader';
import { LineIndex } from '../../debug-adapter/symbols/line-index';
import { Bytes, lineUnit, STANDARD_LENGTHS } from './dwarf-bytes';

const LINE_STR = new Bytes().cstr('/src').cstr('inc').cstr('util.c').build(); // offsets 0, 5, 9
const STR = new Bytes().cstr('/other').build();
const MD5 = Uint8Array.from({ length: 16 }, (_, i) => i * 17);

/** DWARF 5: line_strp directories, string/udata/data16 file entries, most opcodes. */
function v5Unit(program?: Bytes): Bytes {
  const params = new Bytes().u8(4, 1, 1).u8(-5, 14, 13).u8(...STANDARD_LENGTHS);
  params.u8(1).uleb(1).uleb(0x1f).uleb(2).u32(0).u32(5); // directories: "/src", "inc"
  params.u8(3).uleb(1).uleb(0x08).uleb(2).uleb(0x0f).uleb(5).uleb(0x1e).uleb(2);
  params.cstr('main.c').uleb(0).raw(MD5).cstr('defs.h').uleb(1).raw(MD5);
  const p = program ?? new Bytes()
    .u8(0, 9, 2).u64(0x1000n) // set_address
    .u8(4).uleb(0) // set_file 0: main.c
    .u8(5).uleb(3) // set_column 3
    .u8(19) // special: line +1 → 2
    .u8(46) // special: 2 ops (8 bytes), line +0
    .u8(6).u8(3).sleb(10).u8(2).uleb(3).u8(1) // !stmt, line 12, +12 bytes, copy
    .u8(6).u8(8).u8(9).u16(4) // stmt, const_add_pc (+68), fixed_advance_pc (+4)
    .u8(0, 2, 4, 7) // set_discriminator 7
    .u8(4).uleb(1).u8(1) // set_file 1 (defs.h), copy
    .u8(0, 3, 0x80, 0xaa, 0xbb) // a vendor extended opcode, skipped by its length
    .u8(12).uleb(1).u8(10, 11, 7) // set_isa, prologue_end, epilogue_begin, basic_block
    .u8(2).uleb(1).u8(0, 1, 1) // +4, end_sequence
    .u8(0, 9, 2).u64(0x2000n).u8(19).u8(2).uleb(1).u8(0, 1, 1); // a second sequence
  return lineUnit(5, params, p);
}

/** DWARF 5 with strp directories and line_strp/data1/block file entries. */
function v5FormsUnit(): Bytes {
  const params = new Bytes().u8(4, 1, 1).u8(-5, 14, 13).u8(...STANDARD_LENGTHS);
  params.u8(1).uleb(1).uleb(0x0e).uleb(1).u32(0); // directory 0: "/other" from .debug_str
  params.u8(3).uleb(1).uleb(0x1f).uleb(2).uleb(0x0b).uleb(5).uleb(0x09).uleb(1);
  params.u32(9).u8(0).uleb(16).raw(MD5);
  return lineUnit(5, params, new Bytes().u8(0, 9, 2).u64(0x5000n).u8(4).uleb(0).u8(20).u8(0, 1, 1));
}

/** DWARF 4, 64-bit format, 4-byte set_address, opcode_base 14 with a vendor standard opcode. */
function v4Unit(): Bytes {
  const params = new Bytes().u8(2, 1, 0).u8(-3, 12, 14).u8(...STANDARD_LENGTHS, 2);
  params.cstr('lib').u8(0).cstr('a.c').uleb(0).uleb(0).uleb(0).cstr('/abs/b.c').uleb(1).uleb(7).uleb(9).u8(0);
  const program = new Bytes()
    .u8(0, 5, 2).u32(0x8000) // set_address (4 bytes)
    .u8(13).uleb(0x81).uleb(5) // vendor standard opcode 13: two ULEB operands
    .u8(31) // special: 1 op (2 bytes), line +2 → 3
    .u8(0, 8, 3).cstr('c.c').uleb(1).uleb(0).uleb(0) // define_file 3: lib/c.c
    .u8(4).uleb(3).u8(1) // set_file 3, copy
    .u8(4).uleb(2).u8(2).uleb(2).u8(1) // set_file 2, +4 bytes, copy
    .u8(2).uleb(1).u8(0, 1, 1);
  return lineUnit(4, params, program, { dwarf64: true });
}

/** DWARF 2: no maximum_operations_per_instruction, opcode_base 10 (10..12 are special opcodes). */
function v2Unit(): Bytes {
  const params = new Bytes().u8(4, 1).u8(1, 4, 10).u8(0, 1, 1, 1, 1, 0, 0, 0, 1);
  params.u8(0).cstr('x.c').uleb(0).uleb(0).uleb(0).u8(0);
  return lineUnit(2, params, new Bytes().u8(0, 9, 2).u64(0x3000n).u8(10).u8(14).u8(0, 1, 1));
}

function row(address: number, file: string, line: number, column: number, isStmt: boolean, endSequence = false): LineRow {
  return { address: BigInt(address), file, line, column, isStmt, endSequence };
}

const STRINGS = { str: STR, lineStr: LINE_STR };

test('DWARF 5, 4 (64-bit) and 2 units: every opcode and form decodes to the expected rows', () => {
  const section = new Bytes().raw(v5Unit()).raw(v4Unit()).raw(v2Unit()).raw(v5FormsUnit()).build();
  const v4At = v5Unit().length;
  const tables = readLineSection(section, STRINGS, new Map([[v4At, '/build']]));
  assert.deepEqual(tables.map((t) => [t.offset, t.version]), [[0, 5], [v4At, 4], [v4At + v4Unit().length, 2], [v4At + v4Unit().length + v2Unit().length, 5]]);
  const [v5, v4, v2, forms] = tables;
  assert.deepEqual(v5.directories, ['/src', '/src/inc']);
  assert.deepEqual(v5.files, [{ path: '/src/main.c', md5: Buffer.from(MD5).toString('hex') }, { path: '/src/inc/defs.h', md5: Buffer.from(MD5).toString('hex') }]);
  assert.deepEqual(v5.rows, [
    row(0x1000, '/src/main.c', 2, 3, true),
    row(0x1008, '/src/main.c', 2, 3, true),
    row(0x1014, '/src/main.c', 12, 3, false),
    row(0x105c, '/src/inc/defs.h', 12, 3, true),
    row(0x1060, '/src/inc/defs.h', 12, 3, true, true),
    row(0x2000, '/src/inc/defs.h', 2, 0, true),
    row(0x2004, '/src/inc/defs.h', 2, 0, true, true),
  ]);
  assert.deepEqual(v4.files.map((f) => f?.path), [undefined, '/build/a.c', '/abs/b.c', '/build/lib/c.c']);
  assert.deepEqual(v4.rows, [
    row(0x8002, '/build/a.c', 3, 0, false),
    row(0x8002, '/build/lib/c.c', 3, 0, false),
    row(0x8006, '/abs/b.c', 3, 0, false),
    row(0x8008, '/abs/b.c', 3, 0, false, true),
  ]);
  assert.deepEqual(v2.rows, [row(0x3000, 'x.c', 2, 0, true), row(0x3004, 'x.c', 3, 0, true), row(0x3004, 'x.c', 3, 0, true, true)]);
  assert.deepEqual(forms.files, [{ path: '/other/util.c', md5: Buffer.from(MD5).toString('hex') }]);
  assert.deepEqual(forms.rows, [row(0x5000, '/other/util.c', 3, 0, true), row(0x5000, '/other/util.c', 3, 0, true, true)]);

  const index = new LineIndex(tables);
  assert.deepEqual(index.lookupAddress(0x1004n), { file: '/src/main.c', line: 2, column: 3, start: 0x1000n, end: 0x1008n });
  assert.equal(index.lookupAddress(0x1014n)?.line, 12);
  assert.equal(index.lookupAddress(0x105fn)?.file, '/src/inc/defs.h');
  assert.equal(index.lookupAddress(0x1060n), undefined, 'end_sequence covers nothing');
  assert.equal(index.lookupAddress(0x5000n), undefined, 'an empty sequence covers nothing');
  // Two rows at 0x8002: the last one there wins (neither is a statement).
  assert.equal(index.lookupAddress(0x8004n)?.file, '/build/lib/c.c');
  assert.deepEqual(index.addressesForLine('main.c', 2), [0x1000n], 'consecutive rows of a line: one address');
  assert.deepEqual(index.addressesForLine('main.c', 12), [], 'not a statement');
  assert.deepEqual(index.addressesForLine('inc/defs.h', 2), [0x2000n]);
  assert.equal(index.nextLineWithCode('main.c', 3), undefined, 'line 12 of main.c is not a statement');
  assert.equal(index.nextLineWithCode('defs.h', 3), 12);
});

function expectDwarfError(fn: () => unknown, fault: RegExp, offset?: number): DwarfFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DwarfFormatError, `expected DwarfFormatError, got ${String(caught)}`);
  assert.equal(caught.section, '.debug_line');
  assert.match(caught.fault, fault);
  if (offset !== undefined) assert.equal(caught.offset, offset);
  assert.ok(caught.message.startsWith(`DwarfFormatError: .debug_line at 0x${caught.offset.toString(16)}: `), caught.message);
  return caught;
}

test('every truncation of a unit is a DwarfFormatError naming .debug_line and an offset', () => {
  for (const unit of [v5Unit(), v4Unit(), v2Unit(), v5FormsUnit()]) {
    const bytes = unit.build();
    for (let cut = 1; cut < bytes.length; cut++) expectDwarfError(() => readLineSection(bytes.subarray(0, cut), STRINGS), /./);
  }
});

test('lying headers and programs are DwarfFormatErrors with the offending offset', () => {
  const good = v5Unit().build();
  const patched = (at: number, ...values: number[]): Uint8Array => {
    const b = good.slice();
    b.set(values, at);
    return b;
  };
  expectDwarfError(() => readLineSection(patched(0, 0xff, 0xff, 0xff, 0x7f), STRINGS), /runs past the end/, 4);
  expectDwarfError(() => readLineSection(patched(0, 0xf0, 0xff, 0xff, 0xff), STRINGS), /reserved/, 0);
  expectDwarfError(() => readLineSection(patched(4, 6, 0), STRINGS), /unsupported line table version 6/, 4);
  expectDwarfError(() => readLineSection(patched(6, 3), STRINGS), /address_size 3/);
  expectDwarfError(() => readLineSection(patched(8, 0xff, 0xff, 0, 0), STRINGS), /header_length/, 8);
  expectDwarfError(() => readLineSection(patched(16, 0), STRINGS), /line_range is 0/, 16);
  expectDwarfError(() => readLineSection(good, { lineStr: LINE_STR.subarray(0, 2) }), /outside \.debug_line_str|unterminated/);
  expectDwarfError(() => readLineSection(good, {}), /\.debug_line_str, which the file does not have/);
  const badFile = v5Unit(new Bytes().u8(0, 9, 2).u64(0n).u8(4).uleb(9).u8(1));
  expectDwarfError(() => readLineSection(badFile.build(), STRINGS), /file 9/);
  const badAddress = v5Unit(new Bytes().u8(0, 5, 2).u32(0));
  expectDwarfError(() => readLineSection(badAddress.build(), STRINGS), /set_address operand is 4 bytes, address_size is 8/);
  const longLeb = v5Unit(new Bytes().u8(4).u8(...new Array<number>(12).fill(0xff), 0x7f));
  expectDwarfError(() => readLineSection(longLeb.build(), STRINGS), /too large/);
});

test('DwarfReader: LEB128 values, bounds and narrowing', () => {
  const r = new DwarfReader('.debug_test', Uint8Array.from([0xe5, 0x8e, 0x26, 0xc0, 0xbb, 0x78, 0x7f, 0x80, 0x01, 0xff]));
  assert.equal(r.uleb('a'), 624485n);
  assert.equal(r.sleb('b'), -123456n);
  assert.equal(r.sleb('c'), -1n);
  assert.equal(r.ulebNumber('d'), 128);
  assert.throws(() => r.uleb('e'), (e: unknown) => e instanceof DwarfFormatError && e.section === '.debug_test' && e.offset === 9 && /truncated ULEB128 e/.test(e.fault));
  const s = new DwarfReader('.debug_test', Uint8Array.from([1, 2, 3, 4, 5, 6]));
  const outer = s.narrow(4, 'unit');
  assert.equal(s.u32('word'), 0x04030201);
  assert.throws(() => s.u8('past the unit'), DwarfFormatError);
  s.restoreLimit(outer);
  assert.equal(s.u16('rest'), 0x0605);
  assert.throws(() => s.u64('x'), /DwarfFormatError: \.debug_test at 0x6: truncated x/);
  assert.throws(() => new DwarfReader('.debug_test', Uint8Array.from([0x61, 0x62])).cstring('name'), /unterminated string \(name\)/);
});
