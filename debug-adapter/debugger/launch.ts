// Builds the device a launch asks for — a manifest's personas, or one ELF as a one-persona device —
// in this process (planDevice + personaFromInit, as the deterministic device does, so channels and
// doorbells work), each persona with the symbols of its own image. Every way the input can be wrong
// (missing, a folder, not an image, 32-bit, a bad manifest) is a DebuggerError with the path and a fix.

import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { planDevice, personaFromInit } from '../../emulator/hypervisor/device-plan';
import { ManifestError, loadManifest, type DeviceManifest } from '../../emulator/hypervisor/manifest';
import type { Persona } from '../../emulator/hypervisor/persona';
import { TRAP_LOG_DEFAULT_CAPACITY } from '../../emulator/hypervisor/trap-log';
import { detectFormat, ImageFormatError, loadGuestImage } from '../../emulator/loader/image';
import type { GuestImage } from '../../emulator/loader/types';
import { DEFAULT_RAM_BYTES, VIRT } from '../../emulator/platform/virt-map';
import { DebuggerError } from './errors';
import { ProgramSymbols } from './program-symbols';

export interface LaunchOptions {
  /** A device manifest (docs/manifest.md); relative paths are taken from `cwd`. */
  manifest?: string;
  /** One guest ELF (a one-persona device); relative paths are taken from `cwd`. */
  program?: string;
  cwd?: string;
  /** Fixed-order instruction quanta with virtual time (as `persona run --deterministic`). */
  deterministic?: boolean;
  /** vCPUs of a `program` launch. */
  cpus?: number;
  trapLogCapacity?: number;
}

/** One persona's program as the code tools see it (its ELF symbol table, its DWARF symbols). */
export interface LaunchedProgram {
  persona: Persona;
  image: Pick<GuestImage, 'symbols'>;
  symbols: ProgramSymbols;
}

export interface LaunchedPersona {
  index: number;
  name: string;
  persona: Persona;
  /** Path of the persona's image. */
  image: string;
  bootargs?: string;
  symbols: ProgramSymbols;
  /** The image's ELF symbol table (empty for other formats). */
  elfSymbols: GuestImage['symbols'];
}

export interface LaunchedDevice {
  manifest: DeviceManifest;
  personas: LaunchedPersona[];
}

function readInput(path: string, what: 'program' | 'manifest', fix: string): Uint8Array {
  try {
    if (statSync(path).isDirectory()) throw new DebuggerError(`${what} ${path} is a folder, not a ${what === 'program' ? 'guest ELF' : 'device manifest'}`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof DebuggerError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(e);
    throw new DebuggerError(`cannot read ${what} ${path}: ${why} (${fix})`);
  }
}

const RAM_LAYOUT = (ramBytes: bigint) => ({
  regions: [{ name: 'flash', base: VIRT.flash.base, size: VIRT.flash.size }, { name: 'ram', base: VIRT.ram.base, size: ramBytes }],
});

/** One ELF as a device of one persona named after the file. */
function programManifest(path: string): DeviceManifest {
  const bytes = readInput(path, 'program', 'set "program" in launch.json to a guest ELF built with -g');
  let image: GuestImage;
  try {
    image = loadGuestImage(path, bytes, RAM_LAYOUT(DEFAULT_RAM_BYTES), { format: 'elf' });
  } catch (e) {
    if (e instanceof ImageFormatError) throw new DebuggerError(`program ${path} is not a guest ELF: ${e.fault}`);
    throw e;
  }
  if (image.arch !== 'aarch64') throw new DebuggerError(`program ${path} is a 32-bit ARM image; personas run AArch64 guests only for now`);
  const name = basename(path).replace(/\.[^.]*$/, '') || 'guest';
  return { file: path, device: name, personas: [{ name, image: path, bios: false, arch: 'aarch64', ramBytes: DEFAULT_RAM_BYTES, cpus: 1 }], channels: [], devices: [] };
}

function deviceManifest(path: string): DeviceManifest {
  readInput(path, 'manifest', 'set "manifest" in launch.json to a device manifest such as examples/phone/phone.json');
  try {
    return loadManifest(path);
  } catch (e) {
    if (e instanceof ManifestError) throw new DebuggerError(e.message);
    throw e;
  }
}

/** The symbols of one persona's image: an ELF's line tables, CFI and DWARF; nothing for other formats. */
function symbolsOf(path: string, ramBytes: bigint): { symbols: ProgramSymbols; elfSymbols: GuestImage['symbols'] } {
  const bytes = readFileSync(path);
  if (detectFormat(bytes) !== 'elf') return { symbols: ProgramSymbols.none(path), elfSymbols: [] };
  const image = loadGuestImage(path, bytes, RAM_LAYOUT(ramBytes), { format: 'elf' });
  return { symbols: new ProgramSymbols(path, bytes, image.symbols), elfSymbols: image.symbols };
}

export function launchDevice(opts: LaunchOptions, onConsole: (persona: number, bytes: Uint8Array) => void): LaunchedDevice {
  const given = [opts.manifest, opts.program].filter((x) => x !== undefined);
  if (given.length !== 1) throw new DebuggerError('launch: give exactly one of "manifest" (a device manifest) or "program" (one guest ELF built with -g)');
  const cwd = opts.cwd ?? process.cwd();
  const manifest = opts.manifest !== undefined ? deviceManifest(resolve(cwd, opts.manifest)) : programManifest(resolve(cwd, opts.program!));
  if (opts.program !== undefined && opts.cpus) manifest.personas[0]!.cpus = opts.cpus;
  const plan = planDevice(manifest, { capacity: opts.trapLogCapacity ?? TRAP_LOG_DEFAULT_CAPACITY, deterministic: opts.deterministic ?? false });
  const personas: LaunchedPersona[] = [];
  try {
    for (const [index, init] of plan.inits.entries()) {
      let persona: Persona;
      try {
        persona = personaFromInit(init, (b) => onConsole(index, b));
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new DebuggerError(`persona ${init.name}: cannot load ${init.image}: ${why}`);
      }
      personas.push({ index, name: init.name, persona, image: init.image, bootargs: init.bootargs, ...symbolsOf(init.image, init.ramBytes) });
    }
  } catch (e) {
    for (const p of personas) p.persona.close();
    throw e;
  }
  return { manifest, personas };
}
