// Raw binaries (firmware, `-bios` style): the bytes as-is at one address (flash base 0 or RAM base),
// entered at that address.

import { ImageFormatError } from './errors';
import { findRam, placeSegments } from './placement';
import type { GuestImage, MemoryLayout } from './types';

export function loadRaw(file: string, bytes: Uint8Array, layout: MemoryLayout, address?: bigint): GuestImage {
  if (bytes.length === 0) throw new ImageFormatError(file, 'file is empty: nothing to load');
  const paddr = address ?? findRam(layout).base;
  const memSize = BigInt(bytes.length);
  const segments = placeSegments(file, [{ label: 'raw image', paddr, data: bytes, memSize }], layout);
  return {
    path: file,
    format: 'raw',
    arch: 'aarch64',
    entry: paddr,
    segments,
    symbols: [],
    mappingSymbols: [],
    isLinux: false,
    end: paddr + memSize,
  };
}
