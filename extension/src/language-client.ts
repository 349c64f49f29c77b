// The language client for `persona lsp --stdio`: server and client options, and a ServerHandle
// (start, stop, trace) around one LanguageClient for the lifecycle to drive.
import { existsSync } from 'node:fs';
import { workspace, type Disposable, type LogOutputChannel } from 'vscode';
import { LanguageClient, Trace, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { documentSelector, WATCHED_FILES } from './languages';
import { serverCommand, type ServerCommand } from './server-command';
import type { ServerHandle } from './server-lifecycle';
import type { TraceSetting } from './settings';
import { TraceChannel } from './trace-channel';

export const CLIENT_ID = 'persona';
export const CLIENT_NAME = 'Persona Language Server';

/** Runs the bundled CLI; the client appends `--stdio` (and nothing else, for an Executable). */
export function serverOptions(cmd: ServerCommand): ServerOptions {
  return {
    command: cmd.command,
    args: [...cmd.args],
    transport: TransportKind.stdio,
    options: { env: { ...process.env, ...cmd.env } },
  };
}

export function clientOptions(output: LogOutputChannel, trace: LogOutputChannel): LanguageClientOptions {
  return {
    documentSelector: documentSelector(),
    // The server also registers its own watchers when it starts; this one covers the window before.
    synchronize: { fileEvents: workspace.createFileSystemWatcher(WATCHED_FILES) },
    outputChannel: output,
    traceOutputChannel: trace,
  };
}

export class MissingServerError extends Error {
  constructor(readonly module: string) {
    super(`the bundled language server ${module} does not exist (in a checkout, run \`npm run build\`)`);
    this.name = 'MissingServerError';
  }
}

/** One language client over the server bundled in `extensionPath`, not started yet. */
export function createServerHandle(extensionPath: string, output: LogOutputChannel): ServerHandle {
  const cmd = serverCommand(extensionPath);
  const traceChannel = new TraceChannel(output, 'off');
  const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions(cmd), clientOptions(output, traceChannel));
  let trace: TraceSetting = 'off';
  let reapply: Disposable | undefined;
  const applyTrace = (): Promise<void> => client.setTrace(Trace.fromString(trace));
  return {
    async start() {
      if (!existsSync(cmd.module)) throw new MissingServerError(cmd.module);
      await client.start();
      // The client resets its trace level on every configuration change; this listener comes after
      // the client's (registered during start), so the setting has the last word.
      reapply = workspace.onDidChangeConfiguration(() => void applyTrace());
    },
    async stop() {
      reapply?.dispose();
      await client.dispose();
      traceChannel.dispose();
    },
    async setTrace(value) {
      trace = value;
      traceChannel.setTrace(value);
      await applyTrace();
    },
  };
}
