// `persona snapshot -o file [--pid N] [--persona NAME]`: asks a running `persona run` to write a
// persona to a snapshot file, while it runs. Continue it with `persona run --resume file`.
import { resolve } from 'node:path';
import { helpText, parseArgs, parseNumber, type OptionSpec } from './args';
import { ask, runningPersonas } from './control-socket';
import { EXIT, UsageError } from './errors';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'out', value: 'FILE', help: 'where to write the snapshot (required)' },
  { name: 'pid', value: 'PID', help: 'which `persona run` (default: the only one running)' },
  { name: 'persona', value: 'NAME', help: 'which persona of a device (default: the only one)' },
  { name: 'help', help: 'show this help' },
];
const USAGE = 'usage: persona snapshot --out FILE [--pid PID] [--persona NAME]';

export async function snapshotCommand(argv: string[]): Promise<number> {
  const { positional, options } = parseArgs(argv, OPTIONS, 'snapshot');
  if (options.has('help')) {
    process.stdout.write(helpText(USAGE, OPTIONS));
    return EXIT.ok;
  }
  if (positional.length > 0) throw new UsageError(`persona snapshot: unexpected argument ${positional[0]}`, USAGE);
  const out = options.get('out');
  if (typeof out !== 'string') throw new UsageError('persona snapshot: --out FILE is required', USAGE);
  const pidText = options.get('pid');
  let pid: number;
  if (typeof pidText === 'string') pid = parseNumber(pidText, '--pid', 1, 2 ** 31);
  else {
    const running = runningPersonas();
    if (running.length === 0) throw new UsageError('persona snapshot: no `persona run` is running', 'start one, e.g. persona run examples/phone/phone.json');
    if (running.length > 1) throw new UsageError(`persona snapshot: several are running (pids ${running.join(', ')})`, 'choose one with --pid');
    pid = running[0]!;
  }
  const persona = options.get('persona');
  const answer = await ask(pid, { cmd: 'snapshot', persona: typeof persona === 'string' ? persona : undefined, file: resolve(out) })
    .catch((e: Error) => { throw new UsageError(`persona snapshot: ${e.message}`, 'is `persona run` still running? (persona snapshot without --pid finds it)'); });
  if (!answer.ok) throw new UsageError(`persona snapshot: ${answer.error}`);
  process.stdout.write(`persona: wrote ${answer.persona} to ${out} (${answer.bytes} bytes); continue it with: persona run --resume ${out}\n`);
  return EXIT.ok;
}
