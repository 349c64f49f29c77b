// Third-party guests from Debian for the tests, fetched by scripts/debian-packages.mjs (a private
// apt cache in .cache/debian/; no system change). Tests skip only when the archive is unreachable.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PERSONA, ROOT } from './project';

export interface DebianPackage {
  package: string;
  version: string;
  root: string;
}

/** The unpacked package, or a skip reason when Debian's archive cannot be reached (exit 3). */
export function debianPackage(spec: string, extra: string[] = []): DebianPackage | { skip: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'debian-packages.mjs'), '--json', ...extra, spec], { encoding: 'utf8', timeout: 600_000 });
  if (r.status === 3) return { skip: `Debian's archive is unreachable, ${spec} not cached: ${r.stderr.trim().split('\n')[0]}` };
  if (r.status !== 0) throw new Error(`debian-packages.mjs ${spec} failed (${r.status}):\n${r.stderr}`);
  return (JSON.parse(r.stdout) as DebianPackage[])[0]!;
}

/** Debian bookworm's U-Boot for QEMU's arm64 virt board (u-boot-qemu: qemu_arm64/u-boot.bin). */
export function ubootBin(): { path: string; version: string } | { skip: string } {
  const p = debianPackage('u-boot-qemu');
  if ('skip' in p) return p;
  return { path: join(p.root, 'usr', 'lib', 'u-boot', 'qemu_arm64', 'u-boot.bin'), version: p.version };
}

/** Debian's current arm64 kernel (linux-image-*-arm64, its /boot only): the path of its vmlinuz, a plain arm64 Image. */
export function debianKernel(): { vmlinuz: string; version: string } | { skip: string } {
  const p = debianPackage('linux-image-*-arm64', ['--only', './boot']);
  if ('skip' in p) return p;
  const boot = join(p.root, 'boot');
  const name = readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
  if (!name) throw new Error(`${p.package} ${p.version} has no boot/vmlinuz-* in ${p.root}`);
  return { vmlinuz: join(boot, name), version: `${p.package} ${p.version}` };
}

/**
 * A CLI run driven like a terminal: wait for output, type into the console. stdout and stderr are
 * collected; `exited` resolves with the exit code.
 */
export class ConsoleSession {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(args: string[], command = process.execPath, prefix: string[] = [PERSONA]) {
    this.child = spawn(command, [...prefix, ...args], { stdio: 'pipe' });
    this.child.stdout.on('data', (d: Buffer) => { this.stdout += d.toString('latin1'); this.wake(); });
    this.child.stderr.on('data', (d: Buffer) => { this.stderr += d.toString('latin1'); this.wake(); });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => { this.wake(); resolve(code); }));
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the match once stdout (from `from`) matches `re`; rejects after `ms`. */
  async waitFor(re: RegExp, ms: number, from = 0): Promise<RegExpExecArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = re.exec(this.stdout.slice(from));
      if (m) return m;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no ${re} in the console after ${ms} ms (exit ${this.child.exitCode})\n--- stdout ---\n${this.stdout.slice(-3000)}\n--- stderr ---\n${this.stderr.slice(-2000)}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  type(text: string): void {
    this.child.stdin.write(text);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
