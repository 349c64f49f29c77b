// MRS/MSR encodings (op0, op1, CRn, CRm, op2) of the system registers the hypervisor itself reads or
// writes through UC_ARM64_REG_CP_REG. Names follow the Arm ARM.
import type { SysRegEncoding } from '../../engine/unicorn';
import { sysregByName } from './sysregs/table';

/** The encoding of a register named in the system-register table (sysregs/): one place owns it. */
function r(name: string): SysRegEncoding {
  const spec = sysregByName(name);
  if (!spec) throw new Error(`${name} is missing from the system-register table`);
  return spec.encoding;
}

export const SYSREG = {
  SCR_EL3: r('SCR_EL3'),
  HCR_EL2: r('HCR_EL2'),
  VTCR_EL2: r('VTCR_EL2'),
  VTTBR_EL2: r('VTTBR_EL2'),
  HPFAR_EL2: r('HPFAR_EL2'),
  CNTVOFF_EL2: r('CNTVOFF_EL2'),
  CNTHCTL_EL2: r('CNTHCTL_EL2'),
  VMPIDR_EL2: r('VMPIDR_EL2'),
  SPSR_EL1: r('SPSR_EL1'),
  SCTLR_EL1: r('SCTLR_EL1'),
  TCR_EL1: r('TCR_EL1'),
  CNTFRQ_EL0: r('CNTFRQ_EL0'),
  CNTPCT_EL0: r('CNTPCT_EL0'),
  CNTVCT_EL0: r('CNTVCT_EL0'),
  MPIDR_EL1: r('MPIDR_EL1'),
} as const;

/** Same register? */
export function sameSysReg(a: SysRegEncoding, b: SysRegEncoding): boolean {
  return a.op0 === b.op0 && a.op1 === b.op1 && a.crn === b.crn && a.crm === b.crm && a.op2 === b.op2;
}


export { HCR, SCR_EL3_VALUE } from './hypervisor-config';
