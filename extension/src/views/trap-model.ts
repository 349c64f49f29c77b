// The trap view's model: persona -> trap class (exact count) -> latest entries, with a filter by
// persona and class. Fed by personaTraps batches; counts come from the adapter (always exact), the
// entries are the latest `maxPerClass` of each class. No `vscode` import: the tree provider maps
// these nodes to TreeItems.
import type { TrapCounts, TrapEntry, TrapsBody } from '../debug/device-events';

export type TrapNode =
  | { kind: 'persona'; persona: string; count: number }
  | { kind: 'class'; persona: string; cls: string; count: number }
  | { kind: 'entry'; entry: TrapEntry };

export interface TrapFilter {
  /** Only these personas (undefined: all). */
  personas?: ReadonlySet<string>;
  /** Only these classes (undefined: all). */
  classes?: ReadonlySet<string>;
}

export class TrapModel {
  private readonly entries = new Map<string, Map<string, TrapEntry[]>>();
  private counts: TrapCounts = {};
  private filterValue: TrapFilter = {};
  /** Entries the adapter did not send (over its per-event limit), summed over the session. */
  dropped = 0;

  constructor(private readonly maxPerClass = 500) {}

  /** Adds one personaTraps batch. */
  add(batch: TrapsBody): void {
    for (const e of batch.entries) {
      let byClass = this.entries.get(e.persona);
      if (!byClass) this.entries.set(e.persona, (byClass = new Map()));
      let list = byClass.get(e.class);
      if (!list) byClass.set(e.class, (list = []));
      list.push(e);
      // Trim in chunks so a long run is not a shift() per entry.
      if (list.length > this.maxPerClass * 2) list.splice(0, list.length - this.maxPerClass);
    }
    this.dropped += batch.dropped;
    // Counts are cumulative in every event; a persona missing from one keeps its last counts.
    for (const [persona, byClass] of Object.entries(batch.counts)) this.counts[persona] = { ...byClass };
    for (const e of batch.entries) {
      const c = (this.counts[e.persona] ??= {});
      // An adapter that sent entries but no counts for them: count what was seen.
      if (!(e.persona in batch.counts)) c[e.class] = (c[e.class] ?? 0) + 1;
    }
  }

  clear(): void {
    this.entries.clear();
    this.counts = {};
    this.dropped = 0;
  }

  get filter(): TrapFilter {
    return this.filterValue;
  }

  setFilter(filter: TrapFilter): void {
    this.filterValue = filter;
  }

  get filterActive(): boolean {
    return this.filterValue.personas !== undefined || this.filterValue.classes !== undefined;
  }

  /** Every persona and class seen so far (for the filter's choices). */
  personas(): string[] {
    return [...new Set([...Object.keys(this.counts), ...this.entries.keys()])].sort();
  }

  classes(): string[] {
    const all = new Set<string>();
    for (const c of Object.values(this.counts)) for (const k of Object.keys(c)) all.add(k);
    for (const m of this.entries.values()) for (const k of m.keys()) all.add(k);
    return [...all].sort();
  }

  /** Total traps of `persona` (exact), over the classes the filter lets through. */
  private personaCount(persona: string): number {
    return this.classNodes(persona).reduce((n, c) => n + (c.kind === 'class' ? c.count : 0), 0);
  }

  private classNodes(persona: string): TrapNode[] {
    const counts = this.counts[persona] ?? {};
    const classes = this.filterValue.classes;
    return Object.keys(counts)
      .filter((cls) => (counts[cls] ?? 0) > 0 && (classes === undefined || classes.has(cls)))
      .sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a.localeCompare(b))
      .map((cls) => ({ kind: 'class', persona, cls, count: counts[cls] ?? 0 }));
  }

  /** The tree: top level when `node` is undefined. Entries are newest first. */
  children(node?: TrapNode): TrapNode[] {
    if (node === undefined) {
      const only = this.filterValue.personas;
      return this.personas()
        .filter((p) => only === undefined || only.has(p))
        .map((persona) => ({ kind: 'persona' as const, persona, count: this.personaCount(persona) }));
    }
    if (node.kind === 'persona') return this.classNodes(node.persona);
    if (node.kind === 'class') {
      const list = this.entries.get(node.persona)?.get(node.cls) ?? [];
      return list.slice(-this.maxPerClass).reverse().map((entry) => ({ kind: 'entry', entry }));
    }
    return [];
  }

  /** All kept entries in virtual-time order (timeline, export of what the view has). */
  allEntries(): TrapEntry[] {
    const out: TrapEntry[] = [];
    for (const m of this.entries.values()) for (const l of m.values()) out.push(...l);
    return out.sort((a, b) => a.time - b.time);
  }

  /** Exact total over every persona and class (status bar's trap rate). */
  total(): number {
    let n = 0;
    for (const c of Object.values(this.counts)) for (const v of Object.values(c)) n += v;
    return n;
  }
}

/** Virtual nanoseconds as the view shows them: "1.234 567 890 s" is too wide; "1.234568 s", "12.345 ms", "850 µs", "120 ns". */
export function formatVirtualTime(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(6)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}

/** How an entry reads in the tree: label (time and where) and description (what). */
export function entryText(e: TrapEntry): { label: string; description: string; tooltip: string } {
  const where = e.symbol ? `${e.symbol}` : e.pc;
  const src = e.source ? `\n${e.source.path}:${e.source.line}` : '';
  return {
    label: `${formatVirtualTime(e.time)}  ${where}`,
    description: e.summary,
    tooltip: `${e.persona} · vCPU${e.vcpu} at ${formatVirtualTime(e.time)}\n${e.class}: ${e.summary}\npc ${e.pc}${e.symbol ? ` (${e.symbol})` : ''}${src}`,
  };
}

/** Exception-breakpoint filter ids of the contract, by the trap classes the adapter reports. */
const FILTER_BY_CLASS: Readonly<Record<string, string>> = {
  hypercall: 'hypercall', svc: 'svc', abort: 'abort', 'data-abort': 'abort', 'instruction-abort': 'abort',
  undefined: 'undefined', irq: 'irq', isolation: 'isolation', 'isolation-violation': 'isolation', device: 'device', mmio: 'device',
};

/** The exception filter that breaks on `cls`, or undefined when the adapter has none for it. */
export function exceptionFilterFor(cls: string): string | undefined {
  return FILTER_BY_CLASS[cls];
}
