// The persona CLI: one entry for every command. User errors print one line and exit 2.
import { EXIT, UsageError, userErrorText } from './errors';

type Command = (argv: string[]) => Promise<number>;

// Commands load on use: `persona run` starts without evaluating the language server's libraries.
const COMMANDS: Record<string, { run: Command; help: string }> = {
  run: { run: async (a) => (await import('./run-command')).runCommand(a), help: 'boot a guest image (ELF, Linux Image or raw) or a device manifest' },
  snapshot: { run: async (a) => (await import('./snapshot-command')).snapshotCommand(a), help: 'write a running persona to a file (continue it with persona run --resume)' },
  lsp: { run: async (a) => (await import('./lsp-command')).lspCommand(a), help: 'the assembly language server on stdin/stdout (--stdio)' },
  dap: { run: async (a) => (await import('./dap-command')).dapCommand(a), help: 'the debug adapter on stdin/stdout (Debug Adapter Protocol): breakpoints, steps, stacks, registers' },
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
