// F5 without a launch.json: which device manifest or guest ELF to debug. Pure decisions over what
// the configuration provider found in the workspace; no `vscode` import.
import { basename, dirname, relative, sep } from 'node:path';
import type { PersonaLaunchAttributes } from '../../../debug-adapter/session/contract';

export const DEBUG_TYPE = 'persona';

export interface PersonaLaunchConfig extends PersonaLaunchAttributes {
  type: string;
  request: string;
  name: string;
  [key: string]: unknown;
}

/** Whether a JSON text is a device manifest (docs/manifest.md): an object with a `personas` list. */
export function isDeviceManifest(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && Array.isArray((v as { personas?: unknown }).personas);
  } catch {
    return false;
  }
}

/** Manifests first by name (device.json, *.device.json), then by depth (nearest the root), then path. */
export function rankManifests(paths: readonly string[], root: string): string[] {
  const named = (p: string): number => (basename(p) === 'device.json' ? 0 : basename(p).endsWith('.device.json') ? 1 : 2);
  const depth = (p: string): number => relative(root, p).split(sep).length;
  return [...paths].sort((a, b) => named(a) - named(b) || depth(a) - depth(b) || a.localeCompare(b));
}

/** A guest ELF that may have been built from the active source file, with its file's bytes. */
export interface ElfCandidate {
  path: string;
  bytes: Uint8Array;
}

/**
 * How strongly an ELF's debug info names `source`: 3 for its absolute path, 2 for "<folder>/<file>",
 * 1 for the bare file name (DWARF line tables store names as directory + file, so the whole absolute
 * path is not always there), 0 for none.
 */
export function elfMentions(elf: Uint8Array, source: string): number {
  const buf = Buffer.from(elf.buffer, elf.byteOffset, elf.byteLength);
  if (buf.indexOf(source) >= 0) return 3;
  if (buf.indexOf(`${basename(dirname(source))}/${basename(source)}`) >= 0) return 2;
  return buf.indexOf(`${basename(source)}\0`) >= 0 ? 1 : 0;
}

/** ELF magic: 0x7f 'E' 'L' 'F'. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** The ELFs that best match `source`, best first; several only when they tie. */
export function elfsForSource(candidates: readonly ElfCandidate[], source: string): string[] {
  const scored = candidates.filter((c) => isElf(c.bytes)).map((c) => ({ path: c.path, score: elfMentions(c.bytes, source) })).filter((c) => c.score > 0);
  const best = Math.max(0, ...scored.map((c) => c.score));
  return scored.filter((c) => c.score === best).map((c) => c.path).sort();
}

export type Resolution =
  | { kind: 'config'; config: PersonaLaunchConfig }
  | { kind: 'pick'; what: 'manifest' | 'program'; choices: string[] }
  | { kind: 'none'; message: string };

/** What F5 debugs with an empty configuration: the workspace's manifest, else the active file's ELF. */
export function resolveEmptyLaunch(manifests: readonly string[], elfs: readonly string[], activeFile: string | undefined): Resolution {
  if (manifests.length === 1) return { kind: 'config', config: manifestConfig(manifests[0]!) };
  if (manifests.length > 1) return { kind: 'pick', what: 'manifest', choices: [...manifests] };
  if (elfs.length === 1) return { kind: 'config', config: programConfig(elfs[0]!) };
  if (elfs.length > 1) return { kind: 'pick', what: 'program', choices: [...elfs] };
  return {
    kind: 'none',
    message: activeFile
      ? `Persona: no device manifest in the workspace and no guest ELF built from ${basename(activeFile)} (build it with -g, or add a launch.json with "manifest" or "program")`
      : 'Persona: no device manifest in the workspace and no active source file: open a guest source, or add a launch.json with "manifest" or "program"',
  };
}

export function manifestConfig(manifest: string): PersonaLaunchConfig {
  return { type: DEBUG_TYPE, request: 'launch', name: `Persona: ${basename(manifest)}`, manifest, stopOnEntry: false };
}

export function programConfig(program: string): PersonaLaunchConfig {
  return { type: DEBUG_TYPE, request: 'launch', name: `Persona: ${basename(program)}`, program, stopOnEntry: false };
}

/** A launch that continues a persona from a snapshot; `program` gives its symbols when known. */
export function resumeConfig(snapshot: string, program?: string): PersonaLaunchConfig {
  const c: PersonaLaunchConfig = { type: DEBUG_TYPE, request: 'launch', name: `Persona: resume ${basename(snapshot)}`, resume: snapshot };
  if (program) c.program = program;
  return c;
}

/** An error for a configuration the adapter would refuse, before it starts (undefined when fine). */
export function checkConfig(c: PersonaLaunchConfig): string | undefined {
  const given = ['manifest', 'program'].filter((k) => typeof c[k] === 'string' && (c[k] as string).length > 0);
  if (c.resume !== undefined) {
    if (typeof c.resume !== 'string' || c.resume.length === 0) return 'Persona: "resume" must be the path of a snapshot file';
    return typeof c.manifest === 'string' ? 'Persona: "resume" continues one persona: give it alone or with "program", not with "manifest"' : undefined;
  }
  if (given.length === 0) return 'Persona: the launch configuration needs "manifest" (a device manifest) or "program" (a guest ELF)';
  if (given.length === 2) return 'Persona: give either "manifest" or "program", not both';
  return undefined;
}
