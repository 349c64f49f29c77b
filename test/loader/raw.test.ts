import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, loadFirmware, loadGuestImage } from '../../emulator/loader/image';
import { LAYOUT, RAM_BASE, code, expectFault } from './helpers';

test('raw binary defaults to the RAM base, entry there', () => {
  const b = code(0x1234, 0x1f);
  assert.equal(detectFormat(b), 'raw');
  const img = loadGuestImage('fw.bin', b, LAYOUT);
  assert.equal(img.format, 'raw');
  assert.equal(img.entry, RAM_BASE);
  assert.deepEqual(img.segments.map((s) => [s.paddr, s.data.length, s.memSize]), [[RAM_BASE, 0x1234, 0x1234n]]);
  assert.equal(img.segments[0].data, b);
  assert.equal(img.end, RAM_BASE + 0x1234n);
  assert.equal(img.isLinux, false);
});

test('raw binary at flash base 0 (bios style)', () => {
  const img = loadGuestImage('bios.bin', code(0x100), LAYOUT, { rawAddress: 0n });
  assert.equal(img.entry, 0n);
  assert.equal(img.segments[0].paddr, 0n);
});

test('format: raw forces raw even for an ELF-looking file', () => {
  const b = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]);
  assert.equal(loadGuestImage('odd.bin', b, LAYOUT, { format: 'raw' }).format, 'raw');
});

test('raw faults: empty file, outside every region, past the end of a region, too big', () => {
  expectFault(() => loadGuestImage('empty.bin', new Uint8Array(0), LAYOUT), 'empty.bin', 'file is empty');
  expectFault(() => loadGuestImage('fw.bin', code(16), LAYOUT, { rawAddress: 0x3000_0000n }), 'fw.bin', 'raw image [0x30000000-0x30000010) lies outside every memory region');
  expectFault(() => loadGuestImage('fw.bin', code(0x2000), LAYOUT, { rawAddress: 0x7fff000n }), 'fw.bin', 'raw image [0x7fff000-0x8001000) runs past the end of memory region flash');
  const layout = { regions: [{ name: 'ram', base: RAM_BASE, size: 0x1000n }] };
  expectFault(() => loadGuestImage('fw.bin', code(0x2000), layout), 'fw.bin', 'raw image: size 0x2000 is absurd (larger than the largest memory region, ram, 0x1000 bytes)');
});

test('a layout without a RAM region is a caller error, not an image fault', () => {
  assert.throws(() => loadGuestImage('fw.bin', code(16), { regions: [{ name: 'flash', base: 0n, size: 0x1000n }] }), /no region named "ram"/);
});

test('firmware (-bios style): at the flash base, entered there; larger than the bank is refused', () => {
  const img = loadFirmware('u-boot.bin', code(0x1000), LAYOUT, 0x4000n);
  assert.equal(img.entry, 0n);
  assert.deepEqual(img.segments.map((s) => [s.paddr, s.memSize]), [[0n, 0x1000n]]);
  expectFault(() => loadFirmware('big.bin', code(0x5000), LAYOUT, 0x4000n), 'big.bin', 'firmware of 0x5000 bytes does not fit the 0x4000-byte flash bank at 0x0');
});
