// The shape of one entry of the system-register table (table.ts). Bit positions and names follow the
// Arm ARM (DDI 0487); reset values are given only where they are architecturally fixed, where QEMU's
// cortex-a72 model fixes them, or where Persona itself writes them before the guest starts.
import type { SysRegEncoding } from '../../../engine/unicorn';

export type { SysRegEncoding };

export interface SysregField {
  name: string;
  hi: number;
  lo: number;
  meaning: string;
}

/** Who fixes the reset value a guest observes. */
export type ResetSource = 'architecture' | 'cortex-a72' | 'persona';

export interface SysregReset {
  value: bigint;
  source: ResetSource;
}

/** Access from EL1 as an MRS/MSR (system instructions are write-only: `SYS`). */
export type SysregAccess = 'rw' | 'ro' | 'wo';

/**
 * Which architectural block a register belongs to. Persona's guest-access rules key on it where the
 * encoding alone does not tell (the GICv3 CPU interface sits among ordinary EL1 encodings).
 */
export type SysregGroup = 'id' | 'el1' | 'pstate' | 'debug' | 'pmu' | 'timer' | 'gicv3' | 'el2' | 'el3' | 'instruction';

export interface SysregSpec {
  /** As MRS/MSR spell it (`SCTLR_EL1`), or `DC CIVAC` style for system instructions. */
  name: string;
  encoding: SysRegEncoding;
  group: SysregGroup;
  /** Register width in bits as MRS/MSR transfer it (always 64 in AArch64; fields show which bits exist). */
  width: 64;
  access: SysregAccess;
  /** Undefined when the reset value is UNKNOWN or depends on the vCPU. */
  reset?: SysregReset;
  /** One line: what the register is for. */
  summary: string;
  fields: readonly SysregField[];
}

/** Builders that keep the per-group files short. */
export const enc = (op0: number, op1: number, crn: number, crm: number, op2: number): SysRegEncoding => ({ op0, op1, crn, crm, op2 });
export const field = (name: string, hi: number, lo: number, meaning: string): SysregField => ({ name, hi, lo, meaning });

export interface SpecOptions {
  access?: SysregAccess;
  reset?: SysregReset;
  fields?: readonly SysregField[];
}

export function spec(group: SysregGroup, name: string, e: SysRegEncoding, summary: string, o: SpecOptions = {}): SysregSpec {
  return { name, encoding: e, group, width: 64, access: o.access ?? 'rw', reset: o.reset, summary, fields: o.fields ?? [] };
}

export const resetArch = (value: bigint): SysregReset => ({ value, source: 'architecture' });
export const resetA72 = (value: bigint): SysregReset => ({ value, source: 'cortex-a72' });
export const resetPersona = (value: bigint): SysregReset => ({ value, source: 'persona' });
