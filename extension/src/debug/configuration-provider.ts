// F5 without a launch.json: the workspace's device manifest, else the guest ELF built from the active
// file (launch-config.ts decides; this file finds the files). Also fills `cwd` and checks a
// hand-written configuration before the adapter starts.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  window, workspace,
  type CancellationToken, type DebugConfiguration, type DebugConfigurationProvider, type WorkspaceFolder,
} from 'vscode';
import { checkConfig, DEBUG_TYPE, elfsForSource, isDeviceManifest, manifestConfig, programConfig, rankManifests, resolveEmptyLaunch, type ElfCandidate, type PersonaLaunchConfig } from './launch-config';

const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.vscode/**,**/.cache/**}';
/** ELFs larger than this are not read to match the active file (a kernel with debug info is ~10-100 MB). */
const MAX_ELF_BYTES = 256 * 1024 * 1024;

/** Device manifests in the workspace (any JSON with a `personas` list), best first. */
export async function findManifests(folder: WorkspaceFolder | undefined): Promise<string[]> {
  const uris = await workspace.findFiles('**/*.json', EXCLUDE, 200);
  const found: string[] = [];
  for (const u of uris) {
    if (/(^|\/)(package|package-lock|tsconfig|launch|settings)\.json$/.test(u.fsPath)) continue;
    try {
      if (isDeviceManifest(await readFile(u.fsPath, 'utf8'))) found.push(u.fsPath);
    } catch { /* unreadable: not ours */ }
  }
  return rankManifests(found, folder?.uri.fsPath ?? (found[0] ? dirname(found[0]) : '/'));
}

/** Guest ELFs in the workspace whose debug info names `source`. */
export async function findElfsFor(source: string): Promise<string[]> {
  const uris = await workspace.findFiles('**/*.elf', EXCLUDE, 100);
  const candidates: ElfCandidate[] = [];
  for (const u of uris) {
    try {
      const bytes = await readFile(u.fsPath);
      if (bytes.length <= MAX_ELF_BYTES) candidates.push({ path: u.fsPath, bytes });
    } catch { /* gone since */ }
  }
  return elfsForSource(candidates, source);
}

export class PersonaConfigurationProvider implements DebugConfigurationProvider {
  async provideDebugConfigurations(folder: WorkspaceFolder | undefined): Promise<DebugConfiguration[]> {
    const manifests = await findManifests(folder);
    if (manifests.length > 0) return manifests.map((m) => withFolder(manifestConfig(m), folder));
    const active = window.activeTextEditor?.document.uri.fsPath;
    const elfs = active ? await findElfsFor(active) : [];
    return (elfs.length > 0 ? elfs.map((e) => programConfig(e)) : [manifestConfig('${workspaceFolder}/device.json')]).map((c) => withFolder(c, folder));
  }

  async resolveDebugConfiguration(folder: WorkspaceFolder | undefined, config: DebugConfiguration, _token?: CancellationToken): Promise<DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      const manifests = await findManifests(folder);
      const active = window.activeTextEditor?.document.uri.fsPath;
      const elfs = manifests.length === 0 && active ? await findElfsFor(active) : [];
      const r = resolveEmptyLaunch(manifests, elfs, active);
      if (r.kind === 'none') {
        void window.showErrorMessage(r.message);
        return undefined;
      }
      if (r.kind === 'pick') {
        const picked = await window.showQuickPick(r.choices.map((c) => ({ label: workspace.asRelativePath(c), path: c })), { placeHolder: r.what === 'manifest' ? 'Which device manifest?' : `Which guest ELF for ${active ?? 'this file'}?` });
        if (!picked) return undefined;
        return withFolder(r.what === 'manifest' ? manifestConfig(picked.path) : programConfig(picked.path), folder);
      }
      return withFolder(r.config, folder);
    }
    const c = config as PersonaLaunchConfig;
    if (c.type !== DEBUG_TYPE) return config;
    const problem = checkConfig(c);
    if (problem) {
      void window.showErrorMessage(problem);
      return undefined;
    }
    return withFolder(c, folder);
  }
}

function withFolder(c: PersonaLaunchConfig, folder: WorkspaceFolder | undefined): PersonaLaunchConfig {
  if (c.cwd === undefined && folder) c.cwd = folder.uri.fsPath;
  return c;
}
