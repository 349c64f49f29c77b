// .debug_info as a tree of DIEs per unit (DWARF 5 sections 7.5.1 and 7.5.2): unit headers of
// DWARF 2 to 5 (v5 compile, partial, type, skeleton and split units; 32- and 64-bit DWARF), then
// each DIE's attributes through its abbreviation. Functions, variables and types are read from
// this tree by dwarf-functions.ts and dwarf-types.ts; nothing here knows what a tag means beyond
// the unit DIE's table bases.

import { AbbreviationTables, type Abbreviation } from './dwarf-abbrev';
import { readForm, resolveIndexed, type AttributeValue, type DwarfSections, type UnitContext } from './dwarf-forms';
import { DwarfFormatError, DwarfReader } from './dwarf-reader';

export const DW_UT_compile = 1;
export const DW_UT_type = 2;
export const DW_UT_partial = 3;
export const DW_UT_skeleton = 4;
export const DW_UT_split_compile = 5;
export const DW_UT_split_type = 6;

const DW_AT_str_offsets_base = 0x72;
const DW_AT_addr_base = 0x73;
const DW_AT_rnglists_base = 0x74;
const DW_AT_loclists_base = 0x8c;
// GCC's pre-v5 split-DWARF spellings of the same bases.
const DW_AT_GNU_ranges_base = 0x2132;
const DW_AT_GNU_addr_base = 0x2133;

export interface Die {
  /** Offset in .debug_info: what references hold and what errors name. */
  offset: number;
  tag: number;
  attrs: Map<number, AttributeValue>;
  children: Die[];
  parent: Die | undefined;
  unit: DwarfUnit;
}

export interface DwarfUnit extends UnitContext {
  /** DW_UT_*; units before DWARF 5 are DW_UT_compile. */
  unitType: number;
  abbrevOffset: number;
  /** Type units: the signature DW_FORM_ref_sig8 names, and the type DIE's .debug_info offset. */
  typeSignature?: bigint;
  typeOffset?: number;
  /** The unit DIE (absent only in an empty unit). */
  root: Die | undefined;
}

/** Every unit of .debug_info with its DIEs, and lookup by offset and type signature. */
export class DieTree {
  private readonly byOffset = new Map<number, Die>();
  private readonly bySignature = new Map<bigint, number>();

  constructor(readonly units: DwarfUnit[]) {
    for (const u of units) {
      if (u.typeSignature !== undefined && u.typeOffset !== undefined) this.bySignature.set(u.typeSignature, u.typeOffset);
      const stack = u.root === undefined ? [] : [u.root];
      for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
        this.byOffset.set(d.offset, d);
        stack.push(...d.children);
      }
    }
  }

  die(offset: number): Die | undefined {
    return this.byOffset.get(offset);
  }

  /** The DIE a reference points at; a dangling reference is a DwarfFormatError naming the referrer. */
  target(v: AttributeValue, from: Die, what: string): Die | undefined {
    if (v.kind === 'signature') {
      const off = this.bySignature.get(v.value);
      return off === undefined ? undefined : this.die(off);
    }
    if (v.kind !== 'reference') return undefined;
    const d = this.byOffset.get(v.offset);
    if (d === undefined) throw new DwarfFormatError('.debug_info', from.offset, `${what} refers to 0x${v.offset.toString(16)}, where no DIE starts`);
    return d;
  }
}

/** Reads every unit; a broken section is a DwarfFormatError naming the section and the offset. */
export function readDieTree(s: DwarfSections): DieTree {
  const abbrevs = new AbbreviationTables(s.abbrev);
  const r = new DwarfReader('.debug_info', s.info);
  const units: DwarfUnit[] = [];
  while (!r.atEnd) units.push(readUnit(r, abbrevs, s));
  return new DieTree(units);
}

function readUnit(r: DwarfReader, abbrevs: AbbreviationTables, s: DwarfSections): DwarfUnit {
  const unitAt = r.pos;
  const { length, is64 } = r.initialLength('unit_length');
  const outer = r.narrow(length, `unit at 0x${unitAt.toString(16)}:`);
  const end = r.end;
  const versionAt = r.pos;
  const version = r.u16('version');
  if (version < 2 || version > 5) r.fail(`unsupported unit version ${version}`, versionAt);
  let unitType = DW_UT_compile;
  let addressSize: number;
  let abbrevOffset: bigint;
  let abbrevAt: number;
  let typeSignature: bigint | undefined;
  let typeOffset: number | undefined;
  if (version >= 5) {
    const typeAt = r.pos;
    unitType = r.u8('unit_type');
    if (unitType < DW_UT_compile || unitType > DW_UT_split_type) r.fail(`unknown unit_type 0x${unitType.toString(16)}`, typeAt);
    addressSize = r.u8('address_size');
    abbrevAt = r.pos;
    abbrevOffset = r.offset(is64, 'debug_abbrev_offset');
    if (unitType === DW_UT_skeleton || unitType === DW_UT_split_compile) r.skip(8, 'dwo_id');
    if (unitType === DW_UT_type || unitType === DW_UT_split_type) {
      typeSignature = r.u64('type_signature');
      const offAt = r.pos;
      const rel = r.offset(is64, 'type_offset');
      if (rel >= BigInt(end - unitAt)) r.fail(`type_offset 0x${rel.toString(16)} is outside the unit`, offAt);
      typeOffset = unitAt + Number(rel);
    }
  } else {
    abbrevAt = r.pos;
    abbrevOffset = r.offset(is64, 'debug_abbrev_offset');
    addressSize = r.u8('address_size');
  }
  if (addressSize !== 4 && addressSize !== 8) r.fail(`unsupported address_size ${addressSize}`, version >= 5 ? versionAt + 3 : r.pos - 1);
  const table = abbrevs.table(abbrevOffset, r, abbrevAt);
  const unit: DwarfUnit = {
    offset: unitAt, end, version, is64, addressSize, unitType, abbrevOffset: Number(abbrevOffset),
    typeSignature, typeOffset, root: undefined,
  };
  unit.root = readDies(r, unit, table, s);
  r.restoreLimit(outer);
  r.pos = end;
  return unit;
}

/**
 * The unit's DIEs from `r.pos` to the unit's end, as a tree under the unit DIE. Iterative, so a
 * deeply nested (or maliciously deep) unit cannot overflow the JS stack.
 */
function readDies(r: DwarfReader, unit: DwarfUnit, table: Map<number, Abbreviation>, s: DwarfSections): Die | undefined {
  let root: Die | undefined;
  const open: Die[] = [];
  while (!r.atEnd) {
    const at = r.pos;
    const code = r.ulebNumber('abbreviation code');
    if (code === 0) {
      // A null entry ends the innermost sibling list; after the unit DIE's list, zeros are padding.
      open.pop();
      continue;
    }
    if (root !== undefined && open.length === 0) r.fail('a DIE follows the unit DIE at the top level', at);
    const abbrev = table.get(code);
    if (abbrev === undefined) r.fail(`abbreviation code ${code} is not in the table at .debug_abbrev 0x${unit.abbrevOffset.toString(16)}`, at);
    const attrs = new Map<number, AttributeValue>();
    for (const spec of abbrev.specs) attrs.set(spec.attr, readForm(r, spec.form, spec.implicitConst, unit, s));
    const parent = open.at(-1);
    const die: Die = { offset: at, tag: abbrev.tag, attrs, children: [], parent, unit };
    if (root === undefined) {
      root = die;
      setBases(unit, attrs);
    }
    for (const [attr, v] of attrs) if (v.kind === 'strx' || v.kind === 'addrx') attrs.set(attr, resolveIndexed(v, r, unit, s));
    parent?.children.push(die);
    if (abbrev.hasChildren) open.push(die);
  }
  return root;
}

/** Table bases from the unit DIE, which strx/addrx/*listx forms anywhere in the unit index through. */
function setBases(unit: DwarfUnit, attrs: Map<number, AttributeValue>): void {
  const base = (a: number): bigint | undefined => {
    const v = attrs.get(a);
    return v?.kind === 'secOffset' || v?.kind === 'constant' ? v.value : undefined;
  };
  unit.strOffsetsBase = base(DW_AT_str_offsets_base);
  unit.addrBase = base(DW_AT_addr_base) ?? base(DW_AT_GNU_addr_base);
  unit.rnglistsBase = base(DW_AT_rnglists_base) ?? base(DW_AT_GNU_ranges_base);
  unit.loclistsBase = base(DW_AT_loclists_base);
}
