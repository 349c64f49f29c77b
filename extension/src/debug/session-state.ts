// What the extension knows about one Persona debug session, built from the adapter's messages as a
// DebugAdapterTracker sees them: the personas and their run states, the trap model, guest console
// text by persona, and exception filters. Views subscribe; no `vscode` import.
import { outputPersona, parseState, parseTraps, STATE_EVENT, TRAPS_EVENT, type PersonaRunState, type PersonaStateEntry, type TrapsBody } from './device-events';
import { TrapModel } from '../views/trap-model';

/** A DAP message as a tracker sees it (only the fields read here). */
export interface DapMessage {
  type: string;
  event?: string;
  command?: string;
  body?: unknown;
  arguments?: unknown;
}

export type DeviceRunState = 'starting' | 'running' | 'paused' | 'exited';

type Listener<T> = (value: T) => void;

class Signal<T> {
  private readonly listeners = new Set<Listener<T>>();
  on(l: Listener<T>): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  fire(v: T): void {
    for (const l of [...this.listeners]) l(v);
  }
}

export class SessionState {
  readonly traps: TrapModel;
  private readonly personaStates = new Map<string, PersonaStateEntry>();
  device: DeviceRunState = 'starting';
  /** Why the device last stopped (the StoppedEvent's description or reason). */
  stopReason: string | undefined;
  /** Exception filters the user chose in the BREAKPOINTS view (last setExceptionBreakpoints sent by VS Code). */
  uiExceptionFilters: string[] = [];
  /** The same request's filters with conditions (filterOptions), passed on unchanged. */
  uiExceptionFilterOptions: { filterId: string; condition?: string }[] = [];

  readonly onTraps = new Signal<TrapsBody>();
  readonly onState = new Signal<void>();
  readonly onOutput = new Signal<{ persona: string; text: string }>();
  readonly onExceptionFiltersSent = new Signal<string[]>();

  /** `fallbackPersona`: the persona guest output without data.persona belongs to (one-ELF sessions). */
  constructor(readonly sessionId: string, private readonly fallbackPersona: string | undefined, maxPerClass?: number) {
    this.traps = new TrapModel(maxPerClass);
  }

  personas(): PersonaStateEntry[] {
    return [...this.personaStates.values()];
  }

  /** A message from the adapter to VS Code. */
  fromAdapter(m: DapMessage): void {
    if (m.type !== 'event') return;
    const handler = m.event ? EVENT_HANDLERS[m.event] : undefined;
    handler?.(this, m.body);
  }

  /** A message from VS Code to the adapter. */
  toAdapter(m: DapMessage): void {
    if (m.type !== 'request') return;
    if (m.command && RESUMING_REQUESTS.has(m.command) && this.device === 'paused') {
      this.device = 'running';
      this.stopReason = undefined;
      this.setAll('running');
      this.onState.fire();
    }
    if (m.command === 'setExceptionBreakpoints') {
      const args = m.arguments as { filters?: unknown; filterOptions?: unknown } | undefined;
      const filters = args?.filters;
      this.uiExceptionFilters = Array.isArray(filters) ? filters.filter((f): f is string => typeof f === 'string') : [];
      const options = Array.isArray(args?.filterOptions) ? args.filterOptions as unknown[] : [];
      this.uiExceptionFilterOptions = options.filter((o): o is { filterId: string; condition?: string } => typeof o === 'object' && o !== null && typeof (o as { filterId?: unknown }).filterId === 'string');
      this.onExceptionFiltersSent.fire(this.uiExceptionFilters);
    }
  }

  /** Marks every persona that has not exited with `state` (all-stop: a stop stops them all). */
  setAll(state: PersonaRunState): void {
    for (const p of this.personaStates.values()) if (p.state !== 'exited') p.state = state;
  }

  updatePersonas(list: PersonaStateEntry[]): void {
    for (const p of list) this.personaStates.set(p.name, { ...p });
  }

  ensurePersona(name: string): void {
    if (!this.personaStates.has(name)) this.personaStates.set(name, { name, state: this.device === 'paused' ? 'paused' : 'running', vcpus: 1 });
  }

  output(body: unknown): void {
    const o = outputPersona(body, this.fallbackPersona);
    if (!o) return;
    if (!this.personaStates.has(o.persona)) {
      this.ensurePersona(o.persona);
      this.onState.fire();
    }
    this.onOutput.fire(o);
  }
}

/**
 * The setExceptionBreakpoints arguments that keep what the user chose in VS Code and add `extra`
 * filters (Break on This Trap Class): a filter the user gave a condition keeps it.
 */
export function mergedExceptionFilters(ui: readonly string[], uiOptions: readonly { filterId: string; condition?: string }[], extra: Iterable<string>): { filters: string[]; filterOptions: { filterId: string; condition?: string }[] } {
  const withOptions = new Set(uiOptions.map((o) => o.filterId));
  const filters = [...new Set([...ui, ...[...extra].filter((f) => !withOptions.has(f))])];
  return { filters, filterOptions: uiOptions.map((o) => ({ ...o })) };
}

/** Requests that run the guest again (the adapter need not send `continued` for them). */
const RESUMING_REQUESTS: ReadonlySet<string> = new Set(['continue', 'next', 'stepIn', 'stepOut', 'reverseContinue', 'stepBack']);

const EVENT_HANDLERS: Readonly<Record<string, (s: SessionState, body: unknown) => void>> = {
  [TRAPS_EVENT]: (s, body) => {
    const t = parseTraps(body);
    if (!t) return;
    s.traps.add(t);
    s.onTraps.fire(t);
  },
  [STATE_EVENT]: (s, body) => {
    const list = parseState(body);
    if (!list) return;
    s.updatePersonas(list);
    if (list.every((p) => p.state === 'exited')) s.device = 'exited';
    else if (list.some((p) => p.state === 'running')) s.device = 'running';
    else s.device = 'paused';
    s.onState.fire();
  },
  output: (s, body) => s.output(body),
  stopped: (s, body) => {
    const b = (body ?? {}) as { reason?: unknown; description?: unknown };
    s.device = 'paused';
    s.stopReason = typeof b.description === 'string' ? b.description : typeof b.reason === 'string' ? b.reason : undefined;
    s.setAll('paused');
    s.onState.fire();
  },
  continued: (s) => {
    s.device = 'running';
    s.stopReason = undefined;
    s.setAll('running');
    s.onState.fire();
  },
  // VS Code sends no `continued` for the requests it made itself; a new run shows up as the process starting or as traps.
  initialized: (s) => {
    s.device = 'running';
    s.onState.fire();
  },
  terminated: (s) => {
    s.device = 'exited';
    s.setAll('exited');
    s.onState.fire();
  },
  exited: (s) => {
    s.device = 'exited';
    s.setAll('exited');
    s.onState.fire();
  },
};

/** Traps per second over a sliding window of (time, total) samples. */
export class RateMeter {
  private samples: { t: number; n: number }[] = [];
  constructor(private readonly windowMs = 2000) {}

  sample(t: number, total: number): void {
    this.samples.push({ t, n: total });
    while (this.samples.length > 2 && this.samples[0]!.t < t - this.windowMs) this.samples.shift();
  }

  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t <= first.t) return 0;
    return ((last.n - first.n) * 1000) / (last.t - first.t);
  }
}
