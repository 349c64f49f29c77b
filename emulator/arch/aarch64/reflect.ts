// Exception entry into the guest's own kernel (EL1), done by register writes because unicorn never
// enters the vectors itself (notes/engine.md section 3). Order matters: PSTATE first, then a CP_REG
// write (SPSR_EL1) that makes QEMU rebuild its cached hflags; SP is banked by hand.
import { CpRegSlot, RegisterBatch, UnicornEngine } from '../../engine/unicorn';
import { A64 } from '../../engine/unicorn-constants';
import { SYSREG } from './sysreg-encodings';

/** PSTATE.M for EL0t, EL1t, EL1h. */
const M_EL0T = 0x0n;
const M_EL1T = 0x4n;
const M_EL1H = 0x5n;
/** EL1h with D, A, I, F masked: the state in which every exception enters EL1. */
export const PSTATE_EL1H_MASKED = 0x3c5n;

export const VECTOR = { sync: 0x000n, irq: 0x080n, fiq: 0x100n, serror: 0x180n } as const;

export interface GuestException {
  esr: number;
  /** Fault address for aborts (FAR_EL1); undefined leaves FAR_EL1 unchanged. */
  far?: bigint;
  /** Preferred return address (ELR_EL1). */
  returnAddress: bigint;
}

/** The registers reflection needs, as read when the exception was taken. */
export interface EntryState {
  pstate: bigint;
  sp: bigint;
  spEl1: bigint;
  vbar: bigint;
}

/** What the last reflection did: for a debugger's exception frames ("exception from EL0: SVC"). */
export interface ReflectedEntry {
  esr: number;
  far: bigint | undefined;
  /** ELR_EL1 and SPSR_EL1 as written at entry. */
  elr: bigint;
  spsr: bigint;
  vector: bigint;
  /** The stack pointer the interrupted code had (SP_EL0 for EL0t/EL1t, else SP_EL1). */
  interruptedSp: bigint;
  /** SP_EL1 when the vector started: the handler's stack grows down from here. */
  handlerSp: bigint;
}

export class ExceptionReflector {
  /** The last synchronous exception reflected into the guest (overwritten by the next one). */
  readonly last: ReflectedEntry = { esr: 0, far: undefined, elr: 0n, spsr: 0n, vector: 0n, interruptedSp: 0n, handlerSp: 0n };

  private readonly spsr = new CpRegSlot(SYSREG.SPSR_EL1);
  /**
   * One write batch per case: [bank SP?][with FAR?]. Written in order: PSTATE first, then a CP_REG
   * write (SPSR_EL1) that rebuilds QEMU's hflags for the new EL, then the PC.
   */
  private readonly batches: RegisterBatch[][];

  constructor(private readonly engine: UnicornEngine) {
    const make = (ids: number[]): RegisterBatch => {
      const b = new RegisterBatch([...ids, A64.CP_REG, A64.PC]);
      b.pointSlotAt(ids.length, this.spsr.buffer);
      return b;
    };
    this.batches = [
      [make([A64.PSTATE, A64.ELR_EL1, A64.ESR_EL1]), make([A64.PSTATE, A64.ELR_EL1, A64.ESR_EL1, A64.FAR_EL1])],
      [make([A64.PSTATE, A64.SP_EL0, A64.SP, A64.ELR_EL1, A64.ESR_EL1]),
        make([A64.PSTATE, A64.SP_EL0, A64.SP, A64.ELR_EL1, A64.ESR_EL1, A64.FAR_EL1])],
    ];
  }

  /** Takes a synchronous exception to the guest's EL1 vector table. Returns the vector address. */
  reflectSync(ex: GuestException, at: EntryState): bigint {
    const { pstate, sp, spEl1, vbar } = at;
    const mode = pstate & 0xfn;
    const fromEl0 = mode === M_EL0T;
    const onSp0 = fromEl0 || mode === M_EL1T; // EL0t and EL1t run on SP_EL0: bank it, switch to SP_EL1
    const offset = fromEl0 ? 0x400n : mode === M_EL1H ? 0x200n : 0x000n;
    const vector = vbar + offset + VECTOR.sync;
    const b = this.batches[onSp0 ? 1 : 0]![ex.far === undefined ? 0 : 1]!;
    const v = b.values;
    let i = 0;
    v[i++] = PSTATE_EL1H_MASKED;
    if (onSp0) {
      v[i++] = sp;
      v[i++] = spEl1;
    }
    v[i++] = ex.returnAddress;
    v[i++] = BigInt(ex.esr >>> 0);
    if (ex.far !== undefined) v[i++] = ex.far;
    this.spsr.value = pstate;
    i++; // the CP_REG slot points at this.spsr
    v[i] = vector;
    this.engine.writeRegs(b);
    const l = this.last;
    l.esr = ex.esr >>> 0; l.far = ex.far; l.elr = ex.returnAddress; l.spsr = pstate; l.vector = vector;
    l.interruptedSp = sp; l.handlerSp = onSp0 ? spEl1 : sp;
    return vector;
  }
}
