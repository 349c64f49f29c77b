// One AArch64 vCPU: a unicorn instance running the guest at EL1/EL0 under a virtual EL2 (this
// hypervisor). It turns unicorn's exception callbacks into classified traps for the hypervisor,
// reflects guest exceptions into the guest's own vectors, injects virtual IRQs through HCR_EL2.VI
// and emulates the generic timer registers.
import { CpRegSlot, RegisterBatch, UnicornEngine, type SysInsnAccess } from '../../engine/unicorn';
import {
  A64, UC_ARCH_ARM64, UC_ARM64_INS_MRS, UC_ARM64_INS_MSR, UC_ARM64_INS_SYS, UC_CPU_ARM64_A72, UC_MODE_ARM, UC_PROT_ALL, xReg, xRegIndex,
} from '../../engine/unicorn-constants';
import { TrapClass } from '../../hypervisor/trap-class';
import type { Trap } from '../../hypervisor/trap';
import { EXCP, ExceptionInfoReader, type ExceptionInfo } from './exception-info';
import { counterNow, GenericTimer, TIMER_REGISTERS } from './generic-timer';
import { translateStage1, type Stage1Regs } from './stage1-walk';
import { successors } from './successors';
import { esrSysReg } from './syndrome';
import { ExceptionReflector, PSTATE_EL1H_MASKED, type EntryState, type GuestException } from './reflect';
import { HCR, SCR_EL3_VALUE, sameSysReg, SYSREG } from './sysreg-encodings';
import { VTCR_VALUE } from './stage2';
import { Stage2Pages } from './stage2-pages';
import { VcpuWatchpoints, type WatchHit, type Watchpoint } from './watchpoints';

/** ESR exception classes the vCPU looks at (Arm ARM D17.2.37). */
export const EC = {
  UNKNOWN: 0x00,
  WFX: 0x01,
  SVC64: 0x15,
  HVC64: 0x16,
  SMC64: 0x17,
  SYSREG: 0x18,
  IABT_LOWER: 0x20,
  IABT_SAME: 0x21,
  DABT_LOWER: 0x24,
  DABT_SAME: 0x25,
  BRK64: 0x3c,
} as const;

const ESR_IL = 1 << 25;
const DFSC_SYNC_EXTERNAL = 0x10;
const ESR_WNR = 1 << 6;
/** An address no guest executes: unicorn's `until` (0 would stop a guest that runs at flash address 0). */
const RUN_UNTIL = 0xffff_ffff_ffff_fffcn;
const SEMIHOSTING_HLT = 0xd45e0000;
/** IC IVAU (by VA to PoU), IC IALLU and IC IALLUIS: SYS encodings. */
const IC_IVAU = { op0: 1, op1: 3, crn: 7, crm: 5, op2: 1 } as const;
const IC_INSTRUCTIONS = [IC_IVAU, { op0: 1, op1: 0, crn: 7, crm: 5, op2: 0 }, { op0: 1, op1: 0, crn: 7, crm: 1, op2: 0 }] as const;
/** Trap classes whose exception is reflected into the guest's vectors. */
const REFLECTED = new Set<TrapClass>([TrapClass.Svc, TrapClass.Undefined, TrapClass.Breakpoint, TrapClass.InstructionAbort, TrapClass.DataAbort, TrapClass.IsolationViolation]);
/** Deterministic mode's clock rate: 16 instructions per 62.5 MHz tick (1 G instructions a second). */
export const INSTRUCTIONS_PER_TICK = 16n;
/** CNTPCT_EL0 and CNTVCT_EL0. */
const COUNTER_REGISTERS = [SYSREG.CNTPCT_EL0, SYSREG.CNTVCT_EL0] as const;
const NO_EXCEPTION_INFO: ExceptionInfo = Object.freeze({ syndrome: 0, vaddress: 0n, targetEl: 2 });

export interface GuestMemoryRegion {
  base: bigint;
  bytes: Uint8Array;
}

export interface MmioWindow {
  base: bigint;
  size: bigint;
  /** Numbers for accesses of up to 4 bytes, bigints for 8-byte accesses. */
  read: (offset: number, size: number) => number | bigint;
  write: (offset: number, size: number, value: number | bigint) => void;
}

export interface VcpuConfig {
  index: number;
  /** RAM and flash, shared by every vCPU of the persona. */
  memory: GuestMemoryRegion[];
  mmio: MmioWindow[];
  /** This vCPU's stage-2 tables (host-only memory), where they are mapped, and how many pages are built (the rest are spares). */
  stage2: { base: bigint; bytes: Uint8Array; builtPages?: number };
  /** Translation cache size per vCPU. */
  tcgBufferBytes: number;
  /** Shared [attention, pause] words: while either is set, runs stop at the next block. */
  control?: Int32Array;
  /**
   * The guest invalidated instruction caches (IC IVAU: one line at `va`; IC IALLU(IS): all). Each
   * vCPU has its own translated code, so the persona must drop it on the other vCPUs.
   */
  onInstructionCacheInvalidate?: (vcpu: number, va: bigint | undefined) => void;
  /**
   * Deterministic mode: the guest's counter (CNTVCT/CNTPCT, timers, trap times) is virtual time
   * derived from the instructions this vCPU executed, not the host clock.
   */
  deterministic?: boolean;
  /** Drives a timer PPI of this vCPU. */
  setTimerLine: (intid: number, level: boolean, cpu: number) => void;
  /** Receives every classified trap; returns true to stop the vCPU's current run. */
  onTrap: (trap: Trap, vcpu: Vcpu) => boolean;
}

export type VcpuPower = 'off' | 'on' | 'pending';

export class Vcpu {
  readonly index: number;
  readonly engine: UnicornEngine;
  readonly deterministic: boolean;
  readonly timer: GenericTimer;
  readonly reflector: ExceptionReflector;
  private readonly info: ExceptionInfoReader;
  private readonly onTrap: VcpuConfig['onTrap'];
  private readonly trap: Trap;
  /**
   * Read with one FFI call per exception: PC, PSTATE, x0..x3 (hypercall and semihosting arguments),
   * SP, SP_EL1, VBAR_EL1 (for reflection) and SCTLR_EL1 (a CP_REG slot, last).
   */
  private readonly entryRegs = new RegisterBatch([A64.PC, A64.PSTATE, xReg(0), xReg(1), xReg(2), xReg(3)]);
  private readonly entryArgs = this.entryRegs.values.subarray(2, 6);
  /** Read only for exceptions the guest takes itself (not on the hypercall hot path). */
  private readonly reflectRegs = new RegisterBatch([A64.SP, A64.SP_EL1, A64.VBAR_EL1, A64.CP_REG]);
  private readonly entryState: EntryState = { pstate: 0n, sp: 0n, spEl1: 0n, vbar: 0n };
  private readonly sctlr = new CpRegSlot(SYSREG.SCTLR_EL1);
  private readonly results = new RegisterBatch([xReg(0), xReg(1), xReg(2), xReg(3)]);
  private readonly memory: GuestMemoryRegion[];
  private readonly stage2: VcpuConfig['stage2'];
  private watch: VcpuWatchpoints | undefined;
  /** The access a watchpoint stop was for. */
  watchHit: WatchHit | undefined;

  power: VcpuPower = 'off';
  /** Waiting in WFI for an interrupt. */
  idle = false;
  running = false;
  /** Address the next slice starts at. */
  pc = 0n;
  private readonly hcr = HCR.RW | HCR.VM | HCR.IMO | HCR.FMO | HCR.TWI;
  private virqPending = false;
  private idleSince: { pc: bigint; el: number; esr: number; at: bigint } | undefined;

  constructor(cfg: VcpuConfig) {
    this.index = cfg.index;
    this.onTrap = cfg.onTrap;
    this.memory = cfg.memory;
    this.stage2 = cfg.stage2;
    this.trap = { cls: TrapClass.Unknown, vcpu: cfg.index, el: 1, pc: 0n, esr: 0, far: 0n, targetEl: 1, a0: 0n, a1: 0n, a2: 0n, a3: 0n, result: 0n };
    this.reflectRegs.pointSlotAt(3, this.sctlr.buffer);
    const e = new UnicornEngine(UC_ARCH_ARM64, UC_MODE_ARM);
    this.engine = e;
    e.setCpuModel(UC_CPU_ARM64_A72);
    e.setTcgBufferSize(cfg.tcgBufferBytes);
    for (const m of cfg.memory) e.mapRam(m.base, m.bytes, UC_PROT_ALL);
    e.mapRam(cfg.stage2.base, cfg.stage2.bytes, UC_PROT_ALL);
    for (const w of cfg.mmio) e.mapMmio(w.base, w.size, w.read, w.write);
    e.installSliceGuard(cfg.control);
    this.info = new ExceptionInfoReader(e);
    this.reflector = new ExceptionReflector(e);
    this.deterministic = cfg.deterministic ?? false;
    this.timer = new GenericTimer(cfg.index, cfg.setTimerLine, () => this.counter());

    e.writeSysReg(SYSREG.SCR_EL3, SCR_EL3_VALUE);
    e.writeSysReg(SYSREG.VTCR_EL2, VTCR_VALUE);
    e.writeSysReg(SYSREG.VTTBR_EL2, cfg.stage2.base);
    e.writeSysReg(SYSREG.CNTHCTL_EL2, 3n); // EL1 reads the physical counter without trapping
    e.writeSysReg(SYSREG.CNTVOFF_EL2, 0n);
    e.writeSysReg(SYSREG.VMPIDR_EL2, 0x8000_0000n | BigInt(cfg.index)); // MPIDR_EL1 as the guest sees it
    this.applyHcr();
    this.resetToEntry(0n, 0n);

    e.onInterrupt((intno) => this.onException(intno));
    e.onBreakpoint((address) => this.onBreakpointHit(address));
    const icInvalidate = cfg.onInstructionCacheInvalidate;
    if (icInvalidate) {
      // Executed natively as well (return false): this only tells the other vCPUs.
      e.onSysRegs(UC_ARM64_INS_SYS, IC_INSTRUCTIONS, (a) => {
        icInvalidate(this.index, sameSysReg(a, IC_IVAU) ? a.value : undefined);
        return false;
      });
    }
    // In deterministic mode the counter registers trap too: the guest must read virtual time.
    e.onSysRegs(UC_ARM64_INS_MRS, this.deterministic ? [...TIMER_REGISTERS, ...COUNTER_REGISTERS] : TIMER_REGISTERS, (a) => this.onSysReg(a, false));
    e.onSysRegs(UC_ARM64_INS_MSR, TIMER_REGISTERS, (a) => this.onSysReg(a, true));
  }

  // ---- power and state -----------------------------------------------------------------------

  /** EL1h, interrupts masked, MMU off, at `entry` with x0 = `x0`: the boot state (and PSCI CPU_ON). */
  resetToEntry(entry: bigint, x0: bigint, x1 = 0n, x2 = 0n, x3 = 0n): void {
    const e = this.engine;
    for (let i = 0; i < 31; i++) e.writeReg(xReg(i), 0n);
    e.writeReg(xReg(0), x0);
    e.writeReg(xReg(1), x1);
    e.writeReg(xReg(2), x2);
    e.writeReg(xReg(3), x3);
    e.writeSysReg(SYSREG.SCTLR_EL1, 0x30d0_0800n); // QEMU's reset value for AArch64: MMU and caches off
    e.writeReg(A64.PSTATE, PSTATE_EL1H_MASKED);
    e.writeSysReg(SYSREG.SPSR_EL1, 0n); // CP_REG write: rebuild hflags for the new PSTATE
    e.writeReg(A64.PC, entry);
    this.pc = entry;
    this.idle = false;
  }

  readX(n: number): bigint {
    return this.engine.readReg(xReg(n));
  }

  writeX(n: number, value: bigint): void {
    this.engine.writeReg(xReg(n), value);
  }

  /** x0..x3 as they were when the current trap was taken (valid inside a trap handler). */
  trapArgs(): BigUint64Array {
    return this.entryArgs;
  }

  /** Writes x0..x3 with one FFI call. */
  writeResults(x0: bigint, x1: bigint, x2: bigint, x3: bigint): void {
    const v = this.results.values;
    v[0] = BigInt.asUintN(64, x0); v[1] = BigInt.asUintN(64, x1); v[2] = BigInt.asUintN(64, x2); v[3] = BigInt.asUintN(64, x3);
    this.engine.writeRegs(this.results);
  }

  /** Host view of guest-physical memory, when `address..+length` lies in RAM or flash. */
  physicalBytes(address: bigint, length: number): Uint8Array | undefined {
    for (const m of this.memory) {
      if (address >= m.base && address + BigInt(length) <= m.base + BigInt(m.bytes.byteLength)) {
        const off = Number(address - m.base);
        return m.bytes.subarray(off, off + length);
      }
    }
    return undefined;
  }

  /**
   * Guest memory at a guest *virtual* address as the guest sees it now (through its stage-1 tables
   * when its MMU is on), or undefined if any byte is unmapped. A copy when it crosses pages.
   */
  guestBytes(va: bigint, length: number): Uint8Array | undefined {
    const regs = this.stage1Regs();
    if ((regs.sctlr & 1n) === 0n) return this.physicalBytes(va, length);
    const out = new Uint8Array(length);
    for (let done = 0; done < length;) {
      const a = va + BigInt(done);
      const n = Math.min(length - done, 0x1000 - Number(a & 0xfffn));
      const pa = translateStage1(a, regs, (p) => this.physicalU64(p));
      const bytes = pa === undefined ? undefined : this.physicalBytes(pa, n);
      if (!bytes) return undefined;
      out.set(bytes, done);
      done += n;
    }
    return out;
  }

  /** The guest-physical address of `va` in the guest's current EL1&0 translation regime, or undefined. */
  translate(va: bigint): bigint | undefined {
    return translateStage1(va, this.stage1Regs(), (p) => this.physicalU64(p));
  }

  private stage1Regs(): Stage1Regs {
    const sctlr = this.engine.readSysReg(SYSREG.SCTLR_EL1);
    if ((sctlr & 1n) === 0n) return { sctlr, tcr: 0n, ttbr0: 0n, ttbr1: 0n };
    return { sctlr, tcr: this.engine.readSysReg(SYSREG.TCR_EL1), ttbr0: this.engine.readReg(A64.TTBR0_EL1), ttbr1: this.engine.readReg(A64.TTBR1_EL1) };
  }

  private physicalU64(pa: bigint): bigint | undefined {
    const b = this.physicalBytes(pa, 8);
    return b && new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  }

  /** Reflects the current trap's exception into the guest's EL1 vectors; returns the vector address. */
  reflect(ex: GuestException): bigint {
    return this.reflector.reflectSync(ex, this.entryState);
  }

  /**
   * The guest's counter now: the host's monotonic clock at 62.5 MHz, or in deterministic mode
   * virtual time, one tick per INSTRUCTIONS_PER_TICK executed instructions.
   */
  counter(): bigint {
    return this.deterministic ? this.engine.instructions / INSTRUCTIONS_PER_TICK : counterNow();
  }

  /** PSCI CPU_SUSPEND: idle until an interrupt is pending, like WFI. */
  suspend(): void {
    if (this.virqPending) return;
    this.idle = true;
    this.requestStop();
  }

  /**
   * Called when an idle vCPU is about to run again: records its WFI trap with the time it idled
   * (known only now). Returns true if a stop-on-trap filter wants the vCPU stopped.
   */
  recordWakeUp(): boolean {
    const w = this.idleSince;
    if (!w) return false;
    this.idleSince = undefined;
    return this.emit(TrapClass.Wfi, w.pc, w.el, { syndrome: w.esr, vaddress: 0n, targetEl: 2 }, BigInt(w.esr), 0n, this.counter() - w.at);
  }

  private readonly pcBatch = new RegisterBatch([A64.PC, A64.PSTATE]);
  private readonly where = { pc: 0n, el: 0 };

  /**
   * PC and exception level now, with one FFI call. Inside an MMIO callback unicorn has not synced
   * the PC: it is then the start of the translation block that made the access.
   */
  whereNow(): { pc: bigint; el: number } {
    const r = this.engine.readRegs(this.pcBatch);
    this.where.pc = r[0]!;
    this.where.el = Number((r[1]! >> 2n) & 3n);
    return this.where;
  }

  // ---- debugging -----------------------------------------------------------------------------

  private readonly breakpoints = new Map<bigint, bigint>(); // address -> code-hook handle
  /** One-shot addresses planted by an instruction step. */
  private readonly stepTargets = new Map<bigint, bigint>();
  private stepArmed = false;
  private stepIntoExceptions = true;
  /** The breakpoint to run over once when resuming from it. */
  private skipAt: bigint | undefined;
  /** Why the last slice stopped for the debugger, if it did. */
  debugStop: { reason: 'breakpoint' | 'step' | 'trap' | 'watchpoint'; pc: bigint } | undefined;

  /**
   * Replaces this vCPU's data watchpoints (stage-2 permissions on its own tables). Returns those
   * that cannot be watched (stage 2 maps no RAM there).
   */
  setWatchpoints(list: readonly Watchpoint[]): Watchpoint[] {
    if (list.length === 0 && !this.watch) return [];
    this.watch ??= new VcpuWatchpoints(new Stage2Pages(this.stage2.bytes, this.stage2.base, this.stage2.builtPages ?? this.stage2.bytes.byteLength / 4096), this.engine);
    return this.watch.set(list);
  }

  /** A stage-2 permission fault on a watched page: stop before it, or let it through once. */
  private onWatchFault(pc: bigint, info: ExceptionInfo): boolean {
    const w = this.watch;
    const dfsc = info.syndrome & 0x3f;
    if (!w || !w.active || (dfsc & 0x3c) !== 0x0c) return false; // not a permission fault
    const hpfar = this.engine.readSysReg(SYSREG.HPFAR_EL2);
    const ipa = ((hpfar >> 4n) << 12n) | (info.vaddress & 0xfffn);
    const isv = (info.syndrome >>> 24) & 1;
    const size = isv ? 1 << ((info.syndrome >>> 22) & 3) : 0;
    const write = ((info.syndrome >>> 6) & 1) === 1 && ((info.syndrome >>> 7) & 1) === 0; // a stage-1 walk (S1PTW) reads
    const r = w.onFault(pc, ipa, size, write);
    if (r === undefined) return false;
    if (r !== 'retry') {
      this.watchHit = r;
      this.debugStop = { reason: 'watchpoint', pc };
      this.requestStop(); // from the exception hook: precise, the access has not happened
    }
    return true;
  }

  /** Replaces this vCPU's breakpoints (guest virtual addresses). */
  setBreakpoints(addresses: Iterable<bigint>): void {
    const want = new Set(addresses);
    for (const [a, hh] of this.breakpoints) {
      if (want.has(a)) continue;
      this.engine.removeCodeRange(hh, a, a);
      this.breakpoints.delete(a);
    }
    for (const a of want) if (!this.breakpoints.has(a)) this.breakpoints.set(a, this.engine.addCodeRange(a, a));
  }

  /** Before resuming: a breakpoint at the current PC must not stop the vCPU again at once. */
  prepareResume(): void {
    this.skipAt = this.breakpoints.has(this.pc) ? this.pc : undefined;
  }

  /**
   * Plants one-shot stops at the addresses an instruction step may land on. An exception the guest
   * takes meanwhile ends the step at its vector, unless `intoExceptions` is false (a step over an
   * SVC runs the handler and stops back at the return address).
   */
  plantStep(targets: readonly bigint[], intoExceptions = true): void {
    this.clearStep();
    this.stepArmed = true;
    this.stepIntoExceptions = intoExceptions;
    for (const a of targets) if (!this.stepTargets.has(a)) this.stepTargets.set(a, this.engine.addCodeRange(a, a));
  }

  /**
   * Where the instruction at the PC can continue: its successors from the decoder (branch targets
   * from the registers and flags). An instruction that raises an exception has none here: the step
   * then ends where the exception is taken (see emit).
   */
  nextInstructionTargets(): bigint[] {
    const bytes = this.guestBytes(this.pc, 4);
    if (!bytes) return [];
    const insn = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
    const nzcv = Number((this.engine.readReg(A64.NZCV) >> 28n) & 0xfn);
    return successors(insn, this.pc, (n) => this.readX(n), { nzcv, elr: this.engine.readReg(A64.ELR_EL1) }).next;
  }

  clearStep(): void {
    for (const [a, hh] of this.stepTargets) this.engine.removeCodeRange(hh, a, a);
    this.stepTargets.clear();
    this.stepArmed = false;
  }

  /** A step is under way (even one with no target: an SVC or UDF, whose only successor is its vector). */
  get stepping(): boolean {
    return this.stepArmed;
  }

  private onBreakpointHit(address: bigint): void {
    this.watch?.onCode(address); // the end of a one-instruction page grant; a breakpoint may be here too
    if (address === this.skipAt) {
      this.skipAt = undefined;
      return;
    }
    const step = this.stepTargets.has(address);
    if (!step && !this.breakpoints.has(address)) return;
    this.debugStop = { reason: step ? 'step' : 'breakpoint', pc: address };
    this.requestStop(); // inside a code hook the stop is precise: the instruction has not run
  }

  // ---- virtual interrupts --------------------------------------------------------------------

  /**
   * The GIC says whether an IRQ is deliverable to this vCPU; it becomes HCR_EL2.VI at once. A write
   * of HCR_EL2 inside an MMIO or MRS/MSR callback takes effect at the next translation-block
   * boundary. Never stop the engine from an MMIO callback instead: unicorn then restarts the whole
   * block and replays the device access (measured: a GICC_IAR read acknowledged twice).
   */
  setVirq(pending: boolean): void {
    if (pending === this.virqPending) return;
    this.virqPending = pending;
    if (pending) this.idle = false;
    this.applyHcr();
  }

  get irqPending(): boolean {
    return this.virqPending;
  }

  private applyHcr(): void {
    this.engine.writeSysReg(SYSREG.HCR_EL2, this.virqPending ? this.hcr | HCR.VI : this.hcr);
  }

  // ---- running -------------------------------------------------------------------------------

  /** Stops the current slice from inside a callback or from a timer. */
  requestStop(): void {
    if (this.running) this.engine.stop();
  }

  /**
   * Runs the guest until something needs the hypervisor or `timeoutUs` passes (0 = no limit).
   * Returns the engine's error code name when unicorn itself failed, else undefined.
   */
  runSlice(timeoutUs: number, instructionBudget = 0n): { engineError?: string } {
    this.running = true;
    let r;
    if (timeoutUs > 0) this.engine.armStop(timeoutUs);
    if (instructionBudget > 0n) this.engine.setInstructionBudget(instructionBudget);
    try {
      r = this.engine.start(this.pc, RUN_UNTIL);
    } finally {
      this.running = false;
      if (timeoutUs > 0) this.engine.disarmStop();
      if (instructionBudget > 0n) this.engine.setInstructionBudget(0n);
      this.watch?.sweep();
    }
    this.pc = this.engine.readReg(A64.PC);
    return { engineError: r.code === 0 ? undefined : r.codeName };
  }

  // ---- traps ---------------------------------------------------------------------------------

  private emit(cls: TrapClass, pc: bigint, el: number, info: ExceptionInfo, a0 = 0n, a1 = 0n, result = 0n): boolean {
    this.watch?.endGrant(true); // an exception came between a granted access and the next instruction
    const t = this.trap;
    t.cls = cls; t.pc = pc; t.el = el; t.esr = info.syndrome; t.far = info.vaddress; t.targetEl = info.targetEl;
    t.a0 = a0; t.a1 = a1; t.a2 = 0n; t.a3 = 0n; t.result = result;
    const stop = this.onTrap(t, this);
    if (stop) this.requestStop();
    else if (this.stepArmed && this.stepIntoExceptions && REFLECTED.has(cls)) {
      // The stepped instruction raised an exception: the step ends at the vector it was taken to.
      this.debugStop = { reason: 'step', pc: this.engine.readReg(A64.PC) };
      this.requestStop();
    }
    return stop;
  }

  private onException(intno: number): void {
    const regs = this.engine.readRegs(this.entryRegs);
    const pc = regs[0]!;
    const el = Number((regs[1]! >> 2n) & 3n);
    if (intno === EXCP.HVC || intno === EXCP.SMC) {
      // The hot path: no syndrome needed (the function id is in w0), so no context save.
      this.emit(TrapClass.Hypercall, pc, el, NO_EXCEPTION_INFO);
      return;
    }
    const more = this.engine.readRegs(this.reflectRegs);
    const st = this.entryState;
    st.pstate = regs[1]!; st.sp = more[0]!; st.spEl1 = more[1]!; st.vbar = more[2]!;
    if (intno === EXCP.SWI) {
      const syndrome = this.svcSyndrome(pc);
      if (syndrome !== undefined) {
        this.emit(TrapClass.Svc, pc, el, { syndrome, vaddress: 0n, targetEl: 1 });
        return;
      }
    }
    const info = this.info.read();
    const ec = info.syndrome >>> 26;
    switch (intno) {
      case EXCP.SWI:
        this.emit(TrapClass.Svc, pc, el, info);
        return;
      case EXCP.BKPT:
        this.emit(TrapClass.Breakpoint, pc, el, info);
        return;
      case EXCP.UDEF:
        if (info.targetEl === 2 && ec === EC.WFX) {
          this.engine.writeReg(A64.PC, pc + 4n);
          if ((info.syndrome & 1) === 0 && !this.virqPending) { // WFI (not WFE) with nothing pending: idle
            this.idle = true;
            this.idleSince = { pc, el, esr: info.syndrome, at: this.counter() };
            this.requestStop();
          }
          return;
        }
        this.emit(this.isSemihostingCall(pc, el) ? TrapClass.Semihosting : TrapClass.Undefined, pc, el, info);
        return;
      case EXCP.PREFETCH_ABORT:
        this.emit(TrapClass.InstructionAbort, pc, el, info);
        return;
      case EXCP.DATA_ABORT:
        if (info.targetEl === 2 && this.onWatchFault(pc, info)) return;
        this.emit(TrapClass.DataAbort, pc, el, info);
        return;
      default:
        this.emit(TrapClass.Unknown, pc, el, { ...info, syndrome: info.syndrome || intno });
    }
  }

  /**
   * An SVC's syndrome straight from its instruction word (EC 0x15, IL, imm16), which saves the
   * 12 KiB context copy on the system-call path. Only with the guest's MMU off, where the PC is a
   * physical address; otherwise undefined and the caller reads the real syndrome.
   */
  private svcSyndrome(pc: bigint): number | undefined {
    if ((this.sctlr.value & 1n) !== 0n) return undefined;
    const b = this.physicalBytes(pc - 4n, 4);
    if (!b) return undefined;
    const insn = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
    if ((insn & 0xffe0_001f) >>> 0 !== 0xd400_0001) return undefined;
    return ((EC.SVC64 << 26) | ESR_IL | ((insn >>> 5) & 0xffff)) >>> 0;
  }

  /** HLT #0xF000 at EL1 (QEMU, too, refuses semihosting from EL0 unless told otherwise). */
  private isSemihostingCall(pc: bigint, el: number): boolean {
    if (el !== 1) return false;
    const insn = this.guestBytes(pc, 4);
    return insn !== undefined && (insn[0]! | (insn[1]! << 8) | (insn[2]! << 16) | (insn[3]! << 24)) >>> 0 === SEMIHOSTING_HLT;
  }

  /**
   * What the stage-2 fault of the current trap touched: the guest-physical address (HPFAR_EL2 with
   * the page offset from FAR), and, when the syndrome is valid (ISV), the access size, direction and
   * the value a store wanted to write.
   */
  stage2Fault(trap: Trap): { ipa: bigint; size: number; write: boolean; value: bigint } {
    const hpfar = this.engine.readSysReg(SYSREG.HPFAR_EL2);
    const ipa = ((hpfar >> 4n) << 12n) | (trap.far & 0xfffn);
    const isv = (trap.esr >>> 24) & 1;
    const write = ((trap.esr >>> 6) & 1) === 1;
    if (!isv) return { ipa, size: 0, write, value: 0n };
    const size = 1 << ((trap.esr >>> 22) & 3);
    const srt = (trap.esr >>> 16) & 31;
    const value = write && srt !== 31 ? this.readX(srt) & (size === 8 ? 0xffff_ffff_ffff_ffffn : (1n << BigInt(size * 8)) - 1n) : 0n;
    return { ipa, size, write, value };
  }

  /**
   * Finishes a load the hypervisor emulated (a stage-2 fault with a valid syndrome): the value goes
   * to the syndrome's register, sign-extended when SSE says so, to 32 bits unless SF is set.
   */
  completeLoad(trap: Trap, value: bigint): void {
    const srt = (trap.esr >>> 16) & 31;
    if (srt === 31) return; // XZR
    const size = 1 << ((trap.esr >>> 22) & 3);
    const sse = ((trap.esr >>> 21) & 1) === 1;
    const sf = ((trap.esr >>> 15) & 1) === 1;
    let v = BigInt.asUintN(size * 8, value);
    if (sse) v = BigInt.asUintN(64, BigInt.asIntN(size * 8, v));
    this.writeX(srt, sf ? v : BigInt.asUintN(32, v));
  }

  /**
   * The ESR/FAR a guest would see for an abort that the hypervisor got as a stage-2 fault on an
   * address where nothing exists: a synchronous external abort, as QEMU raises for unassigned
   * physical addresses (no ISS: ISV = 0; EA = 0, QEMU's mark of an AXI decode error).
   */
  externalAbortSyndrome(trap: Trap): number {
    const data = (trap.esr >>> 26) === EC.DABT_LOWER || (trap.esr >>> 26) === EC.DABT_SAME;
    const sameEl = trap.el === 1 ? 1 : 0;
    const ec = (data ? EC.DABT_LOWER : EC.IABT_LOWER) + sameEl;
    const wnr = data ? trap.esr & ESR_WNR : 0;
    return ((ec << 26) | ESR_IL | wnr | DFSC_SYNC_EXTERNAL) >>> 0;
  }


  private onSysReg(access: SysInsnAccess, write: boolean): boolean {
    if (!write && COUNTER_REGISTERS.some((r) => sameSysReg(r, access))) {
      this.engine.writeReg(access.rt, this.counter()); // CNTVOFF_EL2 is 0: virtual = physical count
      return true;
    }
    if (!this.timer.owns(access)) return false;
    let value = access.value;
    if (write) this.timer.write(access, value);
    else {
      value = this.timer.read(access);
      this.engine.writeReg(access.rt, value);
    }
    const at = this.whereNow();
    const esr = esrSysReg({ ...access, rt: xRegIndex(access.rt), read: !write });
    this.emit(TrapClass.SysReg, at.pc, at.el, { syndrome: esr, vaddress: 0n, targetEl: 2 }, BigInt(esr), value);
    return true;
  }

  close(): void {
    this.engine.close();
  }
}
