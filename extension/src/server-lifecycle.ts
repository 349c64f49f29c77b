// Keeps the language server in line with the settings: started when enabled, stopped when not, its
// trace level applied. Every change goes through one queue, so a quick off-on-off of the setting
// never races a start against a stop. No `vscode` import: the client hides behind ServerHandle.
import type { LanguageServerSettings, TraceSetting } from './settings';

/** One running language client, as the lifecycle sees it. */
export interface ServerHandle {
  start(): Promise<void>;
  stop(): Promise<void>;
  setTrace(trace: TraceSetting): Promise<void>;
}

export interface LifecycleHooks {
  /** A new, not yet started client. */
  create(): ServerHandle;
  /** The settings as they are now. */
  settings(): LanguageServerSettings;
  /** Reports a failed step; the lifecycle carries on (a failed start is retried on the next sync). */
  failed(what: 'start' | 'stop' | 'trace', error: unknown): void;
}

export class LanguageServerLifecycle {
  private running: ServerHandle | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly hooks: LifecycleHooks) {}

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Starts, stops or re-traces the server to match the settings read when this turn comes. */
  sync(): Promise<void> {
    return this.enqueue(async () => {
      const s = this.hooks.settings();
      if (!s.enabled) return this.stopRunning();
      if (!this.running) {
        const handle = this.hooks.create();
        try {
          await handle.start();
        } catch (e) {
          this.hooks.failed('start', e);
          return;
        }
        this.running = handle;
      }
      try {
        await this.running.setTrace(s.trace);
      } catch (e) {
        this.hooks.failed('trace', e);
      }
    });
  }

  /** Stops the server whatever the settings say (deactivation). */
  dispose(): Promise<void> {
    return this.enqueue(() => this.stopRunning());
  }

  private async stopRunning(): Promise<void> {
    const handle = this.running;
    this.running = undefined;
    if (!handle) return;
    try {
      await handle.stop();
    } catch (e) {
      this.hooks.failed('stop', e);
    }
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    // Every step catches its own errors, so the queue never holds a rejection.
    this.queue = this.queue.then(work);
    return this.queue;
  }
}
