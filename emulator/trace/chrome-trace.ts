// Trap records as Chrome trace-event JSON, the format Perfetto's UI (ui.perfetto.dev) and
// chrome://tracing open:
//   {"traceEvents":[...], "displayTimeUnit":"ns", "metadata":{...}}
// process = persona (pid = persona id + 1), thread = vCPU (tid = vcpu + 1): ids start at 1 because
// viewers treat pid/tid 0 as the idle task. Each trap is an instant event ("ph":"i", thread scope)
// or, when it has a duration (a WFI that idled), a complete event ("ph":"X"). Timestamps are
// microseconds of virtual time (counter ticks / 62.5). Output is streamed in chunks.

import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { TrapClass, TRAP_CLASS_NAMES } from '../hypervisor/trap-class';
import { trapArgs, trapEventName, type TrapNames } from '../hypervisor/trap-format';
import type { TrapRecord } from '../hypervisor/trap-log';
import { COUNTER_HZ } from '../platform/virt-map';

export interface ChromeTraceOptions {
  /** Counter frequency the vtimes are in (default CNTFRQ of virt, 62.5 MHz). */
  counterHz?: bigint;
  /** Thread name of a vCPU (default "vcpu0"). */
  vcpuName?(persona: number, vcpu: number): string;
  /** Duration of a trap in counter ticks, or undefined for an instant (default: a WFI's idle time). */
  duration?(record: TrapRecord): bigint | undefined;
  /** Extra entries for the top-level "metadata" object. */
  metadata?: Record<string, string | number | boolean>;
}

/** Characters buffered before a chunk goes to the stream. */
const CHUNK_CHARS = 64 * 1024;

/** Channel messages are drawn as short slices, because flow arrows bind to slices. */
const CHANNEL_SLICE_TICKS = 63n; // about 1 µs

function defaultDuration(r: TrapRecord): bigint | undefined {
  if (r.class === TrapClass.Channel) return CHANNEL_SLICE_TICKS;
  return r.class === TrapClass.Wfi && r.result !== 0n ? r.result : undefined;
}

/** Streams one trace file: `add` records (in time order), then `close`. */
export class ChromeTraceWriter {
  private readonly hz: bigint;
  private readonly seenPersonas = new Set<number>();
  private readonly seenThreads = new Set<number>();
  /** Flow ids of channel messages: the k-th send of a payload on a channel meets its k-th receive. */
  private readonly flows = new Map<string, number>();
  private nextFlow = 1;
  private chunk = '';
  private first = true;
  private needDrain = false;
  private closed = false;
  private error: Error | undefined;
  /** Events written so far (metadata events included). */
  events = 0;

  constructor(
    private readonly out: Writable,
    private readonly names: TrapNames,
    private readonly options: ChromeTraceOptions = {},
  ) {
    this.hz = options.counterHz ?? COUNTER_HZ;
    out.on('error', (e: Error) => (this.error ??= e));
    this.chunk = '{"traceEvents":[\n';
  }

  /** A writer to a new file at `path`. */
  static toFile(path: string, names: TrapNames, options?: ChromeTraceOptions): ChromeTraceWriter {
    return new ChromeTraceWriter(createWriteStream(path, { encoding: 'utf8' }), names, options);
  }

  /** Counter ticks -> microseconds, exact to the nanosecond ("1234.016"). */
  ticksToMicros(ticks: bigint): string {
    const ns = (ticks * 1_000_000_000n) / this.hz;
    const frac = ns % 1000n;
    return frac === 0n ? String(ns / 1000n) : `${ns / 1000n}.${String(frac).padStart(3, '0')}`;
  }

  /** Add one trap (synchronous; call `drain()` now and then, or use `addAll`). */
  add(r: TrapRecord): void {
    if (this.closed) throw new Error('ChromeTraceWriter: add after close');
    const pid = r.persona + 1;
    const tid = r.vcpu + 1;
    if (!this.seenPersonas.has(r.persona)) {
      this.seenPersonas.add(r.persona);
      this.event({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: this.names.persona(r.persona) } });
      this.event({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: r.persona } });
    }
    const threadKey = r.persona * 0x10000 + r.vcpu;
    if (!this.seenThreads.has(threadKey)) {
      this.seenThreads.add(threadKey);
      this.event({ name: 'thread_name', ph: 'M', pid, tid, args: { name: this.options.vcpuName?.(r.persona, r.vcpu) ?? `vcpu${r.vcpu}` } });
      this.event({ name: 'thread_sort_index', ph: 'M', pid, tid, args: { sort_index: r.vcpu } });
    }
    const name = trapEventName(r, this.names);
    const cat = TRAP_CLASS_NAMES[r.class] ?? 'trap';
    const args = trapArgs(r, this.names);
    const dur = (this.options.duration ?? defaultDuration)(r);
    // ts / dur are written as raw JSON numbers (exact decimals), so the event is assembled by hand.
    // A WFI is recorded when the vCPU wakes: its slice starts `dur` earlier.
    const start = r.class === TrapClass.Wfi && dur !== undefined && dur <= r.vtime ? r.vtime - dur : r.vtime;
    const common = `"name":${JSON.stringify(name)},"cat":${JSON.stringify(cat)},"pid":${pid},"tid":${tid},"ts":${this.ticksToMicros(start)}`;
    const tail = `,"args":${JSON.stringify(args)}}`;
    this.raw(dur !== undefined ? `{${common},"ph":"X","dur":${this.ticksToMicros(dur)}${tail}` : `{${common},"ph":"i","s":"t"${tail}`);
    if (r.class === TrapClass.Channel) this.flow(r, pid, tid);
  }

  /** An arrow from a channel send to its receive in the peer (Chrome flow events). */
  private flow(r: TrapRecord, pid: number, tid: number): void {
    const send = r.a1 === 0n;
    const from = send ? r.persona : Number(r.a3);
    const key = `${r.a0}:${from}:${r.a2}:${send ? 's' : 'f'}`;
    const n = (this.flows.get(key) ?? 0) + 1;
    this.flows.set(key, n);
    const pairKey = `${r.a0}:${from}:${r.a2}:${n}`;
    let id = this.flows.get(pairKey);
    if (id === undefined) {
      id = this.nextFlow++;
      this.flows.set(pairKey, id);
    }
    const ts = this.ticksToMicros(send ? r.vtime : r.vtime + 1n);
    this.raw(`{"name":"channel message","cat":"channel","ph":"${send ? 's' : 'f'}",${send ? '' : '"bp":"e",'}"id":${id},"pid":${pid},"tid":${tid},"ts":${ts}}`);
  }

  /** Add every record, waiting for the stream whenever it asks to slow down. */
  async addAll(records: Iterable<TrapRecord> | AsyncIterable<TrapRecord>): Promise<void> {
    for await (const r of records) {
      this.add(r);
      if (this.needDrain) await this.drain();
    }
  }

  /** Resolves once the stream has room again. */
  async drain(): Promise<void> {
    if (this.error) throw this.error;
    if (!this.needDrain) return;
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        this.out.off('drain', done);
        this.out.off('error', fail);
        resolve();
      };
      const fail = (e: Error): void => {
        this.out.off('drain', done);
        reject(e);
      };
      this.out.once('drain', done);
      this.out.once('error', fail);
    });
    this.needDrain = false;
  }

  /** Write the closing part of the file and end the stream. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const metadata = { generator: 'persona', clock: 'guest virtual counter', counterHz: Number(this.hz), ...this.options.metadata };
    this.chunk += `\n],\n"displayTimeUnit":"ns",\n"metadata":${JSON.stringify(metadata)}\n}\n`;
    this.flushChunk();
    await this.drain();
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
    if (this.error) throw this.error;
  }

  private event(e: Record<string, unknown>): void {
    this.raw(JSON.stringify(e));
  }

  private raw(json: string): void {
    this.chunk += this.first ? json : `,\n${json}`;
    this.first = false;
    this.events++;
    if (this.chunk.length >= CHUNK_CHARS) this.flushChunk();
  }

  private flushChunk(): void {
    if (this.chunk.length === 0) return;
    if (!this.out.write(this.chunk)) this.needDrain = true;
    this.chunk = '';
  }
}

/** Order records by virtual time (then persona, vCPU, seq): merges several personas' logs. */
export function sortByVtime(records: Iterable<TrapRecord>): TrapRecord[] {
  return Array.from(records).sort((a, b) => (a.vtime < b.vtime ? -1 : a.vtime > b.vtime ? 1 : a.persona - b.persona || a.vcpu - b.vcpu || a.seq - b.seq));
}

/** Write `records` (any order; sorted by virtual time here) as a Chrome trace file at `path`. */
export async function writeChromeTrace(path: string, records: Iterable<TrapRecord>, names: TrapNames, options?: ChromeTraceOptions): Promise<{ events: number }> {
  const writer = ChromeTraceWriter.toFile(path, names, options);
  try {
    await writer.addAll(sortByVtime(records));
  } finally {
    await writer.close();
  }
  return { events: writer.events };
}
