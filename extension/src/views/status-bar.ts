// The status bar item of the current Persona session: device state, personas, trap rate (sampled
// once a second while running; the item is hidden when no Persona session has run).
import { StatusBarAlignment, window, type Disposable, type StatusBarItem } from 'vscode';
import type { SessionRegistry } from '../debug/session-registry';
import { RateMeter, type SessionState } from '../debug/session-state';
import { statusText } from './status-text';

export class PersonaStatusBar implements Disposable {
  private readonly item: StatusBarItem = window.createStatusBarItem('persona.status', StatusBarAlignment.Left, 50);
  private subscriptions: { dispose(): void }[] = [];
  private readonly listener: Disposable;
  private readonly timer: NodeJS.Timeout;
  private meter = new RateMeter();
  private state: SessionState | undefined;

  constructor(registry: SessionRegistry) {
    this.item.name = 'Persona device';
    this.item.command = 'persona.timeline.open';
    this.listener = registry.onDidChangeCurrent((s) => this.follow(s));
    this.timer = setInterval(() => this.tick(), 1000);
    this.follow(registry.current);
  }

  private follow(state: SessionState | undefined): void {
    for (const s of this.subscriptions) s.dispose();
    this.state = state;
    this.meter = new RateMeter();
    this.subscriptions = state ? [state.onState.on(() => this.render())] : [];
    this.render();
  }

  private tick(): void {
    if (!this.state) return;
    this.meter.sample(Date.now(), this.state.traps.total());
    this.render();
  }

  private render(): void {
    const s = this.state;
    if (!s) {
      this.item.hide();
      return;
    }
    const t = statusText(s.device, s.personas(), s.device === 'running' ? this.meter.rate() : 0);
    this.item.text = t.text;
    this.item.tooltip = t.tooltip;
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.listener.dispose();
    this.item.dispose();
  }
}
