// Follows Persona debug sessions through a DebugAdapterTracker (which sees every DAP message, the
// output events with data.persona included) and keeps one SessionState per session. The views show
// the current one: the active Persona session, else the latest.
import { basename } from 'node:path';
import { debug, EventEmitter, workspace, type DebugAdapterTracker, type DebugSession, type Disposable } from 'vscode';
import { DEBUG_TYPE } from './launch-config';
import { SessionState, type DapMessage } from './session-state';

export class SessionRegistry implements Disposable {
  private readonly states = new Map<string, { session: DebugSession; state: SessionState }>();
  private currentId: string | undefined;
  private readonly changed = new EventEmitter<SessionState | undefined>();
  /** The current session changed (a new one started, or the active one switched). */
  readonly onDidChangeCurrent = this.changed.event;
  private readonly disposables: Disposable[] = [];

  constructor() {
    this.disposables.push(
      debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, { createDebugAdapterTracker: (s) => this.track(s) }),
      debug.onDidChangeActiveDebugSession((s) => {
        if (s && this.states.has(s.id) && s.id !== this.currentId) {
          this.currentId = s.id;
          this.changed.fire(this.current);
        }
      }),
      this.changed,
    );
  }

  get current(): SessionState | undefined {
    return this.currentId ? this.states.get(this.currentId)?.state : undefined;
  }

  get currentSession(): DebugSession | undefined {
    return this.currentId ? this.states.get(this.currentId)?.session : undefined;
  }

  private track(session: DebugSession): DebugAdapterTracker {
    const program = session.configuration.program;
    // A one-ELF session's guest output carries no persona: name it after the ELF, as the adapter names the persona.
    const fallback = typeof program === 'string' && !session.configuration.manifest ? basename(program).replace(/\.elf$/, '') : undefined;
    const max = workspace.getConfiguration('persona').get<number>('traps.maxEntriesPerClass') ?? 500;
    const state = new SessionState(session.id, fallback, max);
    // Only the latest session's state is kept once a new one starts (the views follow it).
    for (const [id, s] of this.states) if (s.state.device === 'exited') this.states.delete(id);
    this.states.set(session.id, { session, state });
    this.currentId = session.id;
    this.changed.fire(state);
    return {
      onDidSendMessage: (m: DapMessage) => state.fromAdapter(m),
      onWillReceiveMessage: (m: DapMessage) => state.toAdapter(m),
    };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
