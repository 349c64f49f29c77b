// Attribute values (DWARF 5 section 7.5.5, forms of DWARF 2 to 5 plus the GNU split-DWARF
// aliases). A value is decoded into what it means to a reader — an address, a constant, a string,
// a .debug_info offset, expression bytes — so nothing above this file looks at form codes.
// strx and addrx forms are indices through tables whose bases (DW_AT_str_offsets_base,
// DW_AT_addr_base) may come later in the same unit DIE, so they are read raw and resolved after.

import { DwarfReader, stringAt } from './dwarf-reader';

/** The DWARF sections the .debug_info reader uses; all but .debug_info are optional. */
export interface DwarfSections {
  info: Uint8Array;
  abbrev?: Uint8Array;
  str?: Uint8Array;
  lineStr?: Uint8Array;
  strOffsets?: Uint8Array;
  addr?: Uint8Array;
  line?: Uint8Array;
  /** DWARF 5 location lists, for resolving DW_FORM_loclistx to an offset. */
  loclists?: Uint8Array;
  /** DW_AT_ranges: .debug_ranges before DWARF 5, .debug_rnglists from 5. */
  ranges?: Uint8Array;
  rnglists?: Uint8Array;
}

/** What decoding a unit's attributes needs to know about the unit. */
export interface UnitContext {
  /** Offset of the unit header in .debug_info (unit-relative references add it). */
  offset: number;
  /** First offset after the unit. */
  end: number;
  version: number;
  is64: boolean;
  addressSize: number;
  /** From the unit DIE; needed only by strx/addrx and the *listx forms. */
  strOffsetsBase?: bigint;
  addrBase?: bigint;
  loclistsBase?: bigint;
  rnglistsBase?: bigint;
}

export type AttributeValue =
  | { kind: 'address'; value: bigint }
  /** data1/2/4/8, udata (unsigned) and sdata, implicit_const (signed): what the bits mean depends on the attribute. */
  | { kind: 'constant'; value: bigint; signed: boolean }
  | { kind: 'data16'; bytes: Uint8Array }
  | { kind: 'string'; value: string }
  /** An absolute .debug_info offset (unit-relative forms already rebased). */
  | { kind: 'reference'; offset: number }
  /** DW_FORM_ref_sig8: a type unit's signature. */
  | { kind: 'signature'; value: bigint }
  /** An offset into another section (line, loclists, rnglists, ...). */
  | { kind: 'secOffset'; value: bigint }
  | { kind: 'exprloc'; bytes: Uint8Array }
  | { kind: 'block'; bytes: Uint8Array }
  | { kind: 'flag'; value: boolean }
  /** Indices into the unit's location- or range-list offset table (resolved by the user, which knows the section). */
  | { kind: 'loclistx' | 'rnglistx'; index: bigint }
  /** Read but not resolved yet: only between reading a DIE and `resolveIndexed`. */
  | { kind: 'strx' | 'addrx'; index: bigint; at: number }
  /** Forms pointing into a supplementary or alternate file (dwz), which this reader does not open. */
  | { kind: 'unsupported'; form: number; value: bigint };

const FORM = {
  addr: 0x01, block2: 0x03, block4: 0x04, data2: 0x05, data4: 0x06, data8: 0x07, string: 0x08, block: 0x09,
  block1: 0x0a, data1: 0x0b, flag: 0x0c, sdata: 0x0d, strp: 0x0e, udata: 0x0f, refAddr: 0x10, ref1: 0x11,
  ref2: 0x12, ref4: 0x13, ref8: 0x14, refUdata: 0x15, indirect: 0x16, secOffset: 0x17, exprloc: 0x18,
  flagPresent: 0x19, strx: 0x1a, addrx: 0x1b, refSup4: 0x1c, strpSup: 0x1d, data16: 0x1e, lineStrp: 0x1f,
  refSig8: 0x20, implicitConst: 0x21, loclistx: 0x22, rnglistx: 0x23, refSup8: 0x24, strx1: 0x25, strx2: 0x26,
  strx3: 0x27, strx4: 0x28, addrx1: 0x29, addrx2: 0x2a, addrx3: 0x2b, addrx4: 0x2c,
  gnuAddrIndex: 0x1f01, gnuStrIndex: 0x1f02, gnuRefAlt: 0x1f20, gnuStrpAlt: 0x1f21,
} as const;

/** Reads one attribute value of `form` at `r.pos`. */
export function readForm(r: DwarfReader, form: number, implicitConst: bigint, u: UnitContext, s: DwarfSections): AttributeValue {
  const at = r.pos;
  switch (form) {
    case FORM.addr: return { kind: 'address', value: r.unsigned(u.addressSize, 'DW_FORM_addr') };
    case FORM.data1: return { kind: 'constant', value: BigInt(r.u8('DW_FORM_data1')), signed: false };
    case FORM.data2: return { kind: 'constant', value: BigInt(r.u16('DW_FORM_data2')), signed: false };
    case FORM.data4: return { kind: 'constant', value: BigInt(r.u32('DW_FORM_data4')), signed: false };
    case FORM.data8: return { kind: 'constant', value: r.u64('DW_FORM_data8'), signed: false };
    case FORM.data16: return { kind: 'data16', bytes: r.block(16, 'DW_FORM_data16') };
    case FORM.sdata: return { kind: 'constant', value: r.sleb('DW_FORM_sdata'), signed: true };
    case FORM.udata: return { kind: 'constant', value: r.uleb('DW_FORM_udata'), signed: false };
    case FORM.implicitConst: return { kind: 'constant', value: implicitConst, signed: true };
    case FORM.string: return { kind: 'string', value: r.cstring('DW_FORM_string') };
    case FORM.strp: return { kind: 'string', value: stringAt('.debug_str', s.str, r.offset(u.is64, 'DW_FORM_strp'), r, at) };
    case FORM.lineStrp: return { kind: 'string', value: stringAt('.debug_line_str', s.lineStr, r.offset(u.is64, 'DW_FORM_line_strp'), r, at) };
    case FORM.strx: case FORM.gnuStrIndex: return { kind: 'strx', index: r.uleb('DW_FORM_strx'), at };
    case FORM.strx1: return { kind: 'strx', index: BigInt(r.u8('DW_FORM_strx1')), at };
    case FORM.strx2: return { kind: 'strx', index: BigInt(r.u16('DW_FORM_strx2')), at };
    case FORM.strx3: return { kind: 'strx', index: u24(r, 'DW_FORM_strx3'), at };
    case FORM.strx4: return { kind: 'strx', index: BigInt(r.u32('DW_FORM_strx4')), at };
    case FORM.addrx: case FORM.gnuAddrIndex: return { kind: 'addrx', index: r.uleb('DW_FORM_addrx'), at };
    case FORM.addrx1: return { kind: 'addrx', index: BigInt(r.u8('DW_FORM_addrx1')), at };
    case FORM.addrx2: return { kind: 'addrx', index: BigInt(r.u16('DW_FORM_addrx2')), at };
    case FORM.addrx3: return { kind: 'addrx', index: u24(r, 'DW_FORM_addrx3'), at };
    case FORM.addrx4: return { kind: 'addrx', index: BigInt(r.u32('DW_FORM_addrx4')), at };
    case FORM.ref1: return unitReference(r, BigInt(r.u8('DW_FORM_ref1')), u, at);
    case FORM.ref2: return unitReference(r, BigInt(r.u16('DW_FORM_ref2')), u, at);
    case FORM.ref4: return unitReference(r, BigInt(r.u32('DW_FORM_ref4')), u, at);
    case FORM.ref8: return unitReference(r, r.u64('DW_FORM_ref8'), u, at);
    case FORM.refUdata: return unitReference(r, r.uleb('DW_FORM_ref_udata'), u, at);
    case FORM.refAddr: {
      // DWARF 2 wrote ref_addr as an address-sized value; later versions as an offset.
      const v = u.version <= 2 ? r.unsigned(u.addressSize, 'DW_FORM_ref_addr') : r.offset(u.is64, 'DW_FORM_ref_addr');
      if (v >= BigInt(r.bytes.length)) r.fail(`DW_FORM_ref_addr 0x${v.toString(16)} is outside .debug_info`, at);
      return { kind: 'reference', offset: Number(v) };
    }
    case FORM.refSig8: return { kind: 'signature', value: r.u64('DW_FORM_ref_sig8') };
    case FORM.secOffset: return { kind: 'secOffset', value: r.offset(u.is64, 'DW_FORM_sec_offset') };
    case FORM.exprloc: return { kind: 'exprloc', bytes: r.block(r.uleb('exprloc length'), 'DW_FORM_exprloc') };
    case FORM.block: return { kind: 'block', bytes: r.block(r.uleb('block length'), 'DW_FORM_block') };
    case FORM.block1: return { kind: 'block', bytes: r.block(r.u8('block1 length'), 'DW_FORM_block1') };
    case FORM.block2: return { kind: 'block', bytes: r.block(r.u16('block2 length'), 'DW_FORM_block2') };
    case FORM.block4: return { kind: 'block', bytes: r.block(r.u32('block4 length'), 'DW_FORM_block4') };
    case FORM.flag: return { kind: 'flag', value: r.u8('DW_FORM_flag') !== 0 };
    case FORM.flagPresent: return { kind: 'flag', value: true };
    case FORM.loclistx: return { kind: 'loclistx', index: r.uleb('DW_FORM_loclistx') };
    case FORM.rnglistx: return { kind: 'rnglistx', index: r.uleb('DW_FORM_rnglistx') };
    case FORM.refSup4: return { kind: 'unsupported', form, value: BigInt(r.u32('DW_FORM_ref_sup4')) };
    case FORM.refSup8: return { kind: 'unsupported', form, value: r.u64('DW_FORM_ref_sup8') };
    case FORM.strpSup: case FORM.gnuRefAlt: case FORM.gnuStrpAlt:
      return { kind: 'unsupported', form, value: r.offset(u.is64, 'supplementary-file offset') };
    case FORM.indirect: {
      // The form is in the DIE itself; an indirect implicit_const would have nowhere to keep its value.
      const inner = r.ulebNumber('DW_FORM_indirect form');
      if (inner === FORM.indirect || inner === FORM.implicitConst) r.fail(`DW_FORM_indirect names form 0x${inner.toString(16)}`, at);
      return readForm(r, inner, 0n, u, s);
    }
    default: return r.fail(`unknown attribute form 0x${form.toString(16)}`, at);
  }
}

function u24(r: DwarfReader, what: string): bigint {
  const lo = r.u16(what);
  return BigInt(lo | (r.u8(what) << 16));
}

function unitReference(r: DwarfReader, rel: bigint, u: UnitContext, at: number): AttributeValue {
  if (rel >= BigInt(u.end - u.offset)) r.fail(`reference 0x${rel.toString(16)} is outside its unit (0x${(u.end - u.offset).toString(16)} bytes)`, at);
  return { kind: 'reference', offset: u.offset + Number(rel) };
}

/**
 * Replaces a strx/addrx value by the string or address it indexes (other values are returned as
 * they are). Faults are reported at the indexing form in .debug_info (`r`), which is where the
 * index or the base is wrong.
 */
export function resolveIndexed(v: AttributeValue, r: DwarfReader, u: UnitContext, s: DwarfSections): AttributeValue {
  if (v.kind === 'strx') {
    const offsetSize = u.is64 ? 8 : 4;
    const slot = tableSlot(r, v.at, '.debug_str_offsets', s.strOffsets, u.strOffsetsBase, 'DW_AT_str_offsets_base', v.index, offsetSize);
    const off = new DwarfReader('.debug_str_offsets', s.strOffsets ?? new Uint8Array(), slot).unsigned(offsetSize, 'string offset');
    return { kind: 'string', value: stringAt('.debug_str', s.str, off, r, v.at) };
  }
  if (v.kind === 'addrx') {
    const slot = tableSlot(r, v.at, '.debug_addr', s.addr, u.addrBase, 'DW_AT_addr_base', v.index, u.addressSize);
    return { kind: 'address', value: new DwarfReader('.debug_addr', s.addr ?? new Uint8Array(), slot).unsigned(u.addressSize, 'address') };
  }
  return v;
}

/** Offset of entry `index` (of `size` bytes) in a base-relative table, checked to lie inside `section`. */
function tableSlot(r: DwarfReader, at: number, section: string, bytes: Uint8Array | undefined, base: bigint | undefined, baseName: string, index: bigint, size: number): number {
  if (bytes === undefined) r.fail(`indexed form refers to ${section}, which the file does not have`, at);
  if (base === undefined) r.fail(`indexed form used in a unit without ${baseName}`, at);
  const slot = base + index * BigInt(size);
  if (slot + BigInt(size) > BigInt(bytes.length)) r.fail(`index ${index} (base 0x${base.toString(16)}) is outside ${section} (0x${bytes.length.toString(16)} bytes)`, at);
  return Number(slot);
}

/** The value as an unsigned number, for attributes that must be constants (sizes, lines, indices). */
export function constantOf(v: AttributeValue | undefined): bigint | undefined {
  return v?.kind === 'constant' ? v.value : undefined;
}
