// The debugger engine: one persona launched from an ELF, driven by verbs (launch, breakpoints,
// continue, step, pause, terminate) and reporting in past-tense events (stopped, output, exited).
// It knows nothing of DAP: the session translates. Events are emitted with setImmediate, so a
// request's response always goes out before the events it causes, and console output keeps its
// order with the stops around it.

import { EventEmitter } from 'node:events';
import type { Persona } from '../../emulator/hypervisor/persona';
import { DebuggerError } from './errors';
import { launchProgram, type LaunchedProgram, type LaunchOptions } from './launch';
import { SourceBreakpoints, type BreakpointResult } from './source-breakpoints';
import { CodeTools } from './code-tools';
import type { AddressBreakpointResult } from './instruction-breakpoints';
import type { DisassemblyRow } from './disassembly';
import type { MemoryRead } from './memory';
import { describeHit, ExceptionFilters, hitDetails, type FilterResult } from './exception-filters';
import { hypercallName } from '../../emulator/hypervisor/hypercalls/table';
import type { TrapNames } from '../../emulator/hypervisor/trap-format';
import { stackFrames, type StackFrameInfo } from './stack';
import { stepLine, stepOut, stepOverInstruction, type RunResult, type StepContext } from './stepping';

export type StopReason = 'entry' | 'breakpoint' | 'step' | 'pause' | 'function breakpoint' | 'instruction breakpoint' | 'exception';
export type StepKind = 'in' | 'over' | 'out';
export type Granularity = 'instruction' | 'line';

export interface DebuggerStop {
  reason: StopReason;
  vcpu: number;
  pc: bigint;
  /** What an exception stop was for (`hypercall PSCI_VERSION() -> 0x10001`). */
  description?: string;
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

export interface DebuggerEvents {
  stopped: [stop: DebuggerStop];
  output: [text: string, category: 'stdout' | 'console'];
  exited: [exit: DebuggerExit];
}

type State = 'idle' | 'launched' | 'stopped' | 'running' | 'exited';

export interface ThreadInfo {
  vcpu: number;
  name: string;
}

/** Exit codes as `persona run` gives them: the guest's own, 3 when it faulted or was stopped, 4 on timeout. */
function exitOf(r: Exclude<RunResult, { kind: 'break' }>): DebuggerExit {
  if (r.kind === 'halted') return { code: r.code & 0xff, reason: r.reason };
  return { code: r.kind === 'timeout' ? 4 : 3, reason: r.reason };
}

export class PersonaDebugger extends EventEmitter<DebuggerEvents> {
  private program: LaunchedProgram | undefined;
  private breakpoints: SourceBreakpoints | undefined;
  private code: CodeTools | undefined;
  private filters: ExceptionFilters | undefined;
  /** The vCPU of the last stop: the one whose translation regime memory requests use. */
  private lastVcpu = 0;
  private state: State = 'idle';
  private pauseRequested = false;
  private closeWhenSettled = false;
  private readonly console = new TextDecoder();

  /** Builds the persona; throws DebuggerError when the program cannot be debugged. */
  launch(opts: LaunchOptions): void {
    if (this.state !== 'idle') throw new DebuggerError('launch: a program is already launched in this session');
    this.program = launchProgram(opts, (bytes) => this.emitOutput(this.console.decode(bytes, { stream: true }), 'stdout'));
    this.breakpoints = new SourceBreakpoints(this.program.symbols);
    this.code = new CodeTools(this.program);
    this.filters = new ExceptionFilters(this.program.persona.name);
    for (const w of this.program.symbols.warnings) this.emitOutput(`persona: ${w}\n`, 'console');
    this.state = 'launched';
  }

  private get persona(): Persona {
    if (!this.program) throw new DebuggerError('no program is launched (send launch first)');
    return this.program.persona;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  setSourceBreakpoints(clientPath: string, lines: readonly number[]): BreakpointResult[] {
    if (!this.breakpoints) throw new DebuggerError('setBreakpoints: no program is launched (send launch first)');
    const results = this.breakpoints.set(clientPath, lines);
    this.applyBreakpoints();
    return results;
  }

  /** Every vCPU stops at the union of source, instruction and function breakpoints. */
  private applyBreakpoints(): void {
    this.persona.setBreakpoints([...new Set([...(this.breakpoints?.addresses() ?? []), ...(this.code?.addresses() ?? [])])]);
  }

  private get tools(): CodeTools {
    if (!this.code) throw new DebuggerError('no program is launched (send launch first)');
    return this.code;
  }

  /** The vCPU memory requests see the guest through: the last one to stop, if it is powered. */
  private get viewVcpu() {
    const v = this.persona.vcpus[this.lastVcpu];
    return v && v.power === 'on' ? v : this.persona.vcpus[0]!;
  }

  setInstructionBreakpoints(requests: readonly { instructionReference: string; offset?: number }[]): AddressBreakpointResult[] {
    const results = this.tools.setInstructionBreakpoints(this.viewVcpu, requests);
    this.applyBreakpoints();
    return results;
  }

  setFunctionBreakpoints(names: readonly string[]): AddressBreakpointResult[] {
    const results = this.tools.setFunctionBreakpoints(this.viewVcpu, names);
    this.applyBreakpoints();
    return results;
  }

  /** Replaces the exception breakpoint filters; the dispatcher asks them only while one is set. */
  setExceptionFilters(filters: readonly { filterId: string; condition?: string }[]): FilterResult[] {
    const f = this.filters;
    if (!f) throw new DebuggerError('setExceptionBreakpoints: no program is launched (send launch first)');
    const results = f.set(filters);
    this.persona.dispatcher.breakOn = f.active ? (t) => f.matches(t) : undefined;
    return results;
  }

  /** The trap behind the last exception stop of `vcpu`, with its syndrome decoded. */
  exceptionInfo(vcpu: number): ExceptionInfo {
    const hit = this.filters?.hit(vcpu);
    if (!hit) throw new DebuggerError(`exceptionInfo: thread ${vcpu + 1} did not stop on an exception`);
    return { exceptionId: hit.filter, description: describeHit(hit, this.trapNames()), ...hitDetails(hit) };
  }

  private trapNames(): TrapNames {
    const p = this.persona;
    return {
      persona: () => p.name,
      hypercall: hypercallName,
      device: (i) => p.deviceName(i),
      register: (d, off) => p.deviceRegisterName(d, off),
    };
  }

  disassemble(address: bigint, instructionOffset: number, count: number): DisassemblyRow[] {
    this.requireStopped('disassemble');
    return this.tools.disassemble(this.viewVcpu, address, instructionOffset, count);
  }

  readMemory(address: bigint, count: number): MemoryRead {
    this.requireStopped('readMemory');
    return this.tools.readMemory(this.viewVcpu, address, count);
  }

  writeMemory(address: bigint, data: Uint8Array, allowPartial: boolean): number {
    this.requireStopped('writeMemory');
    return this.tools.writeMemory(this.viewVcpu, address, data, allowPartial);
  }

  /** Ends the configuration: stops at the entry point, or runs. */
  start(stopOnEntry: boolean): void {
    if (this.state !== 'launched') throw new DebuggerError('configurationDone: nothing launched, or already started');
    if (stopOnEntry) {
      this.state = 'stopped';
      this.emitStopped({ reason: 'entry', vcpu: 0, pc: this.persona.vcpus[0]!.pc });
    } else {
      this.state = 'stopped';
      this.continue();
    }
  }

  continue(): void {
    this.resume(() => this.persona.runUntilStop());
  }

  step(vcpu: number, kind: StepKind, granularity: Granularity): void {
    const v = this.persona.vcpus[vcpu];
    if (!v || v.power !== 'on') throw new DebuggerError(`vCPU ${vcpu} is not running: it cannot step`);
    const ctx: StepContext = { persona: this.persona, symbols: this.program!.symbols, paused: () => this.pauseRequested };
    const line = granularity === 'line';
    switch (kind) {
      case 'in': return this.resume(() => (line ? stepLine(ctx, vcpu, false) : this.persona.stepInstruction(vcpu)));
      case 'over': return this.resume(() => (line ? stepLine(ctx, vcpu, true) : stepOverInstruction(ctx, vcpu)));
      case 'out': return this.resume(() => stepOut(ctx, vcpu));
    }
  }

  /**
   * Stops a running persona at its next instruction: every powered vCPU gets one-shot stops at
   * the instruction's successors (the run loop yields to the event loop at least every 20 ms, so
   * this lands between slices). A persona whose vCPUs all wait in WFI stops when one wakes.
   */
  pause(): void {
    if (this.state !== 'running') return;
    this.pauseRequested = true;
    for (const v of this.persona.vcpus) {
      if (v.power !== 'on') continue;
      const next = v.nextInstructionTargets();
      v.plantStep(next.length > 0 ? next : [v.pc + 4n]);
    }
  }

  threads(): ThreadInfo[] {
    if (!this.program) return [];
    return this.program.persona.vcpus.map((v) => ({ vcpu: v.index, name: `${this.program!.persona.name} · vCPU${v.index}` }));
  }

  stackFrames(vcpu: number): StackFrameInfo[] {
    const v = this.persona.vcpus[vcpu];
    this.requireStopped('stackTrace');
    if (!v) throw new DebuggerError(`stackTrace: there is no vCPU ${vcpu}`);
    if (v.power !== 'on') return [];
    const frames = stackFrames(v, this.program!.symbols);
    const top = frames[0];
    const bp = top && this.breakpoints?.at(top.pc);
    if (top && bp && top.location) top.location = { ...top.location, file: bp.file, line: bp.line, column: 0 };
    return frames;
  }

  /** Ends the guest (if it is still there) and frees the persona. No exited event. */
  terminate(): void {
    if (!this.program || this.closeWhenSettled) return;
    const wasRunning = this.state === 'running';
    this.state = 'exited';
    if (wasRunning) {
      this.closeWhenSettled = true; // the run loop ends at its next slice boundary; close then
      this.program.persona.stop({ kind: 'stopped', reason: 'terminated by the debugger' });
    } else {
      this.closeNow();
    }
  }

  private closeNow(): void {
    this.program?.persona.close();
    this.program = undefined;
    this.code = undefined;
    this.filters = undefined;
    this.closeWhenSettled = false;
  }

  private requireStopped(what: string): void {
    if (this.state === 'running') throw new DebuggerError(`${what}: the guest is running (pause it first)`);
    if (this.state !== 'stopped' && this.state !== 'launched') throw new DebuggerError(`${what}: the guest is not stopped`);
  }

  private resume(op: () => Promise<RunResult>): void {
    if (this.state !== 'stopped') throw new DebuggerError(this.state === 'running' ? 'the guest is already running' : 'the guest is not stopped');
    this.state = 'running';
    this.pauseRequested = false;
    op().then((r) => this.settle(r), (e: unknown) => this.settle({ kind: 'fault', reason: `the debugger failed: ${e instanceof Error ? e.message : String(e)}` }));
  }

  private settle(r: RunResult): void {
    if (this.closeWhenSettled) {
      this.closeNow();
      return;
    }
    if (this.state !== 'running' || !this.program) return;
    for (const v of this.program.persona.vcpus) v.clearStep();
    if (r.kind === 'break') {
      this.state = 'stopped';
      if (r.reason === 'trap') {
        const hit = this.filters?.hit(r.vcpu);
        this.emitStopped({ reason: 'exception', vcpu: r.vcpu, pc: r.pc, description: hit && describeHit(hit, this.trapNames()) });
        return;
      }
      const reason = r.reason === 'step' && this.pauseRequested ? 'pause' : this.breakReason(r.reason, r.pc);
      this.emitStopped({ reason, vcpu: r.vcpu, pc: r.pc });
    } else {
      this.state = 'exited';
      const tail = this.console.decode();
      if (tail) this.emitOutput(tail, 'stdout');
      this.emitExited(exitOf(r));
    }
  }

  /** A breakpoint stop no source breakpoint claims was a function or instruction breakpoint. */
  private breakReason(reason: 'breakpoint' | 'step', pc: bigint): StopReason {
    if (reason !== 'breakpoint' || this.breakpoints?.at(pc)) return reason;
    return this.code?.reasonAt(pc) ?? reason;
  }

  private emitOutput(text: string, category: 'stdout' | 'console'): void {
    if (text.length > 0) setImmediate(() => this.emit('output', text, category));
  }

  private emitStopped(stop: DebuggerStop): void {
    this.lastVcpu = stop.vcpu;
    setImmediate(() => this.emit('stopped', stop));
  }

  private emitExited(exit: DebuggerExit): void {
    setImmediate(() => this.emit('exited', exit));
  }
}
