// The hypercall table: SMCCC function id -> handler, with the words that document it. One place
// owns every id the hypervisor answers (SMCCC, PSCI, the Persona ABI); anything else gets
// NOT_SUPPORTED, as SMCCC requires. The guests' C header and docs/hypercalls.md are generated from
// this table.
import { RESUME, type TrapOutcome } from '../trap';
import { CONSOLE_WRITE_MAX, packName, PERSONA_ABI_VERSION, PERSONA_HVC, PERSONA_RET, type PersonaServices } from './persona-abi';
import { AFFINITY, MIGRATE_INFO_TYPE_NONE, PSCI, PSCI_RET, PSCI_VERSION_1_1 } from './psci';
import { SMCCC, SMCCC_RET, SMCCC_VERSION_1_1 } from './smccc';

/** What hypercall handlers may do to the persona. */
export interface HypercallPlatform {
  /** Number of vCPUs of this persona; MPIDR of vCPU i is i (Aff0). */
  readonly cpuCount: number;
  cpuState(index: number): 'on' | 'off' | 'pending';
  /** Powers a vCPU on at `entry` (EL1h, MMU off) with x0 = context. */
  cpuOn(index: number, entry: bigint, context: bigint): void;
  /** Powers the calling vCPU off. */
  cpuOff(caller: number): void;
  /** The calling vCPU waits for an interrupt (a standby power state). */
  cpuSuspend(caller: number): void;
  /** True when `entry` is an address the vCPU can execute (inside guest RAM or flash). */
  isExecutable(entry: bigint): boolean;
  /** Persona's own services (channels, console, time). */
  readonly services: PersonaServices;
}

export interface HypercallCall {
  id: number;
  /** x1..x3 */
  args: readonly [bigint, bigint, bigint];
  caller: number;
  platform: HypercallPlatform;
}

export interface HypercallResult {
  x0: bigint;
  /** Further results; where absent, x1..x3 keep the caller's values. */
  x1?: bigint;
  x2?: bigint;
  x3?: bigint;
  outcome?: TrapOutcome;
}

type Handler = (c: HypercallCall) => HypercallResult;

export type HypercallFamily = 'SMCCC' | 'PSCI' | 'Persona';

export interface HypercallEntry {
  id: number;
  /** Name in the trap log and in C (`PSCI_VERSION`, `PERSONA_WHOAMI`). */
  name: string;
  family: HypercallFamily;
  summary: string;
  /** x1..x3 as the caller passes them (absent: unused). */
  args: string[];
  /** What comes back in x0..x3. */
  returns: string;
  handler: Handler;
}

const ok = (x0: bigint): HypercallResult => ({ x0 });

/** MPIDR affinity fields -> vCPU index; personas use Aff0 only. */
function cpuIndex(mpidr: bigint, count: number): number | undefined {
  const m = mpidr & 0xff_00ff_ffffn;
  return m < BigInt(count) ? Number(m) : undefined;
}

function cpuOn(c: HypercallCall): HypercallResult {
  const [target, entry, context] = c.args;
  const index = cpuIndex(target, c.platform.cpuCount);
  if (index === undefined) return ok(PSCI_RET.INVALID_PARAMETERS);
  const state = c.platform.cpuState(index);
  if (state === 'on') return ok(PSCI_RET.ALREADY_ON);
  if (state === 'pending') return ok(PSCI_RET.ON_PENDING);
  if (!c.platform.isExecutable(entry)) return ok(PSCI_RET.INVALID_ADDRESS);
  c.platform.cpuOn(index, entry, context);
  return ok(PSCI_RET.SUCCESS);
}

function affinityInfo(c: HypercallCall): HypercallResult {
  const [target, level] = c.args;
  if (level !== 0n) return ok(PSCI_RET.INVALID_PARAMETERS);
  const index = cpuIndex(target, c.platform.cpuCount);
  if (index === undefined) return ok(PSCI_RET.INVALID_PARAMETERS);
  const s = c.platform.cpuState(index);
  return ok(s === 'on' ? AFFINITY.ON : s === 'pending' ? AFFINITY.ON_PENDING : AFFINITY.OFF);
}

const low32 = (c: HypercallCall): HypercallCall => ({ ...c, args: [c.args[0] & 0xffff_ffffn, c.args[1] & 0xffff_ffffn, c.args[2] & 0xffff_ffffn] });
const halt = (code: number, reason: string): HypercallResult => ({ x0: 0n, outcome: { kind: 'halt', code, reason } });
const suspend = (c: HypercallCall): HypercallResult => { c.platform.cpuSuspend(c.caller); return ok(PSCI_RET.SUCCESS); };

function channelInfo(c: HypercallCall): HypercallResult {
  const ch = c.args[0] < 256n ? c.platform.services.channel(Number(c.args[0])) : undefined;
  if (!ch) return ok(PERSONA_RET.INVALID_PARAMETERS);
  return { x0: PERSONA_RET.SUCCESS, x1: ch.base, x2: ch.size, x3: BigInt(ch.intid) | (BigInt(ch.id) << 16n) | (BigInt(ch.peer) << 32n) };
}

function channelNotify(c: HypercallCall): HypercallResult {
  const s = c.platform.services;
  const ch = c.args[0] < 256n ? s.channel(Number(c.args[0])) : undefined;
  if (!ch) return ok(PERSONA_RET.INVALID_PARAMETERS);
  return ok(s.notify(ch, Number(c.args[1] & 0xffff_ffffn)) ? PERSONA_RET.SUCCESS : PERSONA_RET.DENIED);
}

function consoleWrite(c: HypercallCall): HypercallResult {
  const [va, len] = c.args;
  if (len > BigInt(CONSOLE_WRITE_MAX)) return ok(PERSONA_RET.INVALID_PARAMETERS);
  if (len === 0n) return ok(PERSONA_RET.SUCCESS);
  const bytes = c.platform.services.readGuest(va, Number(len));
  if (!bytes) return ok(PERSONA_RET.INVALID_PARAMETERS);
  c.platform.services.console(bytes);
  return ok(PERSONA_RET.SUCCESS);
}

function whoami(c: HypercallCall): HypercallResult {
  const s = c.platform.services;
  const [lo, hi] = packName(s.personaName);
  return { x0: PERSONA_RET.SUCCESS, x1: BigInt(s.personaId), x2: lo, x3: hi };
}

/**
 * The ids PSCI_FEATURES reports, as QEMU 7.2's TCG PSCI does (target/arm/psci.c): a Linux kernel's
 * boot probes (SMCCC_VERSION, CPU_SUSPEND64, SYSTEM_SUSPEND64, SYSTEM_RESET2) then see what they see
 * on QEMU. Calls outside this set may still be answered when made (SMCCC_VERSION, SYSTEM_RESET2).
 */
const QEMU_PSCI_FEATURES: ReadonlySet<number> = new Set([
  PSCI.VERSION, PSCI.FEATURES, PSCI.CPU_SUSPEND, PSCI.CPU_SUSPEND64, PSCI.CPU_OFF, PSCI.CPU_ON, PSCI.CPU_ON64,
  PSCI.AFFINITY_INFO, PSCI.AFFINITY_INFO64, PSCI.MIGRATE_INFO_TYPE, PSCI.SYSTEM_OFF, PSCI.SYSTEM_RESET,
]);

/** Whether PSCI_FEATURES reports `id` (QEMU 7.2's set). */
export function psciFeatureAdvertised(id: number): boolean {
  return QEMU_PSCI_FEATURES.has(id >>> 0);
}

const PSCI_RESET = 'the guest requested a reset (PSCI SYSTEM_RESET); Persona stops here';
const PSCI_RESET2 = 'the guest requested a reset (PSCI SYSTEM_RESET2); Persona stops here';

const ENTRIES: HypercallEntry[] = [
  { id: SMCCC.VERSION, name: 'SMCCC_VERSION', family: 'SMCCC', summary: 'SMC Calling Convention version', args: [], returns: 'x0 = 0x10001 (SMCCC 1.1)', handler: () => ok(SMCCC_VERSION_1_1) },
  {
    id: SMCCC.ARCH_FEATURES, name: 'SMCCC_ARCH_FEATURES', family: 'SMCCC', summary: 'whether an Arm-architecture call is implemented',
    args: ['function id'], returns: 'x0 = 0 when implemented, else NOT_SUPPORTED (no workaround calls are)',
    // Only Arm-architecture calls (owner 0) are its features.
    handler: (c) => { const id = Number(c.args[0] & 0xffff_ffffn); return ok((id >>> 24) === 0x80 && byId.has(id) ? SMCCC_RET.SUCCESS : SMCCC_RET.NOT_SUPPORTED); },
  },
  { id: PSCI.VERSION, name: 'PSCI_VERSION', family: 'PSCI', summary: 'PSCI version', args: [], returns: 'x0 = 0x10001 (PSCI 1.1)', handler: () => ok(PSCI_VERSION_1_1) },
  {
    id: PSCI.FEATURES, name: 'PSCI_FEATURES', family: 'PSCI', summary: 'whether a PSCI call is implemented, answered as QEMU 7.2 answers it',
    args: ['function id'],
    returns: 'x0 = 0 for the PSCI calls QEMU 7.2 implements (VERSION, FEATURES, CPU_SUSPEND, CPU_OFF, CPU_ON, AFFINITY_INFO, MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET; CPU_SUSPEND: original power-state format), else NOT_SUPPORTED — so SMCCC_VERSION and SYSTEM_RESET2 are not advertised and Linux sees SMCCC 1.0, as on QEMU',
    handler: (c) => ok(QEMU_PSCI_FEATURES.has(Number(c.args[0] & 0xffff_ffffn)) ? PSCI_RET.SUCCESS : PSCI_RET.NOT_SUPPORTED),
  },
  { id: PSCI.CPU_SUSPEND, name: 'PSCI_CPU_SUSPEND', family: 'PSCI', summary: 'standby until an interrupt (every power state is a standby)', args: ['power state', 'entry point', 'context id'], returns: 'x0 = SUCCESS after the wake-up', handler: suspend },
  { id: PSCI.CPU_SUSPEND64, name: 'PSCI_CPU_SUSPEND64', family: 'PSCI', summary: 'CPU_SUSPEND, 64-bit convention', args: ['power state', 'entry point', 'context id'], returns: 'x0 = SUCCESS after the wake-up', handler: suspend },
  { id: PSCI.CPU_OFF, name: 'PSCI_CPU_OFF', family: 'PSCI', summary: 'power the calling vCPU off', args: [], returns: 'does not return', handler: (c) => { c.platform.cpuOff(c.caller); return ok(PSCI_RET.SUCCESS); } },
  { id: PSCI.CPU_ON, name: 'PSCI_CPU_ON', family: 'PSCI', summary: 'start a vCPU at EL1h, MMU off, x0 = context id', args: ['target MPIDR', 'entry point', 'context id'], returns: 'x0 = SUCCESS, ALREADY_ON, ON_PENDING, INVALID_PARAMETERS or INVALID_ADDRESS', handler: (c) => cpuOn(low32(c)) },
  { id: PSCI.CPU_ON64, name: 'PSCI_CPU_ON64', family: 'PSCI', summary: 'CPU_ON, 64-bit convention', args: ['target MPIDR', 'entry point', 'context id'], returns: 'as PSCI_CPU_ON', handler: cpuOn },
  { id: PSCI.AFFINITY_INFO, name: 'PSCI_AFFINITY_INFO', family: 'PSCI', summary: 'power state of a vCPU', args: ['target MPIDR', 'lowest affinity level (0)'], returns: 'x0 = 0 on, 1 off, 2 on pending, or INVALID_PARAMETERS', handler: (c) => affinityInfo(low32(c)) },
  { id: PSCI.AFFINITY_INFO64, name: 'PSCI_AFFINITY_INFO64', family: 'PSCI', summary: 'AFFINITY_INFO, 64-bit convention', args: ['target MPIDR', 'lowest affinity level (0)'], returns: 'as PSCI_AFFINITY_INFO', handler: affinityInfo },
  { id: PSCI.MIGRATE_INFO_TYPE, name: 'PSCI_MIGRATE_INFO_TYPE', family: 'PSCI', summary: 'trusted-OS migration capability', args: [], returns: 'x0 = 2 (no trusted OS, as QEMU)', handler: () => ok(MIGRATE_INFO_TYPE_NONE) },
  { id: PSCI.SYSTEM_OFF, name: 'PSCI_SYSTEM_OFF', family: 'PSCI', summary: 'power the persona off (its run ends with exit code 0)', args: [], returns: 'does not return', handler: () => halt(0, 'the guest powered off (PSCI SYSTEM_OFF)') },
  { id: PSCI.SYSTEM_RESET, name: 'PSCI_SYSTEM_RESET', family: 'PSCI', summary: 'reset request: Persona stops the persona', args: [], returns: 'does not return', handler: () => halt(0, PSCI_RESET) },
  { id: PSCI.SYSTEM_RESET2, name: 'PSCI_SYSTEM_RESET2', family: 'PSCI', summary: 'reset request with a type: Persona stops the persona', args: ['reset type', 'cookie'], returns: 'does not return', handler: () => halt(0, PSCI_RESET2) },
  { id: PSCI.SYSTEM_RESET2_64, name: 'PSCI_SYSTEM_RESET2_64', family: 'PSCI', summary: 'SYSTEM_RESET2, 64-bit convention', args: ['reset type', 'cookie'], returns: 'does not return', handler: () => halt(0, PSCI_RESET2) },
  { id: PERSONA_HVC.ABI_VERSION, name: 'PERSONA_ABI_VERSION', family: 'Persona', summary: 'version of the Persona hypercall ABI', args: [], returns: 'x0 = 0x10000 (1.0)', handler: () => ok(PERSONA_ABI_VERSION) },
  { id: PERSONA_HVC.WHOAMI, name: 'PERSONA_WHOAMI', family: 'Persona', summary: 'which persona is calling', args: [], returns: 'x0 = SUCCESS, x1 = persona id, x2..x3 = the first 16 bytes of its name (little-endian, NUL-padded)', handler: whoami },
  {
    id: PERSONA_HVC.CHANNEL_INFO, name: 'PERSONA_CHANNEL_INFO', family: 'Persona', summary: 'where this persona\'s n-th granted channel is',
    args: ['channel index (0, 1, ... among this persona\'s channels)'],
    returns: 'x0 = SUCCESS or INVALID_PARAMETERS, x1 = guest-physical base of the shared segment, x2 = its size, x3 = doorbell INTID | channel id << 16 | peer persona id << 32',
    handler: channelInfo,
  },
  {
    id: PERSONA_HVC.CHANNEL_NOTIFY, name: 'PERSONA_CHANNEL_NOTIFY', family: 'Persona', summary: 'ring the peer\'s doorbell: its doorbell interrupt goes pending',
    args: ['channel index', '32-bit payload (why: send, receive, ready ...)'], returns: 'x0 = SUCCESS, INVALID_PARAMETERS, or DENIED when the peer is not running',
    handler: channelNotify,
  },
  {
    id: PERSONA_HVC.CONSOLE_WRITE, name: 'PERSONA_CONSOLE_WRITE', family: 'Persona', summary: 'write bytes to this persona\'s console',
    args: ['guest virtual address', `length (at most ${CONSOLE_WRITE_MAX})`], returns: 'x0 = SUCCESS, or INVALID_PARAMETERS for a bad buffer or length', handler: consoleWrite,
  },
  { id: PERSONA_HVC.YIELD, name: 'PERSONA_YIELD', family: 'Persona', summary: 'give up the rest of this vCPU\'s time slice', args: [], returns: 'x0 = SUCCESS', handler: (c) => { c.platform.services.yieldCpu(c.caller); return ok(PERSONA_RET.SUCCESS); } },
  { id: PERSONA_HVC.VTIME, name: 'PERSONA_VTIME', family: 'Persona', summary: 'this persona\'s virtual time', args: [], returns: 'x0 = SUCCESS, x1 = virtual time in counter ticks (62.5 MHz)', handler: (c) => ({ x0: PERSONA_RET.SUCCESS, x1: c.platform.services.virtualTime() }) },
];

const byId = new Map<number, HypercallEntry>(ENTRIES.map((e) => [e.id >>> 0, e]));

/** Looks up a function id (w0). */
export function hypercall(id: number): HypercallEntry | undefined {
  return byId.get(id >>> 0);
}

export function hypercallName(id: number): string {
  return byId.get(id >>> 0)?.name ?? `0x${(id >>> 0).toString(16)}`;
}

export const UNKNOWN_HYPERCALL: HypercallResult = { x0: SMCCC_RET.NOT_SUPPORTED, outcome: RESUME };

/** All ids the table answers, for docs and tests. */
export function hypercallIds(): number[] {
  return [...byId.keys()];
}

/** The whole table, in order, for the generated header and docs. */
export function hypercallEntries(): readonly HypercallEntry[] {
  return ENTRIES;
}
