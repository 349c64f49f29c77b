// Exception frames in the call stack. While a vCPU runs a guest exception handler, the frames of
// the handler (unwound as usual) end at the entry code (the vector, or assembly without CFI that
// it branched to); below it comes a labelled frame, "exception from EL0: SVC", built from what the
// hypervisor wrote at entry (ExceptionReflector.last: ESR, ELR, SPSR, the interrupted SP), and
// below that the interrupted code, unwound from pc = ELR_EL1 and the interrupted SP. Registers the
// entry code saved are not described by CFI in such code: the interrupted frame keeps only pc, sp
// and the callee-saved x19–x29 as the handler frames recovered them (entry code leaves them as they
// were), so its register view is approximate and says so.

import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import { ecName } from '../../emulator/arch/aarch64/syndrome';
import { SYSREG } from '../../emulator/arch/aarch64/sysreg-encodings';
import { A64 } from '../../emulator/engine/unicorn-constants';
import type { CallFrameInfo } from '../symbols/cfi';
import { unwindStep, type Frame, type ReadMemory } from '../symbols/unwind';

export interface ExceptionEntry {
  /** `exception from EL0: SVC`. */
  label: string;
  fromEl: number;
  esr: number;
  far: bigint | undefined;
  elr: bigint;
  spsr: bigint;
  interruptedSp: bigint;
  handlerSp: bigint;
}

const SP = 31;
const VECTOR_TABLE_BYTES = 0x800n;
/** Short names for the exception classes a handler is usually entered for. */
const SHORT_EC: ReadonlyMap<number, string> = new Map([
  [0x00, 'undefined instruction'], [0x15, 'SVC'], [0x16, 'HVC'], [0x17, 'SMC'], [0x18, 'system register'],
  [0x20, 'instruction abort'], [0x21, 'instruction abort'], [0x22, 'PC alignment'], [0x24, 'data abort'],
  [0x25, 'data abort'], [0x26, 'SP alignment'], [0x3c, 'BRK'],
]);

/**
 * The exception `vcpu` is handling now, if any: it runs at EL1, the hypervisor reflected an
 * exception whose ELR/SPSR the live registers still hold, and it is in the vector table or below
 * the stack pointer the vector started with.
 */
export function exceptionEntry(vcpu: Vcpu): ExceptionEntry | undefined {
  const e = vcpu.engine;
  const last = vcpu.reflector.last;
  if (last.vector === 0n) return undefined;
  const el = Number((e.readReg(A64.PSTATE) >> 2n) & 3n);
  if (el !== 1) return undefined;
  if (e.readReg(A64.ELR_EL1) !== last.elr || e.readSysReg(SYSREG.SPSR_EL1) !== last.spsr) return undefined;
  const pc = e.readReg(A64.PC);
  const sp = e.readReg(A64.SP);
  const vbar = e.readReg(A64.VBAR_EL1);
  const inVectors = pc >= vbar && pc < vbar + VECTOR_TABLE_BYTES;
  if (!inVectors && sp >= last.handlerSp) return undefined;
  const fromEl = Number((last.spsr >> 2n) & 3n);
  const ec = last.esr >>> 26;
  return {
    label: `exception from EL${fromEl}: ${SHORT_EC.get(ec) ?? ecName(ec)}`,
    fromEl, esr: last.esr, far: last.far, elr: last.elr, spsr: last.spsr, interruptedSp: last.interruptedSp, handlerSp: last.handlerSp,
  };
}

export type UnwoundFrame = Frame & {
  /** Set on the labelled frame that stands for the exception entry. */
  exception?: ExceptionEntry;
  /** Registers below an exception frame that are guesses (see the file comment). */
  approximate?: boolean;
};

function lookupPc(f: Frame): bigint {
  return f.pcIsReturnAddress ? f.pc - 1n : f.pc;
}

/**
 * Frames from `top` outwards like unwindStack, with an exception frame and the interrupted frames
 * inserted where the handler's frames reach its entry code.
 */
export function unwindWithExceptions(top: Frame, entry: ExceptionEntry | undefined, read: ReadMemory, cfi: CallFrameInfo | undefined, maxFrames: number): UnwoundFrame[] {
  const frames: UnwoundFrame[] = [];
  const seen = new Set<string>();
  let f: UnwoundFrame | undefined = top;
  let pending = entry;
  while (f && frames.length < maxFrames) {
    const key = `${f.pc}:${f.registers.get(SP)}`;
    if (seen.has(key)) break;
    seen.add(key);
    frames.push(f);
    if (pending) {
      const sp = f.registers.get(SP);
      const covered = cfi?.rowAt(lookupPc(f)) !== undefined;
      // The entry code: no CFI (the vector, or its common assembly), or the handler's stack left.
      if (!covered || (sp !== undefined && sp >= pending.handlerSp)) {
        if (sp !== undefined && sp >= pending.handlerSp && frames.length > 1) frames.pop();
        const callee = frames[frames.length - 1]!;
        const registers = new Map<number, bigint>();
        for (let r = 19; r <= 29; r++) {
          const v = callee.registers.get(r);
          if (v !== undefined) registers.set(r, v);
        }
        registers.set(SP, pending.interruptedSp);
        if (frames.length < maxFrames) frames.push({ pc: pending.elr, registers: new Map(), pcIsReturnAddress: false, source: 'registers', exception: pending });
        f = { pc: pending.elr, registers, pcIsReturnAddress: false, source: 'registers', approximate: true };
        pending = undefined;
        continue;
      }
    }
    const wasApproximate: boolean = f.approximate === true;
    const next: UnwoundFrame | undefined = unwindStep(f, read, { cfi });
    if (next && wasApproximate) next.approximate = true;
    f = next;
  }
  return frames;
}
