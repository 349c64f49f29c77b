// System instructions (op0 = 1): cache and TLB maintenance and address translation, spelled as
// `DC CIVAC`. They share the MSR encoding space, which is why they live in the same table: the
// trap log names a trapped `SYS` by the same lookup.
import { enc, spec, type SysregSpec } from './types';

const sys = (name: string, op1: number, crn: number, crm: number, op2: number, summary: string): SysregSpec =>
  spec('instruction', name, enc(1, op1, crn, crm, op2), summary, { access: 'wo' });

export const SYSTEM_INSTRUCTIONS: readonly SysregSpec[] = [
  sys('IC IALLUIS', 0, 7, 1, 0, 'invalidate all instruction caches, Inner Shareable'),
  sys('IC IALLU', 0, 7, 5, 0, 'invalidate all instruction caches of this PE'),
  sys('IC IVAU', 3, 7, 5, 1, 'invalidate instruction cache line by VA to PoU'),
  sys('DC IVAC', 0, 7, 6, 1, 'invalidate data cache line by VA to PoC'),
  sys('DC ISW', 0, 7, 6, 2, 'invalidate data cache line by set/way'),
  sys('DC CSW', 0, 7, 10, 2, 'clean data cache line by set/way'),
  sys('DC CISW', 0, 7, 14, 2, 'clean and invalidate data cache line by set/way'),
  sys('DC ZVA', 3, 7, 4, 1, 'zero a block of memory (DCZID_EL0 bytes) by VA'),
  sys('DC CVAC', 3, 7, 10, 1, 'clean data cache line by VA to PoC'),
  sys('DC CVAU', 3, 7, 11, 1, 'clean data cache line by VA to PoU'),
  sys('DC CIVAC', 3, 7, 14, 1, 'clean and invalidate data cache line by VA to PoC'),
  sys('AT S1E1R', 0, 7, 8, 0, 'translate VA for an EL1 read, result in PAR_EL1'),
  sys('AT S1E1W', 0, 7, 8, 1, 'translate VA for an EL1 write, result in PAR_EL1'),
  sys('AT S1E0R', 0, 7, 8, 2, 'translate VA for an EL0 read, result in PAR_EL1'),
  sys('AT S1E0W', 0, 7, 8, 3, 'translate VA for an EL0 write, result in PAR_EL1'),
  sys('TLBI VMALLE1IS', 0, 8, 3, 0, 'invalidate all EL1&0 TLB entries of this VMID, Inner Shareable'),
  sys('TLBI VAE1IS', 0, 8, 3, 1, 'invalidate TLB entries by VA and ASID, Inner Shareable'),
  sys('TLBI ASIDE1IS', 0, 8, 3, 2, 'invalidate TLB entries by ASID, Inner Shareable'),
  sys('TLBI VAAE1IS', 0, 8, 3, 3, 'invalidate TLB entries by VA, all ASIDs, Inner Shareable'),
  sys('TLBI VALE1IS', 0, 8, 3, 5, 'invalidate last-level TLB entries by VA and ASID, Inner Shareable'),
  sys('TLBI VAALE1IS', 0, 8, 3, 7, 'invalidate last-level TLB entries by VA, all ASIDs, Inner Shareable'),
  sys('TLBI VMALLE1', 0, 8, 7, 0, 'invalidate all EL1&0 TLB entries of this VMID'),
  sys('TLBI VAE1', 0, 8, 7, 1, 'invalidate TLB entries by VA and ASID'),
  sys('TLBI ASIDE1', 0, 8, 7, 2, 'invalidate TLB entries by ASID'),
  sys('TLBI VAAE1', 0, 8, 7, 3, 'invalidate TLB entries by VA, all ASIDs'),
  sys('TLBI VALE1', 0, 8, 7, 5, 'invalidate last-level TLB entries by VA and ASID'),
  sys('TLBI VAALE1', 0, 8, 7, 7, 'invalidate last-level TLB entries by VA, all ASIDs'),
];
