// The one place every trap goes through: its class handler runs, then the trap is logged and the
// checks that apply to every trap (storm detection, stop-on-trap filters) are made, once.
import type { Vcpu } from '../arch/aarch64/vcpu';
import { StormDetector } from './storm-detector';
import type { Trap, TrapOutcome } from './trap';
import { TrapClass, TRAP_CLASS_NAMES } from './trap-class';
import { TRAP_HANDLERS, type TrapContext, type TrapHandler } from './trap-handlers';
import type { TrapLog } from './trap-log';

export class TrapDispatcher {
  /** Trap classes that stop the persona (after being handled), e.g. for a debugger. */
  readonly stopOn = new Set<TrapClass>();
  private readonly storm = new StormDetector();

  constructor(
    private readonly log: TrapLog,
    private readonly personaId: number,
    /** A trap's time: the vCPU's counter ticks since its persona (or device) started. */
    private readonly clock: (vcpu: number) => bigint,
    private readonly ctx: TrapContext,
    private readonly handlers: Readonly<Record<TrapClass, TrapHandler>> = TRAP_HANDLERS,
  ) {}

  dispatch(t: Trap, vcpu: Vcpu): TrapOutcome {
    let out = this.handlers[t.cls](t, vcpu, this.ctx);
    this.log.appendRaw(t.cls, this.personaId, t.vcpu, t.el, t.pc, this.clock(t.vcpu), t.a0, t.a1, t.a2, t.a3, t.result);
    if (out.kind !== 'resume') return out;
    const storm = this.storm.observe(t);
    if (storm) return { kind: 'stop', reason: storm };
    if (this.stopOn.has(t.cls)) out = { kind: 'stop', reason: `stopped on trap: ${TRAP_CLASS_NAMES[t.cls]}` };
    return out;
  }

  /** Records a trap that needs no decision (device access, interrupt injection). */
  record(cls: TrapClass, vcpu: number, el: number, pc: bigint, a0: bigint | number, a1: bigint | number, a2: bigint | number, a3: bigint | number): void {
    this.log.appendRaw(cls, this.personaId, vcpu, el, pc, this.clock(vcpu), a0, a1, a2, a3, 0);
  }
}
