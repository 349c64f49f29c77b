// How the extension starts the language server: the bundled CLI (dist/persona.js inside the
// extension) run by Node as `persona lsp --stdio`. No `vscode` import, so it is unit-tested in Node.
//
// The client is given an Executable, not a NodeModule: for a NodeModule vscode-languageclient appends
// `--clientProcessId=<pid>` after `--stdio`, which `persona lsp` rejects as an unknown option. For an
// Executable with the stdio transport it appends `--stdio` and nothing else.
import { join } from 'node:path';

export interface ServerCommand {
  /** The bundled CLI: dist/persona.js in the extension folder. */
  module: string;
  /** The program to run: Node (in VS Code, the extension host's own binary run as Node). */
  command: string;
  /** Arguments before the `--stdio` that the client appends. */
  args: readonly string[];
  /** Variables to add to the extension host's environment. */
  env: Readonly<Record<string, string>>;
}

/** The bundled CLI's path inside an extension (or project) folder. */
export function bundledCli(extensionPath: string): string {
  return join(extensionPath, 'dist', 'persona.js');
}

/**
 * The server's command line, minus the `--stdio` the client appends. `runtime` is the binary that
 * runs the extension host: Node in code-server and in tests, Electron in desktop VS Code, which acts
 * as Node when ELECTRON_RUN_AS_NODE is set (what child_process.fork-based clients set too).
 */
export function serverCommand(extensionPath: string, runtime: string = process.execPath): ServerCommand {
  const module = bundledCli(extensionPath);
  return { module, command: runtime, args: [module, 'lsp'], env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/** The full argv the server process sees after the program name, as the client spawns it. */
export function serverArgv(cmd: ServerCommand): string[] {
  return [...cmd.args, '--stdio'];
}
