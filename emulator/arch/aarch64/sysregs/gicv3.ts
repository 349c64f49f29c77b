// The GICv3 CPU interface (ICC_*). Persona's board has a GICv2 (memory-mapped GICD/GICC, see
// platform/gicv2.ts and ID_AA64PFR0_EL1.GIC = 0), so a guest access to any of these is UNDEFINED:
// persona-access.ts says so from the group, and the entries exist so that the name is recognised.
import { enc, field, spec, type SysregAccess, type SysregField, type SysregSpec } from './types';

const icc = (name: string, crn: number, crm: number, op2: number, summary: string, access: SysregAccess = 'rw', fields: readonly SysregField[] = []): SysregSpec =>
  spec('gicv3', name, enc(3, 0, crn, crm, op2), summary, { access, fields });

const INTID = [field('INTID', 23, 0, 'interrupt id')];

export const GICV3_REGISTERS: readonly SysregSpec[] = [
  icc('ICC_PMR_EL1', 4, 6, 0, 'Priority mask: interrupts at or below this priority are not signalled', 'rw', [field('Priority', 7, 0, 'priority mask')]),
  icc('ICC_IAR0_EL1', 12, 8, 0, 'Interrupt acknowledge, group 0', 'ro', INTID),
  icc('ICC_EOIR0_EL1', 12, 8, 1, 'End of interrupt, group 0', 'wo', INTID),
  icc('ICC_HPPIR0_EL1', 12, 8, 2, 'Highest priority pending interrupt, group 0', 'ro', INTID),
  icc('ICC_BPR0_EL1', 12, 8, 3, 'Binary point, group 0'),
  icc('ICC_AP0R0_EL1', 12, 8, 4, 'Active priorities, group 0'),
  icc('ICC_AP1R0_EL1', 12, 9, 0, 'Active priorities, group 1'),
  icc('ICC_DIR_EL1', 12, 11, 1, 'Deactivate interrupt', 'wo', INTID),
  icc('ICC_RPR_EL1', 12, 11, 3, 'Running priority', 'ro'),
  icc('ICC_SGI1R_EL1', 12, 11, 5, 'Generate a group 1 SGI for the current security state', 'wo'),
  icc('ICC_ASGI1R_EL1', 12, 11, 6, 'Generate a group 1 SGI for the other security state', 'wo'),
  icc('ICC_SGI0R_EL1', 12, 11, 7, 'Generate a group 0 SGI', 'wo'),
  icc('ICC_IAR1_EL1', 12, 12, 0, 'Interrupt acknowledge, group 1', 'ro', INTID),
  icc('ICC_EOIR1_EL1', 12, 12, 1, 'End of interrupt, group 1', 'wo', INTID),
  icc('ICC_HPPIR1_EL1', 12, 12, 2, 'Highest priority pending interrupt, group 1', 'ro', INTID),
  icc('ICC_BPR1_EL1', 12, 12, 3, 'Binary point, group 1'),
  icc('ICC_CTLR_EL1', 12, 12, 4, 'CPU interface control: EOI mode, priority bits'),
  icc('ICC_SRE_EL1', 12, 12, 5, 'System register enable: use ICC_* instead of the memory-mapped GICC', 'rw', [
    field('SRE', 0, 0, 'system register interface enable'),
    field('DFB', 1, 1, 'disable FIQ bypass'),
    field('DIB', 2, 2, 'disable IRQ bypass'),
  ]),
  icc('ICC_IGRPEN0_EL1', 12, 12, 6, 'Interrupt group 0 enable', 'rw', [field('Enable', 0, 0, 'group 0 enabled')]),
  icc('ICC_IGRPEN1_EL1', 12, 12, 7, 'Interrupt group 1 enable', 'rw', [field('Enable', 0, 0, 'group 1 enabled')]),
];
