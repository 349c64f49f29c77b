// Exception breakpoint filters: DAP's `exceptionBreakpointFilters` are the hypervisor's trap
// classes. A set filter (with an optional condition over the trap's fields) becomes the trap
// dispatcher's breakOn predicate: the vCPU stops at the trap, after the hypervisor handled it (a
// hypercall has its result, an SVC or abort has been reflected to the guest's vector), and can go on.

import { decodeEsr, formatEsr } from '../../emulator/arch/aarch64/syndrome';
import { hypercallName } from '../../emulator/hypervisor/hypercalls/table';
import type { Trap } from '../../emulator/hypervisor/trap';
import { TrapClass, TRAP_CLASS_NAMES } from '../../emulator/hypervisor/trap-class';
import { trapSummary, type TrapNames } from '../../emulator/hypervisor/trap-format';
import { Condition } from './condition';
import type { ExpressionEnvironment, Value } from './expression-eval';

export interface ExceptionFilterSpec {
  filter: string;
  label: string;
  description: string;
  classes: readonly TrapClass[];
}

/** The contract's filter ids, each with the trap classes it covers. */
export const EXCEPTION_FILTERS: readonly ExceptionFilterSpec[] = [
  { filter: 'hypercall', label: 'Hypercalls', description: 'HVC/SMC calls: PSCI, SMCCC, Persona ABI (id = function id)', classes: [TrapClass.Hypercall] },
  { filter: 'svc', label: 'System calls (SVC)', description: 'SVC taken to the guest kernel (id = SVC immediate)', classes: [TrapClass.Svc] },
  { filter: 'abort', label: 'Aborts', description: 'instruction and data aborts (far = fault address)', classes: [TrapClass.InstructionAbort, TrapClass.DataAbort] },
  { filter: 'undefined', label: 'Undefined instructions', description: 'undefined instructions reflected to the guest', classes: [TrapClass.Undefined] },
  { filter: 'irq', label: 'Interrupts', description: 'virtual IRQs made pending for a vCPU (id = INTID)', classes: [TrapClass.Irq] },
  { filter: 'isolation', label: 'Isolation violations', description: 'accesses to another persona\'s memory or devices', classes: [TrapClass.IsolationViolation] },
  { filter: 'device', label: 'Device accesses', description: 'emulated device registers (id = device index); stops at the next block boundary', classes: [TrapClass.Mmio] },
];

/** Names a condition may use (`$persona` besides). */
export const TRAP_FIELDS: readonly string[] = ['id', 'ec', 'esr', 'far', 'pc', 'vcpu', 'el'];

/** Classes whose record's a0 is the ESR the guest saw (a1 the FAR). */
const REFLECTED = new Set([TrapClass.Svc, TrapClass.Undefined, TrapClass.Breakpoint, TrapClass.InstructionAbort, TrapClass.DataAbort]);

export interface FilterResult {
  verified: boolean;
  message?: string;
}

/** What a filter stopped on: a copy of the trap (the dispatcher reuses its object). */
export interface ExceptionHit {
  filter: string;
  trap: Trap;
}

/** The value of a condition field for one trap. */
export function trapField(t: Readonly<Trap>, name: string): bigint | undefined {
  const esr = REFLECTED.has(t.cls) ? Number(t.a0 & 0xffff_ffffn) : t.esr;
  switch (name) {
    case 'id':
      if (t.cls === TrapClass.Hypercall || t.cls === TrapClass.Irq || t.cls === TrapClass.Mmio) return t.a0;
      if (t.cls === TrapClass.Svc) return BigInt(decodeEsr(esr).iss & 0xffff);
      return undefined;
    case 'ec': return esr !== 0 ? BigInt(esr >>> 26) : undefined;
    case 'esr': return esr !== 0 ? BigInt(esr) : undefined;
    case 'far': return REFLECTED.has(t.cls) ? t.a1 : t.far;
    case 'pc': return t.pc;
    case 'vcpu': return BigInt(t.vcpu);
    case 'el': return BigInt(t.el);
    default: return undefined;
  }
}

const u64 = (value: bigint): Value => ({ kind: 'int', value, signed: false, bytes: 8 });

/** A trap's fields for the shared condition evaluator (a field the trap has not is an unknown name). */
class TrapEnvironment implements ExpressionEnvironment {
  trap: Readonly<Trap> | undefined;
  constructor(private readonly persona: string) {}
  name(n: string): Value | undefined {
    if (!this.trap) return TRAP_FIELDS.includes(n) ? u64(0n) : undefined; // a probe: every field exists
    const v = trapField(this.trap, n);
    return v === undefined ? undefined : u64(v);
  }
  dollar(n: string): Value | undefined {
    return n === 'persona' ? { kind: 'string', value: this.persona } : undefined;
  }
}

interface Active {
  filter: string;
  condition?: Condition;
}

export class ExceptionFilters {
  /** Active filters per trap class (indexed by TrapClass). */
  private byClass: Active[][] = [];
  private readonly hits = new Map<number, ExceptionHit>();
  private readonly env: TrapEnvironment;

  constructor(persona: string) {
    this.env = new TrapEnvironment(persona);
  }

  /** Replaces the set filters (DAP setExceptionBreakpoints); one result per filter, in order. */
  set(filters: readonly { filterId: string; condition?: string }[]): FilterResult[] {
    const byClass: Active[][] = [];
    const results = filters.map((f): FilterResult => {
      const spec = EXCEPTION_FILTERS.find((s) => s.filter === f.filterId);
      if (!spec) return { verified: false, message: `unknown exception filter "${f.filterId}" (known: ${EXCEPTION_FILTERS.map((s) => s.filter).join(', ')})` };
      let condition: Condition | undefined;
      if (f.condition !== undefined && f.condition.trim() !== '') {
        const c = Condition.compile(f.condition);
        if (!c.ok) return { verified: false, message: c.message };
        // Once against a trap with every field: an unknown name or a type error shows now, not per trap.
        this.env.trap = undefined;
        const probe = c.value.test(this.env);
        if (!probe.ok) return { verified: false, message: `${probe.message} (fields: ${TRAP_FIELDS.join(', ')}, $persona)` };
        condition = c.value;
      }
      for (const c of spec.classes) (byClass[c] ??= []).push({ filter: spec.filter, condition });
      return { verified: true };
    });
    this.byClass = byClass;
    return results;
  }

  get active(): boolean {
    return this.byClass.some((a) => a !== undefined && a.length > 0);
  }

  /** The dispatcher's breakOn: does a set filter want this trap? Remembers the hit per vCPU. */
  matches(t: Readonly<Trap>): boolean {
    const list = this.byClass[t.cls];
    if (!list) return false;
    this.env.trap = t;
    for (const a of list) {
      // A condition on a field this trap has not (`id` of an abort) does not match.
      if (a.condition) {
        const r = a.condition.test(this.env);
        if (!r.ok || !r.value) continue;
      }
      this.hits.set(t.vcpu, { filter: a.filter, trap: { ...t } });
      return true;
    }
    return false;
  }

  /** The trap the last exception stop of `vcpu` was for. */
  hit(vcpu: number): ExceptionHit | undefined {
    return this.hits.get(vcpu);
  }
}

/** `hypercall PSCI_VERSION() -> 0x10001`: the filter and the trap's summary. */
export function describeHit(hit: ExceptionHit, names: TrapNames): string {
  const t = hit.trap;
  const summary = trapSummary({ seq: 0, vtime: 0n, persona: 0, vcpu: t.vcpu, el: t.el, class: t.cls, pc: t.pc, a0: t.a0, a1: t.a1, a2: t.a2, a3: t.a3, result: t.result }, names);
  return `${hit.filter} ${summary}`;
}

/** exceptionInfo's details: the trap's class, where it came from, and its syndrome decoded. */
export function hitDetails(hit: ExceptionHit): { typeName: string; message: string } {
  const t = hit.trap;
  const lines = [`${TRAP_CLASS_NAMES[t.cls]} from EL${t.el} at 0x${t.pc.toString(16)} on vCPU ${t.vcpu}`];
  if (t.cls === TrapClass.Hypercall) lines.push(`function ${hypercallName(Number(t.a0 & 0xffff_ffffn))} (0x${(t.a0 & 0xffff_ffffn).toString(16)}), x0 returned 0x${t.result.toString(16)}`);
  const esr = trapField(t, 'esr');
  if (typeof esr === 'bigint') lines.push(`ESR 0x${esr.toString(16)}: ${formatEsr(esr)}`);
  const far = trapField(t, 'far');
  if ((t.cls === TrapClass.DataAbort || t.cls === TrapClass.InstructionAbort) && typeof far === 'bigint') lines.push(`FAR 0x${far.toString(16)}`);
  return { typeName: TRAP_CLASS_NAMES[t.cls], message: lines.join('\n') };
}
