// Splits .debug_frame and .eh_frame into CIEs and FDEs (DWARF 5 §6.4.1, LSB .eh_frame). The two
// differ in the CIE id (0xffffffff vs 0), the meaning of an FDE's CIE pointer (section offset vs
// distance back from the pointer itself) and how addresses are stored (raw vs DW_EH_PE_* encoded).
// The instructions are kept as section ranges and run on demand by cfi-program.ts.

import { CfiReader, type CfiSectionName } from './cfi-reader';
import { DW_EH_PE_absptr, DW_EH_PE_omit, readEncodedPointer, readEncodedValue } from './cfi-pointer';

export interface CfiSectionData {
  name: CfiSectionName;
  bytes: Uint8Array;
  /** sh_addr: the base for pc-relative pointers in .eh_frame. */
  address: bigint;
}

/** Byte range of a CFA program inside its section. */
export interface InstructionRange {
  start: number;
  end: number;
}

export interface Cie {
  section: CfiSectionData;
  offset: number;
  version: number;
  augmentation: string;
  addressSize: number;
  codeAlign: bigint;
  dataAlign: bigint;
  raColumn: number;
  /** DW_EH_PE_* for FDE addresses (absptr in .debug_frame). */
  fdeEncoding: number;
  lsdaEncoding: number;
  /** 'S': the frame is a signal/exception frame, so its pc is exact (not a return address). */
  signalFrame: boolean;
  /** 'B': return addresses are signed with the B key (AArch64 PAC). */
  bKey: boolean;
  instructions: InstructionRange;
}

export interface Fde {
  section: CfiSectionData;
  offset: number;
  cie: Cie;
  /** [start, end) of the code covered. */
  start: bigint;
  end: bigint;
  lsda?: bigint;
  instructions: InstructionRange;
}

export interface ParsedCfi {
  cies: Cie[];
  fdes: Fde[];
}

const MASK64 = (1n << 64n) - 1n;

interface EntryHeader {
  offset: number;
  end: number;
  is64: boolean;
  /** Position of the CIE id / CIE pointer field. */
  idAt: number;
  id: bigint;
}

function readHeader(r: CfiReader, isEh: boolean): EntryHeader | 'terminator' | 'padding' {
  const offset = r.pos;
  let length = BigInt(r.u32('entry length'));
  const is64 = length === 0xffffffffn;
  if (is64) length = r.u64('64-bit entry length');
  if (length === 0n) return isEh ? 'terminator' : 'padding';
  if (length > BigInt(r.length - r.pos)) r.fail(`entry length 0x${length.toString(16)} runs past the end of the section (0x${r.length.toString(16)} bytes)`, offset);
  const end = r.pos + Number(length);
  const idAt = r.pos;
  // .eh_frame's CIE pointer stays 4 bytes even in the 64-bit format (as libgcc reads it).
  const id = is64 && !isEh ? r.u64('CIE id') : BigInt(r.u32('CIE id'));
  return { offset, end, is64, idAt, id };
}

function isCieId(h: EntryHeader, isEh: boolean): boolean {
  if (isEh) return h.id === 0n;
  return h.id === (h.is64 ? 0xffffffffffffffffn : 0xffffffffn);
}

function parseCie(r: CfiReader, h: EntryHeader, section: CfiSectionData): Cie {
  const version = r.u8('CIE version');
  if (version !== 1 && version !== 3 && version !== 4) r.fail(`CIE version ${version} is not 1, 3 or 4`, h.offset);
  const augmentation = r.cstring('CIE augmentation');
  let addressSize = 8;
  if (version >= 4) {
    addressSize = r.u8('CIE address size');
    const segment = r.u8('CIE segment selector size');
    if (addressSize !== 8 && addressSize !== 4) r.fail(`CIE address size ${addressSize} is not 4 or 8`, h.offset);
    if (segment !== 0) r.fail(`CIE segment selector size ${segment} is not supported`, h.offset);
  }
  const codeAlign = r.uleb('code alignment factor');
  const dataAlign = r.sleb('data alignment factor');
  const raColumn = version === 1 ? r.u8('return address column') : r.ulebNumber('return address column');
  const cie: Cie = {
    section,
    offset: h.offset,
    version,
    augmentation,
    addressSize,
    codeAlign,
    dataAlign,
    raColumn,
    fdeEncoding: DW_EH_PE_absptr,
    lsdaEncoding: DW_EH_PE_omit,
    signalFrame: false,
    bKey: false,
    instructions: { start: 0, end: h.end },
  };
  if (augmentation.startsWith('z')) {
    const len = r.ulebNumber('augmentation data length');
    const dataEnd = r.pos + len;
    if (dataEnd > h.end) r.fail(`augmentation data (0x${len.toString(16)} bytes) runs past the CIE`, h.offset);
    for (const c of augmentation.slice(1)) {
      if (c === 'R') cie.fdeEncoding = r.u8('FDE pointer encoding');
      else if (c === 'L') cie.lsdaEncoding = r.u8('LSDA encoding');
      else if (c === 'P') readEncodedPointer(r, r.u8('personality encoding'), 'personality routine', true);
      else if (c === 'S') cie.signalFrame = true;
      else if (c === 'B') cie.bKey = true;
      else if (c === 'G') continue; // MTE-tagged stack frame: nothing to do for unwinding
      else break; // unknown letter: its data is covered by the length, skip the rest
    }
    r.pos = dataEnd;
  } else if (augmentation !== '') {
    r.fail(`CIE augmentation "${augmentation}" is not understood (without 'z' its data cannot be skipped)`, h.offset);
  }
  cie.instructions = { start: r.pos, end: h.end };
  return cie;
}

function parseFde(r: CfiReader, h: EntryHeader, cie: Cie, section: CfiSectionData): Fde {
  let start: bigint;
  let range: bigint;
  if (section.name === '.eh_frame') {
    start = readEncodedPointer(r, cie.fdeEncoding, 'FDE initial location');
    // The range is a length: same format, never pc-relative.
    range = readEncodedValue(r, cie.fdeEncoding & 0x0f, 'FDE address range') & MASK64;
  } else {
    const word = (what: string): bigint => (cie.addressSize === 8 ? r.u64(what) : BigInt(r.u32(what)));
    start = word('FDE initial location');
    range = word('FDE address range');
  }
  const fde: Fde = { section, offset: h.offset, cie, start, end: (start + range) & MASK64, instructions: { start: 0, end: h.end } };
  if (cie.augmentation.startsWith('z')) {
    const len = r.ulebNumber('FDE augmentation data length');
    const dataEnd = r.pos + len;
    if (dataEnd > h.end) r.fail(`FDE augmentation data (0x${len.toString(16)} bytes) runs past the FDE`, h.offset);
    if (cie.lsdaEncoding !== DW_EH_PE_omit && cie.augmentation.includes('L') && len > 0) {
      fde.lsda = readEncodedPointer(r, cie.lsdaEncoding, 'LSDA pointer', true);
    }
    r.pos = dataEnd;
  }
  if (fde.end < fde.start) r.fail(`FDE range 0x${start.toString(16)} + 0x${range.toString(16)} wraps around`, h.offset);
  fde.instructions = { start: r.pos, end: h.end };
  return fde;
}

/** Parses every CIE and FDE of one section. Throws CfiFormatError on malformed data. */
export function parseCfiSection(section: CfiSectionData): ParsedCfi {
  const isEh = section.name === '.eh_frame';
  const r: CfiReader = new CfiReader(section.name, section.bytes, section.address);
  const cies = new Map<number, Cie>();
  const pending: { h: EntryHeader; cieAt: number }[] = [];
  while (r.pos < r.length) {
    if (r.length - r.pos < 4) r.fail(`${r.length - r.pos} stray bytes at the end of the section`);
    const h = readHeader(r, isEh);
    if (h === 'terminator') break;
    if (h === 'padding') continue;
    if (isCieId(h, isEh)) {
      cies.set(h.offset, parseCie(r, h, section));
    } else {
      const cieAt = isEh ? h.idAt - Number(h.id) : Number(h.id);
      pending.push({ h, cieAt });
    }
    r.pos = h.end;
  }
  // CIEs may follow their FDEs in .debug_frame, so FDEs are read once every CIE is known.
  const fdes: Fde[] = [];
  for (const { h, cieAt } of pending) {
    const cie = cies.get(cieAt);
    if (cie === undefined) r.fail(`FDE points to a CIE at 0x${cieAt.toString(16)}, but there is no CIE there`, h.offset);
    r.pos = h.idAt + (h.is64 && !isEh ? 8 : 4);
    fdes.push(parseFde(r, h, cie, section));
  }
  return { cies: [...cies.values()], fdes };
}
