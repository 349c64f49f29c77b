// MRS/MSR encodings (op0, op1, CRn, CRm, op2) of the system registers the hypervisor itself reads or
// writes through UC_ARM64_REG_CP_REG. Names follow the Arm ARM.
import type { SysRegEncoding } from '../../engine/unicorn';

const r = (op0: number, op1: number, crn: number, crm: number, op2: number): SysRegEncoding => ({ op0, op1, crn, crm, op2 });

export const SYSREG = {
  SCR_EL3: r(3, 6, 1, 1, 0),
  HCR_EL2: r(3, 4, 1, 1, 0),
  VTCR_EL2: r(3, 4, 2, 1, 2),
  VTTBR_EL2: r(3, 4, 2, 1, 0),
  HPFAR_EL2: r(3, 4, 6, 0, 4),
  CNTVOFF_EL2: r(3, 4, 14, 0, 3),
  CNTHCTL_EL2: r(3, 4, 14, 1, 0),
  VMPIDR_EL2: r(3, 4, 0, 0, 5),
  SPSR_EL1: r(3, 0, 4, 0, 0),
  SCTLR_EL1: r(3, 0, 1, 0, 0),
  TCR_EL1: r(3, 0, 2, 0, 2),
  CNTFRQ_EL0: r(3, 3, 14, 0, 0),
  CNTPCT_EL0: r(3, 3, 14, 0, 1),
  CNTVCT_EL0: r(3, 3, 14, 0, 2),
  MPIDR_EL1: r(3, 0, 0, 0, 5),
} as const;

/** Same register? */
export function sameSysReg(a: SysRegEncoding, b: SysRegEncoding): boolean {
  return a.op0 === b.op0 && a.op1 === b.op1 && a.crn === b.crn && a.crm === b.crm && a.op2 === b.op2;
}

/** A compact numeric key for table lookups: op0:op1:crn:crm:op2 as in the MRS encoding. */
export function sysRegKey(e: SysRegEncoding): number {
  return (e.op0 << 14) | (e.op1 << 11) | (e.crn << 7) | (e.crm << 3) | e.op2;
}

/** HCR_EL2 bits Persona sets for every guest. */
export const HCR = {
  VM: 1n << 0n, // stage-2 translation: unmapped guest-physical accesses trap precisely to the hypervisor
  IMO: 1n << 4n, // IRQs routed to the hypervisor, so VI injects virtual IRQs
  FMO: 1n << 3n,
  VI: 1n << 7n,
  TWI: 1n << 13n, // WFI traps: an idle vCPU sleeps until its next event instead of spinning
  TWE: 1n << 14n,
  RW: 1n << 31n, // EL1 is AArch64
} as const;

/** SCR_EL3 = NS | HCE | RW: non-secure EL1 under an EL2 that takes HVC (else HVC is UNDEFINED). */
export const SCR_EL3_VALUE = 0x501n;
