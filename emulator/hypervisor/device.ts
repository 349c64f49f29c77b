// A device: the personas of a manifest, each running in its own worker thread (so personas run in
// parallel on host cores), joined by channels and watched through shared memory. The main thread
// holds this facade: start, pause (all-stop), resume (all or one), console input, stop, and the
// trap logs of every persona.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { NativeLibraryError } from '../engine/errors';
import { projectRoot } from '../engine/native-library';
import type { DeviceManifest } from './manifest';
import type { PersonaExit } from './persona';
import { planDevice, type PersonaHandle } from './device-plan';
import { attention, CONTROL, PERSONA_STATE } from './persona-links';
import type { DeviceToWorker, WorkerToDevice } from './persona-worker-protocol';
import { TRAP_LOG_DEFAULT_CAPACITY } from './trap-log';

export type { PersonaHandle } from './device-plan';

export interface DeviceOptions {
  trapLogCapacity?: number;
  maxSeconds?: number;
  /** Start with every persona paused (a debugger's stop-on-entry). */
  paused?: boolean;
}

export interface DeviceEvents {
  console: [persona: number, bytes: Uint8Array];
  exited: [persona: number, exit: PersonaExit];
}

function workerScript(): string {
  const path = join(projectRoot(), 'dist', 'persona-worker.js');
  if (!existsSync(path)) throw new NativeLibraryError(`the persona worker is not built (looked for ${path})`, 'run `npm run build` in the Persona folder');
  return path;
}

export class Device extends EventEmitter<DeviceEvents> {
  readonly personas: PersonaHandle[];
  private readonly workers: Worker[] = [];
  private readonly exitedThreads = new Set<Worker>();
  private readonly done: Promise<void>;

  constructor(readonly manifest: DeviceManifest, opts: DeviceOptions = {}) {
    super();
    const plan = planDevice(manifest, { capacity: opts.trapLogCapacity ?? TRAP_LOG_DEFAULT_CAPACITY, paused: opts.paused, maxSeconds: opts.maxSeconds });
    this.personas = plan.handles;
    const script = workerScript();
    const exits = plan.inits.map((init, index) => {
      const handle = this.personas[index]!;
      const worker = new Worker(script, { workerData: init });
      this.workers.push(worker);
      worker.once('exit', () => this.exitedThreads.add(worker));
      return new Promise<void>((resolve) => {
        const finish = (exit: PersonaExit) => {
          if (handle.exit) return;
          handle.exit = exit;
          this.emit('exited', index, exit);
          resolve();
        };
        worker.on('message', (msg: WorkerToDevice) => {
          if (msg.type === 'console') this.emit('console', index, msg.bytes);
          else if (msg.type === 'snapshot-done' || msg.type === 'snapshot-failed') this.snapshotAnswered(msg);
          else if (msg.type === 'exit') finish(msg.exit);
          else if (msg.type === 'error') finish({ kind: 'fault', reason: msg.message });
        });
        worker.on('error', (e) => finish({ kind: 'fault', reason: `the persona's thread failed: ${e.message}` }));
        worker.on('exit', () => finish({ kind: 'fault', reason: 'the persona\'s thread ended without an exit' }));
      });
    });
    this.done = Promise.all(exits).then(() => undefined);
  }

  /** Resolves when every persona has exited. */
  async finished(): Promise<PersonaHandle[]> {
    await this.done;
    return this.personas;
  }

  private send(index: number, m: DeviceToWorker): void {
    this.workers[index]?.postMessage(m);
  }

  private readonly snapshots = new Map<number, { resolve: (bytes: number) => void; reject: (e: Error) => void }>();
  private nextSnapshot = 1;

  private snapshotAnswered(msg: WorkerToDevice & { id: number }): void {
    const waiter = this.snapshots.get(msg.id);
    this.snapshots.delete(msg.id);
    if (msg.type === 'snapshot-done') waiter?.resolve(msg.bytes);
    else if (msg.type === 'snapshot-failed') waiter?.reject(new Error(msg.error));
  }

  /** Writes persona `index` to a snapshot file while the device runs; resolves with its size. */
  snapshot(index: number, file: string): Promise<number> {
    const p = this.personas[index];
    if (!p || p.exit) return Promise.reject(new Error(p ? `persona ${p.name} has already ended` : `no persona ${index}`));
    const id = this.nextSnapshot++;
    return new Promise<number>((resolve, reject) => {
      this.snapshots.set(id, { resolve, reject });
      this.send(index, { type: 'snapshot', id, file });
      attention(p.control);
    });
  }

  input(index: number, bytes: Uint8Array): void {
    this.send(index, { type: 'input', bytes });
    attention(this.personas[index]!.control);
  }

  /**
   * All-stop: every running persona stops at its next block boundary and reports PAUSED. Resolves
   * with the milliseconds it took (or rejects after `timeoutMs`).
   */
  async pause(timeoutMs = 1000): Promise<number> {
    const t0 = performance.now();
    for (const p of this.personas) {
      Atomics.store(p.control, CONTROL.PAUSE, 1);
      attention(p.control);
    }
    for (const p of this.personas) {
      for (;;) {
        const state = Atomics.load(p.control, CONTROL.STATE);
        if (state === PERSONA_STATE.PAUSED || state === PERSONA_STATE.EXITED || p.exit) break;
        const left = timeoutMs - (performance.now() - t0);
        if (left <= 0) throw new Error(`persona ${p.name} did not pause within ${timeoutMs} ms`);
        await Atomics.waitAsync(p.control, CONTROL.STATE, state, Math.min(left, 20)).value;
      }
    }
    return performance.now() - t0;
  }

  /** Resumes every persona, or only `only` (the others stay frozen). */
  resume(only?: number): void {
    for (const p of this.personas) {
      if (only !== undefined && p.index !== only) continue;
      Atomics.store(p.control, CONTROL.PAUSE, 0);
      Atomics.notify(p.control, CONTROL.PAUSE);
    }
  }

  /** Ends every persona that still runs. */
  stop(reason: string): void {
    this.personas.forEach((p) => {
      if (!p.exit) this.send(p.index, { type: 'stop', reason });
    });
    this.resume();
  }

  /**
   * Ends every persona's thread. Threads leave on their own once their persona has exited (they
   * close their engines first); terminating one in the middle of that tears unicorn down under
   * a live instance and can crash the process, so a thread is terminated only if it does not leave
   * within a grace period after being asked to stop.
   */
  async close(graceMs = 5000): Promise<void> {
    this.stop('the device was closed');
    await Promise.all(this.workers.map((w) => new Promise<void>((resolve) => {
      if (this.exitedThreads.has(w)) {
        resolve();
        return;
      }
      const timer = setTimeout(() => { void w.terminate().then(() => resolve()); }, graceMs);
      w.once('exit', () => { clearTimeout(timer); resolve(); });
    })));
  }
}
