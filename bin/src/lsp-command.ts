// `persona lsp --stdio`: the assembly language server (language-server/) on stdin/stdout. stdout
// carries only LSP messages, so anything else that would print there goes to stderr instead.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../../language-server/server';
import { helpText, parseArgs, type OptionSpec } from './args';
import { EXIT, UsageError } from './errors';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'stdio', help: 'speak LSP (JSON-RPC with Content-Length headers) on stdin and stdout' },
  { name: 'help', help: 'show this help' },
];

const USAGE = 'usage: persona lsp --stdio\n\nThe hypervisor-aware language server for AArch64 assembly and GNU ld linker scripts\n(hover, completion, symbols, definitions, references, diagnostics). Editors start it;\nthe Persona extension does so itself.';

export async function lspCommand(argv: string[]): Promise<number> {
  const { positional, options } = parseArgs(argv, OPTIONS, 'lsp');
  if (options.has('help')) {
    process.stdout.write(helpText(USAGE, OPTIONS));
    return EXIT.ok;
  }
  if (!options.has('stdio') || positional.length > 0) throw new UsageError('persona lsp: only the stdio transport is supported', 'run `persona lsp --stdio`');
  // A stray console.log from any module would corrupt the LSP stream.
  console.log = console.error;
  console.info = console.error;
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  startServer(connection);
  // The connection ends the process on `exit`; if the client just closes the pipe, end quietly.
  return new Promise<number>((resolve) => connection.onExit(() => resolve(EXIT.ok)));
}
