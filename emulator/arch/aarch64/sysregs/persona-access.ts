// What happens when a guest at EL1 (or EL0) executes MRS/MSR on a register under Persona: it runs
// natively in the engine, traps to the hypervisor (which emulates it), or is UNDEFINED (the guest
// takes an undefined-instruction exception at its own vectors). Derived from the emulator's facts:
// the registers the vCPU hooks (generic-timer.ts TIMER_REGISTERS), the EL encoded in op1, and the
// board's interrupt controller (a GICv2 without the GICv3 system-register interface).
import { TIMER_REGISTERS } from '../generic-timer';
import { SYSREG } from '../sysreg-encodings';
import { encodingKey } from './table';
import type { SysRegEncoding, SysregSpec } from './types';

export type GuestAccessOutcome = 'native' | 'trap' | 'undefined';

export interface GuestAccess {
  outcome: GuestAccessOutcome;
  /** One sentence for the user: why. */
  detail: string;
}

const TRAPPED: ReadonlySet<number> = new Set(TIMER_REGISTERS.map(encodingKey));
/** The counters vcpu.ts hooks only in deterministic mode (its COUNTER_REGISTERS, not exported). */
const COUNTERS: ReadonlySet<number> = new Set([SYSREG.CNTPCT_EL0, SYSREG.CNTVCT_EL0].map(encodingKey));

/** op1 of the MRS encoding names the lowest EL that may access the register (Arm ARM C5.3). */
const EL_OF_OP1: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 1, 3: 0, 4: 2, 5: 2, 6: 3, 7: 1 };

export function guestAccess(e: SysRegEncoding, entry?: SysregSpec): GuestAccess {
  if (TRAPPED.has(encodingKey(e))) {
    return { outcome: 'trap', detail: 'traps to the hypervisor: Persona emulates the generic timer (generic-timer.ts), since the engine has no working timer' };
  }
  const el = e.op0 === 3 || e.op0 === 2 ? EL_OF_OP1[e.op1] ?? 1 : 1;
  if (el >= 2) {
    return { outcome: 'undefined', detail: `UNDEFINED from the guest: an EL${el} register, and Persona is the guest's EL${el === 3 ? '3/EL2' : '2'}; the guest takes an undefined-instruction exception` };
  }
  if (entry?.group === 'gicv3') {
    return { outcome: 'undefined', detail: 'UNDEFINED from the guest: Persona\'s board has a GICv2 (memory-mapped GICC at 0x08010000), no GICv3 system-register interface' };
  }
  if (COUNTERS.has(encodingKey(e))) {
    return { outcome: 'native', detail: 'runs natively (host clock at 62.5 MHz); in deterministic mode it traps and reads virtual time from the instruction count' };
  }
  return { outcome: 'native', detail: 'runs natively: no trap to the hypervisor' };
}
