// A private apt: its own sources, lists, cache and (empty) dpkg status under one folder, so
// `apt-get update/download` and `apt-cache` work for any Debian release and architecture without
// touching the system's apt state. The archive (URI and key) is the one the machine already uses,
// read from /etc/apt/sources.list.d/, so no host name is written anywhere in the project.
// Only Node built-ins: scripts/setup.mjs uses it before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class AptError extends Error {
  /** @param {string} what @param {string} fix */
  constructor(what, fix) {
    super(`${what}\n  fix: ${fix}`);
    this.name = 'AptError';
    this.what = what;
    this.fix = fix;
  }
}

const SOURCES_DIR = '/etc/apt/sources.list.d';
const DEFAULT_KEY = '/usr/share/keyrings/debian-archive-keyring.gpg';

/**
 * The machine's Debian archives: `archive` (…/debian) and, when configured, `security`
 * (…/debian-security), each with its URI and signing key.
 * @returns {{ archive?: { uri: string, key: string }, security?: { uri: string, key: string } }}
 */
export function debianArchives() {
  /** @type {{ archive?: { uri: string, key: string }, security?: { uri: string, key: string } }} */
  const found = {};
  const files = existsSync(SOURCES_DIR) ? readdirSync(SOURCES_DIR).filter((f) => f.endsWith('.sources')).sort() : [];
  for (const f of files) {
    for (const stanza of readFileSync(join(SOURCES_DIR, f), 'utf8').split(/\n\s*\n/)) {
      if (/^Enabled:\s*no/mi.test(stanza)) continue;
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const key = /^Signed-By:\s*(\S+)/m.exec(stanza)?.[1] ?? DEFAULT_KEY;
      if (!uri) continue;
      if (/\/debian-security\/?$/.test(uri)) found.security ??= { uri, key };
      else if (/\/debian\/?$/.test(uri)) found.archive ??= { uri, key };
    }
  }
  const list = '/etc/apt/sources.list';
  if (!found.archive && existsSync(list)) {
    const text = readFileSync(list, 'utf8');
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian\/?)\s+\S+/m.exec(text);
    if (m) found.archive = { uri: m[1], key: DEFAULT_KEY };
    const s = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian-security\/?)\s+\S+/m.exec(text);
    if (s && !found.security) found.security = { uri: s[1], key: DEFAULT_KEY };
  }
  return found;
}

/**
 * Sets up a private apt for `release` under `dir` and returns its command runners.
 * @param {{ dir: string, release: string, arch: string, updates?: boolean, security?: boolean }} o
 *   updates/security add `<release>-updates` / `<release>-security` (where the current kernel lives).
 */
export function privateApt({ dir, release, arch, updates = false, security = false }) {
  const src = debianArchives();
  if (!src.archive) {
    throw new AptError(`no Debian archive found in ${SOURCES_DIR} (or /etc/apt/sources.list)`,
      'add Debian\'s archive to the machine\'s apt sources');
  }
  for (const d of ['lists/partial', 'cache/archives/partial']) mkdirSync(join(dir, d), { recursive: true });
  const suites = [release, ...(updates ? [`${release}-updates`] : [])].join(' ');
  let text = `Types: deb\nURIs: ${src.archive.uri}\nSuites: ${suites}\nComponents: main\nSigned-By: ${src.archive.key}\n`;
  if (security && src.security) {
    text += `\nTypes: deb\nURIs: ${src.security.uri}\nSuites: ${release}-security\nComponents: main\nSigned-By: ${src.security.key}\n`;
  }
  const sourcesFile = join(dir, `${release}.sources`);
  if (!existsSync(sourcesFile) || readFileSync(sourcesFile, 'utf8') !== text) writeFileSync(sourcesFile, text);
  const status = join(dir, 'status');
  if (!existsSync(status)) writeFileSync(status, '');
  const opts = [
    '-o', `Dir::Etc::SourceList=${sourcesFile}`, '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${join(dir, 'lists')}`, '-o', `Dir::Cache=${join(dir, 'cache')}`,
    '-o', `Dir::State::status=${status}`, '-o', 'Dir::Etc::Preferences=/dev/null', '-o', 'Dir::Etc::PreferencesParts=/dev/null',
    '-o', `APT::Architecture=${arch}`, '-o', `APT::Architectures=${arch}`, '-o', 'APT::Sandbox::User=root',
    '-o', 'Debug::NoLocking=1', '-qq',
  ];
  /**
   * @param {'apt-get' | 'apt-cache'} tool @param {string[]} args @param {string} [cwd]
   * @returns {{ ok: boolean, stdout: string, stderr: string }}
   */
  const exec = (tool, args, cwd) => {
    const r = spawnSync(tool, [...opts, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
  };
  /** Whether `apt-get update` has been run here (lists present). */
  const hasLists = () => readdirSync(join(dir, 'lists')).some((f) => f.includes('Packages'));
  return { sourcesFile, opts, exec, hasLists };
}

/** The last meaningful line of apt's stderr, for one-line errors. */
export function aptReason(stderr) {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = (re) => lines.find((l) => re.test(l));
  return first(/^(E:|Err:)/) ?? first(/^W: Failed to fetch/) ?? lines.pop() ?? 'no output';
}
