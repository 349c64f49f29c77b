// `persona run <elf|Image|bin>`: boots one persona on the virt board and runs it to the end.
// Guest console on stdout; hypervisor messages on stderr. Exit code: the guest's semihosting exit
// code, 0 for PSCI SYSTEM_OFF, 3 when the guest faulted or was stopped, 4 on timeout, 2 for bad input.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Persona, type PersonaExit } from '../../emulator/hypervisor/persona';
import { formatTrap, trapSummaryTable, type TrapNames } from '../../emulator/hypervisor/trap-format';
import { hypercallName } from '../../emulator/hypervisor/hypercalls/table';
import { loadFirmware, loadGuestImage } from '../../emulator/loader/image';
import { gunzipImage, isGzip } from '../../emulator/loader/gzip';
import type { ImageFormatOption } from '../../emulator/loader/types';
import { DEFAULT_RAM_BYTES, FLASH_BANK_BYTES, VIRT } from '../../emulator/platform/virt-map';
import { writeChromeTrace } from '../../emulator/trace/chrome-trace';
import { helpText, parseAddress, parseArgs, parseNumber, parseSize, type OptionSpec } from './args';
import { EXIT, UsageError } from './errors';
import { runDevice } from './device-run';
import { loadManifest } from '../../emulator/hypervisor/manifest';
import { trapLogHash } from '../../emulator/hypervisor/trap-hash';
import { emptyImage, readPersonaSnapshot, restorePersona, savePersona } from '../../emulator/hypervisor/persona-snapshot';
import { serveControl } from './control-socket';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'ram', value: 'SIZE', help: 'guest RAM at 0x40000000, up to 4G (default 128M, as QEMU virt)' },
  { name: 'cpus', value: 'N', help: 'vCPUs; secondaries start with PSCI CPU_ON (default 1, at most 8)' },
  { name: 'max-seconds', value: 'S', help: 'stop the guest after S seconds of wall time (exit code 4)' },
  { name: 'trace', value: 'FILE', help: 'write the trap log as Chrome trace-event JSON (opens in Perfetto)' },
  { name: 'log-traps', help: 'print every trap on stderr as it happens' },
  { name: 'resume', value: 'FILE', help: 'continue a persona from a snapshot written by `persona snapshot` (instead of an image)' },
  { name: 'deterministic', help: 'virtual time from executed instructions: the same run gives the same output and trap log (hash printed)' },
  { name: 'bootargs', value: 'TEXT', help: 'kernel command line in the DTB\'s /chosen' },
  { name: 'append', value: 'TEXT', help: 'the same as --bootargs (QEMU\'s name for it)' },
  { name: 'initrd', value: 'FILE', help: 'initial RAM disk for a Linux Image, placed as QEMU places it (linux,initrd-start/end in /chosen)' },
  { name: 'format', value: 'elf|image|raw', help: 'image format (default: detected)' },
  { name: 'load-address', value: 'ADDR', help: 'where a raw binary loads (default: RAM base)' },
  { name: 'bios', value: 'FILE', help: 'boot firmware as QEMU\'s -bios does: FILE at flash address 0 (e.g. U-Boot\'s u-boot.bin), the DTB at the RAM base; an image given too is a kernel for the firmware, in fw_cfg with --initrd and --append' },
  { name: 'help', help: 'show this help' },
];

const USAGE = 'usage: persona run <elf|Image|bin|device.json> | --bios <firmware.bin> [Image] [--ram 128M] [--cpus N] [--bootargs TEXT] [--initrd FILE] [--max-seconds S] [--trace traps.json] [--log-traps]';
/** Options that shape a persona at boot: a snapshot or a manifest fixes them instead. */
const BOOT_OPTIONS = ['ram', 'cpus', 'bootargs', 'append', 'initrd', 'format', 'load-address'];
/** One host buffer backs guest RAM, and a typed array holds at most 4 GiB. */
const MAX_RAM = 4n << 30n;

export async function runCommand(argv: string[]): Promise<number> {
  const { positional, options } = parseArgs(argv, OPTIONS, 'run');
  if (options.has('help')) {
    process.stdout.write(helpText(USAGE, OPTIONS));
    return EXIT.ok;
  }
  const opt = (n: string): string | undefined => {
    const v = options.get(n);
    return typeof v === 'string' ? v : undefined;
  };
  const resumeFrom = opt('resume');
  const bios = opt('bios');
  if (resumeFrom && (positional.length > 0 || bios)) throw new UsageError('persona run: --resume FILE replaces the guest image: give one or the other', USAGE);
  if (bios && positional.length > 1) throw new UsageError('persona run: with --bios FILE, give at most one kernel (the firmware loads it through fw_cfg)', USAGE);
  if (bios) {
    for (const o of ['format', 'load-address']) if (options.has(o)) throw new UsageError(`persona run: --${o} does not apply to --bios (firmware loads at flash address 0)`);
  }
  if (!resumeFrom && !bios && positional.length !== 1) throw new UsageError(positional.length === 0 ? 'persona run: no guest image given' : 'persona run: give exactly one guest image', USAGE);
  const snapshot = resumeFrom ? readPersonaSnapshot(resumeFrom) : undefined;
  const path = snapshot ? snapshot.identity.image : bios ?? positional[0]!;
  // With firmware, a kernel, its initrd and command line go to fw_cfg for the firmware to load (QEMU: -bios with -kernel).
  const firmwareKernelPath = bios ? positional[0] : undefined;
  if (snapshot) {
    for (const o of BOOT_OPTIONS) {
      if (options.has(o)) throw new UsageError(`persona run: --${o} cannot change a resumed persona (the snapshot fixes it)`);
    }
  }
  const ram = snapshot ? snapshot.identity.ramBytes : opt('ram') ? parseSize(opt('ram')!, '--ram') : DEFAULT_RAM_BYTES;
  if (ram < 1n << 20n || ram > MAX_RAM || ram % 4096n !== 0n) throw new UsageError(`--ram: ${opt('ram')} must be a multiple of 4K from 1M to 4G`);
  const cpus = snapshot ? snapshot.identity.cpus : opt('cpus') ? parseNumber(opt('cpus')!, '--cpus', 1, 8) : 1;
  if (!Number.isInteger(cpus)) throw new UsageError(`--cpus: ${opt('cpus')} must be a whole number`);
  const maxSeconds = opt('max-seconds') ? parseNumber(opt('max-seconds')!, '--max-seconds', 0.001, 1e7) : undefined;
  const format = opt('format') as ImageFormatOption | undefined;
  if (format && !['elf', 'image', 'raw'].includes(format)) throw new UsageError(`--format: "${format}" must be elf, image or raw`);
  const rawAddress = opt('load-address') ? parseAddress(opt('load-address')!, '--load-address') : undefined;
  if (options.has('bootargs') && options.has('append')) throw new UsageError('persona run: give the command line once, with --bootargs or --append');
  const cmdline = opt('bootargs') ?? opt('append');
  const initrdPath = opt('initrd');
  const tracePath = opt('trace');
  const logTraps = options.has('log-traps');
  const deterministic = snapshot ? snapshot.identity.deterministic : options.has('deterministic');

  if (!snapshot && statSync(path).isDirectory()) throw new UsageError(`persona run: ${path} is a directory, not a guest image`);
  if (!snapshot && !bios && path.endsWith('.json')) {
    for (const o of BOOT_OPTIONS) {
      if (options.has(o)) throw new UsageError(`persona run: --${o} does not apply to a device manifest: set it per persona in ${path}`);
    }
    return runDevice(loadManifest(path), { maxSeconds, tracePath, logTraps, deterministic });
  }
  const layout = {
    regions: [
      { name: 'flash', base: VIRT.flash.base, size: VIRT.flash.size },
      { name: 'ram', base: VIRT.ram.base, size: ram },
    ],
  };
  const image = snapshot ? emptyImage(path) : bios
    ? loadFirmware(path, readFileSync(path), layout, FLASH_BANK_BYTES)
    : loadGuestImage(path, readFileSync(path), layout, { format, rawAddress });
  if (image.arch !== 'aarch64') {
    throw new UsageError(`persona run: ${path} is a 32-bit ARM (${image.format}) image; personas run AArch64 guests only for now`,
      'build the guest for aarch64 (aarch64-linux-gnu-gcc)');
  }
  if (image.format === 'raw' && !format && !snapshot && !bios) {
    process.stderr.write(`persona: ${path} is neither ELF nor a Linux Image: loading it as a raw binary at 0x${image.entry.toString(16)} (--format chooses)\n`);
  }

  let firmwareKernel: { image: Uint8Array; initrd?: Uint8Array; cmdline?: string } | undefined;
  if (firmwareKernelPath) {
    const k = readFileSync(firmwareKernelPath);
    firmwareKernel = {
      image: isGzip(k) ? gunzipImage(firmwareKernelPath, k, ram) : k,
      initrd: initrdPath ? readFileSync(initrdPath) : undefined,
      cmdline,
    };
  } else if (bios && (initrdPath || cmdline !== undefined)) {
    throw new UsageError('persona run: --initrd and --append go with a kernel: with --bios, give the kernel too (persona run --bios FW KERNEL ...)');
  }
  // The name drops an extension (hello.elf -> hello), not a version (vmlinuz-6.1.0-56-arm64 stays whole).
  const persona = new Persona({
    id: 0, name: snapshot?.identity.name ?? (basename(path).replace(/\.[A-Za-z][A-Za-z0-9]*$/, '') || 'guest'), ramBytes: ram, cpus, image,
    bootargs: snapshot ? snapshot.identity.bootargs : firmwareKernel ? undefined : cmdline,
    initrd: initrdPath && !firmwareKernel ? { path: initrdPath, bytes: readFileSync(initrdPath) } : undefined,
    firmwareKernel,
    trapLogCapacity: tracePath ? 1 << 20 : undefined,
    deterministic,
    onConsole: (b) => { process.stdout.write(b); },
  });
  if (snapshot && resumeFrom) {
    restorePersona(persona, snapshot, resumeFrom);
    process.stderr.write(`persona: resumed ${persona.name} from ${resumeFrom} (taken ${snapshot.header.takenAt})\n`);
  }
  const bootargs = snapshot ? snapshot.identity.bootargs : cmdline;
  const control = serveControl(async (req) => {
    if (req.persona !== undefined && req.persona !== persona.name) return { ok: false, error: `this run has one persona, "${persona.name}"` };
    const bytes = await persona.atSafePoint(() => savePersona(persona, req.file, { image: path, bootargs, deterministic }));
    return { ok: true, bytes, persona: persona.name };
  });
  const names: TrapNames = {
    persona: () => persona.name,
    device: (i) => persona.deviceName(i),
    register: (d, off) => persona.deviceRegisterName(d, off),
    hypercall: (id) => hypercallName(id),
  };
  let printed = 0;
  const printTraps = (): void => {
    for (const r of persona.trapLog.since(printed)) process.stderr.write(`${formatTrap(r, names)}\n`);
    printed = persona.trapLog.total;
  };
  const onSignal = (): void => persona.stop({ kind: 'stopped', reason: 'interrupted (SIGINT)' });
  process.once('SIGINT', onSignal);
  process.stdin.on('data', (d: Buffer) => persona.consoleInput(d));
  // The reader of the console went away (`persona run ... | head`): stop the guest, no stack trace.
  process.stdout.on('error', () => persona.stop({ kind: 'stopped', reason: 'the console output was closed (stdout)' }));
  process.stdin.on('error', () => undefined);
  let exit: PersonaExit;
  try {
    exit = deterministic
      ? await persona.runDeterministic({ maxSeconds })
      : await persona.run({ maxSeconds, onYield: logTraps ? printTraps : undefined });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.stdin.pause();
    process.stdin.unref?.();
  }
  control.close();
  if (logTraps) printTraps();
  if (tracePath) {
    const { events } = await writeChromeTrace(tracePath, persona.trapLog.recent(), names);
    process.stderr.write(`persona: wrote ${events} trace events to ${tracePath}\n`);
  }
  process.stderr.write(`${trapSummaryTable(persona.trapLog.counts(), persona.name, { records: persona.trapLog.recent(), names })}\n`);
  if (deterministic) process.stderr.write(`trap log hash: ${trapLogHash([persona.trapLog])}\n`);
  persona.close();
  return reportExit(exit);
}

function reportExit(exit: PersonaExit): number {
  switch (exit.kind) {
    case 'halted':
      if (exit.code !== 0) process.stderr.write(`persona: ${exit.reason}\n`);
      return exit.code & 0xff;
    case 'timeout':
      process.stderr.write(`persona: ${exit.reason}\n`);
      return EXIT.timeout;
    default:
      process.stderr.write(`persona: guest stopped: ${exit.reason}\n`);
      return EXIT.guestFault;
  }
}
