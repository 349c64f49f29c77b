// THE system-register table: every named system register and system instruction the project knows,
// with encoding, access, reset value and fields. syndrome.ts (trap log names), the language server
// (hover, completion, diagnostics) and anything else that names a register read it from here.
import { DEBUG_REGISTERS, PMU_REGISTERS } from './debug-pmu';
import { EL1_CONTROL, EL1_MEMORY_AND_CONTEXT } from './el1';
import { EL2_EL3_REGISTERS } from './el2-el3';
import { GICV3_REGISTERS } from './gicv3';
import { ID_REGISTERS } from './id';
import { PSTATE_REGISTERS } from './pstate';
import { SYSTEM_INSTRUCTIONS } from './system-instructions';
import { TIMER_SPECS } from './timer';
import type { SysRegEncoding, SysregSpec } from './types';
import { sysRegKeyOf } from '../../../engine/sysreg-key';

export type { SysRegEncoding, SysregAccess, SysregField, SysregGroup, SysregReset, SysregSpec } from './types';
export { PSTATE_IMMEDIATE_FIELDS } from './pstate';

export const SYSREGS: readonly SysregSpec[] = [
  ...ID_REGISTERS,
  ...EL1_CONTROL,
  ...PSTATE_REGISTERS,
  ...EL1_MEMORY_AND_CONTEXT,
  ...DEBUG_REGISTERS,
  ...PMU_REGISTERS,
  ...TIMER_SPECS,
  ...GICV3_REGISTERS,
  ...EL2_EL3_REGISTERS,
  ...SYSTEM_INSTRUCTIONS,
];

/** op0:op1:CRn:CRm:op2 packed as in MRS/MSR instruction bits 20:5 (the native filter's key too). */
export const encodingKey: (e: SysRegEncoding) => number = sysRegKeyOf;

const BY_KEY: ReadonlyMap<number, SysregSpec> = new Map(SYSREGS.map((s) => [encodingKey(s.encoding), s]));
const BY_NAME: ReadonlyMap<string, SysregSpec> = new Map(SYSREGS.map((s) => [s.name.toUpperCase(), s]));

/** The entry for a name, case-insensitive (`sctlr_el1`, `DC CIVAC`). */
export function sysregByName(name: string): SysregSpec | undefined {
  return BY_NAME.get(name.trim().toUpperCase());
}

export function sysregByEncoding(e: SysRegEncoding): SysregSpec | undefined {
  return BY_KEY.get(encodingKey(e));
}

const GENERIC = /^S([0-3])_([0-7])_C([0-9]|1[0-5])_C([0-9]|1[0-5])_([0-7])$/i;

/** The encoding spelled by the generic `S3_1_C15_C2_0` form, or undefined. */
export function genericSysregEncoding(name: string): SysRegEncoding | undefined {
  const m = GENERIC.exec(name.trim());
  if (!m) return undefined;
  return { op0: Number(m[1]), op1: Number(m[2]), crn: Number(m[3]), crm: Number(m[4]), op2: Number(m[5]) };
}

/** `S3_1_C15_C2_0` spelling of an encoding. */
export function genericSysregName(e: SysRegEncoding): string {
  return `S${e.op0}_${e.op1}_C${e.crn}_C${e.crm}_${e.op2}`;
}
