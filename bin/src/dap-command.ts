// `persona dap`: the debug adapter (debug-adapter/session) speaking DAP on stdin/stdout. stdout
// carries only DAP messages, so anything else that would print there goes to stderr instead.
import { PersonaSession } from '../../debug-adapter/session/persona-session';
import { helpText, parseArgs, type OptionSpec } from './args';
import { EXIT, UsageError } from './errors';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'help', help: 'show this help' },
];

const USAGE = 'usage: persona dap\n\nThe Persona debug adapter on stdin and stdout (Debug Adapter Protocol): launch a guest ELF,\nset breakpoints by source line, step, pause, and inspect stacks and registers. Editors start it;\nthe Persona extension does so itself.';

export async function dapCommand(argv: string[]): Promise<number> {
  const { positional, options } = parseArgs(argv, OPTIONS, 'dap');
  if (options.has('help')) {
    process.stdout.write(helpText(USAGE, OPTIONS));
    return EXIT.ok;
  }
  if (positional.length > 0) throw new UsageError('persona dap: takes no arguments (the program comes in the launch request)', 'run `persona dap`');
  // A stray console.log from any module would corrupt the DAP stream.
  console.log = console.error;
  console.info = console.error;
  const session = new PersonaSession();
  session.setRunAsServer(false);
  // The session ends the process after disconnect or when the client closes the pipe.
  return new Promise<number>((resolve) => {
    process.stdin.once('close', () => resolve(EXIT.ok));
    session.start(process.stdin, process.stdout);
  });
}
