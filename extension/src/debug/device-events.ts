// The adapter's Persona-specific messages (the DAP contract: personaTraps, personaState, output with
// data.persona, the custom requests), typed, with guards that turn untrusted message bodies into them.
// No `vscode` import.

import type { PersonaRunState, PersonaStateEntry, TrapCounts, TrapEntry, TrapsBody } from '../../../debug-adapter/session/contract';

export { CONSOLE_INPUT_REQUEST, LIST_REQUEST, SNAPSHOT_REQUEST, STATE_EVENT, TRACE_EXPORT_REQUEST, TRAPS_EVENT } from '../../../debug-adapter/session/contract';
export type { PersonaRunState, PersonaStateEntry, TrapCounts, TrapEntry, TrapsBody };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function trapEntry(v: unknown): TrapEntry | undefined {
  if (!isRecord(v)) return undefined;
  const { persona, vcpu, time, pc, symbol, summary } = v;
  const cls = v.class;
  if (!isString(persona) || !isNumber(vcpu) || !isNumber(time) || !isString(pc) || !isString(cls) || !isString(summary)) return undefined;
  const e: TrapEntry = { persona, vcpu, time, pc, class: cls, summary };
  if (isString(symbol)) e.symbol = symbol;
  const ch = v.channel;
  if (isRecord(ch) && isNumber(ch.id) && (ch.dir === 'send' || ch.dir === 'receive') && isString(ch.peer)) e.channel = { id: ch.id, dir: ch.dir, peer: ch.peer };
  const src = v.source;
  if (isRecord(src) && isString(src.path) && isNumber(src.line)) e.source = { path: src.path, line: src.line };
  return e;
}

/** A `personaTraps` body, keeping the well-formed entries; undefined when it is not one at all. */
export function parseTraps(body: unknown): TrapsBody | undefined {
  if (!isRecord(body) || !Array.isArray(body.entries)) return undefined;
  const entries: TrapEntry[] = [];
  for (const raw of body.entries) {
    const e = trapEntry(raw);
    if (e) entries.push(e);
  }
  const counts: TrapCounts = {};
  if (isRecord(body.counts)) {
    for (const [persona, byClass] of Object.entries(body.counts)) {
      if (!isRecord(byClass)) continue;
      const c: Record<string, number> = {};
      for (const [cls, n] of Object.entries(byClass)) if (isNumber(n)) c[cls] = n;
      counts[persona] = c;
    }
  }
  return { entries, dropped: isNumber(body.dropped) ? body.dropped : 0, counts };
}

const RUN_STATES: readonly string[] = ['running', 'paused', 'exited'];

/** A `personaState` body's personas; undefined when it is not one. */
export function parseState(body: unknown): PersonaStateEntry[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.personas)) return undefined;
  const out: PersonaStateEntry[] = [];
  for (const p of body.personas) {
    if (!isRecord(p) || !isString(p.name) || !isString(p.state) || !RUN_STATES.includes(p.state)) continue;
    const s: PersonaStateEntry = { name: p.name, state: p.state as PersonaRunState, vcpus: isNumber(p.vcpus) ? p.vcpus : 1 };
    if (isNumber(p.exitCode)) s.exitCode = p.exitCode;
    out.push(s);
  }
  return out;
}

/**
 * The persona a guest `output` event belongs to: data.persona, or `fallback` for guest output without
 * it (a one-persona session); undefined for the adapter's own messages (category console).
 */
export function outputPersona(body: unknown, fallback?: string): { persona: string; text: string } | undefined {
  if (!isRecord(body) || !isString(body.output)) return undefined;
  if (body.category !== 'stdout' && body.category !== 'stderr') return undefined;
  const data = body.data;
  if (isRecord(data) && isString(data.persona)) return { persona: data.persona, text: body.output };
  return fallback === undefined ? undefined : { persona: fallback, text: body.output };
}
