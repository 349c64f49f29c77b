// Stack frames of a stopped vCPU: the live registers, then callers by CFI (or the frame-pointer
// chain), each named by function and placed at a source line when the line tables know the pc.

import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import { frameFromRegisters, type Frame } from '../symbols/unwind';
import { exceptionEntry, unwindWithExceptions, type UnwoundFrame } from './exception-frames';
import type { SourceLocation } from '../symbols/line-index';
import type { ProgramSymbols } from './program-symbols';
import { hex64, liveRegisters, readRegisters, type RegisterValue } from './registers';

export interface StackFrameInfo {
  /** Where the frame is: the pc for the innermost frame, the return address for callers. */
  pc: bigint;
  name: string;
  location: SourceLocation | undefined;
  registers: RegisterValue[];
  /** A labelled frame standing for an exception entry ("exception from EL0: SVC"). */
  exception?: boolean;
  /** Registers other than pc and sp may be wrong (below an exception frame, without CFI for it). */
  approximate?: boolean;
}

const MAX_FRAMES = 64;
const SP_COLUMN = 31;

/** Callers execute the call before their return address: look that one up (a call may end a function). */
function callSite(f: Frame): bigint {
  return f.pcIsReturnAddress ? f.pc - 4n : f.pc;
}

function knownRegisters(f: Frame): RegisterValue[] {
  const out: RegisterValue[] = [];
  for (let i = 0; i <= 30; i++) {
    const v = f.registers.get(i);
    if (v !== undefined) out.push({ name: `x${i}`, value: v });
  }
  const sp = f.registers.get(SP_COLUMN);
  if (sp !== undefined) out.push({ name: 'sp', value: sp });
  out.push({ name: 'pc', value: f.pc });
  return out;
}

/** The exception frame's registers: what the hypervisor wrote at entry. */
function entryRegisters(f: UnwoundFrame): RegisterValue[] {
  const x = f.exception!;
  const out = [{ name: 'ESR_EL1', value: BigInt(x.esr) }, { name: 'ELR_EL1', value: x.elr }, { name: 'SPSR_EL1', value: x.spsr }];
  if (x.far !== undefined) out.push({ name: 'FAR_EL1', value: x.far });
  out.push({ name: 'sp (interrupted)', value: x.interruptedSp });
  return out;
}

export function stackFrames(vcpu: Vcpu, symbols: ProgramSymbols): StackFrameInfo[] {
  const top = frameFromRegisters(liveRegisters(vcpu));
  const frames = unwindWithExceptions(top, exceptionEntry(vcpu), (a, n) => vcpu.guestBytes(a, n), symbols.cfi, MAX_FRAMES);
  return frames.map((f, i) => {
    if (f.exception) return { pc: f.pc, name: f.exception.label, location: undefined, registers: entryRegisters(f), exception: true };
    const at = callSite(f);
    return {
      pc: f.pc,
      name: symbols.functionName(at) ?? hex64(f.pc),
      location: symbols.location(at),
      registers: i === 0 ? readRegisters(vcpu) : knownRegisters(f),
      approximate: f.approximate,
    };
  });
}
