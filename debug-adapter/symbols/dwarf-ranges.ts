// Non-contiguous address ranges (DW_AT_ranges, DWARF 5 section 2.17.3): .debug_ranges pairs before
// DWARF 5, .debug_rnglists entries from 5. gcc -O2 uses them for the unit, for lexical blocks and
// inlined calls, and for functions split into hot and cold parts.

import type { AttributeValue, DwarfSections } from './dwarf-forms';
import type { DwarfUnit } from './dwarf-info';
import { DwarfReader } from './dwarf-reader';

/** Half-open [lowPc, highPc). */
export interface PcRange {
  lowPc: bigint;
  highPc: bigint;
}

const DW_RLE = { endOfList: 0, baseAddressx: 1, startxEndx: 2, startxLength: 3, offsetPair: 4, baseAddress: 5, startEnd: 6, startLength: 7 } as const;

/**
 * The ranges a DW_AT_ranges value names. `base` is the unit's DW_AT_low_pc, the base address that
 * offset pairs are relative to until a base-address entry changes it.
 */
export function readRanges(v: AttributeValue, unit: DwarfUnit, s: DwarfSections, base: bigint): PcRange[] {
  if (unit.version < 5) {
    if (v.kind !== 'secOffset' && v.kind !== 'constant') return [];
    return legacyRanges(new DwarfReader('.debug_ranges', s.ranges ?? new Uint8Array(), Number(v.value)), unit.addressSize, base);
  }
  const bytes = s.rnglists ?? new Uint8Array();
  let offset: bigint;
  if (v.kind === 'secOffset') offset = v.value;
  else if (v.kind === 'rnglistx') {
    // The index goes through the offset table at DW_AT_rnglists_base; offsets are relative to it.
    const listBase = unit.rnglistsBase;
    if (listBase === undefined) return [];
    const size = unit.is64 ? 8 : 4;
    offset = listBase + new DwarfReader('.debug_rnglists', bytes, Number(listBase + v.index * BigInt(size))).unsigned(size, 'range list offset');
  } else return [];
  if (offset > BigInt(bytes.length)) new DwarfReader('.debug_rnglists', bytes).fail(`range list offset 0x${offset.toString(16)} is outside the section`);
  return rangeList(new DwarfReader('.debug_rnglists', bytes, Number(offset)), unit, s, base);
}

/** DWARF 2-4: (begin, end) pairs; (0, 0) ends the list, (max, a) makes `a` the base address. */
function legacyRanges(r: DwarfReader, size: number, base: bigint): PcRange[] {
  const max = size === 8 ? (1n << 64n) - 1n : 0xffffffffn;
  const out: PcRange[] = [];
  for (;;) {
    const begin = r.unsigned(size, 'range begin');
    const end = r.unsigned(size, 'range end');
    if (begin === 0n && end === 0n) return out;
    if (begin === max) base = end;
    else if (end > begin) out.push({ lowPc: base + begin, highPc: base + end });
  }
}

function rangeList(r: DwarfReader, unit: DwarfUnit, s: DwarfSections, base: bigint): PcRange[] {
  const size = unit.addressSize;
  const addrx = (index: bigint): bigint => {
    const at = r.pos;
    if (unit.addrBase === undefined || s.addr === undefined) r.fail('range list uses .debug_addr, which the unit or file lacks', at);
    const slot = unit.addrBase + index * BigInt(size);
    if (slot + BigInt(size) > BigInt(s.addr.length)) r.fail(`address index ${index} is outside .debug_addr`, at);
    return new DwarfReader('.debug_addr', s.addr, Number(slot)).unsigned(size, 'address');
  };
  const out: PcRange[] = [];
  const push = (lowPc: bigint, highPc: bigint): void => void (highPc > lowPc && out.push({ lowPc, highPc }));
  for (;;) {
    const kindAt = r.pos;
    const kind = r.u8('range list entry kind');
    switch (kind) {
      case DW_RLE.endOfList: return out;
      case DW_RLE.baseAddressx: base = addrx(r.uleb('DW_RLE_base_addressx index')); break;
      case DW_RLE.startxEndx: { const lo = addrx(r.uleb('start index')); push(lo, addrx(r.uleb('end index'))); break; }
      case DW_RLE.startxLength: { const lo = addrx(r.uleb('start index')); push(lo, lo + r.uleb('length')); break; }
      case DW_RLE.offsetPair: { const lo = base + r.uleb('start offset'); push(lo, base + r.uleb('end offset')); break; }
      case DW_RLE.baseAddress: base = r.unsigned(size, 'DW_RLE_base_address'); break;
      case DW_RLE.startEnd: { const lo = r.unsigned(size, 'start'); push(lo, r.unsigned(size, 'end')); break; }
      case DW_RLE.startLength: { const lo = r.unsigned(size, 'start'); push(lo, lo + r.uleb('length')); break; }
      default: r.fail(`unknown range list entry kind 0x${kind.toString(16)}`, kindAt);
    }
  }
}
