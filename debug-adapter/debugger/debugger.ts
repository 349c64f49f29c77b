// The debugger engine: every persona of a device (a manifest, or one ELF), built in this process and
// run cooperatively on the event loop, driven by verbs (launch, breakpoints, continue, step, pause,
// terminate) and reporting in past-tense events (stopped, output, personaState, exited). It knows
// nothing of DAP: the session translates. All-stop: when any vCPU stops (breakpoint, step end,
// pause), every other running persona is asked to pause at its next slice boundary, and the stop
// is reported once all of them are stopped; continue resumes them all, a step only the stepped
// persona. Events go out with setImmediate, so a request's response precedes the events it causes.

import { EventEmitter } from 'node:events';
import type { Persona, PersonaBreak, PersonaExit } from '../../emulator/hypervisor/persona';
import { breakpointModes, setPerPersona, setSourceBreakpoints, type BreakpointModeInfo, type ModedBreakpointResult, type SourceBreakpointRequest } from './breakpoint-modes';
import type { AddressBreakpointResult } from './instruction-breakpoints';
import type { DisassemblyRow } from './disassembly';
import type { MemoryRead } from './memory';
import { describeHit, hitDetails, type FilterResult } from './exception-filters';
import type { DataBreakpointInfo, DataBreakpointResult } from './data-breakpoints';
import { DebuggedPersona } from './debugged-persona';
import { DeterministicRounds } from './deterministic-rounds';
import { DebuggerError } from './errors';
import { FrameInspector, type StoppedVcpu } from './frame-inspector';
import { launchDevice, type LaunchOptions } from './launch';
import type { DeviceManifest } from '../../emulator/hypervisor/manifest';
import type { FeedPersona } from './trap-feed';
import type { RequestPersona } from './device-requests';
import { PersonaThreads, type ThreadInfo } from './persona-threads';
import { stackFrames, type StackFrameInfo } from './stack';
import { stepLine, stepOut, stepOverInstruction, type RunResult, type StepContext } from './stepping';

export type StopReason = 'entry' | 'breakpoint' | 'step' | 'pause' | 'function breakpoint' | 'instruction breakpoint' | 'exception' | 'data breakpoint';
export type StepKind = 'in' | 'over' | 'out';
export type Granularity = 'instruction' | 'line';

export interface DebuggerStop {
  reason: StopReason;
  threadId: number;
  /** The persona the stop happened in. */
  persona: string;
  vcpu: number;
  pc: bigint;
  /** For people: `Paused on breakpoint in work`. */
  description: string;
  /** What an exception stop was for (`hypercall PSCI_VERSION() -> 0x10001`). */
  trap?: string;
}

export interface ExceptionInfo {
  exceptionId: string;
  description: string;
  typeName: string;
  message: string;
}

export interface DebuggerExit {
  code: number;
  reason: string;
}

export interface PersonaStateInfo {
  name: string;
  state: 'running' | 'paused' | 'exited';
  vcpus: number;
  exitCode?: number;
  image: string;
}

export interface DebuggerEvents {
  stopped: [stop: DebuggerStop];
  /** Guest console text (with the persona it came from) or a message of the debugger's. */
  output: [text: string, category: 'stdout' | 'console', persona?: string];
  personaState: [personas: PersonaStateInfo[]];
  exited: [exit: DebuggerExit];
}

type Phase = 'idle' | 'launched' | 'started' | 'closed';

/** How long a step runs before the editor is told its persona is running. */
const STEP_STATE_DELAY_MS = 50;

const DESCRIPTION: Record<StopReason, string> = {
  entry: 'Paused on entry', breakpoint: 'Paused on breakpoint', step: 'Paused after step', pause: 'Paused',
  'function breakpoint': 'Paused on function breakpoint', 'instruction breakpoint': 'Paused on instruction breakpoint', exception: 'Paused on exception',
  'data breakpoint': 'Paused on data breakpoint',
};

/** Exit codes as `persona run` gives them: the guest's own, 3 when it faulted or was stopped, 4 on timeout. */
function exitCodeOf(r: PersonaExit): number {
  if (r.kind === 'halted') return r.code & 0xff;
  return r.kind === 'timeout' ? 4 : 3;
}

export class PersonaDebugger extends EventEmitter<DebuggerEvents> {
  private personas: DebuggedPersona[] = [];
  private manifest: DeviceManifest | undefined;
  private threadTable = new PersonaThreads([]);
  private phase: Phase = 'idle';
  /** An all-stop being gathered: the stop to report (undefined while only a pause was asked for). */
  private stopping: { first: { p: DebuggedPersona; r: PersonaBreak } | undefined; paused: boolean } | undefined;
  /** Set while a pause is wanted: multi-step operations (line steps, step over) end at their next stop. */
  private pauseRequested = false;
  private closing = false;
  private lastStates = '';
  /** A step's deferred 'running' personaState (see step()). */
  private stepStates: NodeJS.Timeout | undefined;
  /** The persona of the last reported stop (memory and disassembly requests look through it). */
  private lastStopPersona = 0;
  /** Set in deterministic mode: continue runs fixed-order rounds of quanta instead of free running. */
  private rounds: DeterministicRounds | undefined;
  /** A step runs (its persona free, also in deterministic mode) rather than the rounds. */
  private stepping = false;

  /** Builds the device; throws DebuggerError when it cannot be debugged. */
  launch(opts: LaunchOptions): void {
    if (this.phase !== 'idle') throw new DebuggerError('launch: a device is already launched in this session');
    const device = launchDevice(opts, (i, bytes) => {
      const p = this.personas[i];
      if (p) this.emitOutput(p.decode(bytes), 'stdout', p.name);
    });
    this.personas = device.personas.map((p) => new DebuggedPersona(p));
    // One thread runs them all: each gets a share of the 20 ms a request may wait for the event loop.
    for (const p of this.personas) p.persona.sliceUs = Math.max(2_000, Math.floor(p.persona.sliceUs / this.personas.length));
    this.manifest = device.manifest;
    if (opts.deterministic) this.rounds = new DeterministicRounds(this.personas);
    this.threadTable = new PersonaThreads(this.personas);
    for (const p of this.personas) for (const w of p.symbols.warnings) this.emitOutput(`persona: ${p.name}: ${w}\n`, 'console');
    this.phase = 'launched';
  }

  /** The persona names, in manifest order. */
  get personaNames(): string[] {
    return this.personas.map((p) => p.name);
  }

  get running(): boolean {
    return this.personas.some((p) => p.state === 'running');
  }

  /** The personas as the trap feed reads them (their trap logs stay readable after they exit). */
  feedPersonas(): readonly FeedPersona[] {
    return this.personas;
  }

  /** The personas as the device requests (console input, snapshot, trace) need them. */
  requestPersonas(what: string): readonly RequestPersona[] {
    this.requireLaunched(what);
    return this.personas;
  }

  channelName(id: number): string | undefined {
    return this.manifest?.channels[id]?.name;
  }

  breakpointModes(): BreakpointModeInfo[] {
    return breakpointModes(this.personaNames);
  }

  setSourceBreakpoints(clientPath: string, requests: readonly (SourceBreakpointRequest | number)[]): ModedBreakpointResult[] {
    if (this.phase === 'idle') throw new DebuggerError('setBreakpoints: no program is launched (send launch first)');
    return setSourceBreakpoints(this.personas, clientPath, requests.map((r) => (typeof r === 'number' ? { line: r } : r)));
  }

  setInstructionBreakpoints(requests: readonly { instructionReference: string; offset?: number; mode?: string }[]): AddressBreakpointResult[] {
    this.requireLaunched('setInstructionBreakpoints');
    return setPerPersona(this.personas, requests, (p, mine) => p.code.setInstructionBreakpoints(p.viewVcpu, mine), (message) => ({ verified: false, message }));
  }

  setFunctionBreakpoints(requests: readonly { name: string; mode?: string }[]): AddressBreakpointResult[] {
    this.requireLaunched('setFunctionBreakpoints');
    return setPerPersona(this.personas, requests, (p, mine) => p.code.setFunctionBreakpoints(p.viewVcpu, mine.map((r) => r.name)), (message) => ({ verified: false, message }));
  }

  /** Replaces the exception breakpoint filters of every persona (conditions may test `$persona`). */
  setExceptionFilters(filters: readonly { filterId: string; condition?: string }[]): FilterResult[] {
    this.requireLaunched('setExceptionBreakpoints');
    let first: FilterResult[] = [];
    for (const [i, p] of this.personas.entries()) {
      const results = p.filters.set(filters);
      if (i === 0) first = results;
      p.applyFilters();
    }
    return first;
  }

  /**
   * dataBreakpointInfo: a global of the persona of the last stop, or an address in it. The dataId
   * names the persona (`<index>@…`): the watch is set in that persona's memory.
   */
  dataBreakpointInfo(name: string, asAddress: boolean, bytes: number | undefined, label?: string): DataBreakpointInfo {
    this.requireLaunched('dataBreakpointInfo');
    const p = this.viewPersona;
    const info = p.data.describe(name, asAddress, bytes, label);
    return info.dataId === undefined ? info : { dataId: `${p.index}@${info.dataId}`, description: this.personas.length > 1 ? `${info.description} in ${p.name}` : info.description };
  }

  /** Replaces the data breakpoints of every persona (each gets the ones whose dataId names it). */
  setDataBreakpoints(requests: readonly { dataId: string; accessType?: string }[]): DataBreakpointResult[] {
    this.requireLaunched('setDataBreakpoints');
    const results: (DataBreakpointResult | undefined)[] = requests.map((r) => {
      const m = /^(\d+)@/.exec(r.dataId);
      return m && this.personas[Number(m[1])] ? undefined : { verified: false, message: `"${r.dataId}" is not a dataId from dataBreakpointInfo` };
    });
    for (const p of this.personas) {
      if (p.state === 'exited') continue;
      const mine = requests.map((r, i) => ({ r, i })).filter(({ r, i }) => results[i] === undefined && r.dataId.startsWith(`${p.index}@`));
      const out = p.data.replace(p.persona, p.viewVcpu, mine.map(({ r }) => ({ dataId: r.dataId.slice(r.dataId.indexOf('@') + 1), accessType: r.accessType })));
      mine.forEach(({ i }, k) => { results[i] = out[k]; });
    }
    return results.map((r) => r ?? { verified: false, message: 'its persona has ended' });
  }

  /** The trap behind the last exception stop of a thread, with its syndrome decoded. */
  exceptionInfo(threadId: number): ExceptionInfo {
    const { p, vcpu } = this.target(threadId, 'exceptionInfo');
    const hit = p.filters.hit(vcpu);
    if (!hit) throw new DebuggerError(`exceptionInfo: thread ${threadId} did not stop on an exception`);
    return { exceptionId: hit.filter, description: describeHit(hit, p.trapNames()), ...hitDetails(hit) };
  }

  /** The persona memory and disassembly requests look at: the one of the last stop. */
  private get viewPersona(): DebuggedPersona {
    const p = this.personas[this.lastStopPersona];
    if (!p) throw new DebuggerError('no program is launched (send launch first)');
    return p;
  }

  disassemble(address: bigint, instructionOffset: number, count: number): DisassemblyRow[] {
    this.requireStopped('disassemble');
    const p = this.viewPersona;
    return p.code.disassemble(p.viewVcpu, address, instructionOffset, count);
  }

  readMemory(address: bigint, count: number): MemoryRead {
    this.requireStopped('readMemory');
    const p = this.viewPersona;
    return p.code.readMemory(p.viewVcpu, address, count);
  }

  writeMemory(address: bigint, data: Uint8Array, allowPartial: boolean): number {
    this.requireStopped('writeMemory');
    const p = this.viewPersona;
    return p.code.writeMemory(p.viewVcpu, address, data, allowPartial);
  }

  private requireLaunched(what: string): void {
    if (this.phase === 'idle') throw new DebuggerError(`${what}: no program is launched (send launch first)`);
  }

  /** Ends the configuration: stops every persona at its entry point, or runs them all. */
  start(stopOnEntry: boolean): void {
    if (this.phase !== 'launched') throw new DebuggerError('configurationDone: nothing launched, or already started');
    this.phase = 'started';
    if (stopOnEntry) {
      const p = this.personas[0]!;
      this.emitPersonaStates();
      this.emitStopped('entry', p, 0, p.persona.vcpus[0]!.pc);
    } else {
      this.continue();
    }
  }

  /** Resumes every stopped persona; a stop gathered during the last all-stop is reported first. */
  continue(): void {
    this.requireStopped('continue');
    // A stop gathered during the last all-stop is reported now, unless its breakpoint's condition says go on.
    for (let pending = this.personas.find((p) => p.pendingStop); pending; pending = this.personas.find((p) => p.pendingStop)) {
      const r = pending.pendingStop!;
      pending.pendingStop = undefined;
      if (r.reason === 'breakpoint' && this.conditionsSayGoOn(pending, r.vcpu, r.pc)) continue;
      this.reportBreak(pending, r);
      return;
    }
    this.pauseRequested = false;
    if (this.rounds) {
      for (const p of this.personas) if (p.state === 'stopped') p.resumedBy = 'continue';
      this.continueRounds(this.rounds);
    } else {
      for (const p of this.personas) {
        if (p.state !== 'stopped') continue;
        p.resumedBy = 'continue';
        p.run(() => p.persona.runUntilStop(), (r) => this.settle(p, r));
      }
    }
    this.emitPersonaStates();
  }

  /** Deterministic mode: every persona runs in the rounds; a break or a pause stops them all at once. */
  private continueRounds(rounds: DeterministicRounds): void {
    const personas = this.personas.filter((p) => p.state === 'stopped');
    for (const p of personas) p.state = 'running';
    const ended = (p: DebuggedPersona, exit: PersonaExit) => this.personaEnded(p, exit);
    rounds.run(() => this.pauseRequested || this.closing, ended).then((end) => {
      if (this.closing) {
        for (const p of this.personas) if (p.state === 'running') p.state = 'exited';
        this.closeAll();
        return;
      }
      // A breakpoint whose condition or hit count says no: the rounds go on from there, unseen.
      if (end.kind === 'break' && end.r.reason === 'breakpoint' && !this.pauseRequested && this.conditionsSayGoOn(end.p, end.r.vcpu, end.r.pc)) {
        for (const p of personas) if (p.state === 'running') p.state = 'stopped';
        this.continueRounds(rounds);
        return;
      }
      for (const p of this.personas) if (p.state === 'running') p.state = 'stopped';
      if (end.kind === 'break') this.stopping = { first: { p: end.p, r: end.r }, paused: false };
      this.settleDevice();
    }, (e: unknown) => {
      for (const p of personas) if (p.state === 'running') this.personaEnded(p, { kind: 'fault', reason: `the debugger failed: ${e instanceof Error ? e.message : String(e)}` });
      this.settleDevice();
    });
  }

  /** Steps one vCPU; the other personas stay stopped, and with `singleThread` the persona's other vCPUs too. */
  step(threadId: number, kind: StepKind, granularity: Granularity, singleThread = false): void {
    this.requireStopped('step');
    const { p, vcpu } = this.target(threadId, 'step');
    const v = p.persona.vcpus[vcpu]!;
    if (p.state === 'exited') throw new DebuggerError(`step: persona ${p.name} has ended`);
    if (v.power !== 'on') throw new DebuggerError(`${p.name} vCPU ${vcpu} is not running: it cannot step`);
    const only = singleThread ? vcpu : undefined;
    const ctx: StepContext = { persona: p.persona, symbols: p.symbols, paused: () => this.pauseRequested, only };
    const line = granularity === 'line';
    const ops: Record<StepKind, () => Promise<RunResult>> = {
      in: () => (line ? stepLine(ctx, vcpu, false) : p.persona.stepInstruction(vcpu, { onlyVcpu: only })),
      over: () => (line ? stepLine(ctx, vcpu, true) : stepOverInstruction(ctx, vcpu)),
      out: () => stepOut(ctx, vcpu),
    };
    this.pauseRequested = false;
    p.resumedBy = 'step';
    this.stepping = true;
    p.run(ops[kind], (r) => this.settle(p, r));
    // Most steps end within a millisecond: their 'running' state is shown only if the step lasts
    // (a step over a long call), which spares two personaState events per step (measured: a fifth
    // of an instruction step's round trip).
    clearTimeout(this.stepStates);
    this.stepStates = setTimeout(() => this.emitPersonaStates(), STEP_STATE_DELAY_MS).unref();
  }

  /**
   * Stops every running persona at its next slice boundary (each yields to the event loop at least
   * every 20 ms; an idle one is woken by its attention word) and reports one `pause` stop.
   */
  pause(): void {
    if (!this.running || this.stopping) return;
    this.pauseRequested = true;
    this.stopping = { first: undefined, paused: true };
    if (this.rounds && !this.stepping) return; // the rounds stop between quanta
    for (const p of this.personas) if (p.state === 'running') p.persona.requestPause();
  }

  threads(): ThreadInfo[] {
    return [...this.threadTable.all];
  }

  /** The persona and vCPU of a thread id, for the session and for evaluation (`$persona`). */
  target(threadId: number, what = 'request'): { p: DebuggedPersona; vcpu: number; thread: ThreadInfo } {
    if (this.phase === 'idle') throw new DebuggerError(`${what}: no program is launched (send launch first)`);
    const t = this.threadTable.byId(threadId);
    if (!t) throw new DebuggerError(`${what}: there is no thread ${threadId} (threads are 1..${this.threadTable.all.length})`);
    return { p: this.personas[t.persona]!, vcpu: t.vcpu, thread: t };
  }

  stackFrames(threadId: number): StackFrameInfo[] {
    const { p, vcpu } = this.target(threadId, 'stackTrace');
    if (p.state === 'running') throw new DebuggerError(`stackTrace: persona ${p.name} is running (pause it first)`);
    const v = p.persona.vcpus[vcpu]!;
    if (p.state === 'exited' || v.power !== 'on') return [];
    const frames = stackFrames(v, p.symbols);
    const top = frames[0];
    const bp = top && p.sourceBreakpoints.at(top.pc);
    if (top && bp && top.location) top.location = { ...top.location, file: bp.file, line: bp.line, column: 0 };
    return frames;
  }

  /** What the value views need of a stopped thread (variables, registers, evaluate). */
  stoppedVcpu(threadId: number, what: string): StoppedVcpu {
    this.requireStopped(what);
    const { p, vcpu } = this.target(threadId, what);
    if (p.state === 'exited') throw new DebuggerError(`${what}: persona ${p.name} has ended`);
    return { persona: p.persona, vcpu: p.persona.vcpus[vcpu]!, symbols: p.symbols };
  }

  /** The personas and their state, for the debug console. */
  consolePersonas(): { persona: Persona; state: string }[] {
    return this.personas.map((p) => ({ persona: p.persona, state: p.exit ? `exited (${p.exit.reason})` : p.state }));
  }

  personaStates(): PersonaStateInfo[] {
    return this.personas.map((p) => ({
      name: p.name,
      state: p.state === 'running' ? 'running' : p.state === 'exited' ? 'exited' : 'paused',
      vcpus: p.cpus,
      exitCode: p.exit ? exitCodeOf(p.exit) : undefined,
      image: p.image,
    }));
  }

  /** Ends every persona (running ones at their next slice boundary) and frees them. No exited event. */
  terminate(): void {
    if (this.phase === 'closed' || this.closing) return;
    this.phase = 'closed';
    const running = this.personas.filter((p) => p.state === 'running');
    if (running.length === 0) {
      this.closeAll();
      return;
    }
    this.closing = true; // the run loops end at their next slice boundary; close then
    if (this.rounds && !this.stepping) return; // the rounds see `closing` between quanta
    for (const p of running) p.persona.stop({ kind: 'stopped', reason: 'terminated by the debugger' });
  }

  private closeAll(): void {
    for (const p of this.personas) p.close();
    this.closing = false;
  }

  private requireStopped(what: string): void {
    if (this.phase === 'idle') throw new DebuggerError(`${what}: no program is launched (send launch first)`);
    if (this.phase === 'launched') throw new DebuggerError(`${what}: the device has not started (send configurationDone first)`);
    if (this.phase === 'closed') throw new DebuggerError(`${what}: the session has ended`);
    if (this.running || this.stopping) throw new DebuggerError(`${what}: the device is already running (pause it first)`);
    if (this.personas.every((p) => p.state === 'exited')) throw new DebuggerError(`${what}: every persona has ended`);
  }

  /** One persona's operation ended: a stop joins (or starts) the all-stop, an exit ends that persona only. */
  private settle(p: DebuggedPersona, r: RunResult): void {
    if (this.closing) {
      p.state = 'exited';
      if (!this.running) this.closeAll();
      return;
    }
    if (this.phase === 'closed') return;
    this.stepping = false;
    for (const v of p.persona.vcpus) v.clearStep();
    if (r.kind === 'break' && r.reason === 'breakpoint' && !this.stopping && !this.pauseRequested && this.conditionsSayGoOn(p, r.vcpu, r.pc)) {
      p.run(() => p.persona.runUntilStop(), (next) => this.settle(p, next));
      return;
    }
    if (r.kind === 'break') {
      p.state = 'stopped';
      if (!this.stopping) {
        this.stopping = { first: { p, r }, paused: false };
        this.pauseRequested = true;
        for (const o of this.personas) if (o.state === 'running') o.persona.requestPause();
      } else if (r.reason !== 'pause') {
        if (!this.stopping.first) this.stopping.first = { p, r };
        else p.pendingStop = r;
      }
    } else {
      this.personaEnded(p, r);
    }
    this.settleDevice();
  }

  /** At a hit of conditional breakpoints after a continue: prints logpoints and condition errors; true to resume unseen. */
  private conditionsSayGoOn(p: DebuggedPersona, vcpu: number, pc: bigint): boolean {
    if (p.resumedBy !== 'continue' || p.code.reasonAt(pc) || !p.conditions.governs(pc, (a) => p.sourceBreakpoints.filesAt(a))) return false;
    let inspector: FrameInspector | undefined;
    const frame = (): FrameInspector => (inspector ??= new FrameInspector({ persona: p.persona, vcpu: p.persona.vcpus[vcpu]!, symbols: p.symbols }, 0));
    const d = p.conditions.decide(pc, {
      environment: () => frame().environment(),
      show: (v) => frame().nodes.valueNode('', v, undefined).value,
    });
    for (const text of d.output) this.emitOutput(text, 'console');
    return !d.stop;
  }

  private personaEnded(p: DebuggedPersona, r: PersonaExit): void {
    p.state = 'exited';
    p.exit = r;
    const tail = p.decode(undefined);
    if (tail) this.emitOutput(tail, 'stdout', p.name);
    const how = r.kind === 'halted' ? `exited with code ${r.code & 0xff} (${r.reason})` : `ended: ${r.kind}: ${r.reason}`;
    this.emitOutput(`persona: ${p.name} ${how}\n`, 'console');
    p.close();
  }

  /** Once nothing runs: report the gathered stop, or the device's end. */
  private settleDevice(): void {
    if (this.running) {
      this.emitPersonaStates();
      return;
    }
    const stop = this.stopping;
    this.stopping = undefined;
    if (this.personas.every((p) => p.state === 'exited')) {
      const exits = this.personas.map((p) => p.exit!);
      const worst = exits.find((e) => e.kind !== 'halted') ?? exits.reduce((a, b) => (exitCodeOf(b) > exitCodeOf(a) ? b : a));
      this.emitPersonaStates();
      setImmediate(() => this.emit('exited', { code: Math.max(...exits.map(exitCodeOf)), reason: worst.reason }));
      return;
    }
    this.emitPersonaStates();
    if (stop?.first) {
      const { p, r } = stop.first;
      this.reportBreak(p, r);
      return;
    }
    // A pause, or a stepped persona that ended while the others were stopped: report where one is.
    const p = this.personas.find((x) => x.state === 'stopped')!;
    const v = p.persona.vcpus.find((x) => x.power === 'on') ?? p.persona.vcpus[0]!;
    this.emitStopped('pause', p, v.index, v.pc);
  }

  private emitPersonaStates(): void {
    clearTimeout(this.stepStates);
    this.stepStates = undefined;
    const states = this.personaStates();
    const key = JSON.stringify(states);
    if (key === this.lastStates) return;
    this.lastStates = key;
    setImmediate(() => this.emit('personaState', states));
  }

  private emitOutput(text: string, category: 'stdout' | 'console', persona?: string): void {
    if (text.length > 0) setImmediate(() => this.emit('output', text, category, persona));
  }

  /** A persona's break as a stop: a trap is an exception stop, a breakpoint no source line claims a function or instruction one. */
  private reportBreak(p: DebuggedPersona, r: PersonaBreak): void {
    if (r.reason === 'trap') {
      const hit = p.filters.hit(r.vcpu);
      this.emitStopped('exception', p, r.vcpu, r.pc, hit && describeHit(hit, p.trapNames()));
      return;
    }
    if (r.reason === 'watchpoint') {
      const hit = p.persona.vcpus[r.vcpu]?.watchHit;
      this.emitStopped('data breakpoint', p, r.vcpu, r.pc, hit && `data breakpoint: ${p.data.describeHit(hit)}`);
      return;
    }
    let reason: StopReason = r.reason;
    if (r.reason === 'breakpoint' && !p.sourceBreakpoints.at(r.pc)) reason = p.code.reasonAt(r.pc) ?? reason;
    this.emitStopped(reason, p, r.vcpu, r.pc);
  }

  private emitStopped(reason: StopReason, p: DebuggedPersona, vcpu: number, pc: bigint, trap?: string): void {
    this.lastStopPersona = p.index;
    p.lastVcpu = vcpu;
    const description = trap ? `Paused on ${trap} in ${p.name}` : `${DESCRIPTION[reason]} in ${p.name}`;
    const stop: DebuggerStop = { reason, threadId: this.threadTable.idOf(p.index, vcpu), persona: p.name, vcpu, pc, description, trap };
    setImmediate(() => this.emit('stopped', stop));
  }
}
