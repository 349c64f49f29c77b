#!/usr/bin/env node
// A real VS Code in the browser for the end-to-end test and `npm run demo -- --vscode`:
// code-server 4.100.3 (VS Code 1.100.3, Node 20) from npm, installed once into the git-ignored
// .cache/ folder, and Debian's chromium. Idempotent: with everything present it costs a few stat()s.
// The install works around code-server's pitfalls on a closed network (shared/notes/real-vscode.md):
// Kerberos headers for `kerberos`, a local ripgrep tarball for @vscode/ripgrep's download, yes=true
// for node-pyt's `npx node-gyp`, unsafe-perm as root, and the Node headers for node-gyp.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE = join(root, '.cache', `code-server-${CODE_SERVER_VERSION}`);
const PACKAGE = join(CACHE, 'node_modules', 'code-server');
const STAMP = join(CACHE, 'installed');
export const CHROMIUM = '/usr/bin/chromium';

const say = (msg) => process.stderr.write(`code-server: ${msg}\n`);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** What each apt package is needed for, and how to tell it is there. */
const APT = [
  { pkg: 'chromium', present: () => existsSync(CHROMIUM), why: 'runs the VS Code workbench' },
  { pkg: 'libkrb5-dev', present: () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h'), why: 'builds code-server\'s kerberos module' },
  { pkg: 'pkg-config', present: () => has('pkg-config'), why: 'builds code-server\'s native modules' },
  { pkg: 'ripgrep', present: () => has('rg'), why: 'replaces the ripgrep code-server would download' },
  { pkg: 'g++', present: () => has('g++'), why: 'node-gyp builds code-server\'s native modules (argon2, node-pty, kerberos)' },
  { pkg: 'make', present: () => has('make'), why: 'node-gyp builds code-server\'s native modules' },
  { pkg: 'python3', present: () => has('python3'), why: 'node-gyp runs on it' },
];

function aptInstall(pkgs) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  if (install()) return;
  spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  install();
}

/**
 * Installs the Debian packages when missing (as root). Returns undefined when all are there, else
 * why not: the caller skips (Chromium missing) or fails (the others).
 */
export function ensureAptPackages({ browser = true } = {}) {
  const wanted = APT.filter((p) => browser || p.pkg !== 'chromium');
  const missing = wanted.filter((p) => !p.present());
  if (missing.length > 0 && isRoot() && has('apt-get')) {
    say(`installing ${missing.map((p) => p.pkg).join(', ')} with apt`);
    aptInstall(missing.map((p) => p.pkg));
  }
  const still = wanted.filter((p) => !p.present());
  if (still.length === 0) return undefined;
  return { chromium: still.some((p) => p.pkg === 'chromium'), text: still.map((p) => `${p.pkg} (${p.why})`).join(', '), fix: `sudo apt-get install ${still.map((p) => p.pkg).join(' ')}` };
}

/** The Node prefix holding include/node, for node-gyp (so it never downloads headers). */
function nodeDir() {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

/** @vscode/ripgrep looks for $TMPDIR/vscode-ripgrep-cache-<version>/ripgrep-<tag>-<target>.tar.gz before downloading. */
function placeRipgrep(tmp) {
  const shrink = JSON.parse(readFileSync(join(PACKAGE, 'lib', 'vscode', 'npm-shrinkwrap.json'), 'utf8'));
  const version = shrink.packages?.['node_modules/@vscode/ripgrep']?.version;
  if (!version) throw new Error('code-server\'s npm-shrinkwrap.json names no @vscode/ripgrep version');
  const packDir = join(tmp, 'rg-pack');
  mkdirSync(packDir, { recursive: true });
  const tgz = execFileSync('npm', ['pack', `@vscode/ripgrep@${version}`, '--silent'], { cwd: packDir, encoding: 'utf8' }).trim().split('\n').pop();
  const postinstall = execFileSync('tar', ['-xzOf', join(packDir, tgz), 'package/lib/postinstall.js'], { encoding: 'utf8' });
  const tag = /const VERSION = '([^']+)'/.exec(postinstall)?.[1];
  if (!tag) throw new Error(`cannot find the ripgrep tag in @vscode/ripgrep@${version}`);
  const target = process.arch === 'arm64' ? 'aarch64-unknown-linux-musl' : 'x86_64-unknown-linux-musl';
  const dir = join(tmp, `vscode-ripgrep-cache-${version}`);
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-czf', join(dir, `ripgrep-${tag}-${target}.tar.gz`), '-C', dirname(execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim()), 'rg']);
}

/** Installs code-server into .cache/ once; returns the path of its launcher script. */
export function ensureCodeServer() {
  const entry = join(PACKAGE, 'out', 'node', 'entry.js');
  if (existsSync(STAMP) && existsSync(entry)) return entry;
  say(`installing code-server ${CODE_SERVER_VERSION} into ${CACHE} (once; about a minute)`);
  rmSync(CACHE, { recursive: true, force: true });
  const tmp = join(CACHE, 'tmp');
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(CACHE, 'package.json'), '{ "private": true }\n');
  const env = {
    ...process.env, TMPDIR: tmp, npm_config_yes: 'true', npm_config_unsafe_perm: 'true',
    npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false',
  };
  const dir = nodeDir();
  if (dir) env.npm_config_nodedir = dir;
  const npm = (args) => {
    const r = spawnSync('npm', args, { cwd: CACHE, env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${r.status}) in ${CACHE}`);
  };
  // First without scripts, to learn which ripgrep its postinstall will fetch; then the postinstall.
  npm(['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', '--loglevel=error']);
  placeRipgrep(tmp);
  npm(['rebuild', '--foreground-scripts', '--loglevel=error']); // every install script: argon2's build, code-server's postinstall
  if (!existsSync(join(PACKAGE, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'))) throw new Error('code-server installed without ripgrep');
  rmSync(tmp, { recursive: true, force: true });
  writeFileSync(STAMP, `${CODE_SERVER_VERSION}\n`);
  return entry;
}

/** Per-run folders so code-server writes nothing under $HOME or /tmp. */
export function runFolders(base) {
  const f = {
    userData: join(base, 'user-data'), extensions: join(base, 'extensions'), tmp: join(base, 'tmp'),
    config: join(base, 'config'), data: join(base, 'data'),
  };
  for (const d of Object.values(f)) mkdirSync(d, { recursive: true });
  mkdirSync(join(f.userData, 'User'), { recursive: true });
  writeFileSync(join(f.userData, 'User', 'settings.json'), `${JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'terminal.integrated.gpuAcceleration': 'off',
    'window.restoreWindows': 'none',
    'files.hotExit': 'off',
    'git.openRepositoryInParentFolders': 'never',
    'git.enabled': false,
  }, null, 2)}\n`);
  return f;
}

function serverEnv(f) {
  return { ...process.env, TMPDIR: f.tmp, XDG_CONFIG_HOME: f.config, XDG_DATA_HOME: f.data, ELECTRON_RUN_AS_NODE: undefined };
}

/** `code-server --install-extension vsix --force` into the run's extensions folder. */
export function installExtension(entry, f, vsix) {
  const r = spawnSync(process.execPath, [entry, '--user-data-dir', f.userData, '--extensions-dir', f.extensions, '--install-extension', vsix, '--force'],
    { env: serverEnv(f), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed: ${r.stderr || r.stdout}`);
}

/** Starts the server on `port` with `workspace` open; resolves once it listens. */
export function startServer(entry, f, port, workspace, extraEnv = {}) {
  const child = spawn(process.execPath, [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', f.userData, '--extensions-dir', f.extensions, workspace], { env: { ...serverEnv(f), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within 60 s:\n${log}`)), 60_000);
    const onData = (d) => {
      log += d.toString();
      if (/HTTP server listening/.test(log)) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, log: () => log });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`code-server exited (${code}):\n${log}`)); });
  });
}

/** Chromium flags for a closed network and a machine without a GPU. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = ensureAptPackages();
  if (missing) {
    process.stderr.write(`code-server: missing ${missing.text}\n  fix: ${missing.fix}\n`);
    process.exit(2);
  }
  process.stdout.write(`${ensureCodeServer()}\n`);
}
