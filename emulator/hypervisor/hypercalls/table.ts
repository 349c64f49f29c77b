// The hypercall table: SMCCC function id -> handler. One place owns every id the hypervisor answers;
// anything else gets NOT_SUPPORTED, as SMCCC requires. Handlers get the call's arguments and the
// platform operations they may use, and return x0 (plus an optional outcome for SYSTEM_OFF etc.).
import { RESUME, type TrapOutcome } from '../trap';
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
  outcome?: TrapOutcome;
}

type Handler = (c: HypercallCall) => HypercallResult;

export interface HypercallEntry {
  name: string;
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

const halt = (code: number, reason: string): HypercallResult => ({ x0: 0n, outcome: { kind: 'halt', code, reason } });

const entries: [number, string, Handler][] = [
  [SMCCC.VERSION, 'SMCCC_VERSION', () => ok(SMCCC_VERSION_1_1)],
  // Only Arm-architecture calls (owner 0) are its features: no workaround ids are implemented.
  [SMCCC.ARCH_FEATURES, 'SMCCC_ARCH_FEATURES', (c) => {
    const id = Number(c.args[0] & 0xffff_ffffn);
    return ok((id >>> 24) === 0x80 && table.has(id) ? SMCCC_RET.SUCCESS : SMCCC_RET.NOT_SUPPORTED);
  }],
  [PSCI.VERSION, 'PSCI_VERSION', () => ok(PSCI_VERSION_1_1)],
  // Every function this table answers is a feature (SMCCC 1.1 discovery asks for SMCCC_VERSION here);
  // CPU_SUSPEND's answer 0 also means "original power-state format, no OS-initiated mode".
  [PSCI.FEATURES, 'PSCI_FEATURES', (c) => ok(table.has(Number(c.args[0] & 0xffff_ffffn)) ? PSCI_RET.SUCCESS : PSCI_RET.NOT_SUPPORTED)],
  // Every power state is a standby: the vCPU waits for an interrupt as in WFI, then returns SUCCESS.
  [PSCI.CPU_SUSPEND, 'PSCI_CPU_SUSPEND', (c) => { c.platform.cpuSuspend(c.caller); return ok(PSCI_RET.SUCCESS); }],
  [PSCI.CPU_SUSPEND64, 'PSCI_CPU_SUSPEND64', (c) => { c.platform.cpuSuspend(c.caller); return ok(PSCI_RET.SUCCESS); }],
  [PSCI.CPU_OFF, 'PSCI_CPU_OFF', (c) => { c.platform.cpuOff(c.caller); return ok(PSCI_RET.SUCCESS); }],
  [PSCI.CPU_ON, 'PSCI_CPU_ON', (c) => cpuOn({ ...c, args: [c.args[0] & 0xffff_ffffn, c.args[1] & 0xffff_ffffn, c.args[2] & 0xffff_ffffn] })],
  [PSCI.CPU_ON64, 'PSCI_CPU_ON64', cpuOn],
  [PSCI.AFFINITY_INFO, 'PSCI_AFFINITY_INFO', (c) => affinityInfo({ ...c, args: [c.args[0] & 0xffff_ffffn, c.args[1] & 0xffff_ffffn, 0n] })],
  [PSCI.AFFINITY_INFO64, 'PSCI_AFFINITY_INFO64', affinityInfo],
  [PSCI.MIGRATE_INFO_TYPE, 'PSCI_MIGRATE_INFO_TYPE', () => ok(MIGRATE_INFO_TYPE_NONE)],
  [PSCI.SYSTEM_OFF, 'PSCI_SYSTEM_OFF', () => halt(0, 'the guest powered off (PSCI SYSTEM_OFF)')],
  [PSCI.SYSTEM_RESET, 'PSCI_SYSTEM_RESET', () => halt(0, 'the guest requested a reset (PSCI SYSTEM_RESET); Persona stops here')],
  [PSCI.SYSTEM_RESET2, 'PSCI_SYSTEM_RESET2', () => halt(0, 'the guest requested a reset (PSCI SYSTEM_RESET2); Persona stops here')],
  [PSCI.SYSTEM_RESET2_64, 'PSCI_SYSTEM_RESET2_64', () => halt(0, 'the guest requested a reset (PSCI SYSTEM_RESET2); Persona stops here')],
];

const table = new Map<number, HypercallEntry>(entries.map(([id, name, handler]) => [id, { name, handler }]));

/** Looks up a function id (w0). */
export function hypercall(id: number): HypercallEntry | undefined {
  return table.get(id >>> 0);
}

export function hypercallName(id: number): string {
  return table.get(id >>> 0)?.name ?? `0x${(id >>> 0).toString(16)}`;
}

export const UNKNOWN_HYPERCALL: HypercallResult = { x0: SMCCC_RET.NOT_SUPPORTED, outcome: RESUME };

/** All ids the table answers, for docs and tests. */
export function hypercallIds(): number[] {
  return [...table.keys()];
}
