// Notices a guest that makes no progress: the same exception, at the same PC, for the same address,
// taken over and over with nothing else in between (a handler that faults itself, vectors that point
// at nothing, a jump into memory that does not exist). SVC and hypercalls are never a storm: guests
// make them in loops on purpose.
import type { Trap } from './trap';
import { TrapClass, TRAP_CLASS_NAMES } from './trap-class';

export const STORM_THRESHOLD = 10_000;

const WATCHED = new Set<TrapClass>([TrapClass.Undefined, TrapClass.Breakpoint, TrapClass.InstructionAbort, TrapClass.DataAbort]);

const EXCEPTION_NAMES: Partial<Record<TrapClass, string>> = {
  [TrapClass.Undefined]: 'undefined-instruction exception',
  [TrapClass.Breakpoint]: 'BRK exception',
  [TrapClass.InstructionAbort]: 'instruction abort',
  [TrapClass.DataAbort]: 'data abort',
};

function describe(cls: TrapClass, pc: bigint, far: bigint): string {
  const name = EXCEPTION_NAMES[cls] ?? TRAP_CLASS_NAMES[cls];
  const abort = cls === TrapClass.InstructionAbort || cls === TrapClass.DataAbort;
  return abort ? `${name} at 0x${pc.toString(16)} (address 0x${far.toString(16)})` : `${name} at 0x${pc.toString(16)}`;
}

export class StormDetector {
  private key = '';
  private description = '';
  private repeats = 0;
  /** The last different exception before the current run of repeats: how the storm began. */
  private origin = '';

  constructor(private readonly threshold = STORM_THRESHOLD) {}

  /** Returns a reason to stop when `t` completes a storm, else undefined. */
  observe(t: Trap): string | undefined {
    if (!WATCHED.has(t.cls)) {
      if (t.cls !== TrapClass.Mmio && t.cls !== TrapClass.Irq) {
        this.key = '';
        this.repeats = 0;
      }
      return undefined;
    }
    const abort = t.cls === TrapClass.InstructionAbort || t.cls === TrapClass.DataAbort;
    // The fault address only tells exceptions apart for aborts; for others QEMU leaves a stale value.
    const key = `${t.cls}:${t.pc}:${t.esr}:${abort ? t.far : 0n}`;
    if (key === this.key) {
      if (++this.repeats === this.threshold) {
        const first = this.origin ? `; it began with ${this.origin}` : '';
        return `exception storm: the guest took the same ${this.description} ${this.threshold} times in a row without progress${first}`;
      }
      return undefined;
    }
    this.origin = this.key ? this.description : '';
    this.key = key;
    this.description = describe(t.cls, t.pc, t.far);
    this.repeats = 1;
    return undefined;
  }
}
