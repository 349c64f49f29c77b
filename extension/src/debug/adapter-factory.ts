// How VS Code runs the Persona debug adapter: inline in the extension host by default (a
// PersonaSession from the bundled dist/debug-adapter.js, loaded only when a session starts), or
// `persona dap` as a process when persona.debug.adapter is "executable". Either way the adapter
// gets the native libraries' paths (native-libraries.ts) through its environment.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DebugAdapterExecutable, DebugAdapterInlineImplementation, window, workspace,
  type DebugAdapter, type DebugAdapterDescriptor, type DebugAdapterDescriptorFactory, type DebugSession, type LogOutputChannel,
} from 'vscode';
import { findNativeLibraries } from './native-libraries';

export const DEBUG_SECTION = 'persona';

/** The adapter bundle's export (debug-adapter/session/persona-session.ts). */
interface AdapterModule {
  PersonaSession: new () => DebugAdapter;
}

export class PersonaAdapterFactory implements DebugAdapterDescriptorFactory {
  private warned = false;

  constructor(private readonly extensionPath: string, private readonly log: LogOutputChannel) {}

  /** PERSONA_LIB* for the adapter, found once per session (a missing library is said once per window). */
  private nativeEnv(): Record<string, string> {
    const config = workspace.getConfiguration(DEBUG_SECTION);
    const r = findNativeLibraries({
      env: process.env,
      setting: config.get<string>('nativeFolder') ?? '',
      extensionPath: this.extensionPath,
      workspaceFolders: (workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      exists: existsSync,
    });
    if (r.kind === 'found') {
      this.log.info(`native libraries from ${r.from}: ${r.env.PERSONA_LIBUNICORN}, ${r.env.PERSONA_LIBNATIVE}`);
      return r.env;
    }
    this.log.warn(r.message);
    if (!this.warned) void window.showErrorMessage(r.message);
    this.warned = true;
    return {};
  }

  createDebugAdapterDescriptor(session: DebugSession): DebugAdapterDescriptor {
    const config = workspace.getConfiguration(DEBUG_SECTION);
    const env = this.nativeEnv();
    if (config.get<string>('debug.adapter') === 'executable') {
      const custom = config.get<string>('debug.personaCommand') ?? '';
      this.log.info(`session ${session.id}: ${custom || 'bundled persona'} dap`);
      if (custom) return new DebugAdapterExecutable(custom, ['dap'], { env });
      return new DebugAdapterExecutable(process.execPath, [join(this.extensionPath, 'dist', 'persona.js'), 'dap'], { env: { ...env, ELECTRON_RUN_AS_NODE: '1' } });
    }
    // Inline: the adapter reads the libraries' paths from this process's environment when it loads
    // them (the first launch), and its persona workers inherit it.
    Object.assign(process.env, env);
    const bundle = join(this.extensionPath, 'dist', 'debug-adapter.js');
    if (!existsSync(bundle)) throw new Error(`the bundled debug adapter ${bundle} does not exist (in a checkout, run \`npm run build\`)`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(bundle) as AdapterModule;
    this.log.info(`session ${session.id}: inline adapter`);
    return new DebugAdapterInlineImplementation(new mod.PersonaSession());
  }
}
