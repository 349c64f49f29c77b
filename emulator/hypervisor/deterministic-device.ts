// The deterministic device: every persona of a manifest on the calling thread, advanced in
// instruction-count quanta in a fixed order (persona 0, 1, ...), with virtual time derived from
// executed instructions. Channel doorbells are delivered at quantum starts. The same manifest and
// images give the same console output and the same trap log, run after run.
import { EventEmitter } from 'node:events';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { planDevice, personaFromInit, type PersonaHandle } from './device-plan';
import type { DeviceManifest } from './manifest';
import { DEFAULT_QUANTUM, type Persona, type PersonaExit } from './persona';
import { CONTROL, PERSONA_STATE } from './persona-links';
import { TRAP_LOG_DEFAULT_CAPACITY } from './trap-log';
import { savePersona } from './persona-snapshot';
import type { PersonaWorkerInit } from './persona-worker-protocol';
import type { DeviceEvents, DeviceOptions } from './device';

export class DeterministicDevice extends EventEmitter<DeviceEvents> {
  readonly personas: PersonaHandle[];
  private readonly running: (Persona | undefined)[];
  private stopExit: PersonaExit | undefined;
  private readonly inits: PersonaWorkerInit[];

  constructor(readonly manifest: DeviceManifest, private readonly opts: DeviceOptions & { quantum?: bigint } = {}) {
    super();
    const plan = planDevice(manifest, { capacity: opts.trapLogCapacity ?? TRAP_LOG_DEFAULT_CAPACITY, deterministic: true });
    this.personas = plan.handles;
    this.inits = plan.inits;
    for (const h of this.personas) Atomics.store(h.control, CONTROL.STATE, PERSONA_STATE.RUNNING);
    this.running = plan.inits.map((init, i) => {
      try {
        return personaFromInit(init, (b) => this.emit('console', i, b));
      } catch (e) {
        this.finish(i, { kind: 'fault', reason: e instanceof Error ? e.message : String(e) });
        return undefined;
      }
    });
  }

  private finish(i: number, exit: PersonaExit): void {
    const h = this.personas[i]!;
    if (h.exit) return;
    h.exit = exit;
    Atomics.store(h.control, CONTROL.STATE, PERSONA_STATE.EXITED); // peers' notifies now answer DENIED
    this.emit('exited', i, exit);
  }

  /** Runs every persona to its end, quantum by quantum. */
  async finished(): Promise<PersonaHandle[]> {
    const quantum = this.opts.quantum ?? DEFAULT_QUANTUM;
    const deadline = this.opts.maxSeconds ? Date.now() + this.opts.maxSeconds * 1000 : Infinity;
    for (let round = 0; this.running.some((p) => p); round++) {
      // Doorbells rung in the last round are delivered before this one, to every persona at once, so
      // a receive is always later in virtual time than its send, whatever the personas' order.
      for (const [i, p] of this.running.entries()) {
        if (!p) continue;
        Atomics.store(this.personas[i]!.control, CONTROL.ATTENTION, 0);
        p.takeDoorbells();
      }
      for (const [i, p] of this.running.entries()) {
        if (!p) continue;
        // A doorbell rung earlier in this round raised attention: it waits for the next round, and
        // must not stop this persona's blocks meanwhile.
        Atomics.store(this.personas[i]!.control, CONTROL.ATTENTION, 0);
        if (this.stopExit) p.stop(this.stopExit);
        const exit = p.stepQuantum(quantum);
        if (exit) {
          this.finish(i, exit);
          p.close();
          this.running[i] = undefined;
        }
      }
      if ((round & 63) === 63) {
        if (Date.now() >= deadline) this.stopExit ??= { kind: 'timeout', reason: `the device was still running after ${this.opts.maxSeconds} s (--max-seconds)` };
        await yieldToEventLoop();
      }
    }
    return this.personas;
  }

  /** Writes persona `index` to a snapshot file at its next quantum; resolves with its size. */
  snapshot(index: number, file: string): Promise<number> {
    const p = this.running[index];
    if (!p) return Promise.reject(new Error(`persona ${this.personas[index]?.name ?? index} is not running`));
    const init = this.inits[index]!;
    return p.atSafePoint(() => savePersona(p, file, { image: init.image, bootargs: init.bootargs, deterministic: true }));
  }

  input(index: number, bytes: Uint8Array): void {
    this.running[index]?.consoleInput(bytes);
  }

  stop(reason: string): void {
    this.stopExit ??= { kind: 'stopped', reason };
  }

  async close(): Promise<void> {
    for (const p of this.running) p?.close();
  }
}
