// A trap as the dispatcher sees it, and what a handler decides about it.
import type { TrapClass } from './trap-class';

/** What happens after a trap: the guest goes on, the persona stops for a reason, or it ends. */
export type TrapOutcome =
  | { kind: 'resume' }
  | { kind: 'stop'; reason: string }
  | { kind: 'halt'; code: number; reason: string }
  /** A debugger's trap filter wants the vCPU stopped here; the persona can go on afterwards. */
  | { kind: 'break' };

export const RESUME: TrapOutcome = Object.freeze({ kind: 'resume' });

/**
 * One trap. Filled by the vCPU (class, pc, el, syndrome), completed by its handler (the four
 * class-specific words and the result that the trap log records).
 */
export interface Trap {
  cls: TrapClass;
  vcpu: number;
  el: number;
  pc: bigint;
  /** Syndrome as QEMU computed it (ESR format). */
  esr: number;
  /** Fault address for aborts, else 0. */
  far: bigint;
  /** EL the architecture would have taken the exception to: 2 = this hypervisor (stage-2 faults, traps). */
  targetEl: number;
  /** Class-specific record words: hypercall id + x1..x3; ESR, FAR, ...; device, offset, value. */
  a0: bigint;
  a1: bigint;
  a2: bigint;
  a3: bigint;
  result: bigint;
}

export function newTrap(): Trap {
  return { cls: 0, vcpu: 0, el: 0, pc: 0n, esr: 0, far: 0n, targetEl: 1, a0: 0n, a1: 0n, a2: 0n, a3: 0n, result: 0n };
}
