// The persona CLI: one entry for every command. User errors print one line and exit 2.
import { EXIT, UsageError, userErrorText } from './errors';
import { lspCommand } from './lsp-command';
import { runCommand } from './run-command';
import { snapshotCommand } from './snapshot-command';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  run: { run: runCommand, help: 'boot a guest image (ELF, Linux Image or raw) on a virt persona' },
  snapshot: { run: snapshotCommand, help: 'write a running persona to a file (continue it with persona run --resume)' },
  lsp: { run: lspCommand, help: 'the assembly language server on stdin/stdout (--stdio)' },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(8)} ${c.help}`);
  return `usage: persona <command> [options]\n\ncommands:\n${rows.join('\n')}\n\nRun \`persona <command> --help\` for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const cmd = COMMANDS[name];
  if (!cmd) throw new UsageError(`persona: unknown command "${name}"`, `one of: ${Object.keys(COMMANDS).join(', ')}`);
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    const text = userErrorText(e);
    if (text !== undefined) {
      process.stderr.write(`${text}\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`persona: internal error (please report it): ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
