// scripts/debian-packages.mjs: Debian packages into a private cache with apt, no system change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveTool, ROOT } from '../helpers/project';
import { debianPackage } from '../helpers/debian';

const SCRIPT = join(ROOT, 'scripts', 'debian-packages.mjs');
/** Runs the script; `wrap` runs it under another command (e.g. `unshare -n`). */
function run(args: string[], o: { env?: NodeJS.ProcessEnv; wrap?: string[] } = {}): { code: number | null; stdout: string; stderr: string } {
  const [cmd, ...cmdArgs] = o.wrap ? [...o.wrap, process.execPath, SCRIPT, ...args] : [process.execPath, SCRIPT, ...args];
  const r = spawnSync(cmd!, cmdArgs, { encoding: 'utf8', env: o.env ?? process.env, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Whether this machine lets us run a command without network (a network namespace). */
const canGoOffline = haveTool('unshare') && spawnSync('unshare', ['-n', 'true']).status === 0;

const uboot = debianPackage('u-boot-qemu');
const skip = 'skip' in uboot ? uboot.skip : false;

test('a cached package is answered without apt: the same folder, even with apt off the PATH', { skip }, () => {
  if ('skip' in uboot) return;
  assert.ok(existsSync(join(uboot.root, 'usr', 'lib', 'u-boot', 'qemu_arm64', 'u-boot.bin')));
  assert.match(uboot.root, /\.cache\/debian\/bookworm-arm64\/pkgs\/u-boot-qemu_/);
  const r = run(['--json', 'u-boot-qemu'], { env: { ...process.env, PATH: '/nonexistent' } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [uboot]);
});

test('offline with nothing cached: one clear line and exit 3 (what tests skip on)', {
  skip: !canGoOffline && 'cannot make a network namespace here (unshare -n)',
}, () => {
  const cache = mkdtempSync(join(tmpdir(), 'persona-debian-'));
  const r = run(['--cache', cache, 'u-boot-qemu'], { wrap: ['unshare', '-n'] });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /\ndebian-packages: cannot reach Debian's archive to fetch u-boot-qemu \(apt-get update: .+\)\n  fix: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('bad requests: not a package name, an unknown option: exit 2', () => {
  for (const [args, want] of [[['foo*bar*'], /not a Debian package name/], [['--nope', 'x'], /unknown option --nope/], [[], /no package given/]] as const) {
    const r = run([...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, want);
  }
});
