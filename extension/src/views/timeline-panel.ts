// The timeline webview: the current session's traps (refreshed at most twice a second while it is
// open), or a Chrome trace file opened with "Open Trace File in Timeline".
import { ViewColumn, window, type Disposable, type WebviewPanel } from 'vscode';
import type { SessionRegistry } from '../debug/session-registry';
import type { SessionState } from '../debug/session-state';
import { throttle } from '../throttle';
import { timelineFromEntries, type Timeline } from './timeline-model';
import { classColour, timelineSvg } from './timeline-svg';

const REFRESH_MS = 500;

function page(title: string, t: Timeline): string {
  const classes = [...new Set(t.marks.map((m) => m.cls))].sort();
  const legend = classes.map((c) => `<span class="key"><span class="swatch" style="background:${classColour(c)}"></span>${c}</span>`).join(' ');
  const body = t.lanes.length === 0 ? '<p>No traps yet.</p>' : timelineSvg(t);
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
.lane-label, .axis { fill: var(--vscode-foreground); font-size: 12px; }
.lane-line { stroke: var(--vscode-editorWidget-border, #555); }
.key { margin-right: 12px; } .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
</style></head><body><h3>${title.replace(/</g, '&lt;')}</h3><div>${legend}</div><div class="lanes">${body}</div>
<p>${t.marks.length} traps, ${t.arrows.length} channel messages on ${t.lanes.length} vCPUs</p></body></html>`;
}

export class TimelinePanel implements Disposable {
  private panel: WebviewPanel | undefined;
  private subscriptions: { dispose(): void }[] = [];
  private readonly listener: Disposable;
  private readonly refresh = throttle(() => this.renderLive(), REFRESH_MS);
  private state: SessionState | undefined;
  private live = true;

  constructor(registry: SessionRegistry) {
    this.listener = registry.onDidChangeCurrent((s) => this.follow(s));
    this.state = registry.current;
  }

  private follow(state: SessionState | undefined): void {
    for (const s of this.subscriptions) s.dispose();
    this.state = state;
    this.subscriptions = state ? [state.onTraps.on(() => this.refresh())] : [];
    if (this.live) this.refresh();
  }

  private ensurePanel(): WebviewPanel {
    if (!this.panel) {
      this.panel = window.createWebviewPanel('persona.timeline', 'Persona Timeline', ViewColumn.Beside, { enableScripts: false, retainContextWhenHidden: false });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    return this.panel;
  }

  /** Shows the current session's traps, live. */
  showLive(): void {
    this.live = true;
    this.ensurePanel().reveal();
    this.follow(this.state);
    this.renderLive();
  }

  /** Shows a timeline from a file (stops following the session). */
  showFile(title: string, t: Timeline): void {
    this.live = false;
    const p = this.ensurePanel();
    p.title = `Timeline: ${title}`;
    p.webview.html = page(title, t);
    p.reveal();
  }

  private renderLive(): void {
    if (!this.panel || !this.live) return;
    this.panel.title = 'Persona Timeline';
    this.panel.webview.html = page('Persona timeline (this session)', timelineFromEntries(this.state?.traps.allEntries() ?? []));
  }

  dispose(): void {
    this.refresh.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.listener.dispose();
    this.panel?.dispose();
  }
}
