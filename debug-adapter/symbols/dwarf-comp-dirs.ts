// Before DWARF 5 a line table's directory 0 is "the compilation directory", which only the CU's
// DIE says (DW_AT_comp_dir). This reads just the first DIE of each unit in .debug_info to map
// DW_AT_stmt_list (a .debug_line offset) to DW_AT_comp_dir; the full DIE reader comes later.

import { DwarfReader, stringAt } from './dwarf-reader';
import type { DwarfStrings } from './dwarf-line-header';

const DW_AT_stmt_list = 0x10;
const DW_AT_comp_dir = 0x1b;

const DW_UT_compile = 1;
const DW_UT_partial = 3;
const DW_UT_skeleton = 4;
const DW_UT_split_compile = 5;
const DW_UT_type = 2;
const DW_UT_split_type = 6;

const DW_FORM_string = 0x08;
const DW_FORM_strp = 0x0e;
const DW_FORM_line_strp = 0x1f;
const DW_FORM_indirect = 0x16;
const DW_FORM_implicit_const = 0x21;

/** stmt_list offset → comp_dir, for every CU that has both (strx-form comp_dirs are skipped). */
export function readCompDirs(debugInfo: Uint8Array, debugAbbrev: Uint8Array | undefined, strings: DwarfStrings): Map<number, string> {
  const out = new Map<number, string>();
  const r = new DwarfReader('.debug_info', debugInfo);
  while (!r.atEnd) {
    const unitAt = r.pos;
    const { length, is64 } = r.initialLength('unit_length');
    const outer = r.narrow(length, `unit at 0x${unitAt.toString(16)}:`);
    const unitEnd = r.end;
    const version = r.u16('version');
    if (version < 2 || version > 5) r.fail(`unsupported unit version ${version}`, unitAt);
    let unitType = DW_UT_compile;
    let addressSize: number;
    let abbrevOffset: bigint;
    if (version >= 5) {
      unitType = r.u8('unit_type');
      addressSize = r.u8('address_size');
      abbrevOffset = r.offset(is64, 'debug_abbrev_offset');
      if (unitType === DW_UT_skeleton || unitType === DW_UT_split_compile) r.skip(8, 'dwo_id');
      if (unitType === DW_UT_type || unitType === DW_UT_split_type) r.skip(is64 ? 16 : 12, 'type signature and offset');
    } else {
      abbrevOffset = r.offset(is64, 'debug_abbrev_offset');
      addressSize = r.u8('address_size');
    }
    if (unitType === DW_UT_compile || unitType === DW_UT_partial || unitType === DW_UT_skeleton) {
      const found = firstDie(r, { debugAbbrev, abbrevOffset, is64, version, addressSize, strings });
      if (found.stmtList !== undefined && found.compDir !== undefined) out.set(found.stmtList, found.compDir);
    }
    r.restoreLimit(outer);
    r.pos = unitEnd;
  }
  return out;
}

interface UnitContext {
  debugAbbrev: Uint8Array | undefined;
  abbrevOffset: bigint;
  is64: boolean;
  version: number;
  addressSize: number;
  strings: DwarfStrings;
}

function firstDie(r: DwarfReader, u: UnitContext): { stmtList?: number; compDir?: string } {
  const code = r.uleb('abbreviation code');
  if (code === 0n) return {};
  const specs = abbreviation(r, u, code);
  const out: { stmtList?: number; compDir?: string } = {};
  for (const { attr, form, implicit } of specs) {
    const at = r.pos;
    if (attr === DW_AT_stmt_list && form !== DW_FORM_indirect) {
      out.stmtList = Number(form === DW_FORM_implicit_const ? implicit : r.unsigned(formSize(r, form, u), 'DW_AT_stmt_list'));
    } else if (attr === DW_AT_comp_dir && form === DW_FORM_string) {
      out.compDir = r.cstring('DW_AT_comp_dir');
    } else if (attr === DW_AT_comp_dir && (form === DW_FORM_strp || form === DW_FORM_line_strp)) {
      const off = r.offset(u.is64, 'DW_AT_comp_dir');
      out.compDir = form === DW_FORM_strp ? stringAt('.debug_str', u.strings.str, off, r, at) : stringAt('.debug_line_str', u.strings.lineStr, off, r, at);
    } else {
      skipForm(r, form, u);
    }
  }
  return out;
}

interface AttrSpec {
  attr: number;
  form: number;
  implicit: bigint;
}

/** The attribute specs of abbreviation `code` in the unit's table. */
function abbreviation(from: DwarfReader, u: UnitContext, code: bigint): AttrSpec[] {
  if (u.debugAbbrev === undefined) from.fail('the file has .debug_info but no .debug_abbrev');
  if (u.abbrevOffset >= BigInt(u.debugAbbrev.length)) from.fail(`debug_abbrev_offset 0x${u.abbrevOffset.toString(16)} is outside .debug_abbrev`);
  const a = new DwarfReader('.debug_abbrev', u.debugAbbrev, Number(u.abbrevOffset));
  for (;;) {
    const c = a.uleb('abbreviation code');
    if (c === 0n) from.fail(`abbreviation ${code} is not in the table at .debug_abbrev 0x${u.abbrevOffset.toString(16)}`);
    a.uleb('tag');
    a.u8('children flag');
    const specs: AttrSpec[] = [];
    for (;;) {
      const attr = a.ulebNumber('attribute');
      const form = a.ulebNumber('form');
      if (attr === 0 && form === 0) break;
      specs.push({ attr, form, implicit: form === DW_FORM_implicit_const ? a.sleb('implicit_const') : 0n });
    }
    if (c === code) return specs;
  }
}

/** Size of a fixed-size form, for the stmt_list read (sec_offset, data4, data8). */
function formSize(r: DwarfReader, form: number, u: UnitContext): number {
  if (form === 0x17) return u.is64 ? 8 : 4; // DW_FORM_sec_offset
  if (form === 0x06) return 4; // data4 (DWARF 2/3)
  if (form === 0x07) return 8; // data8
  return r.fail(`DW_AT_stmt_list has unexpected form 0x${form.toString(16)}`);
}

/** Moves past one attribute value of `form` (DWARF 2 to 5 forms). */
function skipForm(r: DwarfReader, form: number, u: UnitContext): void {
  const offsetSize = u.is64 ? 8 : 4;
  switch (form) {
    case 0x01: r.skip(u.addressSize, 'DW_FORM_addr'); return;
    case 0x03: r.skip(r.u16('block2 length'), 'DW_FORM_block2'); return;
    case 0x04: r.skip(r.u32('block4 length'), 'DW_FORM_block4'); return;
    case 0x05: r.skip(2, 'DW_FORM_data2'); return;
    case 0x06: r.skip(4, 'DW_FORM_data4'); return;
    case 0x07: r.skip(8, 'DW_FORM_data8'); return;
    case 0x08: r.cstring('DW_FORM_string'); return;
    case 0x09: case 0x18: r.skip(r.uleb('block length'), 'DW_FORM_block/exprloc'); return;
    case 0x0a: r.skip(r.u8('block1 length'), 'DW_FORM_block1'); return;
    case 0x0b: case 0x0c: case 0x11: case 0x25: case 0x29: r.skip(1, 'one-byte form'); return;
    case 0x0d: r.sleb('DW_FORM_sdata'); return;
    case 0x0f: case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23: case 0x1f01: case 0x1f02: r.uleb('ULEB form'); return;
    case 0x12: case 0x26: case 0x2a: r.skip(2, 'two-byte form'); return;
    case 0x27: case 0x2b: r.skip(3, 'three-byte form'); return;
    case 0x13: case 0x28: case 0x2c: case 0x1c: r.skip(4, 'four-byte form'); return;
    case 0x14: case 0x20: case 0x24: r.skip(8, 'eight-byte form'); return;
    case 0x10: r.skip(u.version <= 2 ? u.addressSize : offsetSize, 'DW_FORM_ref_addr'); return;
    case 0x0e: case 0x17: case 0x1d: case 0x1f: case 0x1f20: case 0x1f21: r.skip(offsetSize, 'offset form'); return;
    case 0x1e: r.skip(16, 'DW_FORM_data16'); return;
    case 0x19: case DW_FORM_implicit_const: return; // flag_present, implicit_const: no data
    case DW_FORM_indirect: skipForm(r, r.ulebNumber('DW_FORM_indirect form'), u); return;
    default: r.fail(`unknown attribute form 0x${form.toString(16)}`);
  }
}
