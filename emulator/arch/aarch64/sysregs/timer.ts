// The generic timer as EL0/EL1 see it. Which of these trap to the hypervisor is not recorded here:
// persona-access.ts derives it from generic-timer.ts TIMER_REGISTERS, the list the vCPU hooks.
import { enc, field, resetPersona, spec, type SpecOptions, type SysRegEncoding, type SysregSpec } from './types';

const CTL_FIELDS = [
  field('ENABLE', 0, 0, 'timer enabled'),
  field('IMASK', 1, 1, 'interrupt masked'),
  field('ISTATUS', 2, 2, 'condition met (read-only)'),
];
const CVAL_FIELDS = [field('CompareValue', 63, 0, 'the timer fires when the counter reaches this value')];
const TVAL_FIELDS = [field('TimerValue', 31, 0, 'signed ticks until the timer fires; writing sets CVAL = counter + value')];
const COUNT_FIELDS = [field('Count', 63, 0, 'counter ticks at CNTFRQ_EL0')];

const timer = (name: string, e: SysRegEncoding, summary: string, o: SpecOptions = {}): SysregSpec => spec('timer', name, e, summary, o);

export const TIMER_SPECS: readonly SysregSpec[] = [
  timer('CNTKCTL_EL1', enc(3, 0, 14, 1, 0), 'Counter-timer kernel control: EL0 access to counters and timers, event stream', {
    fields: [
      field('EL0PCTEN', 0, 0, 'EL0 may read CNTPCT_EL0'),
      field('EL0VCTEN', 1, 1, 'EL0 may read CNTVCT_EL0'),
      field('EVNTEN', 2, 2, 'event stream enable'),
      field('EVNTDIR', 3, 3, 'event on 0->1 (0) or 1->0 (1) transition'),
      field('EVNTI', 7, 4, 'counter bit that triggers the event stream'),
      field('EL0VTEN', 8, 8, 'EL0 may access the virtual timer registers'),
      field('EL0PTEN', 9, 9, 'EL0 may access the physical timer registers'),
    ],
  }),
  // Writable only at the highest implemented EL: an MSR from a guest's EL1 is UNDEFINED.
  timer('CNTFRQ_EL0', enc(3, 3, 14, 0, 0), 'Counter frequency in Hz (62.5 MHz on Persona\'s virt board, as QEMU)', {
    access: 'ro',
    reset: resetPersona(62_500_000n),
    fields: [field('ClockFreq', 31, 0, 'system counter frequency in Hz')],
  }),
  timer('CNTPCT_EL0', enc(3, 3, 14, 0, 1), 'Physical count: the system counter', { access: 'ro', fields: COUNT_FIELDS }),
  timer('CNTVCT_EL0', enc(3, 3, 14, 0, 2), 'Virtual count: physical count minus CNTVOFF_EL2 (0 under Persona)', { access: 'ro', fields: COUNT_FIELDS }),
  timer('CNTPCTSS_EL0', enc(3, 3, 14, 0, 5), 'Self-synchronized physical count (no ISB needed)', { access: 'ro', fields: COUNT_FIELDS }),
  timer('CNTVCTSS_EL0', enc(3, 3, 14, 0, 6), 'Self-synchronized virtual count (no ISB needed)', { access: 'ro', fields: COUNT_FIELDS }),
  timer('CNTP_TVAL_EL0', enc(3, 3, 14, 2, 0), 'EL1 physical timer value: ticks until it fires', { fields: TVAL_FIELDS }),
  timer('CNTP_CTL_EL0', enc(3, 3, 14, 2, 1), 'EL1 physical timer control (PPI 30 on virt)', { reset: resetPersona(0n), fields: CTL_FIELDS }),
  timer('CNTP_CVAL_EL0', enc(3, 3, 14, 2, 2), 'EL1 physical timer compare value', { reset: resetPersona(0n), fields: CVAL_FIELDS }),
  timer('CNTV_TVAL_EL0', enc(3, 3, 14, 3, 0), 'Virtual timer value: ticks until it fires', { fields: TVAL_FIELDS }),
  timer('CNTV_CTL_EL0', enc(3, 3, 14, 3, 1), 'Virtual timer control (PPI 27 on virt)', { reset: resetPersona(0n), fields: CTL_FIELDS }),
  timer('CNTV_CVAL_EL0', enc(3, 3, 14, 3, 2), 'Virtual timer compare value', { reset: resetPersona(0n), fields: CVAL_FIELDS }),
];
