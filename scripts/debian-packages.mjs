#!/usr/bin/env node
// Third-party guests from Debian (U-Boot's qemu_arm64 build, the arm64 kernel) for tests and the
// benchmark: fetched with a private apt (scripts/private-apt.mjs; no system change) and unpacked
// with dpkg-deb into .cache/debian/<release>-<arch>/ (git-ignored).
//
//   fetchDebianPackage('u-boot-qemu')          → { package, version, root }
//   fetchDebianPackage('linux-image-*-arm64')  → the kernel the metapackage linux-image-arm64 names
//
// A second call answers from the cache without running apt (a few stat() calls) until the
// resolution is older than a week; then apt refreshes its lists, and if the archive is unreachable
// the cached package is still used. Offline with nothing cached: a DebianFetchError with offline=true
// (tests skip on it; the CLI exits 3).
//
// CLI: node scripts/debian-packages.mjs [--release bookworm] [--arch arm64] [--only ./boot] [--json] [--refresh] SPEC...
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AptError, aptReason, privateApt } from './private-apt.mjs';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEBIAN_CACHE = join(projectRoot, '.cache', 'debian');
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export class DebianFetchError extends Error {
  /** @param {string} what @param {string} fix @param {boolean} offline */
  constructor(what, fix, offline = false) {
    super(`${what}\n  fix: ${fix}`);
    this.name = 'DebianFetchError';
    this.offline = offline;
  }
}

/**
 * @typedef {{ release?: string, arch?: string, via?: string, refresh?: boolean, cacheDir?: string,
 *   paths?: string[], log?: (msg: string) => void }} FetchOptions
 *   paths: unpack only these members of the package (e.g. ['./boot'] skips a kernel's 380 MB of modules)
 * @typedef {{ package: string, version: string, root: string }} FetchedPackage
 */

/**
 * Fetches and unpacks one Debian package (and nothing it depends on).
 * `spec` is a package name, or a pattern with one `*` (`linux-image-*-arm64`) resolved through the
 * metapackage that depends on the current one: `opts.via`, by default the pattern without `*-`
 * (`linux-image-arm64`), as Debian names its kernel metapackages.
 * @param {string} spec @param {FetchOptions} [opts] @returns {FetchedPackage}
 */
export function fetchDebianPackage(spec, opts = {}) {
  const release = opts.release ?? 'bookworm';
  const arch = opts.arch ?? 'arm64';
  const log = opts.log ?? (() => {});
  if (!/^[a-z0-9][a-z0-9+.*-]*$/.test(spec) || (spec.match(/\*/g) ?? []).length > 1) {
    throw new DebianFetchError(`"${spec}" is not a Debian package name (or a pattern with one *)`, 'give a name like u-boot-qemu or linux-image-*-arm64');
  }
  const dir = join(opts.cacheDir ?? DEBIAN_CACHE, `${release}-${arch}`);
  mkdirSync(dir, { recursive: true });
  const resolvedFile = join(dir, 'resolved.json');
  /** @type {Record<string, { package: string, version: string, at: number }>} */
  const resolved = existsSync(resolvedFile) ? JSON.parse(readFileSync(resolvedFile, 'utf8')) : {};
  const known = resolved[spec];
  const rootOf = (pkg, version) => join(dir, 'pkgs', `${pkg}_${version.replace(/[^A-Za-z0-9.+~-]/g, '_')}`);
  const want = opts.paths?.length ? [...opts.paths].map((p) => `./${p.replace(/^\.?\/+/, '')}`).sort() : ['.'];
  // Complete when unpacked whole, or with every member asked for now.
  const complete = (r) => {
    const marker = join(r, '.unpacked');
    if (!existsSync(marker)) return false;
    const had = readFileSync(marker, 'utf8').split('\n').slice(1).filter(Boolean);
    return had.length === 0 || had.includes('.') || want.every((p) => had.includes(p));
  };
  if (known && !opts.refresh && Date.now() - known.at < MAX_AGE_MS && complete(rootOf(known.package, known.version))) {
    return { package: known.package, version: known.version, root: rootOf(known.package, known.version) };
  }

  const apt = openApt(dir, release, arch);
  const updated = refreshLists(apt, dir, opts.refresh === true, log);
  const fallback = () => {
    if (known && complete(rootOf(known.package, known.version))) {
      log(`using the cached ${known.package} ${known.version}`);
      return { package: known.package, version: known.version, root: rootOf(known.package, known.version) };
    }
    return undefined;
  };
  if (!updated.ok && !apt.hasLists()) {
    const cached = fallback();
    if (cached) return cached;
    throw new DebianFetchError(`cannot reach Debian's archive to fetch ${spec} (apt-get update: ${updated.reason})`,
      'check the network and the machine\'s apt sources, then run `node scripts/debian-packages.mjs ' + spec + '`', true);
  }
  const { pkg, version } = resolveSpec(apt, spec, opts.via);
  const root = rootOf(pkg, version);
  if (!complete(root)) {
    const got = unpack(apt, dir, pkg, version, root, want, log);
    if (!got.ok) {
      const cached = fallback();
      if (cached) return cached;
      throw new DebianFetchError(`cannot download ${pkg} ${version} from Debian's archive (${got.reason})`,
        'check the network and the machine\'s apt sources, then run this again', true);
    }
  }
  resolved[spec] = { package: pkg, version, at: updated.ok ? Date.now() : (known?.at ?? 0) };
  writeFileSync(resolvedFile, `${JSON.stringify(resolved, null, 2)}\n`);
  return { package: pkg, version, root };
}

function openApt(dir, release, arch) {
  for (const tool of ['apt-get', 'apt-cache', 'dpkg-deb']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
      throw new DebianFetchError(`${tool} is missing: Debian packages are fetched with apt`, 'run this on Debian or Ubuntu (apt and dpkg installed)');
    }
  }
  try {
    return privateApt({ dir: join(dir, 'apt'), release, arch, updates: true, security: true });
  } catch (e) {
    if (e instanceof AptError) throw new DebianFetchError(e.what, e.fix);
    throw e;
  }
}

/** apt-get update when the lists are missing, older than a week, or a refresh was asked for. */
function refreshLists(apt, dir, force, log) {
  const stamp = join(dir, 'apt', 'updated');
  const fresh = existsSync(stamp) && Date.now() - statSync(stamp).mtimeMs < MAX_AGE_MS && apt.hasLists();
  if (fresh && !force) return { ok: true };
  log('apt-get update (private lists)');
  const r = apt.exec('apt-get', ['update']);
  // apt-get update exits 0 even when every source failed; "Err:"/"W: Failed" lines say so.
  const failed = !r.ok || /^(Err:|W: Failed to fetch|E: )/m.test(r.stderr);
  if (failed) return { ok: false, reason: aptReason(r.stderr) };
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return { ok: true };
}

/** A field of the candidate version's stanza in `apt-cache show`. */
function candidateField(apt, pkg, field) {
  const r = apt.exec('apt-cache', ['show', '--no-all-versions', pkg]);
  if (!r.ok) return undefined;
  return new RegExp(`^${field}:\\s*(.+)$`, 'm').exec(r.stdout)?.[1]?.trim();
}

function resolveSpec(apt, spec, via) {
  let pkg = spec;
  if (spec.includes('*')) {
    const meta = via ?? spec.replace('*-', '');
    const depends = candidateField(apt, meta, 'Depends');
    if (!depends) throw new DebianFetchError(`the metapackage ${meta} (which names the current ${spec}) is not in the archive`, 'give the exact package name instead of a pattern');
    const re = new RegExp(`^${spec.replace(/[.+]/g, '\\$&').replace('*', '[a-z0-9.+-]+')}$`);
    const names = depends.split(/[,|]/).map((d) => d.trim().split(/\s/)[0] ?? '');
    const hit = names.find((n) => re.test(n));
    if (!hit) throw new DebianFetchError(`${meta} depends on ${depends}, none of which matches ${spec}`, 'give the exact package name instead of a pattern');
    pkg = hit;
  }
  const version = candidateField(apt, pkg, 'Version');
  if (!version) throw new DebianFetchError(`${pkg} is not in Debian's archive for this release and architecture`, 'check the package name (apt-cache search)');
  return { pkg, version };
}

function unpack(apt, dir, pkg, version, root, paths, log) {
  const debs = join(dir, 'debs');
  mkdirSync(debs, { recursive: true });
  log(`downloading ${pkg} ${version}`);
  const r = apt.exec('apt-get', ['download', `${pkg}=${version}`], debs);
  if (!r.ok) return { ok: false, reason: aptReason(r.stderr) };
  const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb')
    && decodeURIComponent(f.split('_')[1] ?? '') === version);
  if (!deb) return { ok: false, reason: `apt-get download left no ${pkg}_*.deb in ${debs}` };
  // Unpack beside the final folder and rename, so an interrupted run never looks complete.
  const tmp = `${root}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  if (paths.includes('.')) execFileSync('dpkg-deb', ['-x', join(debs, deb), tmp]);
  else {
    const r2 = spawnSync('sh', ['-c', 'd="$0"; t="$1"; shift; dpkg-deb --fsys-tarfile "$d" | tar -x -C "$t" "$@"', join(debs, deb), tmp, ...paths], { encoding: 'utf8' });
    if (r2.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      rmSync(join(debs, deb), { force: true });
      throw new DebianFetchError(`cannot unpack ${paths.join(' ')} from ${deb}: ${(r2.stderr ?? '').trim().split('\n')[0]}`,
        'check the paths given (dpkg-deb -c lists the package\'s files)');
    }
  }
  writeFileSync(join(tmp, '.unpacked'), `${pkg} ${version}\n${paths.join('\n')}\n`);
  rmSync(root, { recursive: true, force: true });
  renameSync(tmp, root);
  rmSync(join(debs, deb), { force: true });
  return { ok: true };
}

function main(argv) {
  const specs = [];
  /** @type {FetchOptions} */
  const opts = { log: (m) => process.stderr.write(`debian-packages: ${m}\n`) };
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--refresh') opts.refresh = true;
    else if (a === '--release' || a === '--arch' || a === '--via' || a === '--cache' || a === '--only') {
      const v = argv[++i];
      if (!v) throw new DebianFetchError(`${a} needs a value`, `e.g. ${a} ${a === '--release' ? 'bookworm' : a === '--arch' ? 'arm64' : '...'}`);
      if (a === '--release') opts.release = v;
      else if (a === '--arch') opts.arch = v;
      else if (a === '--via') opts.via = v;
      else if (a === '--only') opts.paths = [...(opts.paths ?? []), v];
      else opts.cacheDir = resolve(v);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node scripts/debian-packages.mjs [--release bookworm] [--arch arm64] [--via METAPACKAGE] [--only PATH]... [--refresh] [--json] PACKAGE|PATTERN...\n'
        + '  Fetches Debian packages into .cache/debian/ with a private apt (no system change) and prints "package version root".\n');
      return 0;
    } else if (a.startsWith('--')) throw new DebianFetchError(`unknown option ${a}`, 'see --help');
    else specs.push(a);
  }
  if (specs.length === 0) throw new DebianFetchError('no package given', 'e.g. node scripts/debian-packages.mjs u-boot-qemu \'linux-image-*-arm64\'');
  const got = specs.map((s) => fetchDebianPackage(s, opts));
  process.stdout.write(json ? `${JSON.stringify(got)}\n` : got.map((g) => `${g.package} ${g.version} ${g.root}\n`).join(''));
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof DebianFetchError)) throw e;
    process.stderr.write(`debian-packages: ${e.message}\n`);
    process.exitCode = e.offline ? 3 : 2;
  }
}
