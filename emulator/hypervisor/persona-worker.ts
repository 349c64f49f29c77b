// The thread of one persona in a device: it owns that persona's unicorn instances and RAM, runs its
// vCPUs, and talks to the device (main thread) through shared memory (control words, trap log,
// channels) and a few messages (console output, input, exit). Bundled as dist/persona-worker.js.
import { parentPort, workerData } from 'node:worker_threads';
import { personaFromInit } from './device-plan';
import { savePersona } from './persona-snapshot';
import type { Persona } from './persona';
import type { PersonaWorkerInit, WorkerToDevice, DeviceToWorker } from './persona-worker-protocol';

const port = parentPort;
if (!port) throw new Error('persona-worker.js runs only as a worker thread');
const init = workerData as PersonaWorkerInit;
const post = (m: WorkerToDevice): void => port.postMessage(m);

let persona: Persona;
try {
  persona = personaFromInit(init, (bytes) => post({ type: 'console', bytes }));
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  process.exit(0);
}

port.on('message', (m: DeviceToWorker) => {
  if (m.type === 'input') persona.consoleInput(m.bytes);
  else if (m.type === 'stop') persona.stop({ kind: 'stopped', reason: m.reason });
  else if (m.type === 'snapshot') {
    persona.atSafePoint(() => savePersona(persona, m.file, { image: init.image, bootargs: init.bootargs, deterministic: init.deterministic })).then(
      (bytes) => post({ type: 'snapshot-done', id: m.id, bytes }),
      (e: unknown) => post({ type: 'snapshot-failed', id: m.id, error: e instanceof Error ? e.message : String(e) }),
    );
  }
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
