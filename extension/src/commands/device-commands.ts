// Commands on the device of the current session: snapshot a persona, resume from a snapshot, export
// the trace and open a trace file in the timeline, show a persona's console.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { commands, debug, Uri, window, workspace, type Disposable } from 'vscode';
import { LIST_REQUEST, SNAPSHOT_REQUEST, TRACE_EXPORT_REQUEST } from '../debug/device-events';
import { resumeConfig } from '../debug/launch-config';
import type { SessionRegistry } from '../debug/session-registry';
import type { PersonaConsoles } from '../consoles/persona-consoles';
import { timelineFromChromeTrace } from '../views/timeline-model';
import type { TimelinePanel } from '../views/timeline-panel';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function defaultFolder(): Uri | undefined {
  return workspace.workspaceFolders?.[0]?.uri;
}

export function registerDeviceCommands(registry: SessionRegistry, consoles: PersonaConsoles, timeline: TimelinePanel): Disposable[] {
  const needSession = () => {
    const s = registry.currentSession;
    if (!s) void window.showInformationMessage('Persona: start a Persona debug session first (F5)');
    return s;
  };

  /** The persona to act on: the only one, or the user's pick among what personaList (or the session state) knows. */
  const pickPersona = async (placeHolder: string): Promise<string | undefined> => {
    const session = registry.currentSession;
    let names = registry.current?.personas().map((p) => p.name) ?? [];
    if (session) {
      try {
        const r = (await session.customRequest(LIST_REQUEST, {})) as { personas?: { name: string }[] };
        if (r.personas?.length) names = r.personas.map((p) => p.name);
      } catch { /* an adapter without personaList: use what the session said */ }
    }
    if (names.length <= 1) return names[0];
    return window.showQuickPick(names, { placeHolder });
  };

  return [
    commands.registerCommand('persona.snapshot', async () => {
      const session = needSession();
      if (!session) return;
      const persona = await pickPersona('Snapshot which persona?');
      if (!persona) return;
      const target = await window.showSaveDialog({ defaultUri: defaultFolder() && Uri.joinPath(defaultFolder()!, `${persona}.snap`), filters: { 'Persona snapshot': ['snap'] }, title: `Snapshot ${persona}` });
      if (!target) return;
      try {
        const r = (await session.customRequest(SNAPSHOT_REQUEST, { persona, file: target.fsPath })) as { file?: string; bytes?: number };
        void window.showInformationMessage(`Persona: wrote ${persona} to ${basename(r.file ?? target.fsPath)} (${r.bytes ?? '?'} bytes); continue it with "Persona: Resume from a Snapshot"`);
      } catch (e) {
        void window.showErrorMessage(`Persona: could not snapshot ${persona}: ${message(e)}`);
      }
    }),
    commands.registerCommand('persona.resumeSnapshot', async (file?: Uri) => {
      const snap = file ?? (await window.showOpenDialog({ canSelectMany: false, filters: { 'Persona snapshot': ['snap'] }, defaultUri: defaultFolder(), title: 'Resume which snapshot?' }))?.[0];
      if (!snap) return;
      const elf = (await window.showOpenDialog({ canSelectMany: false, filters: { 'Guest ELF': ['elf'] }, defaultUri: defaultFolder(), title: 'Its guest ELF, for symbols (Cancel: none)' }))?.[0];
      await debug.startDebugging(workspace.workspaceFolders?.[0], resumeConfig(snap.fsPath, elf?.fsPath));
    }),
    commands.registerCommand('persona.trace.export', async () => {
      const session = needSession();
      if (!session) return;
      const target = await window.showSaveDialog({ defaultUri: defaultFolder() && Uri.joinPath(defaultFolder()!, 'persona-trace.json'), filters: { 'Chrome trace': ['json'] }, title: 'Export the trap trace' });
      if (!target) return;
      try {
        const r = (await session.customRequest(TRACE_EXPORT_REQUEST, { file: target.fsPath })) as { events?: number };
        const open = await window.showInformationMessage(`Persona: wrote ${r.events ?? '?'} trace events to ${basename(target.fsPath)} (open it in Perfetto's UI or chrome://tracing)`, 'Open in Timeline');
        if (open) timeline.showFile(basename(target.fsPath), timelineFromChromeTrace(await readFile(target.fsPath, 'utf8')));
      } catch (e) {
        void window.showErrorMessage(`Persona: could not export the trace: ${message(e)}`);
      }
    }),
    commands.registerCommand('persona.trace.open', async (file?: Uri) => {
      const uri = file ?? (await window.showOpenDialog({ canSelectMany: false, filters: { 'Chrome trace': ['json'] }, defaultUri: defaultFolder(), title: 'Open a Persona trace' }))?.[0];
      if (!uri) return;
      try {
        timeline.showFile(basename(uri.fsPath), timelineFromChromeTrace(await readFile(uri.fsPath, 'utf8')));
      } catch (e) {
        void window.showErrorMessage(`Persona: ${join(uri.fsPath)}: ${message(e)}`);
      }
    }),
    commands.registerCommand('persona.timeline.open', () => timeline.showLive()),
    commands.registerCommand('persona.console.show', async (persona?: string) => {
      const names = consoles.names();
      const name = persona ?? (names.length <= 1 ? names[0] : await window.showQuickPick(names, { placeHolder: 'Show which persona\'s console?' }));
      if (!name) {
        void window.showInformationMessage('Persona: no persona console yet (they open when a Persona session starts)');
        return;
      }
      if (!consoles.show(name)) void window.showInformationMessage(`Persona: no console for ${name}`);
    }),
  ];
}
