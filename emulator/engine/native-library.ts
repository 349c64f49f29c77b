// Finds and loads libunicorn (>= 2.1). Order: $PERSONA_LIBUNICORN, then the project's own copy
// unpacked by scripts/setup.mjs into .native/. An older or missing library is a user error with a fix.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as koffi from 'koffi';
import { NativeLibraryError } from './errors';

export const MIN_UNICORN = { major: 2, minor: 1 };

/** The Persona project folder: the nearest ancestor of this bundle with our package.json. */
export function projectRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'persona') return dir;
      } catch { /* not ours; keep looking */ }
    }
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

const MULTIARCH: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

export function bundledLibraryPath(name: string): string {
  const triple = MULTIARCH[process.arch] ?? `${process.arch}-linux-gnu`;
  return join(projectRoot(), '.native', 'root', 'usr', 'lib', triple, name);
}

const FIX_INSTALL = 'run `npm run setup` in the Persona folder (it fetches unicorn 2.1 from Debian trixie into .native/), '
  + 'or set PERSONA_LIBUNICORN=/path/to/libunicorn.so.2 (version 2.1 or newer)';

export interface LoadedLibrary {
  lib: koffi.LibraryHandle;
  path: string;
  version: { major: number; minor: number; patch: number };
}

let cached: LoadedLibrary | undefined;

export function loadUnicorn(): LoadedLibrary {
  if (cached) return cached;
  const fromEnv = process.env.PERSONA_LIBUNICORN;
  const path = fromEnv && fromEnv.length > 0 ? fromEnv : bundledLibraryPath('libunicorn.so.2');
  if (!existsSync(path)) {
    throw new NativeLibraryError(
      fromEnv ? `libunicorn not found at PERSONA_LIBUNICORN=${fromEnv}` : `libunicorn 2.1 is not installed (looked for ${path})`,
      FIX_INSTALL);
  }
  let lib: koffi.LibraryHandle;
  try {
    lib = koffi.load(path);
  } catch (e) {
    throw new NativeLibraryError(`cannot load ${path}: ${(e as Error).message}`, FIX_INSTALL);
  }
  const ucVersion = lib.func('unsigned int uc_version(_Out_ unsigned int *major, _Out_ unsigned int *minor)');
  const major = [0];
  const minor = [0];
  const combined = ucVersion(major, minor) as number;
  const version = { major: major[0] ?? 0, minor: minor[0] ?? 0, patch: (combined >>> 8) & 0xff };
  if (version.major < MIN_UNICORN.major || (version.major === MIN_UNICORN.major && version.minor < MIN_UNICORN.minor)) {
    throw new NativeLibraryError(
      `${path} is unicorn ${version.major}.${version.minor}; Persona needs ${MIN_UNICORN.major}.${MIN_UNICORN.minor} or newer `
      + '(older versions cannot reflect exceptions from EL0 and run memory-heavy code 10x slower)',
      FIX_INSTALL);
  }
  cached = { lib, path, version };
  return cached;
}

export interface HelperLibrary {
  lib: koffi.LibraryHandle;
  path: string;
}

let helpersCached: HelperLibrary | undefined;

/** Persona's own native helpers (emulator/engine/native/*.c), built by `npm run setup`. */
export function loadNativeHelpers(): HelperLibrary {
  if (helpersCached) return helpersCached;
  const path = process.env.PERSONA_LIBNATIVE || join(projectRoot(), '.native', 'lib', 'libpersona-native.so');
  if (!existsSync(path)) {
    throw new NativeLibraryError(`Persona's native helpers are not built (looked for ${path})`,
      'run `npm run setup` in the Persona folder (it needs a C compiler: sudo apt-get install gcc)');
  }
  try {
    helpersCached = { lib: koffi.load(path), path };
  } catch (e) {
    throw new NativeLibraryError(`cannot load ${path}: ${(e as Error).message}`, 'remove .native/lib and run `npm run setup` again');
  }
  return helpersCached;
}
