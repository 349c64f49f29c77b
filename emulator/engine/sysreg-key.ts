// The 16-bit key of an MRS/MSR/SYS encoding (op0:op1:CRn:CRm:op2, as in instruction bits 20:5):
// what the native system-register filter indexes its bitmap with, and the register table's key.
// Dependency-free, so tables can use it without loading the engine.

export interface SysRegEncoding {
  op0: number;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
}

export function sysRegKeyOf(e: SysRegEncoding): number {
  return ((e.op0 & 3) << 14) | ((e.op1 & 7) << 11) | ((e.crn & 15) << 7) | ((e.crm & 15) << 3) | (e.op2 & 7);
}
