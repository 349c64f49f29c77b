// The Persona Traps view (Run and Debug container): the TrapModel as a tree, refreshed at most every
// 250 ms while traps stream in; clicking an entry reveals its source line or its disassembly.
import { EventEmitter, TreeItem, TreeItemCollapsibleState, ThemeIcon, commands, type Disposable, type TreeDataProvider } from 'vscode';
import type { SessionRegistry } from '../debug/session-registry';
import type { SessionState } from '../debug/session-state';
import { throttle } from '../throttle';
import { entryText, TrapModel, type TrapNode } from './trap-model';

export const TRAP_VIEW_ID = 'persona.traps';
export const REVEAL_COMMAND = 'persona.traps.reveal';
const REFRESH_MS = 250;

export class TrapTreeProvider implements TreeDataProvider<TrapNode>, Disposable {
  private readonly changed = new EventEmitter<TrapNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly refresh = throttle(() => this.changed.fire(undefined), REFRESH_MS);
  private subscriptions: { dispose(): void }[] = [];
  private readonly registryListener: Disposable;
  private state: SessionState | undefined;
  private readonly empty = new TrapModel();

  constructor(registry: SessionRegistry) {
    this.registryListener = registry.onDidChangeCurrent((s) => this.follow(s));
    this.follow(registry.current);
  }

  get model(): TrapModel {
    return this.state?.traps ?? this.empty;
  }

  private follow(state: SessionState | undefined): void {
    for (const s of this.subscriptions) s.dispose();
    this.state = state;
    this.subscriptions = state ? [state.onTraps.on(() => this.refresh()), state.onState.on(() => this.refresh())] : [];
    void commands.executeCommand('setContext', 'persona.hasTraps', state !== undefined);
    this.changed.fire(undefined);
  }

  /** Re-render now (after a filter change). */
  update(): void {
    void commands.executeCommand('setContext', 'persona.trapFilterActive', this.model.filterActive);
    this.changed.fire(undefined);
  }

  getChildren(node?: TrapNode): TrapNode[] {
    return this.model.children(node);
  }

  getTreeItem(node: TrapNode): TreeItem {
    if (node.kind === 'persona') {
      const item = new TreeItem(node.persona, TreeItemCollapsibleState.Expanded);
      const p = this.state?.personas().find((x) => x.name === node.persona);
      item.description = `${node.count} traps${p ? ` · ${p.state}` : ''}`;
      item.iconPath = new ThemeIcon('vm');
      item.contextValue = 'trapPersona';
      item.id = `persona:${node.persona}`;
      return item;
    }
    if (node.kind === 'class') {
      const item = new TreeItem(node.cls, TreeItemCollapsibleState.Collapsed);
      item.description = String(node.count);
      item.iconPath = new ThemeIcon('symbol-event');
      item.contextValue = 'trapClass';
      item.id = `class:${node.persona}:${node.cls}`;
      return item;
    }
    const t = entryText(node.entry);
    const item = new TreeItem(t.label, TreeItemCollapsibleState.None);
    item.description = t.description;
    item.tooltip = t.tooltip;
    item.contextValue = 'trapEntry';
    item.command = { command: REVEAL_COMMAND, title: 'Reveal', arguments: [node] };
    return item;
  }

  dispose(): void {
    this.refresh.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.registryListener.dispose();
    this.changed.dispose();
  }
}
