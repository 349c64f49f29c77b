// The one place every trap goes through: its class handler runs, then the trap is logged and the
// checks that apply to every trap (storm detection, stop-on-trap filters) are made, once.
import type { Vcpu } from '../arch/aarch64/vcpu';
import { StormDetector } from './storm-detector';
import { newTrap, type Trap, type TrapOutcome } from './trap';
import { TrapClass, TRAP_CLASS_NAMES } from './trap-class';
import { TRAP_HANDLERS, type TrapContext, type TrapHandler } from './trap-handlers';
import type { TrapLog } from './trap-log';

export class TrapDispatcher {
  /** Trap classes that stop the persona (after being handled), e.g. for a debugger. */
  readonly stopOn = new Set<TrapClass>();
  private readonly storm = new StormDetector();
  /**
   * A debugger's trap filter, asked after a trap was handled and logged: true stops the vCPU there
   * (a resumable break, not the end of the persona). Unset, it costs one property test per trap.
   */
  breakOn: ((t: Readonly<Trap>) => boolean) | undefined;
  /** Called when breakOn accepts a recorded trap (device access, interrupt): the stop must be deferred. */
  onRecordedBreak: ((vcpu: number) => void) | undefined;
  private readonly recorded = newTrap();

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
    else if (this.breakOn?.(t)) out = { kind: 'break' };
    return out;
  }

  /** Records a trap that needs no decision (device access, interrupt injection). */
  record(cls: TrapClass, vcpu: number, el: number, pc: bigint, a0: bigint | number, a1: bigint | number, a2: bigint | number, a3: bigint | number): void {
    this.log.appendRaw(cls, this.personaId, vcpu, el, pc, this.clock(vcpu), a0, a1, a2, a3, 0);
    if (!this.breakOn) return;
    const t = this.recorded;
    t.cls = cls; t.vcpu = vcpu; t.el = el; t.pc = pc; t.esr = 0; t.far = 0n; t.targetEl = 2;
    t.a0 = BigInt(a0); t.a1 = BigInt(a1); t.a2 = BigInt(a2); t.a3 = BigInt(a3); t.result = 0n;
    if (this.breakOn(t)) this.onRecordedBreak?.(vcpu);
  }
}
