// Paces the trap feed into `personaTraps` events as the contract wants them: at most one event per
// 100 ms while the guest runs, and one at each stop (sent before the StoppedEvent when the window
// allows, else as soon as it does), so the trap view is current when the editor shows the stop.
import { Event } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { TrapFeed } from '../debugger/trap-feed';
import { TRAPS_EVENT } from './contract';

/** The contract's 100 ms between events, plus 20 ms so pipe and event-loop jitter never brings two closer at the client. */
export const TRAP_EVENT_MS = 120;

export class TrapEvents {
  private interval: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private last = -Infinity;

  constructor(private readonly feed: TrapFeed, private readonly send: (e: DebugProtocol.Event) => void, private readonly now: () => number = () => Date.now()) {}

  /** The guest runs: poll every 100 ms. */
  running(): void {
    if (this.interval) return;
    this.interval = setInterval(() => this.flush(), TRAP_EVENT_MS);
    this.interval.unref();
  }

  /** The guest stopped (or ended): send what is new, now or when the window allows. */
  stopped(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    this.flush();
  }

  /** Sends the new records if the last event is 100 ms old, else once it is. */
  flush(): void {
    const wait = this.last + TRAP_EVENT_MS - this.now();
    if (wait > 0) {
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        this.flush();
      }, wait);
      return;
    }
    const batch = this.feed.poll();
    if (!batch) return;
    this.last = this.now();
    this.send(new Event(TRAPS_EVENT, batch));
  }

  dispose(): void {
    if (this.interval) clearInterval(this.interval);
    if (this.pending) clearTimeout(this.pending);
    this.interval = undefined;
    this.pending = undefined;
  }
}
