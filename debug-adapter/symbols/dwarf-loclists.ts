// Location lists (DWARF 5 section 2.6.2): optimised code keeps a variable in different places over
// its lifetime. .debug_loc (DWARF 2–4: address pairs relative to the unit's base, base-address
// selection entries) and .debug_loclists (DWARF 5: DW_LLE_* entries, indexed addresses). The pc
// picks the entry; no entry covering it means the variable has no location there.

import { DwarfFormatError, DwarfReader } from './dwarf-reader';

export interface LocationSections {
  loc?: Uint8Array;
  loclists?: Uint8Array;
  addr?: Uint8Array;
}

/** What reading a unit's list needs to know of the unit. */
export interface ListUnit {
  version: number;
  addressSize: number;
  /** The unit's DW_AT_low_pc: entries are relative to it until a base-address entry. */
  base: bigint;
  addrBase?: bigint;
}

export interface LocationListEntry {
  lowPc: bigint;
  highPc: bigint;
  expression: Uint8Array;
}

const LLE = {
  endOfList: 0, baseAddressx: 1, startxEndx: 2, startxLength: 3, offsetPair: 4, defaultLocation: 5,
  baseAddress: 6, startEnd: 7, startLength: 8, gnuViewPair: 9,
} as const;
const MAX_ENTRIES = 100_000;

/** The entries of the list at `offset` of the section; a broken list is a DwarfFormatError. */
export function readLocationList(s: LocationSections, section: '.debug_loc' | '.debug_loclists', offset: bigint, unit: ListUnit): LocationListEntry[] {
  const bytes = section === '.debug_loc' ? s.loc : s.loclists;
  if (bytes === undefined) throw new DwarfFormatError(section, Number(offset), `the ELF has no ${section} section, which a variable's location refers to`);
  const r = new DwarfReader(section, bytes, Number(offset));
  if (offset >= BigInt(bytes.length)) r.fail('a location list starts past the end of the section');
  return section === '.debug_loc' ? readLoc(r, unit) : readLoclists(r, s, unit);
}

function readLoc(r: DwarfReader, unit: ListUnit): LocationListEntry[] {
  const size = unit.addressSize;
  const max = size === 8 ? (1n << 64n) - 1n : 0xffff_ffffn;
  let base = unit.base;
  const out: LocationListEntry[] = [];
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const begin = r.unsigned(size, 'begin address');
    const end = r.unsigned(size, 'end address');
    if (begin === 0n && end === 0n) return out;
    if (begin === max) {
      base = end;
      continue;
    }
    const length = r.u16('expression length');
    const expression = r.block(length, 'location expression');
    out.push({ lowPc: base + begin, highPc: base + end, expression });
  }
  return r.fail('a location list has no end');
}

function readLoclists(r: DwarfReader, s: LocationSections, unit: ListUnit): LocationListEntry[] {
  const size = unit.addressSize;
  const address = (index: bigint): bigint => {
    const a = s.addr;
    const slot = (unit.addrBase ?? 0n) + index * BigInt(size);
    if (a === undefined || slot + BigInt(size) > BigInt(a.length)) r.fail(`.debug_addr entry ${index} is missing`);
    return new DwarfReader('.debug_addr', a, Number(slot)).unsigned(size, 'address');
  };
  const expr = (): Uint8Array => r.block(r.uleb('expression length'), 'location expression');
  let base = unit.base;
  const out: LocationListEntry[] = [];
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const at = r.pos;
    const kind = r.u8('DW_LLE kind');
    switch (kind) {
      case LLE.endOfList: return out;
      case LLE.baseAddressx: base = address(r.uleb('base index')); break;
      case LLE.startxEndx: { const lo = address(r.uleb('start index')); const hi = address(r.uleb('end index')); out.push({ lowPc: lo, highPc: hi, expression: expr() }); break; }
      case LLE.startxLength: { const lo = address(r.uleb('start index')); const len = r.uleb('length'); out.push({ lowPc: lo, highPc: lo + len, expression: expr() }); break; }
      case LLE.offsetPair: { const lo = r.uleb('start offset'); const hi = r.uleb('end offset'); out.push({ lowPc: base + lo, highPc: base + hi, expression: expr() }); break; }
      case LLE.defaultLocation: out.push({ lowPc: 0n, highPc: (1n << 64n) - 1n, expression: expr() }); break;
      case LLE.baseAddress: base = r.unsigned(size, 'base address'); break;
      case LLE.startEnd: { const lo = r.unsigned(size, 'start'); const hi = r.unsigned(size, 'end'); out.push({ lowPc: lo, highPc: hi, expression: expr() }); break; }
      case LLE.startLength: { const lo = r.unsigned(size, 'start'); const len = r.uleb('length'); out.push({ lowPc: lo, highPc: lo + len, expression: expr() }); break; }
      case LLE.gnuViewPair: r.uleb('view'); r.uleb('view'); break; // location views refine ties at one pc: ignored
      default: r.fail(`unknown DW_LLE kind 0x${kind.toString(16)}`, at);
    }
  }
  return r.fail('a location list has no end');
}

/** The expression in force at `pc` (a bounded entry first: the default location only when none covers pc). */
export function expressionAt(entries: readonly LocationListEntry[], pc: bigint): Uint8Array | undefined {
  let fallback: Uint8Array | undefined;
  for (const e of entries) {
    if (e.lowPc === 0n && e.highPc === (1n << 64n) - 1n) fallback ??= e.expression;
    else if (pc >= e.lowPc && pc < e.highPc) return e.expression;
  }
  return fallback;
}
