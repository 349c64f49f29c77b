// Turns a manifest into what each persona of the device is given: its control words, trap log,
// channel ends, owned devices and the windows it must not touch. Shared by the threaded device and
// the deterministic one, and by the worker that builds a persona from it.
import { readFileSync } from 'node:fs';
import { counterNow } from '../arch/aarch64/generic-timer';
import { loadFirmware, loadGuestImage } from '../loader/image';
import { gunzipImage, isGzip } from '../loader/gzip';
import { FLASH_BANK_BYTES, VIRT } from '../platform/virt-map';
import type { DeviceManifest } from './manifest';
import { Persona } from './persona';
import { CONTROL, DOORBELL_WORDS, newControl, type ForeignWindow } from './persona-links';
import type { PersonaWorkerInit } from './persona-worker-protocol';
import { createOwnedDevice } from './owned-devices';
import { TrapLog } from './trap-log';

export interface PersonaHandle {
  readonly index: number;
  readonly name: string;
  readonly control: Int32Array;
  readonly trapLog: TrapLog;
  exit?: import('./persona').PersonaExit;
}

export function planDevice(m: DeviceManifest, o: { capacity: number; paused?: boolean; maxSeconds?: number; deterministic?: boolean }): { handles: PersonaHandle[]; inits: PersonaWorkerInit[] } {
  const handles: PersonaHandle[] = m.personas.map((p, index) => {
    const control = newControl();
    if (o.paused) Atomics.store(control, CONTROL.PAUSE, 1);
    return { index, name: p.name, control, trapLog: new TrapLog(o.capacity, new SharedArrayBuffer(TrapLog.byteLength(o.capacity))) };
  });
  // One shared segment and one set of doorbell words per channel, seen by both ends.
  const channels = m.channels.map((c) => ({ spec: c, memory: new SharedArrayBuffer(Number(c.sizeBytes)), doorbells: new SharedArrayBuffer(DOORBELL_WORDS * 4) }));
  const clockOrigin = counterNow();
  const inits = m.personas.map((p, index): PersonaWorkerInit => {
    const foreign: ForeignWindow[] = [
      ...m.devices.filter((d) => d.owner !== index).map((d) => ({ base: d.base, size: d.sizeBytes, owner: d.owner, what: `device ${d.name}` })),
      ...m.channels.filter((c) => !c.between.includes(index)).map((c) => ({ base: c.base, size: c.sizeBytes, owner: c.between[0], what: `channel ${c.name}` })),
    ];
    return {
      id: index, name: p.name, image: p.image, bios: p.bios, ramBytes: p.ramBytes, cpus: p.cpus, bootargs: p.bootargs, initrd: p.initrd, kernel: p.kernel,
      maxSeconds: o.maxSeconds, clockOrigin, deterministic: o.deterministic ?? false,
      control: handles[index]!.control, trapLog: handles[index]!.trapLog.buffer as SharedArrayBuffer,
      channels: channels.filter((c) => c.spec.between.includes(index)).map((c) => {
        const side = c.spec.between[0] === index ? 0 : 1;
        const peer = c.spec.between[1 - side]!;
        return {
          end: { id: c.spec.id, base: c.spec.base, size: c.spec.sizeBytes, intid: c.spec.intid.get(index)!, peer },
          memory: c.memory, doorbells: c.doorbells, side, peerControl: handles[peer]!.control,
        };
      }),
      ownedDevices: m.devices.filter((d) => d.owner === index).map((d) => ({
        name: d.name, kind: d.kind, base: d.base, size: d.sizeBytes, intid: d.intid, id: d.id, data: d.data,
      })),
      foreign,
    };
  });
  return { handles, inits };
}

/** Builds a persona from its plan (in its worker thread, or inline in deterministic mode). */
export function personaFromInit(init: PersonaWorkerInit, onConsole: (bytes: Uint8Array) => void): Persona {
  const layout = {
    regions: [{ name: 'flash', base: VIRT.flash.base, size: VIRT.flash.size }, { name: 'ram', base: VIRT.ram.base, size: init.ramBytes }],
  };
  const bytes = readFileSync(init.image);
  const image = init.bios ? loadFirmware(init.image, bytes, layout, FLASH_BANK_BYTES) : loadGuestImage(init.image, bytes, layout);
  if (image.arch !== 'aarch64') throw new Error(`${init.image} is a 32-bit ARM image; personas run AArch64 guests only for now`);
  // Firmware with a kernel: the kernel, initrd and command line are fw_cfg items, not in RAM or the DTB.
  const kernelBytes = init.kernel === undefined ? undefined : readFileSync(init.kernel);
  const firmwareKernel = init.kernel === undefined || !kernelBytes ? undefined : {
    image: isGzip(kernelBytes) ? gunzipImage(init.kernel, kernelBytes, init.ramBytes) : kernelBytes,
    initrd: init.initrd === undefined ? undefined : readFileSync(init.initrd),
    cmdline: init.bootargs,
  };
  // Owned devices exist before the persona's GIC does: their lines are wired once it is built.
  const lines: ((level: boolean) => void)[] = [];
  const persona = new Persona({
    id: init.id, name: init.name, ramBytes: init.ramBytes, cpus: init.cpus, image, bootargs: firmwareKernel ? undefined : init.bootargs,
    initrd: init.initrd === undefined || firmwareKernel ? undefined : { path: init.initrd, bytes: readFileSync(init.initrd) },
    firmwareKernel,
    clockOrigin: init.clockOrigin, deterministic: init.deterministic, onConsole,
    links: {
      control: init.control,
      trapLog: init.trapLog,
      channels: init.channels.map((c) => ({ ...c, memory: new Uint8Array(c.memory), doorbells: new Int32Array(c.doorbells) })),
      ownedDevices: init.ownedDevices.map((d, i) => ({
        name: d.name, base: d.base, size: d.size, device: createOwnedDevice(d, onConsole, (level) => lines[i]?.(level)),
      })),
      foreign: init.foreign,
    },
  });
  init.ownedDevices.forEach((d, i) => {
    const intid = d.intid;
    if (intid !== undefined) lines[i] = (level) => persona.devices.gic.setLevel(intid, level);
  });
  return persona;
}
