// The loader's front door: detect the format of a guest image and load it against a memory layout.
//   ELF ("\x7fELF")                → elf.ts (ET_EXEC, AArch64 ELF64 or ARM ELF32, little-endian)
//   arm64 Image ("ARM\x64" @ 0x38) → linux-image.ts
//   gzip (1f 8b)                   → inflated, then ELF or Image
//   anything else                  → raw.ts at opts.rawAddress or the RAM base
// Every broken input throws ImageFormatError(file, fault).

import { ImageFormatError } from './errors';
import { isElf } from './elf-header';
import { loadElf } from './elf';
import { gunzipImage, isGzip } from './gzip';
import { hasImageMagic, loadLinuxImage } from './linux-image';
import { findRam, MAX_SEGMENT_BYTES } from './placement';
import { loadRaw } from './raw';
import type { GuestImage, LoadOptions, MemoryLayout } from './types';

export type {
  GuestImage,
  GuestSymbol,
  ImageArch,
  ImageFormat,
  ImageFormatOption,
  LoadOptions,
  LoadSegment,
  MappingSymbol,
  MemoryLayout,
  MemoryRegion,
  SymbolKind,
} from './types';
export { ImageFormatError } from './errors';
export { dtbAddressAfter } from './linux-image';
export { loadFirmware } from './raw';

export type DetectedFormat = 'elf' | 'image' | 'gzip' | 'raw';

export function detectFormat(bytes: Uint8Array): DetectedFormat {
  if (isElf(bytes)) return 'elf';
  if (isGzip(bytes)) return 'gzip';
  if (hasImageMagic(bytes)) return 'image';
  return 'raw';
}

export function loadGuestImage(path: string, bytes: Uint8Array, layout: MemoryLayout, opts: LoadOptions = {}): GuestImage {
  if (opts.format === 'raw') return loadRaw(path, bytes, layout, opts.rawAddress);
  let data = bytes;
  if (isGzip(data)) {
    const ram = findRam(layout);
    data = gunzipImage(path, data, ram.size < MAX_SEGMENT_BYTES ? ram.size : MAX_SEGMENT_BYTES);
  }
  const format = opts.format ?? detectFormat(data);
  switch (format) {
    case 'elf':
      return loadElf(path, data, layout);
    case 'image':
      return loadLinuxImage(path, data, layout);
    case 'gzip':
      throw new ImageFormatError(path, 'gzip data inside gzip data: not an ELF or arm64 Image');
    case 'raw':
      if (data !== bytes) throw new ImageFormatError(path, 'gzip\'d file contains neither an ELF nor an arm64 Image (no "ARM\\x64" magic at 0x38)');
      return loadRaw(path, data, layout, opts.rawAddress);
  }
}
