// The trap view's commands: filter by persona and class, reveal an entry (its source line, else its
// disassembly), and "Break on This Trap Class", which adds the class's exception filter to the ones
// the user ticked in the BREAKPOINTS view (VS Code's API cannot tick them, so the extension sends
// setExceptionBreakpoints itself with the union, and again whenever VS Code sends its own list).
import {
  commands, EventEmitter, Position, Range, Uri, window, workspace,
  type Disposable, type TextDocumentContentProvider,
} from 'vscode';
import type { SessionRegistry } from '../debug/session-registry';
import { mergedExceptionFilters } from '../debug/session-state';
import { exceptionFilterFor, type TrapNode } from '../views/trap-model';
import { REVEAL_COMMAND, type TrapTreeProvider } from '../views/trap-view';
import type { TrapEntry } from '../debug/device-events';

export const DISASSEMBLY_SCHEME = 'persona-disassembly';

interface DisassembledInstruction {
  address: string;
  instruction: string;
  symbol?: string;
  instructionBytes?: string;
}

/** Read-only documents holding disassembly around a trap's pc. */
class DisassemblyDocuments implements TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new EventEmitter<Uri>();
  readonly onDidChange = this.changed.event;
  set(uri: Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }
  provideTextDocumentContent(uri: Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

export function disassemblyText(e: TrapEntry, instructions: readonly DisassembledInstruction[]): { text: string; line: number } {
  const pc = BigInt(e.pc);
  let line = 0;
  const rows = instructions.map((i, k) => {
    if (i.address && BigInt(i.address) === pc) line = k + 2;
    return `${BigInt(i.address) === pc ? '=>' : '  '} ${i.address}  ${(i.instructionBytes ?? '').padEnd(12)} ${i.instruction}${i.symbol ? `    <${i.symbol}>` : ''}`;
  });
  return { text: [`; ${e.persona} · vCPU${e.vcpu}  ${e.class}: ${e.summary}`, ...rows].join('\n') + '\n', line };
}

export function registerTrapCommands(registry: SessionRegistry, view: TrapTreeProvider): Disposable[] {
  const docs = new DisassemblyDocuments();
  /** Trap classes the user asked to break on, per session. */
  const extra = new Map<string, Set<string>>();
  const sendFilters = async (): Promise<void> => {
    const session = registry.currentSession;
    const state = registry.current;
    if (!session || !state) return;
    await session.customRequest('setExceptionBreakpoints', mergedExceptionFilters(state.uiExceptionFilters, state.uiExceptionFilterOptions, extra.get(session.id) ?? []));
  };
  const followUi = registry.onDidChangeCurrent((s) => {
    s?.onExceptionFiltersSent.on(() => {
      // After VS Code's own list reached the adapter, add ours again.
      if ((extra.get(s.sessionId)?.size ?? 0) > 0) setImmediate(() => void sendFilters().catch(() => undefined));
    });
  });

  const reveal = async (node: TrapNode): Promise<void> => {
    if (node.kind !== 'entry') return;
    const e = node.entry;
    if (e.source) {
      const doc = await workspace.openTextDocument(Uri.file(e.source.path));
      const line = Math.max(0, e.source.line - 1);
      await window.showTextDocument(doc, { selection: new Range(new Position(line, 0), new Position(line, 0)), preview: true });
      return;
    }
    const session = registry.currentSession;
    if (!session) {
      void window.showInformationMessage(`Persona: ${e.pc} has no source line, and disassembly needs a running debug session`);
      return;
    }
    try {
      const r = (await session.customRequest('disassemble', { memoryReference: e.pc, instructionOffset: -8, instructionCount: 24, resolveSymbols: true })) as { instructions?: DisassembledInstruction[] };
      const { text, line } = disassemblyText(e, r.instructions ?? []);
      const uri = Uri.from({ scheme: DISASSEMBLY_SCHEME, path: `/${e.persona}/${e.pc}.s` });
      docs.set(uri, text);
      const doc = await workspace.openTextDocument(uri);
      await window.showTextDocument(doc, { selection: new Range(new Position(Math.max(0, line - 1), 0), new Position(Math.max(0, line - 1), 0)), preview: true });
    } catch (err) {
      void window.showInformationMessage(`Persona: ${e.symbol ?? e.pc} has no source line and the adapter could not disassemble it (${err instanceof Error ? err.message : String(err)})`);
    }
  };

  return [
    workspace.registerTextDocumentContentProvider(DISASSEMBLY_SCHEME, docs),
    followUi,
    commands.registerCommand(REVEAL_COMMAND, reveal),
    commands.registerCommand('persona.traps.filter', async () => {
      const m = view.model;
      const f = m.filter;
      const items = [
        ...m.personas().map((p) => ({ label: p, description: 'persona', picked: f.personas === undefined || f.personas.has(p), what: 'persona' as const })),
        ...m.classes().map((c) => ({ label: c, description: 'trap class', picked: f.classes === undefined || f.classes.has(c), what: 'class' as const })),
      ];
      if (items.length === 0) {
        void window.showInformationMessage('Persona: no traps yet to filter');
        return;
      }
      const picked = await window.showQuickPick(items, { canPickMany: true, placeHolder: 'Show traps of these personas and classes' });
      if (!picked) return;
      const personas = picked.filter((p) => p.what === 'persona').map((p) => p.label);
      const classes = picked.filter((p) => p.what === 'class').map((p) => p.label);
      m.setFilter({
        personas: personas.length === m.personas().length ? undefined : new Set(personas),
        classes: classes.length === m.classes().length ? undefined : new Set(classes),
      });
      view.update();
    }),
    commands.registerCommand('persona.traps.clearFilter', () => {
      view.model.setFilter({});
      view.update();
    }),
    commands.registerCommand('persona.traps.breakOnClass', async (node?: TrapNode) => {
      const cls = node?.kind === 'class' ? node.cls : node?.kind === 'entry' ? node.entry.class : undefined;
      const session = registry.currentSession;
      if (!cls || !session) return;
      const filter = exceptionFilterFor(cls);
      if (!filter) {
        void window.showInformationMessage(`Persona: the adapter has no exception breakpoint for ${cls} traps`);
        return;
      }
      const set = extra.get(session.id) ?? new Set<string>();
      set.add(filter);
      extra.set(session.id, set);
      try {
        await sendFilters();
        void window.showInformationMessage(`Persona: breaking on ${filter} traps in ${session.name}`);
      } catch (err) {
        void window.showErrorMessage(`Persona: could not break on ${filter} traps: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  ];
}
