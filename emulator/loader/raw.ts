// Raw binaries (firmware, `-bios` style): the bytes as-is at one address (flash base 0 or RAM base),
// entered at that address.

import { ImageFormatError, hex } from './errors';
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

/**
 * Firmware as QEMU's `-bios` loads it on virt: the file's bytes at the start of the region named
 * "flash" (the first pflash bank), entered there. It must fit the bank, `bankBytes`.
 */
export function loadFirmware(file: string, bytes: Uint8Array, layout: MemoryLayout, bankBytes: bigint): GuestImage {
  const flash = layout.regions.find((r) => r.name.toLowerCase() === 'flash');
  if (flash === undefined) throw new Error('loader: memory layout has no region named "flash"');
  if (BigInt(bytes.length) > bankBytes) {
    throw new ImageFormatError(file, `firmware of ${hex(bytes.length)} bytes does not fit the ${hex(bankBytes)}-byte flash bank at ${hex(flash.base)}`);
  }
  return loadRaw(file, bytes, layout, flash.base);
}
