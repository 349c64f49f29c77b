// Deterministic mode under the debugger: the personas advance in rounds of instruction-count quanta
// in manifest order, as DeterministicDevice runs them (doorbells rung in a round are delivered at
// the next round's start), but a breakpoint or exception filter ends the run with the break, and
// the next run finishes the same round from there, so stopping does not change the schedule.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DEFAULT_QUANTUM, type PersonaBreak, type PersonaExit } from '../../emulator/hypervisor/persona';
import type { DebuggedPersona } from './debugged-persona';

/** How long the rounds run before the event loop gets a turn (requests, pause). */
const YIELD_MS = 10;

export type RoundsEnd = { kind: 'break'; p: DebuggedPersona; r: PersonaBreak } | { kind: 'paused' } | { kind: 'ended' };

export class DeterministicRounds {
  /** The persona whose quantum the current round goes on with. */
  private next = 0;

  constructor(private readonly personas: readonly DebuggedPersona[], private readonly quantum: bigint = DEFAULT_QUANTUM) {}

  /**
   * Runs rounds until a persona breaks, `pauseWanted()` (checked between quanta), or every persona
   * has ended. `ended` is told of each persona's exit as it happens.
   */
  async run(pauseWanted: () => boolean, ended: (p: DebuggedPersona, exit: PersonaExit) => void): Promise<RoundsEnd> {
    const running = () => this.personas.filter((p) => p.state === 'running');
    const broken = this.personas[this.next];
    if (broken?.state === 'running') broken.persona.prepareResume();
    let lastYield = Date.now();
    for (;;) {
      if (this.next === 0) {
        for (const p of running()) {
          p.persona.clearAttention();
          p.persona.takeDoorbells();
        }
      }
      for (; this.next < this.personas.length; this.next++) {
        const p = this.personas[this.next]!;
        if (p.state !== 'running') continue;
        if (pauseWanted()) return { kind: 'paused' };
        // A doorbell rung earlier in this round waits for the next one.
        p.persona.clearAttention();
        const r = p.persona.stepQuantumOrBreak(this.quantum);
        if (r?.kind === 'break') return { kind: 'break', p, r };
        if (r) ended(p, r);
      }
      this.next = 0;
      if (running().length === 0) return { kind: 'ended' };
      if (Date.now() - lastYield >= YIELD_MS) {
        await yieldToEventLoop();
        lastYield = Date.now();
      }
    }
  }
}
