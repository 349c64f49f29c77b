// The thread of one persona in a device: it owns that persona's unicorn instances and RAM, runs its
// vCPUs, and talks to the device (main thread) through shared memory (control words, trap log,
// channels) and a few messages (console output, input, exit). Bundled as dist/persona-worker.js.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { loadGuestImage } from '../loader/image';
import { VIRT } from '../platform/virt-map';
import { Persona } from './persona';
import type { PersonaWorkerInit, WorkerToDevice, DeviceToWorker } from './persona-worker-protocol';
import { createOwnedDevice } from './owned-devices';

const port = parentPort;
if (!port) throw new Error('persona-worker.js runs only as a worker thread');
const init = workerData as PersonaWorkerInit;
const post = (m: WorkerToDevice): void => port.postMessage(m);

function start(): Persona {
  const bytes = readFileSync(init.image);
  const image = loadGuestImage(init.image, bytes, {
    regions: [{ name: 'flash', base: VIRT.flash.base, size: VIRT.flash.size }, { name: 'ram', base: VIRT.ram.base, size: init.ramBytes }],
  });
  if (image.arch !== 'aarch64') throw new Error(`${init.image} is a 32-bit ARM image; personas run AArch64 guests only for now`);
  const console = (b: Uint8Array) => post({ type: 'console', bytes: b });
  // Owned devices exist before the persona's GIC does: their lines are wired once it is built.
  const lines: ((level: boolean) => void)[] = [];
  const persona = new Persona({
    id: init.id, name: init.name, ramBytes: init.ramBytes, cpus: init.cpus, image, bootargs: init.bootargs,
    clockOrigin: init.clockOrigin,
    onConsole: console,
    links: {
      control: init.control,
      trapLog: init.trapLog,
      channels: init.channels.map((c) => ({ ...c, memory: new Uint8Array(c.memory), doorbells: new Int32Array(c.doorbells) })),
      ownedDevices: init.ownedDevices.map((d, i) => ({
        name: d.name, base: d.base, size: d.size, device: createOwnedDevice(d, console, (level) => lines[i]?.(level)),
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

let persona: Persona;
try {
  persona = start();
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  process.exit(0);
}

port.on('message', (m: DeviceToWorker) => {
  if (m.type === 'input') persona.consoleInput(m.bytes);
  else if (m.type === 'stop') persona.stop({ kind: 'stopped', reason: m.reason });
});

post({ type: 'ready' });
persona.run({ maxSeconds: init.maxSeconds }).then((exit) => {
  post({ type: 'exit', exit });
  persona.close();
  port.close();
}, (e: unknown) => {
  post({ type: 'exit', exit: { kind: 'fault', reason: `internal error in the hypervisor: ${e instanceof Error ? e.stack ?? e.message : String(e)}` } });
  persona.close();
  port.close();
});
