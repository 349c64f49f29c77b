// Persona snapshots: a running persona written to a file (registers, RAM, flash, device state,
// virtual time, where its console was), and a fresh persona restored from one so that it continues
// where the original was. Taken at a safe point between slices (Persona.atSafePoint).
import { restoreVcpuRegisters, saveVcpuRegisters, type VcpuRegisterState } from '../arch/aarch64/vcpu-state';
import type { GuestImage } from '../loader/types';
import { VIRT } from '../platform/virt-map';
import type { Persona } from './persona';
import { SnapshotStateError } from './snapshot-errors';
import { readSnapshotFile, SnapshotFormatError, writeSnapshotFile, type SnapshotContents } from './snapshot-file';

const KIND = 'persona-snapshot';

interface VcpuSnapshot {
  power: 'off' | 'on' | 'pending';
  idle: boolean;
  instructions: string;
  regs: VcpuRegisterState;
  timer: ReturnType<Persona['vcpus'][number]['timer']['saveState']>;
}

export interface PersonaSnapshotHeader {
  kind: typeof KIND;
  takenAt: string;
  persona: { name: string; image: string; cpus: number; ramBytes: string; bootargs?: string; deterministic: boolean };
  /** Console bytes the persona had written when the snapshot was taken. */
  consoleBytes: number;
  vcpus: VcpuSnapshot[];
  devices: {
    gic: ReturnType<Persona['devices']['gic']['saveState']>;
    uart: ReturnType<Persona['devices']['uart']['saveState']>;
    rtc: ReturnType<Persona['devices']['rtc']['saveState']>;
    /** The board's other windows with state (the PCIe host bridge's config bits), by name. */
    windows: Record<string, unknown>;
    owned: Record<string, unknown>;
  };
  semihostingHandles: [number, boolean][];
}

/** What a persona must be rebuilt with before a snapshot can be restored into it. */
export interface SnapshotIdentity {
  name: string;
  image: string;
  cpus: number;
  ramBytes: bigint;
  bootargs?: string;
  deterministic: boolean;
}

type Stateful = { saveState?: () => unknown; restoreState?: (s: never) => void };
/** Windows whose device is saved on its own (the GIC, UART and RTC are saved by name). */
const SAVED_APART = new Set(['gicd', 'gicc', 'pl011', 'pl031']);

function boardWindowStates(p: Persona): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const w of p.devices.windows) {
    const s = SAVED_APART.has(w.name) ? undefined : (w.device as Stateful).saveState?.();
    if (s !== undefined) out[w.name] = s;
  }
  return out;
}

/** Writes `p` to `path` (call at a safe point). Returns the file's size in bytes. */
export function savePersona(p: Persona, path: string, identity: Omit<SnapshotIdentity, 'cpus' | 'ramBytes' | 'name'>): number {
  const owned: Record<string, unknown> = {};
  for (const d of p.ownedDevices()) {
    const s = (d.device as { saveState?: () => unknown }).saveState?.();
    if (s !== undefined) owned[d.name] = s;
  }
  const header: PersonaSnapshotHeader = {
    kind: KIND,
    takenAt: new Date().toISOString(),
    persona: { name: p.name, image: identity.image, cpus: p.vcpus.length, ramBytes: String(p.ram.byteLength), bootargs: identity.bootargs, deterministic: identity.deterministic },
    consoleBytes: p.consoleBytes,
    vcpus: p.vcpus.map((v) => ({
      power: v.power, idle: v.idle, instructions: v.engine.instructions.toString(), regs: saveVcpuRegisters(v.engine), timer: v.timer.saveState(),
    })),
    devices: { gic: p.devices.gic.saveState(), uart: p.devices.uart.saveState(), rtc: p.devices.rtc.saveState(), windows: boardWindowStates(p), owned },
    semihostingHandles: [...p.semihostingHandles],
  };
  return writeSnapshotFile(path, header, new Map([['ram', p.ram], ['flash', p.flash]]));
}

/** Reads a snapshot and checks it is one; returns what to build the persona with. */
export function readPersonaSnapshot(path: string): { contents: SnapshotContents; header: PersonaSnapshotHeader; identity: SnapshotIdentity } {
  const contents = readSnapshotFile(path);
  const h = contents.header as PersonaSnapshotHeader | null;
  if (!h || h.kind !== KIND || !h.persona || !Array.isArray(h.vcpus)) throw new SnapshotFormatError(path, 'not a persona snapshot (header kind)');
  const ramBytes = BigInt(h.persona.ramBytes);
  if (contents.sections.get('ram')?.byteLength !== Number(ramBytes)) throw new SnapshotFormatError(path, 'the RAM section does not match the persona\'s RAM size');
  if (contents.sections.get('flash')?.byteLength !== Number(VIRT.flash.size)) throw new SnapshotFormatError(path, 'the flash section has the wrong size');
  const identity: SnapshotIdentity = { name: h.persona.name, image: h.persona.image, cpus: h.vcpus.length, ramBytes, bootargs: h.persona.bootargs, deterministic: h.persona.deterministic };
  return { contents, header: h, identity };
}

/** A placeholder image for a persona about to be restored: its memory comes from the snapshot. */
export function emptyImage(path: string): GuestImage {
  return { path, format: 'raw', arch: 'aarch64', entry: VIRT.ram.base, segments: [], symbols: [], mappingSymbols: [], isLinux: false, end: VIRT.ram.base };
}

/** Restores a snapshot into a persona just built from its identity (before it runs). */
export function restorePersona(p: Persona, s: { contents: SnapshotContents; header: PersonaSnapshotHeader }, file: string): void {
  const h = s.header;
  try {
    p.ram.set(s.contents.sections.get('ram')!);
    p.flash.set(s.contents.sections.get('flash')!);
    h.vcpus.forEach((vs, i) => {
      const v = p.vcpus[i]!;
      restoreVcpuRegisters(v.engine, vs.regs);
      v.engine.instructions = BigInt(vs.instructions);
      v.pc = BigInt(vs.regs.pc);
      v.power = vs.power;
      v.idle = vs.idle;
      v.timer.restoreState(vs.timer);
      v.engine.flushCode(); // memory changed under any code translated so far
    });
    p.devices.uart.restoreState(h.devices.uart);
    p.devices.rtc.restoreState(h.devices.rtc);
    p.devices.gic.restoreState(h.devices.gic);
    for (const w of p.devices.windows) {
      const state = h.devices.windows?.[w.name];
      if (state !== undefined) (w.device as Stateful).restoreState?.(state as never);
    }
    for (const d of p.ownedDevices()) {
      const state = h.devices.owned[d.name];
      if (state !== undefined) (d.device as { restoreState?: (s: unknown) => void }).restoreState?.(state);
    }
    p.semihostingHandles.clear();
    for (const [k, w] of h.semihostingHandles) p.semihostingHandles.set(k, w);
    p.consoleBytes = h.consoleBytes;
  } catch (e) {
    if (e instanceof SnapshotStateError) throw new SnapshotFormatError(file, e.message);
    throw new SnapshotFormatError(file, `the snapshot's state does not fit this persona: ${(e as Error).message}`);
  }
}
