// The Linux arm64 `Image` format (Documentation/arch/arm64/booting.rst): a 64-byte header
//   0x00 code0 u32, 0x04 code1 u32, 0x08 text_offset u64, 0x10 image_size u64, 0x18 flags u64,
//   0x20..0x37 reserved, 0x38 magic "ARM\x64", 0x3c res5 (PE/COFF offset)
// loaded at a 2 MiB-aligned RAM address + text_offset and entered at its first byte with
// x0 = DTB physical address. gzip'd images (Image.gz) are inflated first.

import { hex } from './errors';
import { gunzipImage, isGzip } from './gzip';
import { findRam, MAX_SEGMENT_BYTES, placeSegments } from './placement';
import { ByteReader } from './reader';
import type { GuestImage, MemoryLayout } from './types';

export const ARM64_IMAGE_MAGIC_OFFSET = 0x38;
export const ARM64_IMAGE_HEADER_SIZE = 64;
/** text_offset assumed when image_size is 0 (kernels before v3.17). */
export const LEGACY_TEXT_OFFSET = 0x80000n;
export const TWO_MIB = 0x20_0000n;

export type PageSizeHint = 'unspecified' | '4K' | '16K' | '64K';

export interface LinuxImageHeader {
  code0: number;
  code1: number;
  textOffset: bigint;
  /** 0 in pre-3.17 kernels (then text_offset is assumed to be 0x80000). */
  imageSize: bigint;
  flags: bigint;
  bigEndian: boolean;
  pageSize: PageSizeHint;
  /** flags bit 3: the kernel may be placed anywhere in RAM (not just near the base). */
  placeAnywhere: boolean;
}

export function hasImageMagic(bytes: Uint8Array): boolean {
  const m = ARM64_IMAGE_MAGIC_OFFSET;
  return bytes.length >= m + 4 && bytes[m] === 0x41 && bytes[m + 1] === 0x52 && bytes[m + 2] === 0x4d && bytes[m + 3] === 0x64;
}

export function alignUp(v: bigint, align: bigint): bigint {
  return ((v + align - 1n) / align) * align;
}

export function parseLinuxImageHeader(file: string, bytes: Uint8Array): LinuxImageHeader {
  const r = new ByteReader(file, bytes, true);
  if (bytes.length < ARM64_IMAGE_HEADER_SIZE) {
    r.fail(`truncated arm64 Image header: ${bytes.length} bytes, need ${ARM64_IMAGE_HEADER_SIZE}`);
  }
  if (!hasImageMagic(bytes)) {
    const got = Array.from(bytes.subarray(0x38, 0x3c), (b) => b.toString(16).padStart(2, '0')).join(' ');
    r.fail(`bad arm64 Image magic at 0x38: ${got}, expected 41 52 4d 64 ("ARM\\x64")`);
  }
  const flags = r.u64(0x18, 'flags');
  const pages: PageSizeHint[] = ['unspecified', '4K', '16K', '64K'];
  return {
    code0: r.u32(0, 'code0'),
    code1: r.u32(4, 'code1'),
    textOffset: r.u64(0x08, 'text_offset'),
    imageSize: r.u64(0x10, 'image_size'),
    flags,
    bigEndian: (flags & 1n) !== 0n,
    pageSize: pages[Number((flags >> 1n) & 3n)],
    placeAnywhere: (flags & 8n) !== 0n,
  };
}

/** Loads an Image (or Image.gz) into the RAM region. */
export function loadLinuxImage(file: string, input: Uint8Array, layout: MemoryLayout): GuestImage {
  const ram = findRam(layout);
  const bytes = isGzip(input) ? gunzipImage(file, input, ram.size < MAX_SEGMENT_BYTES ? ram.size : MAX_SEGMENT_BYTES) : input;
  const r = new ByteReader(file, bytes, true);
  const h = parseLinuxImageHeader(file, bytes);
  if (h.bigEndian) r.fail('big-endian arm64 kernel (Image flags bit 0 set) is not supported');
  const legacy = h.imageSize === 0n;
  const textOffset = legacy ? LEGACY_TEXT_OFFSET : h.textOffset;
  if (h.imageSize > MAX_SEGMENT_BYTES) r.fail(`Image image_size ${hex(h.imageSize)} is absurd (more than 4 GiB)`);
  if (h.imageSize > ram.size) r.fail(`Image image_size ${hex(h.imageSize)} is absurd (larger than RAM, ${hex(ram.size)} bytes)`);
  if (textOffset >= ram.size) r.fail(`Image text_offset ${hex(textOffset)} is absurd (RAM is ${hex(ram.size)} bytes)`);
  const fileSize = BigInt(bytes.length);
  if (!legacy && h.imageSize < fileSize) {
    r.fail(`Image image_size ${hex(h.imageSize)} is smaller than the file (${hex(fileSize)} bytes)`);
  }
  const memSize = legacy ? fileSize : h.imageSize;
  const base = alignUp(ram.base, TWO_MIB) + textOffset;
  const segments = placeSegments(file, [{ label: 'Linux Image', paddr: base, data: bytes, memSize }], layout);
  return {
    path: file,
    format: 'linux-image',
    arch: 'aarch64',
    entry: base,
    segments,
    symbols: [],
    mappingSymbols: [],
    isLinux: true,
    end: base + memSize,
  };
}

/**
 * A place for the DTB after a kernel: the image's end rounded up to 2 MiB (booting.rst: the DTB is
 * 8-byte aligned, at most 2 MiB, and must not share a 2 MiB block with memory needing other attributes).
 * The caller checks it still fits in RAM.
 */
export function dtbAddressAfter(image: { end: bigint }): bigint {
  return alignUp(image.end, TWO_MIB);
}
