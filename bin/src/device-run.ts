// `persona run device.json`: runs every persona of a device manifest in parallel, prints each
// persona's console with a coloured name prefix, and at the end a trap summary per persona.
// Exit code: 3 if any persona faulted or was stopped, 4 on timeout, else the highest exit code.
import { StringDecoder } from 'node:string_decoder';
import { hypercallName } from '../../emulator/hypervisor/hypercalls/table';
import { Device, type PersonaHandle } from '../../emulator/hypervisor/device';
import { DeterministicDevice } from '../../emulator/hypervisor/deterministic-device';
import { trapLogHash } from '../../emulator/hypervisor/trap-hash';
import type { DeviceManifest } from '../../emulator/hypervisor/manifest';
import type { PersonaExit } from '../../emulator/hypervisor/persona';
import { formatTrap, trapSummaryTable, type TrapNames } from '../../emulator/hypervisor/trap-format';
import type { TrapRecord } from '../../emulator/hypervisor/trap-log';
import { TrapClass } from '../../emulator/hypervisor/trap-class';
import { writeChromeTrace } from '../../emulator/trace/chrome-trace';
import { EXIT } from './errors';
import { createVirtDevices } from '../../emulator/platform/virt-platform';
import { serveControl } from './control-socket';

export interface DeviceRunOptions {
  maxSeconds?: number;
  tracePath?: string;
  logTraps: boolean;
  deterministic: boolean;
}

const COLOURS = [36, 35, 33, 32, 34, 31, 96, 95];

/**
 * Prefixes each line of one persona's console output. A line is shown as it comes (a prompt with no
 * newline yet is visible at once); when another persona writes meanwhile, the open line is ended
 * and goes on later under a fresh prefix.
 */
class ConsolePrinter {
  private readonly decoders = new Map<number, StringDecoder>();
  private readonly width: number;
  /** The persona whose line is open (printed without its newline yet). */
  private open: number | undefined;

  constructor(private readonly names: string[], private readonly colour: boolean) {
    this.width = Math.max(...names.map((n) => n.length));
  }

  private prefix(i: number): string {
    const name = this.names[i]!.padEnd(this.width);
    return this.colour ? `\x1b[${COLOURS[i % COLOURS.length]}m${name}\x1b[0m │ ` : `${name} │ `;
  }

  write(i: number, bytes: Uint8Array): void {
    let decoder = this.decoders.get(i);
    if (!decoder) this.decoders.set(i, decoder = new StringDecoder('utf8'));
    const text = decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    let out = '';
    for (const piece of text.split(/(?<=\n)/)) {
      if (piece.length === 0) continue;
      if (this.open !== undefined && this.open !== i) out += '\n';
      if (this.open !== i) out += this.prefix(i);
      const ends = piece.endsWith('\n');
      out += ends ? `${piece.slice(0, -1).replace(/\r$/, '')}\n` : piece;
      this.open = ends ? undefined : i;
    }
    if (out) process.stdout.write(out);
  }

  flush(): void {
    if (this.open !== undefined) process.stdout.write('\n');
    this.open = undefined;
  }
}

/** Every persona's records in one sequence, by virtual time (all personas share the clock origin). */
export function mergedTraps(device: { personas: readonly PersonaHandle[] }): TrapRecord[] {
  return device.personas.flatMap((p) => p.trapLog.recent()).sort((a, b) => (a.vtime < b.vtime ? -1 : a.vtime > b.vtime ? 1 : 0));
}

export function deviceTrapNames(m: DeviceManifest): TrapNames {
  // Device indexes: the board's own windows in their fixed order, then each persona's assigned devices.
  const board = createVirtDevices({ cpus: 1, currentCpu: () => 0, onCpuIrqChange: () => undefined, onConsole: () => undefined }).windows;
  const owned = (persona: number) => m.devices.filter((d) => d.owner === persona);
  return {
    persona: (id) => m.personas[id]?.name ?? `persona${id}`,
    hypercall: (id) => hypercallName(id),
    channel: (id) => m.channels[id]?.name,
    device: (index, persona) => board[index]?.name ?? owned(persona)[index - board.length]?.name,
    register: (index, offset) => board[index]?.device.registerName?.(offset),
  };
}

function exitCode(exits: PersonaExit[]): number {
  if (exits.some((e) => e.kind === 'fault' || e.kind === 'stopped')) return EXIT.guestFault;
  if (exits.some((e) => e.kind === 'timeout')) return EXIT.timeout;
  return Math.max(0, ...exits.map((e) => (e.kind === 'halted' ? e.code & 0xff : 0)));
}

function describeExit(e: PersonaExit): string {
  return e.kind === 'halted' ? `${e.reason}` : `${e.kind}: ${e.reason}`;
}

export async function runDevice(manifest: DeviceManifest, o: DeviceRunOptions): Promise<number> {
  const options = { maxSeconds: o.maxSeconds, trapLogCapacity: o.tracePath ? 1 << 18 : undefined };
  const device = o.deterministic ? new DeterministicDevice(manifest, options) : new Device(manifest, options);
  const names = manifest.personas.map((p) => p.name);
  const printer = new ConsolePrinter(names, Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const trapNames = deviceTrapNames(manifest);
  device.on('console', (i, bytes) => printer.write(i, bytes));
  let printed = 0n;
  const printTraps = () => {
    for (const r of mergedTraps(device)) {
      if (r.vtime < printed) continue;
      process.stderr.write(`${formatTrap(r, trapNames)}\n`);
    }
    printed = mergedTraps(device).at(-1)?.vtime ?? printed;
    printed += 1n;
  };
  const control = serveControl(async (req) => {
    const index = req.persona === undefined ? (names.length === 1 ? 0 : -1) : names.indexOf(req.persona);
    if (index < 0) return { ok: false, error: req.persona === undefined ? `name a persona with --persona (${names.join(', ')})` : `no persona called "${req.persona}" (${names.join(', ')})` };
    return { ok: true, bytes: await device.snapshot(index, req.file), persona: names[index]! };
  });
  const onSignal = () => device.stop('interrupted (SIGINT)');
  process.once('SIGINT', onSignal);
  // Console input goes to the first persona (a terminal per persona is the extension's job).
  process.stdin.on('data', (d: Buffer) => device.input(0, d));
  // The reader of the consoles went away (`persona run ... | head`): stop every persona, no stack trace.
  process.stdout.on('error', () => device.stop('the console output was closed (stdout)'));
  process.stdin.on('error', () => undefined);
  const personas = await device.finished();
  control.close();
  process.removeListener('SIGINT', onSignal);
  process.stdin.pause();
  process.stdin.unref?.();
  printer.flush();
  if (o.logTraps) printTraps();
  if (o.tracePath) {
    const { events } = await writeChromeTrace(o.tracePath, mergedTraps(device), trapNames);
    process.stderr.write(`persona: wrote ${events} trace events to ${o.tracePath}\n`);
  }
  for (const p of personas) {
    process.stderr.write(`${trapSummaryTable(p.trapLog.counts(), p.name, { records: p.trapLog.recent(), names: trapNames })}\n  exit: ${describeExit(p.exit!)}\n`);
  }
  // Isolation violations matter on any device: name them, not just count them.
  const violations = mergedTraps(device).filter((r) => r.class === TrapClass.IsolationViolation);
  if (violations.length > 0) {
    process.stderr.write(`isolation violations (${violations.length}):\n`);
    for (const r of violations.slice(0, 10)) process.stderr.write(`  ${formatTrap(r, trapNames)}\n`);
    if (violations.length > 10) process.stderr.write(`  ... and ${violations.length - 10} more (--log-traps lists every trap)\n`);
  }
  if (o.deterministic) process.stderr.write(`trap log hash: ${trapLogHash(personas.map((p) => p.trapLog))}\n`);
  await device.close();
  return exitCode(personas.map((p) => p.exit!));
}
