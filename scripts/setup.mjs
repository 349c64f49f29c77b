#!/usr/bin/env node
// One idempotent set-up for `npm run demo`, `npm test` and `npm run bench`:
//   1. npm ci when package-lock.json changed since the last install;
//   2. unicorn 2.1.x and capstone 5 from Debian trixie, unpacked into .native/ (no system change,
//      through the private apt of private-apt.mjs);
//   3. Debian's aarch64 cross gcc (required) and qemu-system-arm + dtc (comparison tools) via apt;
//      with --bench also gdb-multiarch (the debugger benchmarks' anchor).
// Uses only Node built-ins, because it runs before node_modules exists.
// With everything present it costs a few stat() calls and one hash.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AptError, aptReason, privateApt } from './private-apt.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, '.native');
const quiet = process.argv.includes('--quiet');
const say = (msg) => { if (!quiet) process.stderr.write(`setup: ${msg}\n`); };

class SetupError extends Error {}

function fail(what, fix) {
  throw new SetupError(`${what}\n  fix: ${fix}`);
}

function sha(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function ensureNodeModules() {
  const stamp = join(root, 'node_modules', '.persona-lock-sha');
  const want = sha(join(root, 'package-lock.json'));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  say('installing npm packages (npm ci)');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('npm ci failed', 'check the npm registry is reachable, then run `npm ci` by hand to see why');
  writeFileSync(stamp, want);
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function dpkgArch() {
  return execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
}

const NATIVE_PACKAGES = ['libunicorn2t64', 'libcapstone5', 'libunicorn-dev', 'libcapstone-dev'];

export function nativeLibDir(arch = dpkgArchSafe()) {
  return join(nativeDir, 'root', 'usr', 'lib', `${multiarch(arch)}`);
}

function dpkgArchSafe() {
  try { return dpkgArch(); } catch { return 'amd64'; }
}

function multiarch(arch) {
  const table = { amd64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };
  return table[arch] ?? `${arch}-linux-gnu`;
}

function ensureNativeLibraries() {
  if (process.env.PERSONA_LIBUNICORN) return; // the user brings their own; the engine checks its version
  const arch = dpkgArchSafe();
  const lib = nativeLibDir(arch);
  if (existsSync(join(lib, 'libunicorn.so.2')) && existsSync(join(lib, 'libcapstone.so.5'))) return;
  if (!has('apt-get') || !has('dpkg-deb')) {
    fail('unicorn 2.1 and capstone 5 are missing and this is not a Debian-like system',
      'install libunicorn >= 2.1 and set PERSONA_LIBUNICORN=/path/to/libunicorn.so.2');
  }
  say(`fetching ${NATIVE_PACKAGES.join(', ')} from Debian trixie into .native/`);
  let apt;
  try {
    apt = privateApt({ dir: join(nativeDir, 'apt'), release: 'trixie', arch });
  } catch (e) {
    if (e instanceof AptError) fail(e.what, `${e.fix}, or set PERSONA_LIBUNICORN to your own libunicorn >= 2.1`);
    throw e;
  }
  const debs = join(nativeDir, 'debs');
  rmSync(debs, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  const run = (args, cwd) => {
    const r = apt.exec('apt-get', args, cwd);
    if (!r.ok) fail(`apt-get ${args[0]} for trixie failed: ${aptReason(r.stderr)}`,
      'check that Debian\'s archive is reachable, or set PERSONA_LIBUNICORN to your own libunicorn >= 2.1');
  };
  run(['update']);
  run(['download', ...NATIVE_PACKAGES], debs);
  const rootfs = join(nativeDir, 'root');
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
    execFileSync('dpkg-deb', ['-x', join(debs, deb), rootfs]);
  }
  if (!existsSync(join(lib, 'libunicorn.so.2'))) fail('libunicorn.so.2 not found after unpacking', 'remove .native/ and run `npm run setup` again');
}

// Persona's own native helpers (emulator/engine/native/*.c): rebuilt when a source changes.
const NATIVE_SOURCES = join(root, 'emulator', 'engine', 'native');
export const NATIVE_LIBRARY = join(nativeDir, 'lib', 'libpersona-native.so');

function ensureNativeHelpers() {
  const sources = readdirSync(NATIVE_SOURCES).filter((f) => f.endsWith('.c')).sort().map((f) => join(NATIVE_SOURCES, f));
  const stamp = `${NATIVE_LIBRARY}.sha`;
  const want = createHash('sha256').update(sources.map(sha).join()).digest('hex');
  if (existsSync(NATIVE_LIBRARY) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  const cc = ['cc', 'gcc', 'clang'].find(has);
  if (!cc) fail('a C compiler is missing (it builds Persona\'s small native helpers)', 'sudo apt-get install gcc');
  mkdirSync(dirname(NATIVE_LIBRARY), { recursive: true });
  say('building the native helpers');
  const r = spawnSync(cc, ['-O2', '-shared', '-fPIC', '-pthread', '-Wall', '-o', NATIVE_LIBRARY, ...sources, '-ldl'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) fail(`${cc} could not build ${NATIVE_SOURCES}`, 'see the compiler output above');
  writeFileSync(stamp, want);
}

// Debian packages installed on the system when missing; `required` ones stop the set-up.
const TOOLS = [
  { cmd: 'aarch64-linux-gnu-gcc', pkg: 'gcc-aarch64-linux-gnu', required: true, why: 'builds the example guests' },
  { cmd: 'qemu-system-aarch64', pkg: 'qemu-system-arm', required: false, why: 'comparison runs in tests and benchmarks' },
  { cmd: 'dtc', pkg: 'device-tree-compiler', required: false, why: 'checks the generated device tree in tests' },
  { cmd: 'llvm-dwarfdump', pkg: 'llvm', required: false, why: 'checks the DWARF readers in tests' },
  // Only `npm run bench` (setup --bench) needs it: the debugger anchor the adapter is measured against.
  { cmd: 'gdb-multiarch', pkg: 'gdb-multiarch', required: false, why: 'the gdb + QEMU anchor of the debugger benchmarks', benchOnly: true },
];
const forBench = process.argv.includes('--bench');

function ensureTools() {
  const tools = TOOLS.filter((t) => forBench || !t.benchOnly);
  const missing = tools.filter((t) => !has(t.cmd));
  if (missing.length === 0) return;
  const pkgs = missing.map((t) => t.pkg);
  const cmd = `apt-get install -y ${pkgs.join(' ')}`;
  if (isRoot() && has('apt-get')) {
    say(`installing ${pkgs.join(', ')} with apt`);
    let r = spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
      r = spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
  }
  for (const t of tools.filter((x) => !has(x.cmd))) {
    if (t.required) fail(`${t.cmd} is missing (${t.why})`, `sudo apt-get install ${t.pkg}`);
    say(`note: ${t.cmd} is missing (${t.why}); those checks will be skipped. Install: sudo ${cmd}`);
  }
}

try {
  ensureNodeModules();
  ensureNativeLibraries();
  ensureTools();
  ensureNativeHelpers();
} catch (e) {
  if (e instanceof SetupError) {
    process.stderr.write(`persona setup: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
