// What happens under Persona when a guest at EL1/EL0 executes an instruction that can leave it:
// the facts behind the "Under Persona" line of instruction hovers. WFI/WFE follow the HCR_EL2 trap
// bits Persona programs (vcpu.ts sets TWI, not TWE; bit numbers from hypervisor-config.ts HCR);
// the rest follow the trap classes in hypervisor/trap-class.ts and docs/traps.md.
import { HCR } from '../../emulator/arch/aarch64/hypervisor-config';

const bit = (mask: bigint): number => mask.toString(2).length - 1;

/** The HCR_EL2 trap bits Persona sets for every guest (vcpu.ts `hcr`). */
const PERSONA_TRAPS_WFI = true;
const PERSONA_TRAPS_WFE = false;

export const INSTRUCTION_TRAPS: ReadonlyMap<string, string> = new Map([
  ['hvc', 'traps to the hypervisor (EC 0x16): the function id in w0 is looked up in the hypercall table (PSCI, SMCCC, Persona ABI); x0 = the answer, unknown ids answer NOT_SUPPORTED (-1)'],
  ['smc', 'traps to the hypervisor (EC 0x17): Persona answers SMCCC calls itself, like HVC; there is no secure firmware'],
  ['wfi', PERSONA_TRAPS_WFI
    ? `traps to the hypervisor (HCR_EL2.TWI, bit ${bit(HCR.TWI)}): the vCPU sleeps until its next timer deadline or interrupt; skipped when an IRQ is already pending`
    : 'runs natively'],
  ['wfe', PERSONA_TRAPS_WFE ? `traps to the hypervisor (HCR_EL2.TWE, bit ${bit(HCR.TWE)})` : `runs natively (HCR_EL2.TWE, bit ${bit(HCR.TWE)}, is clear)`],
  ['svc', 'enters the guest\'s own EL1 vector (VBAR_EL1 + 0x400 from EL0, + 0x200 from EL1); Persona reflects it and records it in the trap log'],
  ['brk', 'reflected to the guest\'s EL1 synchronous vector (ELR = the BRK); a debugger attached to Persona sees it first'],
  ['hlt', '`hlt #0xf000` is a semihosting call Persona answers (SYS_WRITE0, SYS_EXIT, ...); other immediates are UNDEFINED'],
  ['udf', 'UNDEFINED: reflected to the guest\'s EL1 synchronous vector (ESR EC 0x00)'],
  ['eret', 'runs natively (returns within the guest: EL1 to EL0 or EL1)'],
  ['msr', 'depends on the register: hover the register name'],
  ['mrs', 'depends on the register: hover the register name'],
]);
