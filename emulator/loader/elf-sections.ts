// ELF section headers, section names and the symbol table (.symtab, else .dynsym). Symbols are
// optional: a file without a section header table simply has none, but a table the file claims
// and that is broken is an error naming the broken piece.

import { hex } from './errors';
import type { ElfHeader } from './elf-header';
import type { ByteReader, FileRange } from './reader';
import type { GuestSymbol, MappingSymbol, SymbolKind } from './types';

export const SHT_NULL = 0;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;

const SHN_UNDEF = 0;
const SHN_XINDEX = 0xffff;
const MAX_SECTIONS = 1 << 20;

export interface SectionHeader {
  index: number;
  name: string;
  type: number;
  addr: bigint;
  offset: bigint;
  size: bigint;
  link: number;
  info: number;
  entsize: bigint;
}

export function sectionLabel(s: SectionHeader): string {
  return `${s.name || '<unnamed>'} (section ${s.index})`;
}

/** Reads the section header table (empty when e_shoff is 0), resolving names via e_shstrndx. */
export function readSectionHeaders(r: ByteReader, h: ElfHeader): SectionHeader[] {
  if (h.shoff === 0n) return [];
  const want = h.is64 ? 64 : 40;
  if (h.shentsize !== want) r.fail(`e_shentsize is ${h.shentsize}, expected ${want} for ${h.is64 ? 'ELF64' : 'ELF32'}`);
  let count = h.shnum;
  let first: SectionHeader | undefined;
  if (count === 0 || h.shstrndx === SHN_XINDEX) {
    // Extended numbering: the real count / string table index live in section 0.
    r.range(h.shoff, BigInt(want), 'section header table (entry 0)');
    first = readOne(r, h, Number(h.shoff), 0);
    if (count === 0) {
      if (first.size > BigInt(MAX_SECTIONS)) r.fail(`section count ${first.size} (extended, from section 0) is absurd`);
      count = Number(first.size);
    }
  }
  const table = r.range(h.shoff, BigInt(count) * BigInt(want), `section header table (${count} entries of ${want} bytes)`);
  const sections: SectionHeader[] = [];
  for (let i = 0; i < count; i++) sections.push(readOne(r, h, table.start + i * want, i));

  const strndx = h.shstrndx === SHN_XINDEX ? (first?.link ?? 0) : h.shstrndx;
  if (strndx !== SHN_UNDEF && count > 0) {
    const strtab = sections[strndx];
    if (strtab === undefined) r.fail(`e_shstrndx ${strndx} is out of range (${count} sections)`);
    if (strtab.type === SHT_NOBITS) r.fail(`section name string table (section ${strndx}) has no file data (SHT_NOBITS)`);
    const range = r.range(strtab.offset, strtab.size, `section name string table (section ${strndx})`);
    for (const s of sections) s.name = readName(r, range, BigInt(nameOffset(r, h, table.start, s.index))) ?? `<bad name ${s.index}>`;
  }
  return sections;
}

function nameOffset(r: ByteReader, h: ElfHeader, tableStart: number, index: number): number {
  return r.u32(tableStart + index * (h.is64 ? 64 : 40), 'sh_name');
}

function readOne(r: ByteReader, h: ElfHeader, at: number, index: number): SectionHeader {
  const w = (o32: number, o64: number): bigint => r.word(at + (h.is64 ? o64 : o32), h.is64, 'section header');
  return {
    index,
    name: '',
    type: r.u32(at + 4, 'sh_type'),
    addr: w(12, 16),
    offset: w(16, 24),
    size: w(20, 32),
    link: r.u32(at + (h.is64 ? 40 : 24), 'sh_link'),
    info: r.u32(at + (h.is64 ? 44 : 28), 'sh_info'),
    entsize: w(36, 56),
  };
}

/** A NUL-terminated name at `off` in a string table, or undefined if it does not fit. */
function readName(r: ByteReader, table: FileRange, off: bigint): string | undefined {
  if (off >= BigInt(table.end - table.start)) return undefined;
  const start = table.start + Number(off);
  const nul = r.bytes.indexOf(0, start);
  if (nul < 0 || nul >= table.end) return undefined;
  return Buffer.from(r.bytes.buffer, r.bytes.byteOffset + start, nul - start).toString('utf8');
}

export interface ElfSymbols {
  symbols: GuestSymbol[];
  mappingSymbols: MappingSymbol[];
}

const MAPPING = /^\$[axtd](\.|$)/;

/** Reads .symtab (or .dynsym when there is no .symtab). */
export function readSymbols(r: ByteReader, h: ElfHeader, sections: SectionHeader[]): ElfSymbols {
  const out: ElfSymbols = { symbols: [], mappingSymbols: [] };
  const symtab = sections.find((s) => s.type === SHT_SYMTAB) ?? sections.find((s) => s.type === SHT_DYNSYM);
  if (symtab === undefined) return out;
  const label = `symbol table ${sectionLabel(symtab)}`;
  const entsize = h.is64 ? 24 : 16;
  if (symtab.entsize !== BigInt(entsize)) r.fail(`${label} has sh_entsize ${symtab.entsize}, expected ${entsize}`);
  if (symtab.size % BigInt(entsize) !== 0n) r.fail(`${label} size ${hex(symtab.size)} is not a multiple of ${entsize}`);
  const range = r.range(symtab.offset, symtab.size, label);
  const strtab = sections[symtab.link];
  if (strtab === undefined) r.fail(`${label} links to string table section ${symtab.link}, which does not exist (${sections.length} sections)`);
  if (strtab.type !== SHT_STRTAB) r.fail(`${label} links to ${sectionLabel(strtab)}, which is not a string table (sh_type ${strtab.type})`);
  const strLabel = `string table ${sectionLabel(strtab)} of ${label}`;
  const strRange = r.range(strtab.offset, strtab.size, strLabel);

  const count = (range.end - range.start) / entsize;
  for (let i = 1; i < count; i++) {
    const at = range.start + i * entsize;
    const nameOff = r.u32(at, 'st_name');
    const info = r.u8(at + (h.is64 ? 4 : 12), 'st_info');
    const shndx = r.u16(at + (h.is64 ? 6 : 14), 'st_shndx');
    const type = info & 0xf;
    const bind = info >> 4;
    if (type === 3 || type === 4 || shndx === SHN_UNDEF || nameOff === 0) continue; // section, file, undefined, unnamed
    const name = readName(r, strRange, BigInt(nameOff));
    if (name === undefined) {
      r.fail(`symbol ${i} of ${label}: name offset ${hex(nameOff)} is outside ${strLabel} (size ${hex(strtab.size)}) or unterminated`);
    }
    const value = r.word(at + (h.is64 ? 8 : 4), h.is64, 'st_value');
    if (MAPPING.test(name)) {
      out.mappingSymbols.push({ name, value });
      continue;
    }
    out.symbols.push({ name, value, size: r.word(at + (h.is64 ? 16 : 8), h.is64, 'st_size'), kind: kindOf(type), global: bind !== 0 });
  }
  out.symbols.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  out.mappingSymbols.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return out;
}

function kindOf(type: number): SymbolKind {
  if (type === 2 || type === 10) return 'func'; // STT_FUNC, STT_GNU_IFUNC
  if (type === 1 || type === 5 || type === 6) return 'object'; // STT_OBJECT, STT_COMMON, STT_TLS
  return 'other';
}
