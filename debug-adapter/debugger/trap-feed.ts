// The trap feed: new trap-log records of every debugged persona, as the entries of the DAP contract's
// `personaTraps` event (class names of the contract, virtual ns, symbolized pc, source line,
// class-specific summary), at most `limit` per batch shared fairly between the classes, the rest
// counted as dropped, and exact
// per-persona, per-class counts from the logs' own counters. DAP-free: the session sends the batches.
import { TRAP_CLASS_NAMES, TrapClass } from '../../emulator/hypervisor/trap-class';
import { detail, type TrapNames } from '../../emulator/hypervisor/trap-format';
import type { TrapLog, TrapRecord } from '../../emulator/hypervisor/trap-log';
import { hypercallName } from '../../emulator/hypervisor/hypercalls/table';
import { COUNTER_HZ } from '../../emulator/platform/virt-map';
import type { TrapEntry, TrapsBody } from '../session/contract';

/** A persona as the feed needs it (DebuggedPersona has these). */
export interface FeedPersona {
  index: number;
  name: string;
  persona: { trapLog: TrapLog };
  symbols: {
    functionName(pc: bigint): string | undefined;
    location(pc: bigint): { file: string; line: number } | undefined;
  };
}

/** The feed's entries and batches are the contract's (debug-adapter/session/contract.ts). */
export type TrapFeedEntry = TrapEntry;
export type TrapBatch = TrapsBody;

/** The contract's trap classes, by the emulator's. */
const CONTRACT_CLASS: Readonly<Record<TrapClass, string>> = {
  [TrapClass.Hypercall]: 'hypercall',
  [TrapClass.Semihosting]: 'other',
  [TrapClass.Svc]: 'svc',
  [TrapClass.Undefined]: 'undefined',
  [TrapClass.Breakpoint]: 'other',
  [TrapClass.InstructionAbort]: 'abort',
  [TrapClass.DataAbort]: 'abort',
  [TrapClass.Irq]: 'irq',
  [TrapClass.SysReg]: 'sysreg',
  [TrapClass.Mmio]: 'device',
  [TrapClass.Wfi]: 'wfi',
  [TrapClass.IsolationViolation]: 'isolation',
  [TrapClass.Unknown]: 'other',
  [TrapClass.Channel]: 'channel',
};

export function contractClass(c: TrapClass): string {
  return CONTRACT_CLASS[c] ?? 'other';
}

/** Counter ticks (62.5 MHz) to nanoseconds. */
function ticksToNs(ticks: bigint): number {
  return Number((ticks * 1_000_000_000n) / COUNTER_HZ);
}

export const TRAP_BATCH_LIMIT = 500;

type Fresh = { p: FeedPersona; r: TrapRecord };

/**
 * At most `limit` records, shared fairly between each persona's trap classes (water-filling: small
 * groups are sent whole, the largest are cut to the newest of each), in virtual-time order. A storm
 * of UART writes then does not push a persona's two hypercalls out of the batch.
 */
function shareLimit(fresh: readonly Fresh[], limit: number): Fresh[] {
  const groups = new Map<string, Fresh[]>();
  for (const f of fresh) {
    const key = `${f.p.index}:${f.r.class}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  const bySize = [...groups.values()].sort((a, b) => a.length - b.length);
  let room = limit;
  const out: Fresh[] = [];
  bySize.forEach((g, i) => {
    const take = Math.min(g.length, Math.floor(room / (bySize.length - i)));
    out.push(...g.slice(g.length - take));
    room -= take;
  });
  return out.sort((a, b) => (a.r.vtime < b.r.vtime ? -1 : a.r.vtime > b.r.vtime ? 1 : a.p.index - b.p.index || a.r.seq - b.r.seq));
}

export class TrapFeed {
  /** Per persona index: the seq of the last record handed out. */
  private readonly seen = new Map<number, number>();
  private readonly names: TrapNames;

  constructor(private readonly personas: () => readonly FeedPersona[], channelName?: (id: number) => string | undefined) {
    this.names = {
      persona: (id) => this.personas().find((p) => p.index === id)?.name ?? `persona${id}`,
      hypercall: (id) => hypercallName(id),
      channel: channelName,
    };
  }

  /** The records logged since the last call, or undefined when there are none. */
  poll(limit: number = TRAP_BATCH_LIMIT): TrapBatch | undefined {
    const fresh: Fresh[] = [];
    let dropped = 0;
    const counts: TrapBatch['counts'] = {};
    let any = false;
    for (const p of this.personas()) {
      const log = p.persona.trapLog;
      const last = this.seen.get(p.index) ?? 0;
      const total = log.total;
      if (total !== last) any = true;
      if (total > last) {
        const records = log.since(last);
        // Records the ring overwrote before we read them are counted, not sent.
        dropped += total - last - records.length;
        for (const r of records) fresh.push({ p, r });
        this.seen.set(p.index, total);
      }
      const byClass: Record<string, number> = {};
      log.counts().forEach((n, cls) => {
        if (n > 0 && TRAP_CLASS_NAMES[cls as TrapClass] !== undefined) {
          const name = contractClass(cls as TrapClass);
          byClass[name] = (byClass[name] ?? 0) + n;
        }
      });
      counts[p.name] = byClass;
    }
    if (!any) return undefined;
    const sent = shareLimit(fresh, limit);
    dropped += fresh.length - sent.length;
    return { entries: sent.map(({ p, r }) => this.entry(p, r)), dropped, counts };
  }

  private entry(p: FeedPersona, r: TrapRecord): TrapFeedEntry {
    const e: TrapFeedEntry = {
      persona: p.name, vcpu: r.vcpu, time: ticksToNs(r.vtime), pc: `0x${r.pc.toString(16)}`,
      class: contractClass(r.class), summary: detail(r, this.names),
    };
    const fn = p.symbols.functionName(r.pc);
    if (fn) e.symbol = fn;
    const loc = p.symbols.location(r.pc);
    if (loc) e.source = { path: loc.file, line: loc.line };
    if (r.class === TrapClass.Channel) e.channel = { id: Number(r.a0), dir: r.a1 === 0n ? 'send' : 'receive', peer: this.names.persona(Number(r.a3)) };
    return e;
  }

  /** Forget what was handed out (a new launch). */
  reset(): void {
    this.seen.clear();
  }
}
