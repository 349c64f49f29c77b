// Shared by the integration tests: where the project is, and running the CLI and QEMU on a guest.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The project folder (tests are bundled into out/test/<dir>/). */
export const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) dir = join(dir, '..');
  return dir;
})();

export const PERSONA = join(ROOT, 'bin', 'persona');

export function guest(name: string): string {
  return join(ROOT, 'build', 'guests', `${name}.elf`);
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function result(r: SpawnSyncReturns<string>): RunResult {
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runPersona(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): RunResult {
  return result(spawnSync(process.execPath, [PERSONA, ...args], {
    encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, ...opts.env }, input: opts.input ?? '',
  }));
}

/** Whether a command is on the PATH (tests that compare with a system tool skip without it). */
export function haveTool(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export const hasQemu = haveTool('qemu-system-aarch64');

/** qemu-system-aarch64 -M virt -cpu cortex-a72 -nographic -kernel <elf> (the acceptance command). */
export function runQemu(elf: string, extra: string[] = [], timeoutMs = 60_000): RunResult {
  return result(spawnSync('qemu-system-aarch64', ['-M', 'virt', '-cpu', 'cortex-a72', '-nographic', ...extra, '-kernel', elf], {
    encoding: 'utf8', timeout: timeoutMs, input: '',
  }));
}

/** A user-facing error: no JS stack trace in it. */
export function assertNoStackTrace(text: string): void {
  if (/\n\s+at .+\(.*:\d+:\d+\)/.test(text) || /\n\s+at [^\n]*\.js:\d+/.test(text)) {
    throw new Error(`stack trace shown to the user:\n${text}`);
  }
}
