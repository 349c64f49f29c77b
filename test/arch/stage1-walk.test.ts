import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateStage1, type Stage1Regs } from '../../emulator/arch/aarch64/stage1-walk';

/** A sparse guest-physical memory of 64-bit words. */
function memory(): { words: Map<bigint, bigint>; read: (pa: bigint) => bigint | undefined } {
  const words = new Map<bigint, bigint>();
  return { words, read: (pa) => words.get(pa) };
}

const TABLE = 3n;
const BLOCK = 1n;
const PAGE = 3n;
const AF = 1n << 10n;

test('MMU off: flat', () => {
  const m = memory();
  assert.equal(translateStage1(0x4008_0000n, { sctlr: 0n, tcr: 0n, ttbr0: 0n, ttbr1: 0n }, m.read), 0x4008_0000n);
});

test('48-bit VA, 4 KiB granule: TTBR0 page and TTBR1 2 MiB block, and holes', () => {
  const m = memory();
  // TTBR0: L0 @0x1000 -> L1 @0x2000 -> L2 @0x3000 -> L3 @0x4000 -> page 0x4123_4000 for VA 0x0000_0000_0040_0000
  m.words.set(0x1000n, 0x2000n | TABLE);
  m.words.set(0x2000n, 0x3000n | TABLE);
  m.words.set(0x3000n + 2n * 8n, 0x4000n | TABLE); // L2 index 2 (VA bits 29:21 = 2)
  m.words.set(0x4000n, 0x4123_4000n | AF | PAGE);
  // TTBR1: L0 @0x5000 [511] -> L1 @0x6000 [511] -> L2 @0x7000 [0] = 2 MiB block at 0x4020_0000
  m.words.set(0x5000n + 511n * 8n, 0x6000n | TABLE);
  m.words.set(0x6000n + 511n * 8n, 0x7000n | TABLE);
  m.words.set(0x7000n, 0x4020_0000n | AF | BLOCK);
  const tcr = 16n | (16n << 16n) | (2n << 30n); // T0SZ = T1SZ = 16, TG0 = 4K, TG1 = 4K
  const r: Stage1Regs = { sctlr: 1n, tcr, ttbr0: 0x1000n, ttbr1: 0x5000n };
  assert.equal(translateStage1(0x40_0abcn, r, m.read), 0x4123_4abcn);
  assert.equal(translateStage1(0xffff_ffff_c001_2345n, r, m.read), 0x4021_2345n);
  assert.equal(translateStage1(0x80_0000n, r, m.read), undefined, 'unmapped L2 entry');
  assert.equal(translateStage1(0x0001_0000_0000_0000n, r, m.read), undefined, 'outside the 48-bit TTBR0 range');
  assert.equal(translateStage1(0x40_0abcn, { ...r, tcr: tcr | (1n << 7n) }, m.read), undefined, 'EPD0 disables TTBR0 walks');
  assert.equal(translateStage1(0x40_0abcn, { ...r, tcr: (tcr & ~(3n << 14n)) | (1n << 14n) }, m.read), undefined, '64 KiB granule not supported');
});
