// A small ELF32/ELF64 writer for loader tests: generates fixtures (program headers, .text, .symtab,
// .strtab, .shstrtab) so no binaries are committed, and reports where each table lives for
// corruption tests.

export interface BuildSegment {
  paddr: bigint;
  vaddr?: bigint;
  data: Uint8Array;
  memSize?: bigint;
  flags?: number;
  type?: number;
}

export interface BuildSymbol {
  name: string;
  value: bigint;
  size?: bigint;
  /** STT_*: 0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION, 4 FILE. */
  type?: number;
  /** STB_*: 0 LOCAL, 1 GLOBAL, 2 WEAK. */
  bind?: number;
  shndx?: number;
}

export interface BuildOptions {
  is64?: boolean;
  machine?: number;
  type?: number;
  entry: bigint;
  segments: BuildSegment[];
  symbols?: BuildSymbol[];
  bigEndian?: boolean;
  /** Omit the section header table (e_shoff = 0). */
  noSections?: boolean;
}

export interface BuiltElf {
  bytes: Uint8Array;
  phoff: number;
  phentsize: number;
  shoff: number;
  shentsize: number;
  shnum: number;
  segmentOffsets: number[];
  symtabIndex: number;
  strtabIndex: number;
  shstrndx: number;
  symtabOffset: number;
  strtabOffset: number;
}

/** Field offsets within headers, for tests that corrupt them. */
export const EH64 = { type: 16, machine: 18, version: 20, entry: 24, phoff: 32, shoff: 40, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60, shstrndx: 62 };
export const EH32 = { type: 16, machine: 18, entry: 24, phoff: 28, shoff: 32, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50 };
export const PH64 = { type: 0, offset: 8, vaddr: 16, paddr: 24, filesz: 32, memsz: 40 };
export const SH64 = { name: 0, type: 4, offset: 24, size: 32, link: 40, entsize: 56 };

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

class StrTab {
  private parts: number[] = [0];
  private seen = new Map<string, number>();
  add(s: string): number {
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    const off = this.parts.length;
    this.parts.push(...Buffer.from(s, 'utf8'), 0);
    this.seen.set(s, off);
    return off;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function buildElf(o: BuildOptions): BuiltElf {
  const is64 = o.is64 ?? true;
  const le = !(o.bigEndian ?? false);
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const symentsize = is64 ? 24 : 16;
  const phoff = ehsize;
  let cur = phoff + phentsize * o.segments.length;
  const segmentOffsets = o.segments.map((s) => {
    cur = align(cur, 16);
    const at = cur;
    cur += s.data.length;
    return at;
  });

  const strtab = new StrTab();
  const isLocal = (s: BuildSymbol): number => ((s.bind ?? 0) === 0 ? 0 : 1);
  const symbols = [...(o.symbols ?? [])].sort((a, b) => isLocal(a) - isLocal(b));
  const firstGlobal = 1 + symbols.filter((s) => (s.bind ?? 0) === 0).length;
  const symNames = symbols.map((s) => strtab.add(s.name));
  const strBytes = strtab.bytes();
  const shstr = new StrTab();
  const names = ['.text', '.symtab', '.strtab', '.shstrtab'].map((n) => shstr.add(n));
  const shstrBytes = shstr.bytes();

  const strtabOffset = align(cur, 8);
  const symtabOffset = align(strtabOffset + strBytes.length, 8);
  const symtabSize = symentsize * (symbols.length + 1);
  const shstrOffset = symtabOffset + symtabSize;
  const shoff = align(shstrOffset + shstrBytes.length, 8);
  const shnum = o.noSections ? 0 : 5;
  const total = o.noSections ? cur : shoff + shnum * shentsize;

  const bytes = new Uint8Array(total);
  const v = new DataView(bytes.buffer);
  const u16 = (off: number, x: number): void => v.setUint16(off, x, le);
  const u32 = (off: number, x: number): void => v.setUint32(off, x, le);
  const word = (off: number, x: bigint): void => (is64 ? v.setBigUint64(off, x, le) : v.setUint32(off, Number(x), le));

  bytes.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1], 0);
  u16(16, o.type ?? 2);
  u16(18, o.machine ?? (is64 ? 183 : 40));
  u32(20, 1);
  word(24, o.entry);
  word(is64 ? 32 : 28, BigInt(phoff));
  word(is64 ? 40 : 32, o.noSections ? 0n : BigInt(shoff));
  u16(is64 ? 52 : 40, ehsize);
  u16(is64 ? 54 : 42, phentsize);
  u16(is64 ? 56 : 44, o.segments.length);
  u16(is64 ? 58 : 46, shentsize);
  u16(is64 ? 60 : 48, shnum);
  u16(is64 ? 62 : 50, o.noSections ? 0 : 4);

  o.segments.forEach((s, i) => {
    const at = phoff + i * phentsize;
    const memSize = s.memSize ?? BigInt(s.data.length);
    const flags = s.flags ?? 5;
    u32(at, s.type ?? 1);
    if (is64) {
      u32(at + 4, flags);
      word(at + 8, BigInt(segmentOffsets[i]));
      word(at + 16, s.vaddr ?? s.paddr);
      word(at + 24, s.paddr);
      word(at + 32, BigInt(s.data.length));
      word(at + 40, memSize);
      word(at + 48, 0x1000n);
    } else {
      word(at + 4, BigInt(segmentOffsets[i]));
      word(at + 8, s.vaddr ?? s.paddr);
      word(at + 12, s.paddr);
      word(at + 16, BigInt(s.data.length));
      word(at + 20, memSize);
      u32(at + 24, flags);
      word(at + 28, 0x1000n);
    }
    bytes.set(s.data, segmentOffsets[i]);
  });

  if (!o.noSections) {
    bytes.set(strBytes, strtabOffset);
    bytes.set(shstrBytes, shstrOffset);
    symbols.forEach((s, i) => {
      const at = symtabOffset + (i + 1) * symentsize;
      const info = ((s.bind ?? 0) << 4) | (s.type ?? 0);
      u32(at, symNames[i]);
      if (is64) {
        bytes[at + 4] = info;
        u16(at + 6, s.shndx ?? 1);
        word(at + 8, s.value);
        word(at + 16, s.size ?? 0n);
      } else {
        word(at + 4, s.value);
        word(at + 8, s.size ?? 0n);
        bytes[at + 12] = info;
        u16(at + 14, s.shndx ?? 1);
      }
    });
    const first = o.segments[0];
    const sections: { name: number; type: number; addr: bigint; offset: number; size: number; link: number; info: number; entsize: number }[] = [
      { name: names[0], type: 1, addr: first?.vaddr ?? first?.paddr ?? 0n, offset: segmentOffsets[0] ?? 0, size: first?.data.length ?? 0, link: 0, info: 0, entsize: 0 },
      { name: names[1], type: 2, addr: 0n, offset: symtabOffset, size: symtabSize, link: 3, info: firstGlobal, entsize: symentsize },
      { name: names[2], type: 3, addr: 0n, offset: strtabOffset, size: strBytes.length, link: 0, info: 0, entsize: 0 },
      { name: names[3], type: 3, addr: 0n, offset: shstrOffset, size: shstrBytes.length, link: 0, info: 0, entsize: 0 },
    ];
    sections.forEach((s, i) => {
      const at = shoff + (i + 1) * shentsize;
      u32(at, s.name);
      u32(at + 4, s.type);
      if (is64) {
        word(at + 16, s.addr);
        word(at + 24, BigInt(s.offset));
        word(at + 32, BigInt(s.size));
        u32(at + 40, s.link);
        u32(at + 44, s.info);
        word(at + 56, BigInt(s.entsize));
      } else {
        word(at + 12, s.addr);
        word(at + 16, BigInt(s.offset));
        word(at + 20, BigInt(s.size));
        u32(at + 24, s.link);
        u32(at + 28, s.info);
        word(at + 36, BigInt(s.entsize));
      }
    });
  }

  return { bytes, phoff, phentsize, shoff, shentsize, shnum, segmentOffsets, symtabIndex: 2, strtabIndex: 3, shstrndx: 4, symtabOffset, strtabOffset };
}

export function setU16(b: Uint8Array, off: number, x: number): void {
  new DataView(b.buffer, b.byteOffset).setUint16(off, x, true);
}
export function setU32(b: Uint8Array, off: number, x: number): void {
  new DataView(b.buffer, b.byteOffset).setUint32(off, x, true);
}
export function setU64(b: Uint8Array, off: number, x: bigint): void {
  new DataView(b.buffer, b.byteOffset).setBigUint64(off, x, true);
}

/** Builds an arm64 Image: header + `body` bytes (text_offset, image_size, flags as given). */
export function buildLinuxImage(o: { textOffset: bigint; imageSize: bigint; flags?: bigint; body?: Uint8Array }): Uint8Array {
  const body = o.body ?? new Uint8Array(0);
  const b = new Uint8Array(64 + body.length);
  setU32(b, 0, 0x14000010); // b +0x40
  setU64(b, 8, o.textOffset);
  setU64(b, 16, o.imageSize);
  setU64(b, 24, o.flags ?? 0xan);
  b.set([0x41, 0x52, 0x4d, 0x64], 0x38);
  b.set(body, 64);
  return b;
}
