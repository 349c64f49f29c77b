import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { detectFormat, dtbAddressAfter, loadGuestImage } from '../../emulator/loader/image';
import { loadLinuxImage, parseLinuxImageHeader } from '../../emulator/loader/linux-image';
import type { MemoryLayout } from '../../emulator/loader/types';
import { buildElf, buildLinuxImage, setU64 } from './elf-builder';
import { LAYOUT, RAM_BASE, code, expectFault } from './helpers';

const F = 'Image';

test('Image header parsing: text_offset, image_size, flags', () => {
  const b = buildLinuxImage({ textOffset: 0x80000n, imageSize: 0x20_0000n, flags: 0xan, body: code(0x1000) });
  const h = parseLinuxImageHeader(F, b);
  assert.equal(h.code0, 0x14000010);
  assert.equal(h.textOffset, 0x80000n);
  assert.equal(h.imageSize, 0x20_0000n);
  assert.equal(h.bigEndian, false);
  assert.equal(h.pageSize, '4K');
  assert.equal(h.placeAnywhere, true);
});

test('Image loads at the 2 MiB-aligned RAM base + text_offset, entry = load address, memSize = image_size', () => {
  const body = code(0x1000);
  const b = buildLinuxImage({ textOffset: 0x80000n, imageSize: 0x30_0000n, body });
  assert.equal(detectFormat(b), 'image');
  const img = loadGuestImage(F, b, LAYOUT);
  assert.equal(img.format, 'linux-image');
  assert.equal(img.arch, 'aarch64');
  assert.equal(img.isLinux, true);
  assert.equal(img.entry, RAM_BASE + 0x80000n);
  assert.deepEqual(img.segments.map((s) => [s.paddr, s.data.length, s.memSize]), [[RAM_BASE + 0x80000n, b.length, 0x30_0000n]]);
  assert.equal(img.end, RAM_BASE + 0x80000n + 0x30_0000n);
  assert.equal(dtbAddressAfter(img), RAM_BASE + 0x40_0000n);
  assert.deepEqual(img.symbols, []);
});

test('RAM base not 2 MiB aligned: rounds up', () => {
  const layout: MemoryLayout = { regions: [{ name: 'RAM', base: 0x8010_0000n, size: 0x1000_0000n }] };
  const img = loadLinuxImage(F, buildLinuxImage({ textOffset: 0n, imageSize: 0x10_0000n }), layout);
  assert.equal(img.entry, 0x8020_0000n);
});

test('legacy Image (image_size 0): text_offset 0x80000 and the file size', () => {
  const b = buildLinuxImage({ textOffset: 0x12345n, imageSize: 0n, body: code(0x200) });
  const img = loadGuestImage(F, b, LAYOUT);
  assert.equal(img.entry, RAM_BASE + 0x80000n);
  assert.equal(img.segments[0].memSize, BigInt(b.length));
});

test('gzip-compressed Image (Image.gz) is inflated and loaded', () => {
  const raw = buildLinuxImage({ textOffset: 0n, imageSize: 0x10_0000n, body: code(0x8000, 0xaa) });
  const gz = new Uint8Array(gzipSync(raw));
  assert.equal(detectFormat(gz), 'gzip');
  const img = loadGuestImage('Image.gz', gz, LAYOUT);
  assert.equal(img.format, 'linux-image');
  assert.equal(img.entry, RAM_BASE);
  assert.deepEqual(img.segments[0].data, raw);
  assert.equal(loadGuestImage('Image.gz', gz, LAYOUT, { format: 'image' }).entry, RAM_BASE);
});

test('gzip-compressed ELF is inflated and loaded as ELF', () => {
  const { bytes } = buildElf({ entry: RAM_BASE, segments: [{ paddr: RAM_BASE, data: code(0x40) }] });
  const img = loadGuestImage('k.elf.gz', new Uint8Array(gzipSync(bytes)), LAYOUT);
  assert.equal(img.format, 'elf64');
});

test('gzip faults: corrupt, truncated, too large, not an Image inside', () => {
  const gz = new Uint8Array(gzipSync(buildLinuxImage({ textOffset: 0n, imageSize: 0x10_0000n, body: code(0x4000) })));
  const bad = gz.slice();
  bad[20] ^= 0xff;
  bad[21] ^= 0xff;
  expectFault(() => loadGuestImage('Image.gz', bad, LAYOUT), 'Image.gz', 'gzip data is corrupt');
  expectFault(() => loadGuestImage('Image.gz', gz.subarray(0, gz.length - 30), LAYOUT), 'Image.gz', 'gzip data is corrupt');
  const small: MemoryLayout = { regions: [{ name: 'ram', base: RAM_BASE, size: 0x1000n }] };
  expectFault(() => loadGuestImage('Image.gz', gz, small), 'Image.gz', 'gzip data decompresses to more than 0x1000 bytes');
  const text = new Uint8Array(gzipSync(Buffer.from('hello world, not a kernel'.repeat(10))));
  expectFault(() => loadGuestImage('notes.gz', text, LAYOUT), 'notes.gz', "gzip'd file contains neither an ELF nor an arm64 Image");
});

test('Image faults: truncated header, bad magic, absurd image_size and text_offset, big-endian, image_size < file', () => {
  const good = buildLinuxImage({ textOffset: 0n, imageSize: 0x10_0000n, body: code(0x100) });
  expectFault(() => loadGuestImage(F, good.subarray(0, 0x3c), LAYOUT, { format: 'image' }), F, 'truncated arm64 Image header: 60 bytes, need 64');
  const noMagic = good.slice();
  noMagic[0x3b] = 0;
  expectFault(() => loadGuestImage(F, noMagic, LAYOUT, { format: 'image' }), F, 'bad arm64 Image magic at 0x38: 41 52 4d 00');
  const huge = good.slice();
  setU64(huge, 16, 1n << 50n);
  expectFault(() => loadGuestImage(F, huge, LAYOUT), F, 'Image image_size 0x4000000000000 is absurd (more than 4 GiB)');
  const big = good.slice();
  setU64(big, 16, 0x1000_0000n);
  expectFault(() => loadGuestImage(F, big, LAYOUT), F, 'Image image_size 0x10000000 is absurd (larger than RAM, 0x8000000 bytes)');
  const far = good.slice();
  setU64(far, 8, 1n << 62n);
  expectFault(() => loadGuestImage(F, far, LAYOUT), F, 'Image text_offset 0x4000000000000000 is absurd');
  const tail = good.slice();
  setU64(tail, 8, 0x7f8_0000n);
  expectFault(() => loadGuestImage(F, tail, LAYOUT), F, 'Linux Image [0x47f80000-0x48080000) runs past the end of memory region ram');
  const be = good.slice();
  setU64(be, 24, 1n);
  expectFault(() => loadGuestImage(F, be, LAYOUT), F, 'big-endian arm64 kernel');
  const short = good.slice();
  setU64(short, 16, 0x40n);
  expectFault(() => loadGuestImage(F, short, LAYOUT), F, 'image_size 0x40 is smaller than the file');
});
