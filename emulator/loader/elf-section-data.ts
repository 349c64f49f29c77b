// Section contents by name, for readers of non-loaded sections (DWARF .debug_*). Builds on the
// header and section-table parsing in elf-header.ts / elf-sections.ts; only adds what those do not
// keep: the bytes, and inflating SHF_COMPRESSED sections (ld --compress-debug-sections=zlib).

import { inflateSync } from 'node:zlib';
import { hex } from './errors';
import { parseElfHeader } from './elf-header';
import { readSectionHeaders, sectionLabel, SHT_NOBITS, type SectionHeader } from './elf-sections';
import type { ByteReader } from './reader';

const SHF_COMPRESSED = 0x800;
const ELFCOMPRESS_ZLIB = 1;
/** Refuse to inflate past this: a lying ch_size must not exhaust memory. */
const MAX_INFLATED = 1 << 30;

export interface ElfSectionData {
  header: SectionHeader;
  /** The section's bytes: a view into the file, or a fresh buffer for a compressed section. */
  data: Uint8Array;
}

/**
 * Every named section with file data (SHT_NOBITS and unnamed sections are left out), keyed by name;
 * when two sections share a name the first wins. Throws ImageFormatError for a broken table.
 */
export function readSectionData(file: string, bytes: Uint8Array): Map<string, ElfSectionData> {
  const { reader: r, header: h } = parseElfHeader(file, bytes);
  const out = new Map<string, ElfSectionData>();
  for (const s of readSectionHeaders(r, h)) {
    if (s.type === SHT_NOBITS || s.name === '' || out.has(s.name)) continue;
    const range = r.range(s.offset, s.size, sectionLabel(s));
    let data = bytes.subarray(range.start, range.end);
    // sh_flags is not kept by readSectionHeaders; it sits at offset 8 of the entry in both classes.
    const flags = r.word(Number(h.shoff) + s.index * (h.is64 ? 64 : 40) + 8, h.is64, 'sh_flags');
    if ((flags & BigInt(SHF_COMPRESSED)) !== 0n) data = inflate(r, s, data, h.is64);
    out.set(s.name, { header: s, data });
  }
  return out;
}

/** Elf{32,64}_Chdr then a zlib stream (the only compression binutils emits by default). */
function inflate(r: ByteReader, s: SectionHeader, data: Uint8Array, is64: boolean): Uint8Array {
  const label = `compressed ${sectionLabel(s)}`;
  const hdrSize = is64 ? 24 : 12;
  if (data.length < hdrSize) r.fail(`${label} is shorter than its compression header (${data.length} bytes)`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = view.getUint32(0, true);
  const size = is64 ? view.getBigUint64(8, true) : BigInt(view.getUint32(4, true));
  if (type !== ELFCOMPRESS_ZLIB) r.fail(`${label} uses compression type ${type}; only zlib (1) is supported`);
  if (size > BigInt(MAX_INFLATED)) r.fail(`${label} claims ${hex(size)} uncompressed bytes`);
  let out: Buffer;
  try {
    out = inflateSync(data.subarray(hdrSize), { maxOutputLength: Math.max(1, Number(size)) });
  } catch (e) {
    r.fail(`${label}: zlib stream is broken (${(e as Error).message})`);
  }
  if (BigInt(out.length) !== size) r.fail(`${label} inflates to ${hex(out.length)} bytes, header says ${hex(size)}`);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
