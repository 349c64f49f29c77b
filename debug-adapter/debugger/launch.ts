// Builds the device a launch asks for — a manifest's personas, or one ELF as a one-persona device —
// in this process (planDevice + personaFromInit, as the deterministic device does, so channels and
// doorbells work), each persona with the symbols of its own image. Every way the input can be wrong
// (missing, a folder, not an image, 32-bit, a bad manifest) is a DebuggerError with the path and a fix.

import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { planDevice, personaFromInit } from '../../emulator/hypervisor/device-plan';
import { ManifestError, loadManifest, type DeviceManifest } from '../../emulator/hypervisor/manifest';
import type { Persona } from '../../emulator/hypervisor/persona';
import { readPersonaSnapshot, restorePersona } from '../../emulator/hypervisor/persona-snapshot';
import { SnapshotFormatError } from '../../emulator/hypervisor/snapshot-file';
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
  /** A persona snapshot to continue (as `persona run --resume`); `program`, when given, gives its symbols. */
  resume?: string;
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

function readInput(path: string, what: 'program' | 'manifest' | 'snapshot', fix: string): Uint8Array {
  try {
    if (statSync(path).isDirectory()) throw new DebuggerError(`${what} ${path} is a folder, not a ${what === 'program' ? 'guest ELF' : what === 'snapshot' ? 'snapshot file' : 'device manifest'}`);
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

type Snapshot = ReturnType<typeof readPersonaSnapshot>;

/** The snapshot to resume, read and checked before anything is built. */
function readSnapshot(path: string): Snapshot {
  readInput(path, 'snapshot', 'set "resume" in launch.json to a file written by `persona snapshot` or Persona: Snapshot a Persona');
  try {
    return readPersonaSnapshot(path);
  } catch (e) {
    if (e instanceof SnapshotFormatError) throw new DebuggerError(e.message);
    throw e;
  }
}

/** The one-persona device a snapshot was taken of: its name, RAM, vCPUs and bootargs, with `program` (or its own image) for symbols. */
function snapshotManifest(path: string, snap: Snapshot, program: string | undefined): DeviceManifest {
  const id = snap.identity;
  const image = program ?? id.image;
  readInput(image, 'program', 'give "program": the guest ELF the snapshot was taken of, for its symbols');
  return { file: path, device: id.name, personas: [{ name: id.name, image, arch: 'aarch64', ramBytes: id.ramBytes, cpus: id.cpus, bootargs: id.bootargs, bios: false }], channels: [], devices: [] };
}

export function launchDevice(opts: LaunchOptions, onConsole: (persona: number, bytes: Uint8Array) => void): LaunchedDevice {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.resume !== undefined && opts.manifest !== undefined) throw new DebuggerError('launch: "resume" continues one persona: give it alone or with "program", not with "manifest"');
  const snapPath = opts.resume !== undefined ? resolve(cwd, opts.resume) : undefined;
  const snap = snapPath !== undefined ? readSnapshot(snapPath) : undefined;
  const given = [opts.manifest, opts.program].filter((x) => x !== undefined);
  if (!snap && given.length !== 1) throw new DebuggerError('launch: give exactly one of "manifest" (a device manifest) or "program" (one guest ELF built with -g)');
  const manifest = snap ? snapshotManifest(snapPath!, snap, opts.program !== undefined ? resolve(cwd, opts.program) : undefined)
    : opts.manifest !== undefined ? deviceManifest(resolve(cwd, opts.manifest)) : programManifest(resolve(cwd, opts.program!));
  if (opts.program !== undefined && opts.cpus) manifest.personas[0]!.cpus = opts.cpus;
  // A resumed persona keeps the mode it was taken in.
  const deterministic = snap ? snap.identity.deterministic : opts.deterministic ?? false;
  const plan = planDevice(manifest, { capacity: opts.trapLogCapacity ?? TRAP_LOG_DEFAULT_CAPACITY, deterministic });
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
      if (snap) {
        try {
          restorePersona(persona, snap, snapPath!);
        } catch (e) {
          persona.close();
          throw new DebuggerError(e instanceof Error ? e.message : String(e));
        }
      }
      personas.push({ index, name: init.name, persona, image: init.image, bootargs: init.bootargs, ...symbolsOf(init.image, init.ramBytes) });
    }
  } catch (e) {
    for (const p of personas) p.persona.close();
    throw e;
  }
  return { manifest, personas };
}
