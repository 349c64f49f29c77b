// The trap table: one small handler per trap class (the KVM handle_exit.c pattern). Each handler
// fills the class-specific record words and returns an outcome; logging and stop-on-trap filters
// are applied once, by the dispatcher.
import type { Vcpu } from '../arch/aarch64/vcpu';
import { A64 } from '../engine/unicorn-constants';
import { RESUME, type Trap, type TrapOutcome } from './trap';
import { TrapClass } from './trap-class';
import { hypercall, UNKNOWN_HYPERCALL, type HypercallPlatform } from './hypercalls/table';
import { semihostingCall, type SemihostingHost } from './semihosting';
import { packAccess } from './trap-log';
import { EC } from '../arch/aarch64/vcpu';
import type { MmioDevice } from '../platform/mmio';
import { readWide, writeWide } from '../platform/virt-platform';

/** What handlers may use of the persona. */
export interface TrapContext {
  hypercalls: HypercallPlatform;
  /** Console output of semihosting calls. */
  writeConsole(bytes: Uint8Array): void;
  /** Semihosting console handles the guest opened. */
  semihostingHandles: Map<number, boolean>;
  /** The persona that owns a guest-physical address this persona may not touch, if any. */
  foreignOwner(ipa: bigint): number | undefined;
  /** The ROM device (flash bank) at a guest-physical address, with its device index for records. */
  romDevice(ipa: bigint): { index: number; base: bigint; device: MmioDevice } | undefined;
}

export type TrapHandler = (trap: Trap, vcpu: Vcpu, ctx: TrapContext) => TrapOutcome;

function onHypercall(t: Trap, vcpu: Vcpu, ctx: TrapContext): TrapOutcome {
  const a = vcpu.trapArgs();
  const id = Number(a[0]! & 0xffff_ffffn);
  t.a0 = BigInt(id); t.a1 = a[1]!; t.a2 = a[2]!; t.a3 = a[3]!;
  const entry = hypercall(id);
  const r = entry ? entry.handler({ id, args: [a[1]!, a[2]!, a[3]!], caller: vcpu.index, platform: ctx.hypercalls }) : UNKNOWN_HYPERCALL;
  t.result = BigInt.asUintN(64, r.x0);
  // SMCCC: results in x0..x3; x1..x3 are returned unchanged by calls that have one result.
  vcpu.writeResults(r.x0, r.x1 ?? a[1]!, r.x2 ?? a[2]!, r.x3 ?? a[3]!);
  return r.outcome ?? RESUME;
}

function onSemihosting(t: Trap, vcpu: Vcpu, ctx: TrapContext): TrapOutcome {
  const args = vcpu.trapArgs();
  const op = Number(args[0]! & 0xffff_ffffn);
  const param = args[1]!;
  t.a0 = BigInt(op); t.a1 = param;
  const host: SemihostingHost = {
    readMemory: (addr, len) => vcpu.guestBytes(addr, len),
    write: (b) => ctx.writeConsole(b),
    handles: ctx.semihostingHandles,
  };
  const r = semihostingCall(op, param, host);
  if ('exit' in r) return { kind: 'halt', code: r.exit, reason: r.reason };
  t.result = r.x0;
  vcpu.writeX(0, r.x0);
  vcpu.engine.writeReg(A64.PC, t.pc + 4n);
  return RESUME;
}

/** Guest exceptions the hypervisor does not handle itself go to the guest's own EL1 vectors. */
function reflect(t: Trap, vcpu: Vcpu): TrapOutcome {
  t.a0 = BigInt(t.esr); t.a1 = t.far;
  // SVC: PC is already past the instruction; the others return to the faulting instruction.
  t.a2 = vcpu.reflect({ esr: t.esr, returnAddress: t.pc });
  return RESUME;
}

function reflectAbort(t: Trap, vcpu: Vcpu, ctx: TrapContext): TrapOutcome {
  if (t.targetEl !== 1) return romDeviceAccess(t, vcpu, ctx) ?? reflectStage2Abort(t, vcpu, ctx);
  // A stage-1 fault is the guest's own: it goes back as is.
  t.a0 = BigInt(t.esr); t.a1 = t.far;
  t.a2 = vcpu.reflect({ esr: t.esr, far: t.far, returnAddress: t.pc });
  return RESUME;
}

/**
 * A stage-2 fault on a ROM device (flash: a write in read-array mode, any access in command mode)
 * is emulated like an MMIO access, from the syndrome (as KVM does), and recorded as one. Loads and
 * stores with writeback or pairs carry no syndrome: the guest is stopped with a clear reason.
 */
function romDeviceAccess(t: Trap, vcpu: Vcpu, ctx: TrapContext): TrapOutcome | undefined {
  if ((t.esr >>> 26) !== EC.DABT_LOWER) return undefined;
  const f = vcpu.stage2Fault(t);
  const rom = ctx.romDevice(f.ipa);
  if (!rom) return undefined;
  const offset = Number(f.ipa - rom.base);
  if (f.size === 0) {
    t.cls = TrapClass.Mmio; t.a0 = BigInt(rom.index); t.a1 = BigInt(offset); t.a2 = 0n; t.a3 = BigInt(packAccess(0, f.write));
    return { kind: 'stop', reason: `${rom.device.name}: a ${f.write ? 'store' : 'load'} at 0x${f.ipa.toString(16)} (pc 0x${t.pc.toString(16)}) without an instruction syndrome (writeback or pair): the hypervisor cannot emulate it` };
  }
  let value = f.value;
  if (f.write) writeWide(rom.device, offset, f.size, value);
  else {
    value = BigInt(readWide(rom.device, offset, f.size));
    vcpu.completeLoad(t, value);
  }
  vcpu.engine.writeReg(A64.PC, t.pc + 4n);
  t.cls = TrapClass.Mmio; t.a0 = BigInt(rom.index); t.a1 = BigInt(offset); t.a2 = value; t.a3 = BigInt(packAccess(f.size, f.write));
  return RESUME;
}

/**
 * A stage-2 fault means nothing of this persona's exists at that guest-physical address: the guest
 * sees a synchronous external abort (as on QEMU for unassigned addresses). When the address belongs
 * to another persona (its device or channel), it is also an isolation violation.
 */
function reflectStage2Abort(t: Trap, vcpu: Vcpu, ctx: TrapContext): TrapOutcome {
  const esr = vcpu.externalAbortSyndrome(t);
  const vector = vcpu.reflect({ esr, far: t.far, returnAddress: t.pc });
  const fault = vcpu.stage2Fault(t);
  const owner = ctx.foreignOwner(fault.ipa);
  if (owner === undefined) {
    t.a0 = BigInt(esr); t.a1 = t.far; t.a2 = vector;
    return RESUME;
  }
  t.cls = TrapClass.IsolationViolation;
  t.a0 = fault.ipa; t.a1 = BigInt(owner); t.a2 = fault.value; t.a3 = BigInt(packAccess(fault.size, fault.write));
  return RESUME;
}

function onUnknown(t: Trap): TrapOutcome {
  t.a0 = BigInt(t.esr);
  return { kind: 'stop', reason: `unhandled exception (syndrome 0x${t.esr.toString(16)}) at 0x${t.pc.toString(16)}` };
}

const resume: TrapHandler = () => RESUME;

export const TRAP_HANDLERS: Readonly<Record<TrapClass, TrapHandler>> = {
  [TrapClass.Hypercall]: onHypercall,
  [TrapClass.Semihosting]: onSemihosting,
  [TrapClass.Svc]: reflect,
  [TrapClass.Undefined]: reflect,
  [TrapClass.Breakpoint]: reflect,
  [TrapClass.InstructionAbort]: reflectAbort,
  [TrapClass.DataAbort]: reflectAbort,
  [TrapClass.Irq]: resume,
  [TrapClass.SysReg]: resume,
  [TrapClass.Mmio]: resume,
  [TrapClass.Wfi]: resume,
  [TrapClass.IsolationViolation]: resume,
  [TrapClass.Unknown]: onUnknown,
  [TrapClass.Channel]: resume,
};
