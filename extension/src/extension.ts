// The extension's entry point (bundled to dist/extension.js): the language server for the assembly
// languages and linker scripts (the grammars need no code: package.json contributes them), and the
// `persona` debug type with its views and commands (debug/register-debug.ts).
import { window, workspace, type ExtensionContext } from 'vscode';
import { registerDebugging } from './debug/register-debug';
import { CLIENT_NAME, createServerHandle } from './language-client';
import { LanguageServerLifecycle } from './server-lifecycle';
import { LANGUAGE_SERVER_SECTION, readLanguageServerSettings } from './settings';

let lifecycle: LanguageServerLifecycle | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const output = window.createOutputChannel(CLIENT_NAME, { log: true });
  context.subscriptions.push(output);
  const debugLog = window.createOutputChannel('Persona Debug', { log: true });
  context.subscriptions.push(debugLog, ...registerDebugging(context.extensionPath, debugLog));
  const server = new LanguageServerLifecycle({
    create: () => createServerHandle(context.extensionPath, output),
    settings: () => {
      const config = workspace.getConfiguration(LANGUAGE_SERVER_SECTION);
      return readLanguageServerSettings((key) => config.get(key));
    },
    failed: (what, error) => {
      const text = `could not ${what === 'trace' ? 'set the trace level of' : what} the language server: ${error instanceof Error ? error.message : String(error)}`;
      output.error(text);
      if (what === 'start') void window.showErrorMessage(`Persona: ${text}`);
    },
  });
  lifecycle = server;
  context.subscriptions.push(workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(LANGUAGE_SERVER_SECTION)) void server.sync();
  }));
  await server.sync();
}

export async function deactivate(): Promise<void> {
  const server = lifecycle;
  lifecycle = undefined;
  await server?.dispose();
}
