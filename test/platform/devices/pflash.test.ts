// The virt board's CFI flash bank, driven the way U-Boot's cfi_flash driver drives it; the expected
// answers are QEMU 7.2's (its pflash trace, `-d trace:pflash_*`, for the same U-Boot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PflashCfi01, VIRT_PFLASH } from '../../../emulator/platform/pflash-cfi01';

const BANK = 64 << 20;

function bank(): { f: PflashCfi01; storage: Uint8Array; modes: boolean[]; changed: [number, number][] } {
  const storage = new Uint8Array(BANK);
  const modes: boolean[] = [];
  const changed: [number, number][] = [];
  const f = new PflashCfi01('pflash1', storage, VIRT_PFLASH, (m) => modes.push(m), (o, n) => changed.push([o, n]));
  return { f, storage, modes, changed };
}

test('pflash: CFI query as U-Boot probes it (QRY per chip, geometry of two x16 chips), then read-array', () => {
  const { f, modes } = bank();
  assert.equal(f.inReadArray, true);
  f.write(0x154, 2, 0x0098); // CFI query at 0x55 in 32-bit units
  assert.deepEqual(modes, [false], 'leaves read-array: accesses now trap');
  assert.equal(f.read(0x40, 2), 0x0051, "16-bit read at 0x10*4: 'Q' (QEMU answers 0x510051, the bus keeps 16 bits)");
  assert.equal(f.read(0x40, 4), 0x0051_0051, "32-bit: 'Q' from each chip");
  assert.equal(f.read(0x44, 1), 0x52);
  assert.equal(f.read(0x48, 4), 0x0059_0059);
  assert.equal(f.read(0x4c, 1), 0x01, 'Intel command set');
  assert.equal(f.read(0x27 * 4, 1), 25, 'each chip is 2^25 = 32 MiB');
  assert.equal(f.read(0x2a * 4, 1), 11, '2 KiB write buffer per chip');
  assert.equal(f.read(0x2d * 4, 1) | (f.read(0x2e * 4, 1) << 8), 255, '256 erase blocks');
  assert.equal(f.read(0x2f * 4, 1) | (f.read(0x30 * 4, 1) << 8), 0x200, 'of 128 KiB per chip (x256)');
  assert.equal(f.read(0x1554, 2), 0, 'past the table: 0');
  f.write(0, 2, 0x00f0); // an AMD reset does not leave query mode (as QEMU)
  assert.equal(f.read(0x40, 1), 0x51);
  f.write(0, 2, 0x00ff);
  assert.equal(f.inReadArray, true);
  assert.deepEqual(modes, [false, true]);
  assert.equal(f.commandName, 'read-array');
});

test('pflash: read identifier, status register replicated per chip, clear status', () => {
  const { f } = bank();
  f.write(0, 4, 0x0090_0090);
  assert.equal(f.read(0, 4), 0x0089_0089, 'manufacturer 0x89 from both chips');
  assert.equal(f.read(4, 4), 0x0018_0018, 'device 0x18');
  f.write(0, 2, 0x0070);
  assert.equal(f.read(0, 2), 0x80, 'ready');
  assert.equal(f.read(0, 4), 0x0080_0080);
  f.write(0, 2, 0x0050);
  assert.equal(f.inReadArray, true);
  f.write(0, 2, 0x0070);
  assert.equal(f.read(0, 2), 0, 'cleared');
});

test('pflash: sector erase, word program, buffered write; the translated code of what changed is dropped', () => {
  const { f, storage, changed } = bank();
  storage.fill(0x11, 0, 0x80000);
  f.write(0x40000 + 0x123, 2, 0x0020); // erase the 256 KiB sector holding 0x40123
  f.write(0x40000, 2, 0x00d0);
  assert.equal(f.read(0x40000, 2), 0x80, 'status: ready');
  assert.equal(storage[0x3ffff], 0x11);
  assert.ok(storage.subarray(0x40000, 0x80000).every((b) => b === 0xff));
  assert.deepEqual(changed, [[0x40000, 0x40000]]);
  f.write(0x40000, 2, 0x0040); // program one 16-bit word
  f.write(0x40010, 2, 0xbeef);
  assert.deepEqual([...storage.subarray(0x40010, 0x40012)], [0xef, 0xbe]);
  f.write(0, 2, 0x00ff);
  // Buffered write: 0xe8, count - 1, the words, confirm 0xd0; nothing lands before the confirm.
  f.write(0x40000, 2, 0x00e8);
  assert.equal(f.read(0x40000, 2), 0x80, 'buffer available');
  f.write(0x40000, 2, 3);
  for (let i = 0; i < 4; i++) f.write(0x40800 + 2 * i, 2, 0x4100 + i);
  assert.equal(storage[0x40800], 0xff, 'not before the confirm');
  f.write(0x40000, 2, 0x00d0);
  assert.deepEqual([...storage.subarray(0x40800, 0x40808)], [0, 0x41, 1, 0x41, 2, 0x41, 3, 0x41]);
  assert.equal(f.read(0x40000, 2), 0x80, 'ready, no error');
  f.write(0, 2, 0x00ff);
  assert.equal(f.read(0x40800, 4), 0x4101_4100, 'read-array reads the array');
});

test('pflash: a buffered write outside its 4 KiB block is a programming error and is dropped', () => {
  const { f, storage } = bank();
  storage.fill(0xff);
  f.write(0, 2, 0x00e8);
  f.write(0, 2, 1);
  f.write(0x0ffe, 2, 0x1234); // the block is the one of the first data write: 0x0000..0x0fff
  f.write(0x1000, 2, 0x5678); // outside it
  f.write(0, 2, 0x00d0);
  assert.equal(f.inReadArray, true, 'aborted back to read-array');
  assert.equal(storage[0x0ffe], 0xff, 'nothing written');
  f.write(0, 2, 0x0070);
  assert.equal(f.read(0, 2) & 0x10, 0x10, 'status says program error');
});

test('pflash: command state survives a snapshot', () => {
  const a = bank();
  a.f.write(0, 2, 0x0098);
  const b = bank();
  b.f.restoreState(a.f.saveState());
  assert.equal(b.f.inReadArray, false);
  assert.deepEqual(b.modes, [false], 'the hypervisor is told to unmap it');
  assert.equal(b.f.read(0x40, 2), 0x51);
  assert.throws(() => b.f.restoreState({ ...a.f.saveState(), wcycle: 9 }), /wcycle/);
});
