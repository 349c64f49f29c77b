// Stack frames of a stopped vCPU: the live registers, then callers by CFI (or the frame-pointer
// chain), each named by function and placed at a source line when the line tables know the pc.

import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import { frameFromRegisters, unwindStack, type Frame } from '../symbols/unwind';
import type { SourceLocation } from '../symbols/line-index';
import type { ProgramSymbols } from './program-symbols';
import { hex64, liveRegisters, readRegisters, type RegisterValue } from './registers';

export interface StackFrameInfo {
  /** Where the frame is: the pc for the innermost frame, the return address for callers. */
  pc: bigint;
  name: string;
  location: SourceLocation | undefined;
  registers: RegisterValue[];
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

export function stackFrames(vcpu: Vcpu, symbols: ProgramSymbols): StackFrameInfo[] {
  const top = frameFromRegisters(liveRegisters(vcpu));
  const frames = unwindStack(top, (a, n) => vcpu.guestBytes(a, n), { cfi: symbols.cfi, maxFrames: MAX_FRAMES });
  return frames.map((f, i) => {
    const at = callSite(f);
    return {
      pc: f.pc,
      name: symbols.functionName(at) ?? hex64(f.pc),
      location: symbols.location(at),
      registers: i === 0 ? readRegisters(vcpu) : knownRegisters(f),
    };
  });
}
