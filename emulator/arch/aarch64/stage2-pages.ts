// Per-page stage-2 permissions on one vCPU's copy of its persona's stage-2 tables: the mechanism
// behind data breakpoints. A watched page loses write (and/or read) permission, so the guest's
// access to it becomes a precise stage-2 permission fault taken to this hypervisor; accesses to
// every other page run at full speed. Block mappings (1 GiB, 2 MiB) are split into page tables on
// demand from spare table pages reserved at the end of the buffer. The caller flushes the TLB.

/** Stage-2 access permission (S2AP, descriptor bits 7:6). */
export type Stage2Access = 'none' | 'read' | 'write' | 'readWrite';

const S2AP: Readonly<Record<Stage2Access, bigint>> = { none: 0n, read: 1n, write: 2n, readWrite: 3n };
const PAGE = 0x1000n;
const OA_MASK = 0x0000_ffff_ffff_f000n;
/** Lower (11:2) and upper (63:52) attributes, kept when a block is split. */
const ATTR_MASK = 0xfff0_0000_0000_0ffcn;
const VALID = 1n;
const TABLE_OR_PAGE = 3n;
const BLOCK = 1n;

export class Stage2Pages {
  private readonly words: BigUint64Array;
  private nextSpare: number;
  private readonly totalPages: number;

  /**
   * `bytes` holds the tables mapped at `base` (level-1 table first), `usedPages` of them built;
   * the pages after them are spares for splitting blocks.
   */
  constructor(bytes: Uint8Array, private readonly base: bigint, usedPages: number) {
    this.words = new BigUint64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    this.nextSpare = usedPages;
    this.totalPages = bytes.byteLength / 4096;
  }

  private tableOf(descriptor: bigint): number {
    return Number(((descriptor & OA_MASK) - this.base) / PAGE);
  }

  /**
   * Sets the permission of the 4 KiB page holding `ipa`. Returns false where stage 2 maps nothing
   * (the access faults anyway) or no spare table is left to split a block.
   */
  setPage(ipa: bigint, access: Stage2Access): boolean {
    let table = 0;
    for (let level = 1; level <= 3; level++) {
      const shift = BigInt(12 + 9 * (3 - level));
      const slot = table * 512 + Number((ipa >> shift) & 511n);
      let d = this.words[slot]!;
      if ((d & VALID) === 0n) return false;
      if (level === 3) {
        this.words[slot] = (d & ~(3n << 6n)) | (S2AP[access] << 6n);
        return true;
      }
      if ((d & 3n) === BLOCK) {
        const child = this.split(d, shift, level + 1 === 3);
        if (child === undefined) return false;
        d = this.base + BigInt(child) * PAGE | TABLE_OR_PAGE;
        this.words[slot] = d;
      }
      table = this.tableOf(d);
    }
    return false;
  }

  /** A table of 512 next-level entries covering the block `d` exactly, with its attributes. */
  private split(d: bigint, shift: bigint, toPages: boolean): number | undefined {
    if (this.nextSpare >= this.totalPages) return undefined;
    const child = this.nextSpare++;
    const size = 1n << (shift - 9n);
    const start = d & OA_MASK & ~((1n << shift) - 1n);
    const attrs = d & ATTR_MASK;
    const kind = toPages ? TABLE_OR_PAGE : BLOCK;
    for (let i = 0; i < 512; i++) this.words[child * 512 + i] = (start + BigInt(i) * size) | attrs | kind;
    return child;
  }
}
