// The Persona-specific part of the adapter's DAP contract (docs/debugging.md): the launch attributes, the custom events'
// and requests' names and the events' bodies. One definition for both sides: the adapter sends these, the extension
// (extension/src/debug/device-events.ts) checks untrusted bodies against them. No imports.

/** The `persona` launch attributes (launch.json; the schema VS Code checks is in package.json). */
export interface PersonaLaunchAttributes {
  /** A device manifest (docs/manifest.md): every persona of the device is debugged. */
  manifest?: string;
  /** One guest ELF (built with -g for source-level debugging): a device of one persona. */
  program?: string;
  /** A persona snapshot to continue (as `persona run --resume`), alone or with `program` for its symbols. */
  resume?: string;
  /** Stop at the entry point instead of running (default false). */
  stopOnEntry?: boolean;
  /** Fixed-order instruction quanta with virtual time, as `persona run --deterministic` (default false). */
  deterministic?: boolean;
  /** The folder relative paths are taken from (default: the adapter's working folder). */
  cwd?: string;
  /** vCPUs of a `program` launch, as `persona run --cpus` (default 1, at most 8). */
  cpus?: number;
}

export const TRAPS_EVENT = 'personaTraps';
export const STATE_EVENT = 'personaState';

/** The custom requests (`customRequest(name, args)`). */
export const CONSOLE_INPUT_REQUEST = 'personaConsoleInput';
export const LIST_REQUEST = 'personaList';
export const SNAPSHOT_REQUEST = 'personaSnapshot';
export const TRACE_EXPORT_REQUEST = 'personaTraceExport';

/** One trap-log entry as the adapter sends it in `personaTraps`. */
export interface TrapEntry {
  persona: string;
  vcpu: number;
  /** Virtual nanoseconds since boot. */
  time: number;
  /** "0x..." */
  pc: string;
  /** "func+0x10" */
  symbol?: string;
  class: string;
  summary: string;
  channel?: { id: number; dir: 'send' | 'receive'; peer: string };
  /** Where `pc` is in the source, when the adapter knows. */
  source?: { path: string; line: number };
}

/** Per persona, per trap class: totals since boot. */
export type TrapCounts = Record<string, Record<string, number>>;

/** The body of `personaTraps`: at most 500 entries; the rest of the batch counted in `dropped`. */
export interface TrapsBody {
  entries: TrapEntry[];
  dropped: number;
  counts: TrapCounts;
}

export type PersonaRunState = 'running' | 'paused' | 'exited';

/** One persona in the body of `personaState` (`{ personas: PersonaStateEntry[] }`). */
export interface PersonaStateEntry {
  name: string;
  state: PersonaRunState;
  vcpus: number;
  exitCode?: number;
}
