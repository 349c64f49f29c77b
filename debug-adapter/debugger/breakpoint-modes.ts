// Persona-qualified breakpoints: a breakpoint's DAP mode says which personas it is planted in —
// `all` (the default) or `persona:<name>`. A source breakpoint is resolved in each persona it
// applies to, against that persona's own line tables: the same kernel source loaded in two personas
// stops only where asked, and a line with code in one image but not the other is still verified,
// with a message naming where it applies.

import type { BreakpointOptions } from './breakpoint-conditions';
import type { BreakpointResult } from './source-breakpoints';
import type { DebuggedPersona } from './debugged-persona';

export interface BreakpointModeInfo {
  mode: string;
  label: string;
  description?: string;
  appliesTo: ('source' | 'function' | 'instruction' | 'data' | 'exception')[];
}

export const ALL_PERSONAS = 'all';

export function breakpointModes(names: readonly string[]): BreakpointModeInfo[] {
  const appliesTo: BreakpointModeInfo['appliesTo'] = ['source', 'function', 'instruction'];
  return [
    { mode: ALL_PERSONAS, label: 'All personas', appliesTo },
    ...names.map((n) => ({ mode: `persona:${n}`, label: `Only in ${n}`, appliesTo })),
  ];
}

/** The personas a mode names; a DebuggerError-worthy message when it names none. */
export function personasOfMode<P extends { name: string }>(personas: readonly P[], mode: string | undefined): P[] | string {
  if (mode === undefined || mode === ALL_PERSONAS) return [...personas];
  const m = /^persona:(.+)$/.exec(mode);
  const named = m ? personas.filter((p) => p.name === m[1]) : [];
  if (named.length > 0) return named;
  return `unknown breakpoint mode "${mode}" (use "all" or one of ${personas.map((p) => `"persona:${p.name}"`).join(', ')})`;
}

export interface SourceBreakpointRequest extends BreakpointOptions {
  line: number;
  mode?: string;
}

export interface ModedBreakpointResult {
  verified: boolean;
  line: number;
  message?: string;
  /** The personas it is planted in. */
  personas: string[];
  /** Its addresses in those personas (one image's addresses may differ from another's). */
  addresses: bigint[];
}

/** Replaces the breakpoints of `clientPath` in every persona and plants them. */
export function setSourceBreakpoints(personas: readonly DebuggedPersona[], clientPath: string, requests: readonly SourceBreakpointRequest[]): ModedBreakpointResult[] {
  const targets = requests.map((r) => personasOfMode(personas, r.mode));
  // Two personas' sources may share a name (personal/main.c, work/main.c): only the images whose
  // file matches the path best have it; a weaker match (the base name alone) is another file.
  const best = Math.max(0, ...personas.map((p) => p.symbols.sourceMatch(clientPath)?.components ?? 0));
  const perPersona = new Map<DebuggedPersona, Map<number, BreakpointResult>>();
  for (const p of personas) {
    const mine = requests.map((r, i) => ({ r, i })).filter(({ i }) => {
      const t = targets[i]!;
      return typeof t !== 'string' && t.includes(p);
    });
    const has = (p.symbols.sourceMatch(clientPath)?.components ?? 0) === best;
    const results = has
      ? p.sourceBreakpoints.set(clientPath, mine.map(({ r }) => r.line))
      : (p.sourceBreakpoints.set(clientPath, []), mine.map(({ r }): BreakpointResult => ({ requested: r.line, verified: false, line: r.line, addresses: [], message: `its image has no line information for ${clientPath}` })));
    p.conditions.set(clientPath, results, mine.map(({ r }) => r));
    perPersona.set(p, new Map(mine.map(({ i }, k) => [i, results[k]!])));
    p.applyBreakpoints();
  }
  return requests.map((r, i): ModedBreakpointResult => {
    const t = targets[i]!;
    if (typeof t === 'string') return { verified: false, line: r.line, message: t, personas: [], addresses: [] };
    const each = t.map((p) => ({ p, res: perPersona.get(p)!.get(i)! }));
    const hit = each.filter((e) => e.res.verified);
    if (hit.length === 0) return { verified: false, line: r.line, message: each[0]?.res.message, personas: [], addresses: [] };
    const missed = each.filter((e) => !e.res.verified);
    const names = hit.map((e) => e.p.name);
    const message = missed.length === 0 ? undefined
      : `only in ${names.join(', ')} (${missed.map((e) => `${e.p.name}: ${e.res.message ?? 'no code there'}`).join('; ')})`;
    return { verified: true, line: hit[0]!.res.line, message, personas: names, addresses: [...new Set(hit.flatMap((e) => e.res.addresses))] };
  });
}

/**
 * Address-level breakpoints (instruction, function) with modes: each persona gets the requests its
 * mode allows, resolved against its own image; a request's result is its first verified one (else
 * its first), unverified with the reason when its mode names no persona.
 */
export function setPerPersona<Q extends { mode?: string }, R extends { verified: boolean; message?: string }>(
  personas: readonly DebuggedPersona[], requests: readonly Q[], set: (p: DebuggedPersona, mine: Q[]) => R[], unknownMode: (message: string) => R,
): R[] {
  const targets = requests.map((r) => personasOfMode(personas, r.mode));
  const results = requests.map((): R[] => []);
  for (const p of personas) {
    const mine = requests.map((r, i) => ({ r, i })).filter(({ i }) => {
      const t = targets[i]!;
      return typeof t !== 'string' && t.includes(p);
    });
    const got = set(p, mine.map(({ r }) => r));
    mine.forEach(({ i }, k) => results[i]!.push(got[k]!));
    p.applyBreakpoints();
  }
  return requests.map((_, i) => {
    const t = targets[i]!;
    if (typeof t === 'string') return unknownMode(t);
    return results[i]!.find((r) => r.verified) ?? results[i]![0]!;
  });
}
