// Data watchpoints of one vCPU by stage-2 page permissions (Stage2Pages on the vCPU's own copy of
// the tables): only accesses to a watched page fault into the hypervisor, nothing else pays.
//  - a faulting access that touches a watched range stops the vCPU *before* the access (the PC is
//    still at the load or store); when it resumes, the access runs once with the page granted;
//  - any other access to the page (a neighbour of the watched variable) runs at once the same way:
//    the page is granted to this vCPU alone, the instruction re-executes, and a one-shot code hook
//    at the next instruction (loads and stores always go on at pc + 4) protects the page again.
// Other vCPUs keep their own tables, so a page granted here stays watched on them.
import type { UnicornEngine } from '../../engine/unicorn';
import { Stage2Pages, type Stage2Access } from './stage2-pages';

export type WatchAccess = 'read' | 'write' | 'readWrite';

export interface Watchpoint {
  /** Guest-physical (intermediate physical) address: every virtual alias of it is watched. */
  ipa: bigint;
  length: number;
  access: WatchAccess;
}

export interface WatchHit {
  /** The guest-physical address the access started at, its size (0: unknown) and direction. */
  ipa: bigint;
  size: number;
  write: boolean;
  pc: bigint;
}

const PAGE = 0x1000n;
const PAGE_MASK = ~(PAGE - 1n);
/** Bytes assumed for an access whose syndrome has no size (ISV = 0: pairs, SIMD, atomics...). */
const UNKNOWN_ACCESS_BYTES = 16n;

function pagesOf(w: Watchpoint): bigint[] {
  const out: bigint[] = [];
  for (let p = w.ipa & PAGE_MASK; p < w.ipa + BigInt(Math.max(1, w.length)); p += PAGE) out.push(p);
  return out;
}

export class VcpuWatchpoints {
  private watches: Watchpoint[] = [];
  /** Pages this vCPU protects now, with the permission they keep. */
  private readonly protectedPages = new Map<bigint, Stage2Access>();
  /** Pages granted for one instruction, and the hook that ends the grant. */
  private grant: { pages: Set<bigint>; at: bigint; hook: bigint } | undefined;
  /** Hooks to remove between slices (not from inside the code hook that fired). */
  private readonly stale: { hook: bigint; at: bigint }[] = [];
  /** A watchpoint stop: the access that caused it runs when the vCPU resumes at `pc`. */
  private pending: { pc: bigint; page: bigint } | undefined;

  constructor(private readonly pages: Stage2Pages, private readonly engine: UnicornEngine) {}

  get active(): boolean {
    return this.watches.length > 0 || this.grant !== undefined;
  }

  /** Replaces the watchpoints; returns those whose pages stage 2 cannot protect (not mapped RAM). */
  set(list: readonly Watchpoint[]): Watchpoint[] {
    this.endGrant();
    this.pending = undefined;
    const want = new Map<bigint, { read: boolean; write: boolean }>();
    for (const w of list) {
      for (const p of pagesOf(w)) {
        const t = want.get(p) ?? { read: false, write: false };
        t.read ||= w.access !== 'write';
        t.write ||= w.access !== 'read';
        want.set(p, t);
      }
    }
    for (const p of this.protectedPages.keys()) {
      if (!want.has(p)) this.pages.setPage(p, 'readWrite');
    }
    this.protectedPages.clear();
    const failed = new Set<bigint>();
    for (const [p, t] of want) {
      const perm: Stage2Access = t.read && t.write ? 'none' : t.write ? 'read' : 'write';
      if (this.pages.setPage(p, perm)) this.protectedPages.set(p, perm);
      else failed.add(p);
    }
    this.watches = list.filter((w) => !pagesOf(w).some((p) => failed.has(p)));
    this.engine.flushTlb();
    return list.filter((w) => !this.watches.includes(w));
  }

  /**
   * A stage-2 permission fault of a data access at `pc`. A hit on a watched range is returned (the
   * caller stops the vCPU); an access to a watched page outside every range is let through once
   * ('retry': leave the PC where it is). Undefined: the page is not ours, the fault is the guest's.
   */
  onFault(pc: bigint, ipa: bigint, size: number, write: boolean): WatchHit | 'retry' | undefined {
    const page = ipa & PAGE_MASK;
    if (!this.protectedPages.has(page)) return undefined;
    if (this.pending && this.pending.pc === pc && this.pending.page === page) {
      // Resumed from this very stop: the access runs now.
      this.pending = undefined;
      this.openGrant(page, pc);
      return 'retry';
    }
    const end = ipa + (size > 0 ? BigInt(size) : UNKNOWN_ACCESS_BYTES);
    const hit = this.watches.some((w) => ipa < w.ipa + BigInt(w.length) && w.ipa < end && (write ? w.access !== 'read' : w.access !== 'write'));
    if (hit) {
      this.pending = { pc, page };
      return { ipa, size, write, pc };
    }
    this.openGrant(page, pc);
    return 'retry';
  }

  private openGrant(page: bigint, pc: bigint): void {
    const next = pc + 4n;
    if (this.grant && this.grant.at !== next) this.endGrant();
    this.grant ??= { pages: new Set(), at: next, hook: this.engine.addCodeRange(next, next) };
    this.grant.pages.add(page);
    this.pages.setPage(page, 'readWrite');
    this.engine.flushTlb();
  }

  /** From the vCPU's code hook: true when `address` ends a grant (not a debugger stop by itself). */
  onCode(address: bigint): boolean {
    if (!this.grant || this.grant.at !== address) return false;
    this.endGrant(true);
    return true;
  }

  /** Protects the granted pages again. Inside a hook the hook itself is removed later (sweep). */
  endGrant(fromHook = false): void {
    const g = this.grant;
    if (!g) return;
    this.grant = undefined;
    for (const p of g.pages) {
      const perm = this.protectedPages.get(p);
      if (perm) this.pages.setPage(p, perm);
    }
    this.engine.flushTlb();
    if (fromHook) this.stale.push({ hook: g.hook, at: g.at });
    else this.engine.removeCodeRange(g.hook, g.at, g.at);
  }

  /** Between slices: removes hooks whose grant ended inside a run. */
  sweep(): void {
    for (const s of this.stale.splice(0)) this.engine.removeCodeRange(s.hook, s.at, s.at);
  }
}
