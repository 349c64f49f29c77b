// The ARM generic timer of one vCPU: the EL1 physical (CNTP_*) and virtual (CNTV_*) timers.
// unicorn has no working timer (notes/engine.md 4b), so MRS/MSR of the timer registers trap here;
// the counter itself (CNTPCT/CNTVCT) is read natively and follows the host's monotonic clock at
// 62.5 MHz, which counterNow() reproduces. Each timer drives its PPI through the GIC as a level.
import type { SysRegEncoding } from '../../engine/unicorn';
import { IRQ } from '../../platform/virt-map';
import { StateReader } from '../../hypervisor/snapshot-errors';

const CTL_ENABLE = 1n;
const CTL_IMASK = 2n;
const CTL_ISTATUS = 4n;
const U64 = (1n << 64n) - 1n;

/** The counter as the guest reads it: CLOCK_MONOTONIC in 16 ns ticks (62.5 MHz), like QEMU's. */
export function counterNow(): bigint {
  return process.hrtime.bigint() / 16n;
}

/** Counter ticks to host microseconds, rounded up so a deadline is never early. */
export function ticksToMicros(ticks: bigint): bigint {
  return (ticks * 16n + 999n) / 1000n;
}

interface TimerState { ctl: bigint; cval: bigint; intid: number; level: boolean; name: string }

/** Every register this class emulates: CNTP_{TVAL,CTL,CVAL}_EL0 and CNTV_{TVAL,CTL,CVAL}_EL0. */
export const TIMER_REGISTERS: readonly SysRegEncoding[] = [2, 3].flatMap((crm) => [0, 1, 2].map((op2) => ({ op0: 3, op1: 3, crn: 14, crm, op2 })));

/** Which timer register an (op0,op1,CRn,CRm,op2) encoding names: CRm 2 = physical, 3 = virtual; op2 0 TVAL, 1 CTL, 2 CVAL. */
function decode(enc: SysRegEncoding): { timer: 0 | 1; reg: 'tval' | 'ctl' | 'cval' } | undefined {
  if (enc.op0 !== 3 || enc.op1 !== 3 || enc.crn !== 14 || (enc.crm !== 2 && enc.crm !== 3) || enc.op2 > 2) return undefined;
  return { timer: enc.crm === 2 ? 0 : 1, reg: (['tval', 'ctl', 'cval'] as const)[enc.op2]! };
}

/** One timer's saved state: CTL (ENABLE/IMASK bits), CVAL as a decimal string, the output line. */
export interface TimerChannelState { ctl: number; cval: string; level: boolean }

/**
 * A vCPU's timers as JSON-safe data (see GenericTimer.saveState). CVAL is in counter ticks: the
 * restoring side's counter must continue the saving side's (deterministic mode: the instruction
 * count) for deadlines to fall at the same guest time.
 */
export interface GenericTimerState { physical: TimerChannelState; virtual: TimerChannelState }

export class GenericTimer {
  private readonly timers: TimerState[] = [
    { ctl: 0n, cval: 0n, intid: IRQ.timerPhys, level: false, name: 'CNTP' },
    { ctl: 0n, cval: 0n, intid: IRQ.timerVirt, level: false, name: 'CNTV' },
  ];

  constructor(
    private readonly cpu: number,
    private readonly setLine: (intid: number, level: boolean, cpu: number) => void,
    private readonly now: () => bigint = counterNow,
  ) {}

  /** True when `enc` is a timer register this class emulates. */
  owns(enc: SysRegEncoding): boolean {
    return decode(enc) !== undefined;
  }

  /** Register name for the trap log, or undefined. */
  registerName(enc: SysRegEncoding): string | undefined {
    const d = decode(enc);
    return d && `${this.timers[d.timer]!.name}_${d.reg.toUpperCase()}_EL0`;
  }

  read(enc: SysRegEncoding): bigint {
    const d = decode(enc)!;
    const t = this.timers[d.timer]!;
    const now = this.now();
    if (d.reg === 'cval') return t.cval;
    // TVAL is a signed 32-bit down-counter; bits 63:32 of the register read as zero (as QEMU).
    if (d.reg === 'tval') return BigInt.asUintN(32, t.cval - now);
    return (t.ctl & (CTL_ENABLE | CTL_IMASK)) | ((t.ctl & CTL_ENABLE) !== 0n && now >= t.cval ? CTL_ISTATUS : 0n);
  }

  write(enc: SysRegEncoding, value: bigint): void {
    const d = decode(enc)!;
    const t = this.timers[d.timer]!;
    if (d.reg === 'cval') t.cval = value & U64;
    else if (d.reg === 'tval') t.cval = (this.now() + BigInt.asIntN(32, value)) & U64;
    else t.ctl = value & (CTL_ENABLE | CTL_IMASK);
    this.update();
  }

  /** Recomputes both interrupt lines at the current time; call after every run slice. */
  update(now: bigint = this.now()): void {
    for (const t of this.timers) {
      const level = (t.ctl & (CTL_ENABLE | CTL_IMASK)) === CTL_ENABLE && now >= t.cval;
      if (level !== t.level) {
        t.level = level;
        this.setLine(t.intid, level, this.cpu);
      }
    }
  }

  /** Counter value of the earliest deadline that would raise a line not yet raised, if any. */
  nextDeadline(): bigint | undefined {
    let best: bigint | undefined;
    for (const t of this.timers) {
      if ((t.ctl & (CTL_ENABLE | CTL_IMASK)) !== CTL_ENABLE || t.level) continue;
      if (best === undefined || t.cval < best) best = t.cval;
    }
    return best;
  }

  /** The timers' state for a snapshot. */
  saveState(): GenericTimerState {
    const save = (t: TimerState): TimerChannelState => ({ ctl: Number(t.ctl), cval: t.cval.toString(), level: t.level });
    return { physical: save(this.timers[0]!), virtual: save(this.timers[1]!) };
  }

  /**
   * Replace the timers' state with a saved one (checked first: a bad state throws a
   * SnapshotStateError and leaves the timers untouched). Each PPI whose saved level differs from
   * this instance's is driven through `setLine`, so the GIC agrees whichever is restored first.
   */
  restoreState(state: GenericTimerState): void {
    const r = new StateReader(`generic-timer cpu${this.cpu}`, state);
    const read = (c: StateReader) => ({
      ctl: BigInt(c.uint('ctl', Number(CTL_ENABLE | CTL_IMASK))), cval: c.bigUint('cval', 64), level: c.bool('level'),
    });
    const saved = [read(r.object('physical')), read(r.object('virtual'))];
    saved.forEach((s, i) => {
      const t = this.timers[i]!;
      t.ctl = s.ctl;
      t.cval = s.cval;
      if (t.level !== s.level) {
        t.level = s.level;
        this.setLine(t.intid, s.level, this.cpu);
      }
    });
  }

  /** State for snapshots and the debugger. */
  describe(): { name: string; ctl: bigint; cval: bigint; pending: boolean }[] {
    return this.timers.map((t) => ({ name: t.name, ctl: t.ctl, cval: t.cval, pending: t.level }));
  }
}
