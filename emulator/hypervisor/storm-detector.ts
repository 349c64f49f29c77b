// Notices a guest that makes no progress: the same exception, at the same PC, for the same address,
// taken over and over with nothing else in between (a handler that faults itself, vectors that point
// at nothing, a jump into memory that does not exist). SVC and hypercalls are never a storm: guests
// make them in loops on purpose.
import type { Trap } from './trap';
import { TrapClass, TRAP_CLASS_NAMES } from './trap-class';

export const STORM_THRESHOLD = 10_000;

const WATCHED = new Set<TrapClass>([TrapClass.Undefined, TrapClass.Breakpoint, TrapClass.InstructionAbort, TrapClass.DataAbort]);

function describe(cls: TrapClass, pc: bigint, far: bigint): string {
  const name = TRAP_CLASS_NAMES[cls];
  const abort = cls === TrapClass.InstructionAbort || cls === TrapClass.DataAbort;
  return abort ? `${name} at 0x${pc.toString(16)} (address 0x${far.toString(16)})` : `${name} at 0x${pc.toString(16)}`;
}

export class StormDetector {
  private cls: TrapClass = TrapClass.Unknown;
  private pc = -1n;
  private far = -1n;
  private esr = -1;
  private repeats = 0;
  private previous = '';
  private origin = '';

  constructor(private readonly threshold = STORM_THRESHOLD) {}

  /** Returns a reason to stop when `t` completes a storm, else undefined. */
  observe(t: Trap): string | undefined {
    if (!WATCHED.has(t.cls)) {
      if (t.cls !== TrapClass.Mmio && t.cls !== TrapClass.Irq) this.repeats = 0;
      return undefined;
    }
    if (t.cls === this.cls && t.pc === this.pc && t.far === this.far && t.esr === this.esr) {
      if (++this.repeats === this.threshold) {
        const first = this.origin && this.origin !== describe(t.cls, t.pc, t.far) ? `; it began with ${this.origin}` : '';
        return `exception storm: the guest took the same ${describe(t.cls, t.pc, t.far)} ${this.threshold} times in a row without progress${first}`;
      }
      return undefined;
    }
    this.origin = this.repeats <= 1 && this.previous ? this.previous : describe(t.cls, t.pc, t.far);
    this.previous = describe(t.cls, t.pc, t.far);
    this.cls = t.cls; this.pc = t.pc; this.far = t.far; this.esr = t.esr;
    this.repeats = 1;
    return undefined;
  }
}
