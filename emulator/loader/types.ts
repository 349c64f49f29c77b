// The loader's public data shapes: where images may go (MemoryLayout) and what a loaded image is.

/** A place a segment may load: RAM or flash (guest-physical). */
export interface MemoryRegion {
  name: string;
  base: bigint;
  size: bigint;
}

export interface MemoryLayout {
  regions: MemoryRegion[];
}

/**
 * One piece of guest memory to initialise. `data` is a view into the input (or decompressed) bytes,
 * not a copy; the caller copies it to `paddr` and zero-fills `paddr + data.length .. paddr + memSize`.
 */
export interface LoadSegment {
  paddr: bigint;
  data: Uint8Array;
  memSize: bigint;
}

export type SymbolKind = 'func' | 'object' | 'other';

export interface GuestSymbol {
  name: string;
  /** st_value as linked (a virtual address; for 32-bit Thumb functions bit 0 is set). */
  value: bigint;
  size: bigint;
  kind: SymbolKind;
  /** STB_GLOBAL, STB_WEAK or STB_GNU_UNIQUE. */
  global: boolean;
}

/** ARM ELF mapping symbol ($x A64 code, $a A32 code, $t T32 code, $d data; optionally "$x.suffix"). */
export interface MappingSymbol {
  name: string;
  value: bigint;
}

export type ImageFormat = 'elf64' | 'elf32' | 'linux-image' | 'raw';
export type ImageArch = 'aarch64' | 'arm';

export interface GuestImage {
  path: string;
  format: ImageFormat;
  arch: ImageArch;
  /** Physical address to start at. */
  entry: bigint;
  /** Sorted by paddr, non-overlapping, each inside one MemoryLayout region. */
  segments: LoadSegment[];
  /** Sorted by value (then name). Excludes section/file/undefined symbols and mapping symbols. */
  symbols: GuestSymbol[];
  /** Sorted by value. */
  mappingSymbols: MappingSymbol[];
  /** A Linux kernel: boot with x0 = DTB address, x1 = x2 = x3 = 0. */
  isLinux: boolean;
  /** Highest loaded byte + 1 (including zero-filled memory). */
  end: bigint;
}

export type ImageFormatOption = 'elf' | 'image' | 'raw';

export interface LoadOptions {
  /** Force a format instead of auto-detecting. */
  format?: ImageFormatOption;
  /** Load address for raw binaries (default: the RAM region's base). */
  rawAddress?: bigint;
}
