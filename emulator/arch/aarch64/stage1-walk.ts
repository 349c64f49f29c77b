// A software walk of the guest's own (stage-1, EL1&0) translation tables: turns a guest virtual
// address into a guest-physical one so the hypervisor can read guest memory the way the guest
// sees it (semihosting parameter blocks, instruction words) while the guest's MMU is on.
// unicorn's uc_mem_read is physical-only. Supports the 4 KiB granule (what Linux and most kernels
// use); 16 KiB and 64 KiB granules answer "not translated".

export interface Stage1Regs {
  sctlr: bigint;
  tcr: bigint;
  ttbr0: bigint;
  ttbr1: bigint;
}

/** Reads a 64-bit little-endian word of guest-physical memory, or undefined if nothing is there. */
export type PhysicalReader = (pa: bigint) => bigint | undefined;

const bits = (v: bigint, hi: number, lo: number): bigint => (v >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
const OA_MASK = 0x0000_ffff_ffff_f000n;

/** The guest-physical address for `va`, or undefined when the tables do not map it. */
export function translateStage1(va: bigint, r: Stage1Regs, read: PhysicalReader): bigint | undefined {
  if ((r.sctlr & 1n) === 0n) return va; // MMU off: flat
  const upper = bits(va, 63, 63) === 1n;
  const tsz = Number(upper ? bits(r.tcr, 21, 16) : bits(r.tcr, 5, 0));
  const granule = upper ? bits(r.tcr, 31, 30) : bits(r.tcr, 15, 14);
  const is4k = upper ? granule === 2n : granule === 0n;
  if (!is4k || tsz < 16 || tsz > 39) return undefined;
  const vaBits = 64 - tsz;
  // Addresses outside the region (top bits not all equal to bit 63) fault.
  const top = va >> BigInt(vaBits);
  if (top !== (upper ? (1n << BigInt(tsz)) - 1n : 0n)) return undefined;
  if (upper ? bits(r.tcr, 23, 23) === 1n : bits(r.tcr, 7, 7) === 1n) return undefined; // EPD: walks disabled
  let table = (upper ? r.ttbr1 : r.ttbr0) & 0x0000_ffff_ffff_fffen;
  // 9 bits per level on a 4 KiB granule; the start level is the one that covers vaBits.
  let level = 4 - Math.ceil((vaBits - 12) / 9);
  for (; level <= 3; level++) {
    const shift = 12 + 9 * (3 - level);
    const index = bits(va, Math.min(vaBits - 1, shift + 8), shift);
    const d = read(table + index * 8n);
    if (d === undefined || (d & 1n) === 0n) return undefined;
    const isTable = (d & 2n) !== 0n;
    if (level === 3) {
      if (!isTable) return undefined; // level-3 descriptors must be pages
      return (d & OA_MASK) | bits(va, 11, 0);
    }
    if (!isTable) {
      if (level === 0) return undefined; // no level-0 blocks with 4 KiB pages
      const blockMask = (1n << BigInt(shift)) - 1n;
      return (d & OA_MASK & ~blockMask) | (va & blockMask);
    }
    table = d & OA_MASK;
  }
  return undefined;
}
