// Every kind of trap the hypervisor records. The numeric value is what a trap record stores
// (records have a fixed layout so they fit a shared ring), the name is what users see and filter on.

export enum TrapClass {
  /** HVC/SMC: an SMCCC call (PSCI, SMCCC, Persona ABI). */
  Hypercall = 0,
  /** HLT #0xF000: ARM semihosting. */
  Semihosting = 1,
  /** SVC from the guest, reflected to its own kernel (EL0 -> EL1 system call, or EL1 -> EL1). */
  Svc = 2,
  /** Undefined instruction, reflected. */
  Undefined = 3,
  /** BRK instruction, reflected. */
  Breakpoint = 4,
  /** Instruction abort (prefetch), reflected. */
  InstructionAbort = 5,
  /** Data abort (incl. unmapped physical access), reflected. */
  DataAbort = 6,
  /** Virtual interrupt delivered to the guest. */
  Irq = 7,
  /** Trapped system-register access (timer, GIC CPU interface...). */
  SysReg = 8,
  /** Access to an emulated device register. */
  Mmio = 9,
  /** WFI/WFE: the vCPU idles until its next event. */
  Wfi = 10,
  /** Access to a device assigned to another persona. */
  IsolationViolation = 11,
  /** Anything the hypervisor could not classify; the guest is stopped. */
  Unknown = 12,
  /** A channel message: sent (doorbell rung) or received (doorbell interrupt made pending). */
  Channel = 13,
}

export const TRAP_CLASS_COUNT = 14;

/** User-facing names, used in the trap log, CLI filters and the trace. */
export const TRAP_CLASS_NAMES: Readonly<Record<TrapClass, string>> = {
  [TrapClass.Hypercall]: 'hypercall',
  [TrapClass.Semihosting]: 'semihosting',
  [TrapClass.Svc]: 'svc',
  [TrapClass.Undefined]: 'undefined',
  [TrapClass.Breakpoint]: 'brk',
  [TrapClass.InstructionAbort]: 'instruction-abort',
  [TrapClass.DataAbort]: 'data-abort',
  [TrapClass.Irq]: 'irq',
  [TrapClass.SysReg]: 'sysreg',
  [TrapClass.Mmio]: 'mmio',
  [TrapClass.Wfi]: 'wfi',
  [TrapClass.IsolationViolation]: 'isolation-violation',
  [TrapClass.Unknown]: 'unknown',
  [TrapClass.Channel]: 'channel',
};

export function trapClassByName(name: string): TrapClass | undefined {
  for (const [k, v] of Object.entries(TRAP_CLASS_NAMES)) if (v === name) return Number(k) as TrapClass;
  return undefined;
}
