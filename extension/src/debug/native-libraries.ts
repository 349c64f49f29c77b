// Where the debug adapter finds the native libraries (libunicorn 2.1 and Persona's helpers, required;
// capstone 5 for disassembly, optional), which the .vsix does not ship: the environment
// (PERSONA_LIBUNICORN, PERSONA_LIBNATIVE, PERSONA_LIBCAPSTONE) wins; otherwise the
// first folder holding a `.native/` as `npm run setup` leaves it: the persona.nativeFolder setting,
// the extension folder, then each workspace folder and its parents. No `vscode` import.
import { dirname, join } from 'node:path';

const MULTIARCH: Readonly<Record<string, string>> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

export interface NativeFiles {
  unicorn: string;
  helpers: string;
  capstone: string;
}

/** The libraries inside a folder that `npm run setup` filled (a Persona checkout). */
export function nativeFilesIn(folder: string, arch: string = process.arch): NativeFiles {
  const triple = MULTIARCH[arch] ?? `${arch}-linux-gnu`;
  const native = join(folder, '.native');
  const lib = join(native, 'root', 'usr', 'lib', triple);
  return { unicorn: join(lib, 'libunicorn.so.2'), helpers: join(native, 'lib', 'libpersona-native.so'), capstone: join(lib, 'libcapstone.so.5') };
}

export interface NativeSearch {
  env: Readonly<Record<string, string | undefined>>;
  setting: string;
  extensionPath: string;
  workspaceFolders: readonly string[];
  exists(path: string): boolean;
  arch?: string;
}

export type NativeResult =
  | { kind: 'found'; env: Record<string, string>; from: string }
  | { kind: 'missing'; message: string };

/** The folders searched, in order (no duplicates). */
export function nativeCandidates(s: NativeSearch): string[] {
  const out: string[] = [];
  const add = (d: string): void => { if (d && !out.includes(d)) out.push(d); };
  add(s.setting);
  // The setting may name the .native folder itself.
  if (s.setting.endsWith('.native')) add(dirname(s.setting));
  add(s.extensionPath);
  for (const w of s.workspaceFolders) {
    for (let d = w; ; d = dirname(d)) {
      add(d);
      if (dirname(d) === d) break;
    }
  }
  return out;
}

export const FETCH_COMMAND = 'npm run setup';

/** The environment the adapter needs, or a message that says how to get the libraries. */
export function findNativeLibraries(s: NativeSearch): NativeResult {
  const fromEnvUnicorn = s.env.PERSONA_LIBUNICORN;
  const fromEnvHelpers = s.env.PERSONA_LIBNATIVE;
  for (const folder of nativeCandidates(s)) {
    const f = nativeFilesIn(folder, s.arch);
    const unicorn = fromEnvUnicorn || f.unicorn;
    const helpers = fromEnvHelpers || f.helpers;
    if (s.exists(unicorn) && s.exists(helpers)) {
      const env: Record<string, string> = { PERSONA_LIBUNICORN: unicorn, PERSONA_LIBNATIVE: helpers };
      const capstone = s.env.PERSONA_LIBCAPSTONE || f.capstone;
      if (s.exists(capstone)) env.PERSONA_LIBCAPSTONE = capstone;
      return { kind: 'found', env, from: fromEnvUnicorn && fromEnvHelpers ? 'the environment' : folder };
    }
  }
  if (fromEnvUnicorn && fromEnvHelpers) return { kind: 'found', env: { PERSONA_LIBUNICORN: fromEnvUnicorn, PERSONA_LIBNATIVE: fromEnvHelpers }, from: 'the environment' };
  return {
    kind: 'missing',
    message: 'Persona: the native libraries (libunicorn 2.1 and Persona\'s helpers) were not found. '
      + `In a Persona checkout run \`${FETCH_COMMAND}\` (it fetches unicorn from Debian into .native/ and builds the helpers), `
      + 'then set "persona.nativeFolder" to that checkout, or set PERSONA_LIBUNICORN and PERSONA_LIBNATIVE.',
  };
}
