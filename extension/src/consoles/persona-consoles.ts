// One terminal per persona (a Pseudoterminal): the persona's guest output (output events with
// data.persona) is written to it, and what the user types goes to that persona's UART through the
// personaConsoleInput request. Text that arrives before the terminal opens is kept and written then.
import { EventEmitter, window, type Disposable, type Pseudoterminal, type Terminal } from 'vscode';
import { CONSOLE_INPUT_REQUEST } from '../debug/device-events';
import type { SessionRegistry } from '../debug/session-registry';
import type { SessionState } from '../debug/session-state';
import { toGuest, toTerminal } from './console-text';

class PersonaConsole implements Pseudoterminal {
  private readonly writer = new EventEmitter<string>();
  readonly onDidWrite = this.writer.event;
  private isOpen = false;
  private pending: string[] = [];
  terminal: Terminal | undefined;

  constructor(readonly persona: string, private readonly send: (persona: string, text: string) => void) {}

  write(text: string): void {
    const t = toTerminal(text);
    if (this.isOpen) this.writer.fire(t);
    else this.pending.push(t);
  }

  open(): void {
    this.isOpen = true;
    for (const t of this.pending) this.writer.fire(t);
    this.pending = [];
  }

  close(): void {
    this.isOpen = false;
    this.terminal = undefined;
  }
  handleInput(data: string): void {
    this.send(this.persona, toGuest(data));
  }
}

export class PersonaConsoles implements Disposable {
  private readonly consoles = new Map<string, PersonaConsole>();
  private subscriptions: { dispose(): void }[] = [];
  private readonly listener: Disposable;
  private shownOne = false;

  constructor(private readonly registry: SessionRegistry) {
    this.listener = registry.onDidChangeCurrent((s) => this.follow(s));
    this.follow(registry.current);
  }

  private follow(state: SessionState | undefined): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
    this.shownOne = false;
    if (!state) return;
    for (const c of this.consoles.values()) c.write(`\n--- new session ---\n`);
    this.subscriptions.push(state.onOutput.on((o) => this.console(o.persona).write(o.text)));
    this.subscriptions.push(state.onState.on(() => { for (const p of state.personas()) this.console(p.name); }));
  }

  /** The persona's console, its terminal created on first use (the first one is shown, keeping focus). */
  console(persona: string): PersonaConsole {
    let c = this.consoles.get(persona);
    if (!c) {
      c = new PersonaConsole(persona, (p, text) => this.sendInput(p, text));
      this.consoles.set(persona, c);
    }
    if (!c.terminal) {
      c.terminal = window.createTerminal({ name: `${persona} console`, pty: c });
      if (!this.shownOne) c.terminal.show(true);
      this.shownOne = true;
    }
    return c;
  }

  show(persona: string): boolean {
    const c = this.consoles.get(persona);
    if (!c) return false;
    this.console(persona).terminal?.show(false);
    return true;
  }

  names(): string[] {
    return [...this.consoles.keys()].sort();
  }

  private sendInput(persona: string, text: string): void {
    const session = this.registry.currentSession;
    if (!session) return;
    session.customRequest(CONSOLE_INPUT_REQUEST, { persona, text }).then(undefined, (e: unknown) => {
      this.consoles.get(persona)?.write(`\n[persona: input not delivered: ${e instanceof Error ? e.message : String(e)}]\n`);
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.listener.dispose();
    for (const c of this.consoles.values()) c.terminal?.dispose();
  }
}
