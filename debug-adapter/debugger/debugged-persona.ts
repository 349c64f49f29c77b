// One persona of the debugged device: its Persona, symbols, breakpoints (source, instruction,
// function), exception filters, console decoder and where it is in the all-stop cycle (running an
// operation, stopped, or exited).

import type { Persona, PersonaBreak, PersonaExit } from '../../emulator/hypervisor/persona';
import { hypercallName } from '../../emulator/hypervisor/hypercalls/table';
import type { TrapNames } from '../../emulator/hypervisor/trap-format';
import { BreakpointConditions } from './breakpoint-conditions';
import { CodeTools } from './code-tools';
import { ExceptionFilters } from './exception-filters';
import { DataBreakpoints } from './data-breakpoints';
import type { LaunchedPersona } from './launch';
import type { ProgramSymbols } from './program-symbols';
import { SourceBreakpoints } from './source-breakpoints';
import type { RunResult } from './stepping';

export type PersonaRunState = 'stopped' | 'running' | 'exited';

export class DebuggedPersona {
  readonly index: number;
  readonly name: string;
  readonly persona: Persona;
  readonly symbols: ProgramSymbols;
  readonly image: string;
  readonly bootargs: string | undefined;
  readonly sourceBreakpoints: SourceBreakpoints;
  /** Conditions, hit conditions and log messages of this persona's source breakpoints. */
  readonly conditions = new BreakpointConditions();
  /** What last ran it: a conditional hit resumes unseen only after a continue (a step ends there). */
  resumedBy: 'continue' | 'step' = 'continue';
  /** Disassembly, memory, instruction and function breakpoints of this persona's image. */
  readonly code: CodeTools;
  /** Exception breakpoint filters (their conditions see `$persona` as this persona's name). */
  readonly filters: ExceptionFilters;
  /** Data breakpoints (stage-2 watchpoints) in this persona's memory. */
  readonly data: DataBreakpoints;
  /** The vCPU of this persona's last stop: the translation regime memory requests use. */
  lastVcpu = 0;
  state: PersonaRunState = 'stopped';
  exit: PersonaExit | undefined;
  /** A stop of its own that came while the device was already stopping: reported at the next continue. */
  pendingStop: PersonaBreak | undefined;
  private readonly decoder = new TextDecoder();
  private closed = false;

  constructor(p: LaunchedPersona) {
    this.index = p.index;
    this.name = p.name;
    this.persona = p.persona;
    this.symbols = p.symbols;
    this.image = p.image;
    this.bootargs = p.bootargs;
    this.sourceBreakpoints = new SourceBreakpoints(p.symbols);
    this.code = new CodeTools({ persona: p.persona, image: { symbols: p.elfSymbols }, symbols: p.symbols });
    this.filters = new ExceptionFilters(p.name);
    this.data = new DataBreakpoints(p.symbols.info);
  }

  /** The vCPU memory requests see the guest through: the last one to stop, if it is powered. */
  get viewVcpu() {
    const v = this.persona.vcpus[this.lastVcpu];
    return v && v.power === 'on' ? v : this.persona.vcpus[0]!;
  }

  /** Installs the exception filters in the dispatcher (asked only while one is set). */
  applyFilters(): void {
    const f = this.filters;
    this.persona.dispatcher.breakOn = f.active ? (t) => f.matches(t) : undefined;
  }

  trapNames(): TrapNames {
    const p = this.persona;
    return { persona: () => p.name, hypercall: hypercallName, device: (i) => p.deviceName(i), register: (d, off) => p.deviceRegisterName(d, off) };
  }

  get cpus(): number {
    return this.persona.vcpus.length;
  }

  /** Plants every breakpoint this persona should stop at in all its vCPUs. */
  applyBreakpoints(): void {
    if (this.state !== 'exited') this.persona.setBreakpoints([...new Set([...this.sourceBreakpoints.addresses(), ...this.code.addresses()])]);
  }

  /** Console bytes as text, split UTF-8 sequences kept for the next call. */
  decode(bytes: Uint8Array | undefined): string {
    return bytes ? this.decoder.decode(bytes, { stream: true }) : this.decoder.decode();
  }

  /** Frees the persona's engines (once; the persona is exited from then on). */
  close(): void {
    this.state = 'exited';
    if (this.closed) return;
    this.closed = true;
    this.persona.close();
  }

  /** Runs `op` (runUntilStop or a step); `settled` gets its result, a thrown error as a fault. */
  run(op: () => Promise<RunResult>, settled: (r: RunResult) => void): void {
    this.state = 'running';
    op().then(settled, (e: unknown) => settled({ kind: 'fault', reason: `the debugger failed: ${e instanceof Error ? e.message : String(e)}` }));
  }
}
