// EL2 and EL3 registers. Persona is the EL2 of every guest, so a guest at EL1 that touches these is
// UNDEFINED (persona-access.ts derives that from op1). They are named so that a guest probing for
// virtualization, and the hypervisor's own trap log, read well. HCR_EL2's Persona value: vcpu.ts.
import { HCR } from '../hypervisor-config';
import { enc, field, spec, type SpecOptions, type SysRegEncoding, type SysregSpec } from './types';

const el2 = (name: string, e: SysRegEncoding, summary: string, o: SpecOptions = {}): SysregSpec => spec('el2', name, e, summary, o);

const bitOf = (mask: bigint): number => mask.toString(2).length - 1;

export const EL2_EL3_REGISTERS: readonly SysregSpec[] = [
  el2('SCTLR_EL2', enc(3, 4, 1, 0, 0), 'System control for EL2'),
  el2('HCR_EL2', enc(3, 4, 1, 1, 0), 'Hypervisor configuration: what traps from EL1/EL0 to the hypervisor', {
    fields: [
      field('VM', bitOf(HCR.VM), bitOf(HCR.VM), 'stage-2 translation (Persona: on)'),
      field('SWIO', 1, 1, 'set/way invalidation override'),
      field('PTW', 2, 2, 'protected table walk'),
      field('FMO', bitOf(HCR.FMO), bitOf(HCR.FMO), 'FIQs routed to EL2 (Persona: on)'),
      field('IMO', bitOf(HCR.IMO), bitOf(HCR.IMO), 'IRQs routed to EL2 (Persona: on)'),
      field('AMO', 5, 5, 'SErrors routed to EL2'),
      field('VF', 6, 6, 'virtual FIQ pending'),
      field('VI', bitOf(HCR.VI), bitOf(HCR.VI), 'virtual IRQ pending (Persona: follows the GIC output)'),
      field('VSE', 8, 8, 'virtual SError pending'),
      field('TWI', bitOf(HCR.TWI), bitOf(HCR.TWI), 'trap WFI (Persona: on)'),
      field('TWE', bitOf(HCR.TWE), bitOf(HCR.TWE), 'trap WFE (Persona: off)'),
      field('TSC', 19, 19, 'trap SMC'),
      field('TVM', 26, 26, 'trap writes to virtual memory controls'),
      field('TGE', 27, 27, 'trap general exceptions (host at EL2)'),
      field('RW', bitOf(HCR.RW), bitOf(HCR.RW), 'EL1 is AArch64 (Persona: on)'),
      field('E2H', 34, 34, 'EL2 host (VHE)'),
    ],
  }),
  el2('VTTBR_EL2', enc(3, 4, 2, 1, 0), 'Stage-2 translation table base and VMID'),
  el2('VTCR_EL2', enc(3, 4, 2, 1, 2), 'Stage-2 translation control'),
  el2('VPIDR_EL2', enc(3, 4, 0, 0, 0), 'Virtualization processor ID: MIDR_EL1 as EL1 reads it'),
  el2('VMPIDR_EL2', enc(3, 4, 0, 0, 5), 'Virtualization multiprocessor ID: MPIDR_EL1 as EL1 reads it'),
  el2('HPFAR_EL2', enc(3, 4, 6, 0, 4), 'Hypervisor IPA fault address of a stage-2 abort'),
  spec('el3', 'SCR_EL3', enc(3, 6, 1, 1, 0), 'Secure configuration: security state, HVC enable, lower ELs\' width'),
  el2('SPSR_EL2', enc(3, 4, 4, 0, 0), 'Saved program status for exceptions to EL2'),
  el2('ELR_EL2', enc(3, 4, 4, 0, 1), 'Exception link for exceptions to EL2'),
  el2('SP_EL1', enc(3, 4, 4, 1, 0), 'Stack pointer of EL1 (accessible from EL2 only)'),
  el2('ESR_EL2', enc(3, 4, 5, 2, 0), 'Exception syndrome for exceptions to EL2'),
  el2('FAR_EL2', enc(3, 4, 6, 0, 0), 'Fault address for exceptions to EL2'),
  el2('VBAR_EL2', enc(3, 4, 12, 0, 0), 'Vector base for EL2 (the hypervisor\'s vectors)', {
    fields: [field('VBA', 63, 11, 'vector base address'), field('RES0', 10, 0, 'reserved, zero')],
  }),
  el2('CNTHCTL_EL2', enc(3, 4, 14, 1, 0), 'Counter-timer hypervisor control: EL1 access to the physical counter and timer'),
  el2('CNTVOFF_EL2', enc(3, 4, 14, 0, 3), 'Virtual counter offset (Persona: 0)'),
];
