// Steps of one vCPU built from the persona's two verbs (runUntilStop and stepInstruction): over a
// call (run to its return address with the stack back at the caller's depth), out of a function
// (run to the caller's return address), and by source line (instruction steps until the pc starts
// a row of another line). Any other stop on the way (a breakpoint, the guest's end, a pause) ends
// the step and is returned as it is.

import type { Persona, PersonaBreak, PersonaExit } from '../../emulator/hypervisor/persona';
import { successors } from '../../emulator/arch/aarch64/successors';
import { A64 } from '../../emulator/engine/unicorn-constants';
import { frameFromRegisters, unwindStep } from '../symbols/unwind';
import type { ProgramSymbols } from './program-symbols';
import { liveRegisters } from './registers';

export type RunResult = PersonaExit | PersonaBreak;

export interface StepContext {
  persona: Persona;
  symbols: ProgramSymbols;
  /** True once a pause was asked for: every loop here ends at its next stop. */
  paused: () => boolean;
  /** Set: only this vCPU runs (DAP singleThread); the persona's others stay frozen. */
  only?: number;
}

/** Instruction steps one line step may take before it gives up where it is (a one-line loop). */
const MAX_LINE_STEPS = 200_000;
const SP_COLUMN = 31;

function isPlainStep(r: RunResult, ctx: StepContext): r is PersonaBreak {
  return r.kind === 'break' && r.reason === 'step' && !ctx.paused();
}

function stackPointer(ctx: StepContext, vcpu: number): bigint {
  return ctx.persona.vcpus[vcpu]!.engine.readReg(A64.SP);
}

/**
 * Runs vCPU `vcpu` until it reaches `address` with sp >= `minSp` (a recursive call's visits are run
 * over). Exceptions taken on the way run through their handlers unless `intoExceptions`.
 */
export async function runTo(ctx: StepContext, vcpu: number, address: bigint, minSp: bigint, intoExceptions = false): Promise<RunResult> {
  const v = ctx.persona.vcpus[vcpu]!;
  for (;;) {
    if (v.pc === address) {
      const r = await ctx.persona.stepInstruction(vcpu, { onlyVcpu: ctx.only });
      if (!isPlainStep(r, ctx)) return r;
    }
    v.plantStep([address], intoExceptions);
    const r = await ctx.persona.runUntilStop({ onlyVcpu: ctx.only });
    if (!isPlainStep(r, ctx) || r.vcpu !== vcpu || r.pc !== address) return r;
    if (stackPointer(ctx, vcpu) >= minSp) return r;
  }
}

/** SVC #imm: a system call, which returns to the next instruction. */
const isSvc = (insn: number): boolean => (insn & 0xffe0_001f) >>> 0 === 0xd400_0001;

/** One instruction, but a call (BL, BLR) runs until it returns, and so does a system call (SVC). */
export async function stepOverInstruction(ctx: StepContext, vcpu: number): Promise<RunResult> {
  const v = ctx.persona.vcpus[vcpu]!;
  const bytes = v.guestBytes(v.pc, 4);
  if (bytes) {
    const insn = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
    const nzcv = Number((v.engine.readReg(A64.NZCV) >> 28n) & 0xfn);
    const s = successors(insn, v.pc, (n) => v.readX(n), { nzcv, elr: v.engine.readReg(A64.ELR_EL1) });
    if (s.kind === 'call' && s.returnAddress !== undefined) return runTo(ctx, vcpu, s.returnAddress, stackPointer(ctx, vcpu));
    if (isSvc(insn)) return runTo(ctx, vcpu, v.pc + 4n, stackPointer(ctx, vcpu));
  }
  return ctx.persona.stepInstruction(vcpu, { onlyVcpu: ctx.only });
}

/** Runs until the current function returns to its caller (one instruction step where no caller is known). */
export async function stepOut(ctx: StepContext, vcpu: number): Promise<RunResult> {
  const v = ctx.persona.vcpus[vcpu]!;
  const top = frameFromRegisters(liveRegisters(v));
  const caller = unwindStep(top, (a, n) => v.guestBytes(a, n), { cfi: ctx.symbols.cfi });
  const callerSp = caller?.registers.get(SP_COLUMN);
  if (!caller || callerSp === undefined) return ctx.persona.stepInstruction(vcpu, { onlyVcpu: ctx.only });
  return runTo(ctx, vcpu, caller.pc, callerSp);
}

/**
 * Instruction steps (over calls when `over`) until the pc is at the start of a row for another
 * source line. Where the start has no line information this is one instruction step.
 */
export async function stepLine(ctx: StepContext, vcpu: number, over: boolean): Promise<RunResult> {
  const one = (): Promise<RunResult> => (over ? stepOverInstruction(ctx, vcpu) : ctx.persona.stepInstruction(vcpu, { onlyVcpu: ctx.only }));
  const start = ctx.symbols.location(ctx.persona.vcpus[vcpu]!.pc);
  if (!start) return one();
  let r: RunResult = await one();
  for (let n = 1; isPlainStep(r, ctx) && n < MAX_LINE_STEPS; n++) {
    const here = ctx.symbols.location(r.pc);
    if (!here) return r; // code without lines (an assembly helper, a vector): stop by instruction
    if ((here.line !== start.line || here.file !== start.file) && r.pc === here.start) return r;
    r = await one();
  }
  return r;
}
