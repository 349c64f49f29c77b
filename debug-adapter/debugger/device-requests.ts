// The device-level requests of the DAP contract, DAP-free: console input to one persona's UART, a
// persona's snapshot (the file `persona snapshot` writes), and the session's trap log as a Chrome
// trace (as `persona run --trace` writes it). The session maps them to personaConsoleInput,
// personaSnapshot and personaTraceExport.
import type { TrapLog } from '../../emulator/hypervisor/trap-log';
import { savePersona } from '../../emulator/hypervisor/persona-snapshot';
import type { Persona } from '../../emulator/hypervisor/persona';
import { hypercallName } from '../../emulator/hypervisor/hypercalls/table';
import { writeChromeTrace } from '../../emulator/trace/chrome-trace';
import { DebuggerError } from './errors';

/** A persona as these requests need it (DebuggedPersona has these). */
export interface RequestPersona {
  index: number;
  name: string;
  image: string;
  bootargs: string | undefined;
  state: 'stopped' | 'running' | 'exited';
  persona: Persona;
}

function find(personas: readonly RequestPersona[], name: unknown, what: string): RequestPersona {
  if (typeof name !== 'string' || name.length === 0) throw new DebuggerError(`${what}: "persona" must name a persona (${personas.map((p) => p.name).join(', ')})`);
  const p = personas.find((x) => x.name === name);
  if (!p) throw new DebuggerError(`${what}: no persona is called "${name}" (personas: ${personas.map((x) => x.name).join(', ')})`);
  return p;
}

/** personaConsoleInput: `text` (UTF-8) to the persona's UART receive FIFO, queued when it is full. */
export function consoleInput(personas: readonly RequestPersona[], name: unknown, text: unknown): void {
  const p = find(personas, name, 'personaConsoleInput');
  if (typeof text !== 'string') throw new DebuggerError('personaConsoleInput: "text" must be a string');
  if (p.state === 'exited') throw new DebuggerError(`personaConsoleInput: ${p.name} has exited`);
  p.persona.consoleInput(new TextEncoder().encode(text));
}

/** personaSnapshot: the persona to `file`, at once when it is stopped, else at its next safe point. */
export async function snapshot(personas: readonly RequestPersona[], name: unknown, file: unknown, deterministic: boolean): Promise<{ file: string; bytes: number }> {
  const p = find(personas, name, 'personaSnapshot');
  if (typeof file !== 'string' || file.length === 0) throw new DebuggerError('personaSnapshot: "file" must be the path to write');
  if (p.state === 'exited') throw new DebuggerError(`personaSnapshot: ${p.name} has exited; there is nothing to save`);
  const take = (): number => savePersona(p.persona, file, { image: p.image, bootargs: p.bootargs, deterministic });
  try {
    const bytes = p.state === 'stopped' ? take() : await p.persona.atSafePoint(take);
    return { file, bytes };
  } catch (e) {
    throw new DebuggerError(`personaSnapshot: cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** personaTraceExport: every persona's trap log (what is still in each ring) as one Chrome trace. */
export async function traceExport(personas: readonly { index: number; name: string; persona: { trapLog: TrapLog } }[], file: unknown, channelName?: (id: number) => string | undefined): Promise<{ file: string; events: number }> {
  if (typeof file !== 'string' || file.length === 0) throw new DebuggerError('personaTraceExport: "file" must be the path to write');
  const byIndex = new Map(personas.map((p) => [p.index, p.name]));
  try {
    const { events } = await writeChromeTrace(file, personas.flatMap((p) => p.persona.trapLog.recent()), {
      persona: (id) => byIndex.get(id) ?? `persona${id}`,
      hypercall: (id) => hypercallName(id),
      channel: channelName,
    }, { vcpuName: (persona, vcpu) => `${byIndex.get(persona) ?? persona} · vCPU${vcpu}` });
    return { file, events };
  } catch (e) {
    throw new DebuggerError(`personaTraceExport: cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
