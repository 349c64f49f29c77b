// PSTATE as system registers (MRS/MSR with a register), and the PSTATE fields that only the
// immediate form `MSR <field>, #imm` names (those are not registers: MRS cannot read DAIFSet).
import { enc, field, resetArch, spec, type SysregSpec } from './types';

export const PSTATE_REGISTERS: readonly SysregSpec[] = [
  spec('pstate', 'SPSel', enc(3, 0, 4, 2, 0), 'Stack pointer select: SP_EL0 (0) or SP_ELx (1) at EL1', {
    reset: resetArch(1n),
    fields: [field('SP', 0, 0, '0 = use SP_EL0, 1 = use SP_EL1')],
  }),
  spec('pstate', 'CurrentEL', enc(3, 0, 4, 2, 2), 'Current exception level (a Persona guest reads EL1 = 0x4)', {
    access: 'ro',
    reset: resetArch(0x4n),
    fields: [field('EL', 3, 2, 'exception level: 0..3')],
  }),
  spec('pstate', 'NZCV', enc(3, 3, 4, 2, 0), 'Condition flags', {
    fields: [field('N', 31, 31, 'negative'), field('Z', 30, 30, 'zero'), field('C', 29, 29, 'carry'), field('V', 28, 28, 'overflow')],
  }),
  spec('pstate', 'DAIF', enc(3, 3, 4, 2, 1), 'Interrupt masks: debug, SError, IRQ, FIQ (all masked at reset)', {
    reset: resetArch(0x3c0n),
    fields: [field('D', 9, 9, 'debug exceptions masked'), field('A', 8, 8, 'SError masked'), field('I', 7, 7, 'IRQ masked'), field('F', 6, 6, 'FIQ masked')],
  }),
  spec('pstate', 'FPCR', enc(3, 3, 4, 4, 0), 'Floating-point control: rounding mode, flush-to-zero, default NaN, trap enables', {
    fields: [field('AHP', 26, 26, 'alternative half precision'), field('DN', 25, 25, 'default NaN'), field('FZ', 24, 24, 'flush to zero'), field('RMode', 23, 22, 'rounding: 0 nearest, 1 +inf, 2 -inf, 3 zero')],
  }),
  spec('pstate', 'FPSR', enc(3, 3, 4, 4, 1), 'Floating-point status: cumulative exception flags', {
    fields: [
      field('QC', 27, 27, 'saturation'),
      field('IDC', 7, 7, 'input denormal'),
      field('IXC', 4, 4, 'inexact'),
      field('UFC', 3, 3, 'underflow'),
      field('OFC', 2, 2, 'overflow'),
      field('DZC', 1, 1, 'divide by zero'),
      field('IOC', 0, 0, 'invalid operation'),
    ],
  }),
];

/** Targets of `MSR <pstatefield>, #imm`, with what the immediate does. */
export const PSTATE_IMMEDIATE_FIELDS: ReadonlyMap<string, string> = new Map([
  ['DAIFSET', 'set DAIF mask bits: #imm bit 3 D, 2 A, 1 I, 0 F'],
  ['DAIFCLR', 'clear DAIF mask bits: #imm bit 3 D, 2 A, 1 I, 0 F'],
  ['SPSEL', 'select the stack pointer: #0 SP_EL0, #1 SP_ELx'],
  ['PAN', 'privileged access never'],
  ['UAO', 'user access override'],
  ['DIT', 'data-independent timing'],
  ['SSBS', 'speculative store bypass safe'],
  ['TCO', 'tag check override'],
  ['ALLINT', 'mask all interrupts (FEAT_NMI)'],
  ['SVCRSM', 'SME streaming mode'],
  ['SVCRZA', 'SME ZA storage'],
  ['SVCRSMZA', 'SME streaming mode and ZA storage'],
]);
