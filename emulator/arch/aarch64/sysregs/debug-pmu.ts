// Debug and performance-monitor registers that guests touch during start-up (OS lock, MDSCR,
// cycle counter). Only names, encodings and access: their contents rarely matter to bring-up.
import { enc, field, spec, type SysregSpec } from './types';

export const DEBUG_REGISTERS: readonly SysregSpec[] = [
  spec('debug', 'MDCCINT_EL1', enc(2, 0, 0, 2, 0), 'Debug comms channel interrupt enable'),
  spec('debug', 'MDSCR_EL1', enc(2, 0, 0, 2, 2), 'Monitor debug system control: software step, debug exceptions enable', {
    fields: [field('SS', 0, 0, 'software step enable'), field('KDE', 13, 13, 'debug exceptions at EL1'), field('MDE', 15, 15, 'breakpoint/watchpoint enable')],
  }),
  spec('debug', 'OSLAR_EL1', enc(2, 0, 1, 0, 4), 'OS lock access: write 1 to lock, 0 to unlock the debug registers', {
    access: 'wo',
    fields: [field('OSLK', 0, 0, 'OS lock')],
  }),
  spec('debug', 'OSLSR_EL1', enc(2, 0, 1, 1, 4), 'OS lock status', { access: 'ro', fields: [field('OSLK', 1, 1, 'OS lock is set')] }),
  spec('debug', 'OSDLR_EL1', enc(2, 0, 1, 3, 4), 'OS double lock', { fields: [field('DLK', 0, 0, 'double lock')] }),
  spec('debug', 'MDCCSR_EL0', enc(2, 3, 0, 1, 0), 'Debug comms channel status', { access: 'ro' }),
];

export const PMU_REGISTERS: readonly SysregSpec[] = [
  spec('pmu', 'PMCR_EL0', enc(3, 3, 9, 12, 0), 'Performance monitors control: enable, reset counters, number of counters', {
    fields: [field('E', 0, 0, 'enable all counters'), field('P', 1, 1, 'reset event counters'), field('C', 2, 2, 'reset cycle counter'), field('N', 15, 11, 'number of event counters')],
  }),
  spec('pmu', 'PMCNTENSET_EL0', enc(3, 3, 9, 12, 1), 'Performance counters enable set', { fields: [field('C', 31, 31, 'cycle counter enable')] }),
  spec('pmu', 'PMCCNTR_EL0', enc(3, 3, 9, 13, 0), 'Cycle counter'),
  spec('pmu', 'PMUSERENR_EL0', enc(3, 3, 9, 14, 0), 'Performance monitors EL0 access enable', { fields: [field('EN', 0, 0, 'EL0 access')] }),
];
