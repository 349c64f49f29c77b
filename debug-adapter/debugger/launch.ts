// Builds the persona a launch asks for from one ELF, with its symbols. Every way the program can be
// wrong (missing, a folder, not an image, 32-bit) is a DebuggerError with the path and a fix.

import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Persona } from '../../emulator/hypervisor/persona';
import { ImageFormatError, loadGuestImage } from '../../emulator/loader/image';
import type { GuestImage } from '../../emulator/loader/types';
import { DEFAULT_RAM_BYTES, VIRT } from '../../emulator/platform/virt-map';
import { DebuggerError } from './errors';
import { ProgramSymbols } from './program-symbols';

export interface LaunchOptions {
  /** The guest ELF; relative paths are taken from `cwd`. */
  program: string;
  cwd?: string;
  cpus?: number;
  ramBytes?: bigint;
}

export interface LaunchedProgram {
  persona: Persona;
  image: GuestImage;
  symbols: ProgramSymbols;
}

function readProgram(path: string): Uint8Array {
  try {
    if (statSync(path).isDirectory()) throw new DebuggerError(`program ${path} is a folder, not a guest ELF`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof DebuggerError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(e);
    throw new DebuggerError(`cannot read program ${path}: ${why} (set "program" in launch.json to a guest ELF built with -g)`);
  }
}

export function launchProgram(opts: LaunchOptions, onConsole: (bytes: Uint8Array) => void): LaunchedProgram {
  if (typeof opts.program !== 'string' || opts.program.length === 0) {
    throw new DebuggerError('launch: no "program" given (the path of a guest ELF built with -g)');
  }
  const path = resolve(opts.cwd ?? process.cwd(), opts.program);
  const bytes = readProgram(path);
  const ramBytes = opts.ramBytes ?? DEFAULT_RAM_BYTES;
  let image: GuestImage;
  try {
    image = loadGuestImage(path, bytes, {
      regions: [{ name: 'flash', base: VIRT.flash.base, size: VIRT.flash.size }, { name: 'ram', base: VIRT.ram.base, size: ramBytes }],
    }, { format: 'elf' });
  } catch (e) {
    if (e instanceof ImageFormatError) throw new DebuggerError(`program ${path} is not a guest ELF: ${e.fault}`);
    throw e;
  }
  if (image.arch !== 'aarch64') throw new DebuggerError(`program ${path} is a 32-bit ARM image; personas run AArch64 guests only for now`);
  const symbols = new ProgramSymbols(path, bytes, image.symbols);
  const persona = new Persona({
    id: 0, name: basename(path).replace(/\.[^.]*$/, '') || 'guest', ramBytes, cpus: opts.cpus ?? 1, image, onConsole,
  });
  return { persona, image, symbols };
}
