// Stage-2 translation tables for one persona. The hypervisor maps exactly the guest-physical regions
// that exist (RAM, flash, emulated device windows); every other access faults precisely into the
// hypervisor (an EL2 data/instruction abort with the faulting PC), which unicorn's own unmapped-memory
// path cannot do. VTCR: 4 KiB granule, 39-bit IPA, walk starting at level 1.

export interface Stage2Region {
  base: bigint;
  size: bigint;
  /** Device memory (Device-nGnRE, never executable) or normal memory. */
  device: boolean;
}

const PAGE = 0x1000n;
const L1_BLOCK = 1n << 30n;
const L2_BLOCK = 1n << 21n;
export const STAGE2_IPA_BITS = 39;

// Descriptor bits (stage 2): AF, SH=inner, S2AP=RW, MemAttr.
const AF = 1n << 10n;
const SH_INNER = 3n << 8n;
const S2AP_RW = 3n << 6n;
const S2AP_RO = 1n << 6n;
const ATTR_NORMAL_WB = 0xfn << 2n;
const ATTR_DEVICE_NGNRE = 0x1n << 2n;
const XN = 2n << 53n; // XN[1:0] = 0b10: not executable at EL1 or EL0
const BLOCK = 1n;
const TABLE_OR_PAGE = 3n;

export const VTCR_VALUE = (1n << 31n) | BigInt(64 - STAGE2_IPA_BITS) | (1n << 6n) /* SL0: level 1 */
  | (1n << 8n) | (1n << 10n) | (3n << 12n) /* WB, inner shareable walks */ | (2n << 16n) /* PS: 40 bits */;

/** Builds the tables into a fresh buffer that will be mapped at `tableBase` (host-only physical memory). */
export class Stage2Tables {
  private readonly pages: BigUint64Array[] = [];

  constructor(readonly tableBase: bigint) {
    this.newTable(); // level 1
  }

  private newTable(): number {
    this.pages.push(new BigUint64Array(512));
    return this.pages.length - 1;
  }

  private tableAddress(index: number): bigint {
    return this.tableBase + BigInt(index) * PAGE;
  }

  private childTable(parent: number, slot: number): number {
    const table = this.pages[parent]!;
    const d = table[slot]!;
    if ((d & 3n) === TABLE_OR_PAGE) return Number(((d & 0x0000_ffff_ffff_f000n) - this.tableBase) / PAGE);
    if ((d & 3n) === BLOCK) throw new Error('stage 2: region overlaps a block mapping');
    const child = this.newTable();
    table[slot] = this.tableAddress(child) | TABLE_OR_PAGE;
    return child;
  }

  map(region: Stage2Region): void {
    if (region.base % PAGE !== 0n || region.size % PAGE !== 0n) throw new Error(`stage 2: region 0x${region.base.toString(16)} is not page aligned`);
    const attrs = AF | SH_INNER | S2AP_RW | (region.device ? ATTR_DEVICE_NGNRE | XN : ATTR_NORMAL_WB);
    let a = region.base;
    const end = region.base + region.size;
    while (a < end) {
      const l1 = Number(a >> 30n) & 511;
      if (a % L1_BLOCK === 0n && end - a >= L1_BLOCK) {
        this.pages[0]![l1] = a | attrs | BLOCK;
        a += L1_BLOCK;
        continue;
      }
      const l2t = this.childTable(0, l1);
      const l2 = Number(a >> 21n) & 511;
      if (a % L2_BLOCK === 0n && end - a >= L2_BLOCK) {
        this.pages[l2t]![l2] = a | attrs | BLOCK;
        a += L2_BLOCK;
        continue;
      }
      const l3t = this.childTable(l2t, l2);
      this.pages[l3t]![Number(a >> 12n) & 511] = a | attrs | TABLE_OR_PAGE;
      a += PAGE;
    }
  }

  /**
   * Changes what the guest may do in [base, base + size) — read and write, read only (writes fault
   * into the hypervisor: a ROM device such as flash in read-array mode), or nothing (every access
   * faults: the same device in command mode) — by rewriting the leaf descriptors in `mapped`, the
   * tables as the vCPUs see them (bytes() once, mapped into guest-physical space). The range must
   * be mapped, and its leaves must not extend past it. Callers flush the vCPUs' TLBs afterwards.
   */
  setAccess(mapped: Uint8Array, base: bigint, size: bigint, access: 'rw' | 'ro' | 'none'): void {
    const view = new DataView(mapped.buffer, mapped.byteOffset, mapped.byteLength);
    const ap = access === 'rw' ? S2AP_RW : access === 'ro' ? S2AP_RO : 0n;
    const end = base + size;
    for (let a = base; a < end;) {
      let table = 0;
      let level = 1;
      let span = L1_BLOCK;
      for (;;) {
        const slot = Number((a >> (level === 1 ? 30n : level === 2 ? 21n : 12n)) & 511n);
        const at = table * 4096 + slot * 8;
        const d = view.getBigUint64(at, true);
        const leaf = level === 3 || (d & 3n) === BLOCK;
        if ((d & 1n) === 0n) throw new Error(`stage 2: 0x${a.toString(16)} is not mapped`);
        if (leaf) {
          if (a % span !== 0n || a + span > end) throw new Error(`stage 2: [0x${base.toString(16)}, 0x${end.toString(16)}) splits a mapping`);
          view.setBigUint64(at, (d & ~S2AP_RW) | ap, true);
          a += span;
          break;
        }
        table = Number(((d & 0x0000_ffff_ffff_f000n) - this.tableBase) / PAGE);
        level++;
        span = level === 2 ? L2_BLOCK : PAGE;
      }
    }
  }

  /** The tables as bytes (little-endian descriptors), page after page. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.pages.length * 4096);
    const view = new BigUint64Array(out.buffer);
    this.pages.forEach((p, i) => view.set(p, i * 512));
    return out;
  }

  get byteLength(): number {
    return this.pages.length * 4096;
  }
}
