// The timeline's data: a lane per persona vCPU over virtual time, trap marks by class and channel
// messages as arrows from a send to its receive. Built from the session's trap entries or from a
// Chrome trace file (as `persona run --trace` and personaTraceExport write it). No `vscode` import.
import type { TrapEntry } from '../debug/device-events';

export interface Lane {
  persona: string;
  vcpu: number;
}

export interface Mark {
  lane: number;
  /** Virtual nanoseconds. */
  time: number;
  cls: string;
  label: string;
}

export interface Arrow {
  from: { lane: number; time: number };
  to: { lane: number; time: number };
  label: string;
}

export interface Timeline {
  lanes: Lane[];
  marks: Mark[];
  arrows: Arrow[];
  start: number;
  end: number;
}

function laneIndex(lanes: Lane[], persona: string, vcpu: number): number {
  let i = lanes.findIndex((l) => l.persona === persona && l.vcpu === vcpu);
  if (i < 0) i = lanes.push({ persona, vcpu }) - 1;
  return i;
}

function finish(lanes: Lane[], marks: Mark[], arrows: Arrow[]): Timeline {
  // Lanes by persona then vCPU, and marks renumbered to match.
  const order = lanes.map((l, i) => ({ l, i })).sort((a, b) => a.l.persona.localeCompare(b.l.persona) || a.l.vcpu - b.l.vcpu);
  const renumber = new Map(order.map((o, k) => [o.i, k]));
  const times = marks.map((m) => m.time);
  return {
    lanes: order.map((o) => o.l),
    marks: marks.map((m) => ({ ...m, lane: renumber.get(m.lane)! })),
    arrows: arrows.map((a) => ({ ...a, from: { ...a.from, lane: renumber.get(a.from.lane)! }, to: { ...a.to, lane: renumber.get(a.to.lane)! } })),
    start: times.length ? Math.min(...times) : 0,
    end: times.length ? Math.max(...times) : 0,
  };
}

/**
 * From trap entries. Channel arrows pair the k-th send from persona A on channel c with the k-th
 * receive on c whose peer is A (messages on one channel arrive in order).
 */
export function timelineFromEntries(entries: readonly TrapEntry[]): Timeline {
  const lanes: Lane[] = [];
  const marks: Mark[] = [];
  const arrows: Arrow[] = [];
  const sends = new Map<string, { lane: number; time: number }[]>();
  const receives = new Map<string, { lane: number; time: number }[]>();
  for (const e of [...entries].sort((a, b) => a.time - b.time)) {
    const lane = laneIndex(lanes, e.persona, e.vcpu);
    marks.push({ lane, time: e.time, cls: e.class, label: `${e.class}: ${e.summary}` });
    if (e.channel) {
      const key = e.channel.dir === 'send' ? `${e.channel.id}:${e.persona}` : `${e.channel.id}:${e.channel.peer}`;
      const list = e.channel.dir === 'send' ? sends : receives;
      const l = list.get(key) ?? [];
      l.push({ lane, time: e.time });
      list.set(key, l);
    }
  }
  for (const [key, s] of sends) {
    const r = receives.get(key) ?? [];
    for (let k = 0; k < Math.min(s.length, r.length); k++) arrows.push({ from: s[k]!, to: r[k]!, label: `channel ${key.split(':')[0]}` });
  }
  return finish(lanes, marks, arrows);
}

interface ChromeEvent {
  name?: string;
  cat?: string;
  ph?: string;
  pid?: number;
  tid?: number;
  ts?: number;
  id?: number | string;
  args?: Record<string, unknown>;
}

export class TraceFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceFormatError';
  }
}

/** From a Chrome trace JSON ({"traceEvents": [...]}): processes are personas, threads vCPUs, `ts` in µs. */
export function timelineFromChromeTrace(text: string): Timeline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TraceFormatError(`not a Chrome trace: ${(e as Error).message}`);
  }
  const events = Array.isArray(doc) ? doc : (doc as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(events)) throw new TraceFormatError('not a Chrome trace: no "traceEvents" list');
  const processNames = new Map<number, string>();
  const threadNames = new Map<string, string>();
  for (const e of events as ChromeEvent[]) {
    if (e.ph !== 'M' || typeof e.pid !== 'number') continue;
    const name = typeof e.args?.name === 'string' ? e.args.name : undefined;
    if (e.name === 'process_name' && name) processNames.set(e.pid, name);
    if (e.name === 'thread_name' && name) threadNames.set(`${e.pid}:${e.tid}`, name);
  }
  const lanes: Lane[] = [];
  const marks: Mark[] = [];
  const arrows: Arrow[] = [];
  const flowStarts = new Map<string, { lane: number; time: number }>();
  for (const e of events as ChromeEvent[]) {
    if (typeof e.pid !== 'number' || typeof e.tid !== 'number' || typeof e.ts !== 'number') continue;
    const persona = processNames.get(e.pid) ?? `pid ${e.pid}`;
    const vcpu = /(\d+)$/.exec(threadNames.get(`${e.pid}:${e.tid}`) ?? '')?.[1];
    const lane = laneIndex(lanes, persona, vcpu !== undefined ? Number(vcpu) : e.tid - 1);
    const time = e.ts * 1000;
    if (e.ph === 'i' || e.ph === 'X' || e.ph === 'I') marks.push({ lane, time, cls: e.cat ?? 'other', label: `${e.cat ?? 'trap'}: ${e.name ?? ''}` });
    else if (e.ph === 's') flowStarts.set(String(e.id), { lane, time });
    else if (e.ph === 'f') {
      const from = flowStarts.get(String(e.id));
      if (from) arrows.push({ from, to: { lane, time }, label: e.name ?? 'flow' });
    }
  }
  return finish(lanes, marks, arrows);
}
