// Conditions, hit conditions and logpoints of source breakpoints: compiled when the breakpoints are
// set, decided at each hit in the stopped frame. A false condition (or a hit count not reached)
// resumes the guest without a stop; a logpoint prints its message and resumes; a condition that
// does not compile or fails to evaluate stops, with the message printed once per breakpoint.

import { Condition, HitCondition, LogMessage, type Result } from './condition';
import type { ExpressionEnvironment, Value } from './expression-eval';
import type { BreakpointResult } from './source-breakpoints';

export interface BreakpointOptions {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

interface Entry {
  addresses: readonly bigint[];
  /** No condition, hit condition or log message: it always stops. */
  plain: boolean;
  condition?: Result<Condition>;
  hit?: Result<HitCondition>;
  log?: Result<LogMessage>;
  hits: number;
  /** Messages already printed for this breakpoint (each once). */
  told: Set<string>;
}

export interface HitDecision {
  stop: boolean;
  /** Console text: logpoint messages and condition errors. */
  output: string[];
}

/** The frame's environment and how to show a value in a log message, built only when needed. */
export interface HitContext {
  environment(): ExpressionEnvironment;
  show(v: Value): string;
}

export class BreakpointConditions {
  private readonly byFile = new Map<string, Entry[]>();

  /** Replaces the options of `clientPath`'s breakpoints (same order as the results). */
  set(clientPath: string, results: readonly BreakpointResult[], options: readonly BreakpointOptions[]): void {
    const entries: Entry[] = [];
    results.forEach((r, i) => {
      const o = options[i] ?? {};
      if (!r.verified) return;
      entries.push({
        addresses: r.addresses,
        plain: !o.condition?.trim() && !o.hitCondition?.trim() && o.logMessage === undefined,
        condition: o.condition?.trim() ? Condition.compile(o.condition) : undefined,
        hit: o.hitCondition?.trim() ? HitCondition.compile(o.hitCondition) : undefined,
        log: o.logMessage !== undefined ? LogMessage.compile(o.logMessage) : undefined,
        hits: 0,
        told: new Set(),
      });
    });
    if (entries.some((e) => !e.plain)) this.byFile.set(clientPath, entries);
    else this.byFile.delete(clientPath);
  }

  /**
   * Whether every source breakpoint at `pc` has options to decide (then a hit may resume). Files
   * without any options are not kept here, so a plain breakpoint of theirs at `pc` stops.
   */
  governs(pc: bigint, sourceBreakpointFilesAt: (pc: bigint) => number): boolean {
    let files = 0;
    for (const entries of this.byFile.values()) if (entries.some((e) => e.addresses.includes(pc))) files++;
    return files > 0 && files === sourceBreakpointFilesAt(pc);
  }

  /** The decision at a hit of `pc`: stop if any breakpoint there says stop. */
  decide(pc: bigint, ctx: HitContext): HitDecision {
    const out: HitDecision = { stop: false, output: [] };
    let env: ExpressionEnvironment | undefined;
    const environment = (): ExpressionEnvironment => (env ??= ctx.environment());
    const tell = (e: Entry, message: string): void => {
      if (e.told.has(message)) return;
      e.told.add(message);
      out.output.push(`persona: ${message}\n`);
    };
    for (const entries of this.byFile.values()) {
      for (const e of entries) {
        if (!e.addresses.includes(pc)) continue;
        if (e.plain) {
          out.stop = true;
          continue;
        }
        const broken = [e.condition, e.hit, e.log].find((x) => x !== undefined && !x.ok);
        if (broken && !broken.ok) {
          tell(e, `breakpoint stops: ${broken.message}`);
          out.stop = true;
          continue;
        }
        if (e.condition?.ok) {
          const t = e.condition.value.test(environment());
          if (!t.ok) {
            tell(e, `breakpoint stops: ${t.message}`);
            out.stop = true;
            continue;
          }
          if (!t.value) continue;
        }
        e.hits++;
        if (e.hit?.ok && !e.hit.value.matches(e.hits)) continue;
        if (e.log?.ok) out.output.push(`${e.log.value.format(environment(), (v) => ctx.show(v))}\n`);
        else out.stop = true;
      }
    }
    return out;
  }
}
