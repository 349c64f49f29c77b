// ELF32/ELF64 executables: program headers → load segments (at p_paddr, p_filesz from the file,
// zero-filled to p_memsz), the entry point, and symbols. Only ET_EXEC for EM_AARCH64 (ELF64) or
// EM_ARM (ELF32), little-endian, is accepted; see elf-header.ts for the identification checks.

import { hex } from './errors';
import { parseElfHeader, type ElfHeader } from './elf-header';
import { readSectionHeaders, readSymbols } from './elf-sections';
import { checkEntry, imageEnd, placeSegments, type PlannedSegment } from './placement';
import type { ByteReader } from './reader';
import type { GuestImage, MemoryLayout } from './types';

export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PF_X = 1;

const PN_XNUM = 0xffff;
/** More program headers than this is not a real image (linkers emit a handful). */
export const MAX_PHNUM = 4096;

const PT_NAMES: Record<number, string> = {
  0: 'PT_NULL',
  1: 'PT_LOAD',
  2: 'PT_DYNAMIC',
  3: 'PT_INTERP',
  4: 'PT_NOTE',
  6: 'PT_PHDR',
  7: 'PT_TLS',
  0x6474e550: 'PT_GNU_EH_FRAME',
  0x6474e551: 'PT_GNU_STACK',
  0x6474e552: 'PT_GNU_RELRO',
  0x70000001: 'PT_ARM_EXIDX',
};

export interface ProgramHeader {
  index: number;
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  paddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

export function phLabel(p: ProgramHeader): string {
  return `program header ${p.index} (${PT_NAMES[p.type] ?? hex(p.type)})`;
}

export function readProgramHeaders(r: ByteReader, h: ElfHeader, phnum: number): ProgramHeader[] {
  const want = h.is64 ? 56 : 32;
  if (phnum === 0) r.fail('no program headers (e_phnum is 0): nothing to load');
  if (phnum > MAX_PHNUM) r.fail(`e_phnum ${phnum} is absurd (more than ${MAX_PHNUM} program headers)`);
  if (h.phentsize !== want) r.fail(`e_phentsize is ${h.phentsize}, expected ${want} for ${h.is64 ? 'ELF64' : 'ELF32'}`);
  if (h.phoff === 0n) r.fail(`e_phoff is 0 but e_phnum is ${phnum}`);
  const table = r.range(h.phoff, BigInt(phnum) * BigInt(want), `program header table (${phnum} entries of ${want} bytes)`);
  const out: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = table.start + i * want;
    const w = (o32: number, o64: number): bigint => r.word(at + (h.is64 ? o64 : o32), h.is64, 'program header');
    out.push({
      index: i,
      type: r.u32(at, 'p_type'),
      flags: r.u32(at + (h.is64 ? 4 : 24), 'p_flags'),
      offset: w(4, 8),
      vaddr: w(8, 16),
      paddr: w(12, 24),
      filesz: w(16, 32),
      memsz: w(20, 40),
      align: w(28, 48),
    });
  }
  return out;
}

/**
 * The entry point as a physical address. e_entry is virtual; like QEMU's load_elf, when it falls
 * inside a PT_LOAD whose p_vaddr differs from p_paddr it is moved by the same offset (preferring
 * executable segments).
 */
export function physicalEntry(entry: bigint, loads: ProgramHeader[]): bigint {
  const inside = loads.filter((p) => entry >= p.vaddr && entry < p.vaddr + p.memsz);
  const seg = inside.find((p) => (p.flags & PF_X) !== 0) ?? inside[0];
  return seg === undefined ? entry : entry - seg.vaddr + seg.paddr;
}

export function loadElf(file: string, bytes: Uint8Array, layout: MemoryLayout): GuestImage {
  const { reader: r, header: h } = parseElfHeader(file, bytes);
  const sections = readSectionHeaders(r, h);
  let phnum = h.phnum;
  if (phnum === PN_XNUM) {
    if (sections.length === 0) r.fail('e_phnum is PN_XNUM (0xffff) but there is no section 0 holding the real count');
    phnum = sections[0].info;
  }
  const phdrs = readProgramHeaders(r, h, phnum);
  const { symbols, mappingSymbols } = readSymbols(r, h, sections);
  const isLinux = symbols.some((s) => s.name === 'linux_banner' || s.name === 'start_kernel');

  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) r.fail(`no PT_LOAD segment among ${phnum} program headers: nothing to load`);
  const planned: PlannedSegment[] = [];
  for (const p of loads) {
    const label = phLabel(p);
    const range = r.range(p.offset, p.filesz, label);
    if (p.filesz > p.memsz) r.fail(`${label}: p_filesz ${hex(p.filesz)} is larger than p_memsz ${hex(p.memsz)}`);
    if (p.memsz === 0n) continue;
    planned.push({ label, paddr: p.paddr, memSize: p.memsz, data: bytes.subarray(range.start, range.end) });
  }
  if (planned.length === 0) r.fail('every PT_LOAD segment is empty (p_memsz 0): nothing to load');
  const hint = isLinux ? '; this looks like a Linux vmlinux: boot arch/arm64/boot/Image instead' : '';
  const segments = placeSegments(file, planned, layout, hint);
  const entry = physicalEntry(h.entry, loads);
  checkEntry(file, entry, segments, entry === h.entry ? 'entry point' : `entry point ${hex(h.entry)} (physical)`);

  return {
    path: file,
    format: h.is64 ? 'elf64' : 'elf32',
    arch: h.is64 ? 'aarch64' : 'arm',
    entry,
    segments,
    symbols,
    mappingSymbols,
    isLinux,
    end: imageEnd(segments),
  };
}
