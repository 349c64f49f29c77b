// EL1 system control, translation and exception-state registers: what a kernel's start-up code and
// exception vectors program. Architecturally most reset to UNKNOWN; where Persona writes a value
// before the guest runs (vcpu.ts), that value is given.
import { enc, field, resetPersona, spec, type SpecOptions, type SysRegEncoding, type SysregField, type SysregSpec } from './types';

const SCTLR_FIELDS: readonly SysregField[] = [
  field('M', 0, 0, 'stage-1 MMU enable for EL1&0'),
  field('A', 1, 1, 'alignment check enable'),
  field('C', 2, 2, 'data and unified caches cacheable (0 = Normal memory treated as Non-cacheable)'),
  field('SA', 3, 3, 'SP alignment check at EL1'),
  field('SA0', 4, 4, 'SP alignment check at EL0'),
  field('CP15BEN', 5, 5, 'AArch32 CP15 barrier instructions enabled at EL0'),
  field('nAA', 6, 6, 'no alignment fault for LDAPR/STLR family'),
  field('ITD', 7, 7, 'AArch32 IT instruction disable'),
  field('SED', 8, 8, 'AArch32 SETEND disable'),
  field('UMA', 9, 9, 'EL0 may access DAIF'),
  field('EnRCTX', 10, 10, 'EL0 may use speculation-restriction instructions'),
  field('EOS', 11, 11, 'exception exit is context synchronizing'),
  field('I', 12, 12, 'instruction cache enable'),
  field('EnDB', 13, 13, 'pointer authentication with key DB'),
  field('DZE', 14, 14, 'EL0 may execute DC ZVA'),
  field('UCT', 15, 15, 'EL0 may read CTR_EL0'),
  field('nTWI', 16, 16, '0 = WFI at EL0 traps to EL1'),
  field('nTWE', 18, 18, '0 = WFE at EL0 traps to EL1'),
  field('WXN', 19, 19, 'writable memory is execute-never'),
  field('TSCXT', 20, 20, 'trap EL0 access to SCXTNUM_EL0'),
  field('IESB', 21, 21, 'implicit error synchronization barrier on exceptions'),
  field('EIS', 22, 22, 'exception entry is context synchronizing'),
  field('SPAN', 23, 23, '0 = PSTATE.PAN set on exception to EL1'),
  field('E0E', 24, 24, 'EL0 data accesses big-endian'),
  field('EE', 25, 25, 'EL1 data accesses and table walks big-endian'),
  field('UCI', 26, 26, 'EL0 may execute cache maintenance by VA'),
  field('EnDA', 27, 27, 'pointer authentication with key DA'),
  field('nTLSMD', 28, 28, 'no trap on AArch32 LDM/STM to Device memory'),
  field('LSMAOE', 29, 29, 'AArch32 LDM/STM atomicity and ordering'),
  field('EnIB', 30, 30, 'pointer authentication with key IB'),
  field('EnIA', 31, 31, 'pointer authentication with key IA'),
  field('BT0', 35, 35, 'PAC guarded pages at EL0'),
  field('BT1', 36, 36, 'PAC guarded pages at EL1'),
  field('ATA0', 42, 42, 'EL0 allocation tag access (MTE)'),
  field('ATA', 43, 43, 'EL1 allocation tag access (MTE)'),
];

const TCR_FIELDS: readonly SysregField[] = [
  field('T0SZ', 5, 0, 'TTBR0 region size: 64 - T0SZ address bits'),
  field('EPD0', 7, 7, 'disable table walks through TTBR0 (fault instead)'),
  field('IRGN0', 9, 8, 'TTBR0 walk inner cacheability: 0 NC, 1 WB-WA, 2 WT, 3 WB'),
  field('ORGN0', 11, 10, 'TTBR0 walk outer cacheability'),
  field('SH0', 13, 12, 'TTBR0 walk shareability: 0 non, 2 outer, 3 inner'),
  field('TG0', 15, 14, 'TTBR0 granule: 0 = 4KB, 1 = 64KB, 2 = 16KB'),
  field('T1SZ', 21, 16, 'TTBR1 region size: 64 - T1SZ address bits'),
  field('A1', 22, 22, 'ASID comes from TTBR1 (1) or TTBR0 (0)'),
  field('EPD1', 23, 23, 'disable table walks through TTBR1'),
  field('IRGN1', 25, 24, 'TTBR1 walk inner cacheability'),
  field('ORGN1', 27, 26, 'TTBR1 walk outer cacheability'),
  field('SH1', 29, 28, 'TTBR1 walk shareability'),
  field('TG1', 31, 30, 'TTBR1 granule: 1 = 16KB, 2 = 4KB, 3 = 64KB'),
  field('IPS', 34, 32, 'intermediate physical address size: 0 = 32 ... 5 = 48 bits'),
  field('AS', 36, 36, '16-bit ASIDs'),
  field('TBI0', 37, 37, 'top byte ignored for TTBR0 addresses'),
  field('TBI1', 38, 38, 'top byte ignored for TTBR1 addresses'),
  field('HA', 39, 39, 'hardware Access flag update'),
  field('HD', 40, 40, 'hardware dirty state management'),
];

const TTBR_FIELDS: readonly SysregField[] = [
  field('ASID', 63, 48, 'address space identifier'),
  field('BADDR', 47, 1, 'translation table base address'),
  field('CnP', 0, 0, 'common not private'),
];

/** SPSR_EL1 layout for an exception taken from AArch64. */
export const SPSR_FIELDS: readonly SysregField[] = [
  field('N', 31, 31, 'negative condition flag'),
  field('Z', 30, 30, 'zero condition flag'),
  field('C', 29, 29, 'carry condition flag'),
  field('V', 28, 28, 'overflow condition flag'),
  field('TCO', 25, 25, 'tag check override'),
  field('DIT', 24, 24, 'data-independent timing'),
  field('UAO', 23, 23, 'user access override'),
  field('PAN', 22, 22, 'privileged access never'),
  field('SS', 21, 21, 'software step'),
  field('IL', 20, 20, 'illegal execution state'),
  field('SSBS', 12, 12, 'speculative store bypass safe'),
  field('BTYPE', 11, 10, 'branch type (BTI)'),
  field('D', 9, 9, 'debug exceptions masked'),
  field('A', 8, 8, 'SError masked'),
  field('I', 7, 7, 'IRQ masked'),
  field('F', 6, 6, 'FIQ masked'),
  field('M[4]', 4, 4, '0 = taken from AArch64'),
  field('M[3:0]', 3, 0, 'mode: 0 EL0t, 4 EL1t, 5 EL1h'),
];

const el1 = (name: string, e: SysRegEncoding, summary: string, o: SpecOptions = {}): SysregSpec => spec('el1', name, e, summary, o);

export const EL1_CONTROL: readonly SysregSpec[] = [
  el1('SCTLR_EL1', enc(3, 0, 1, 0, 0), 'System control for EL1&0: MMU, caches, alignment checks, endianness', {
    reset: resetPersona(0x30d0_0800n), // QEMU's AArch64 reset value, MMU and caches off (vcpu.ts)
    fields: SCTLR_FIELDS,
  }),
  el1('ACTLR_EL1', enc(3, 0, 1, 0, 1), 'Auxiliary control (IMPLEMENTATION DEFINED)'),
  el1('CPACR_EL1', enc(3, 0, 1, 0, 2), 'Architectural feature access control: FP/SIMD, SVE, SME and trace traps', {
    fields: [
      field('ZEN', 17, 16, 'SVE: 3 = no trap'),
      field('FPEN', 21, 20, 'FP/SIMD: 0/2 = trap EL0 and EL1, 1 = trap EL0, 3 = no trap'),
      field('SMEN', 25, 24, 'SME: 3 = no trap'),
      field('TTA', 28, 28, 'trap trace register access'),
    ],
  }),
  el1('TTBR0_EL1', enc(3, 0, 2, 0, 0), 'Translation table base 0: lower VA range (user space)', { fields: TTBR_FIELDS }),
  el1('TTBR1_EL1', enc(3, 0, 2, 0, 1), 'Translation table base 1: upper VA range (kernel)', { fields: TTBR_FIELDS }),
  el1('TCR_EL1', enc(3, 0, 2, 0, 2), 'Translation control: VA sizes, granules, walk cacheability, IPA size', { fields: TCR_FIELDS }),
  el1('SPSR_EL1', enc(3, 0, 4, 0, 0), 'Saved program status: PSTATE at the exception, restored by ERET', {
    reset: resetPersona(0n),
    fields: SPSR_FIELDS,
  }),
  el1('ELR_EL1', enc(3, 0, 4, 0, 1), 'Exception link: the return address ERET jumps to', { fields: [field('address', 63, 0, 'return address')] }),
  el1('SP_EL0', enc(3, 0, 4, 1, 0), 'Stack pointer of EL0 (and of EL1 with SPSel = 0)', { fields: [field('SP', 63, 0, 'stack pointer')] }),
];

export const EL1_MEMORY_AND_CONTEXT: readonly SysregSpec[] = [
  el1('AFSR0_EL1', enc(3, 0, 5, 1, 0), 'Auxiliary fault status 0 (IMPLEMENTATION DEFINED)'),
  el1('AFSR1_EL1', enc(3, 0, 5, 1, 1), 'Auxiliary fault status 1 (IMPLEMENTATION DEFINED)'),
  el1('ESR_EL1', enc(3, 0, 5, 2, 0), 'Exception syndrome: why the last synchronous exception to EL1 was taken', {
    fields: [
      field('ISS2', 55, 32, 'instruction-specific syndrome 2'),
      field('EC', 31, 26, 'exception class (0x15 SVC, 0x24 data abort from EL0, 0x25 from EL1, ...)'),
      field('IL', 25, 25, '1 = 32-bit instruction'),
      field('ISS', 24, 0, 'instruction-specific syndrome (layout depends on EC)'),
    ],
  }),
  el1('FAR_EL1', enc(3, 0, 6, 0, 0), 'Fault address: the VA of the last abort, alignment fault or watchpoint', { fields: [field('VA', 63, 0, 'faulting virtual address')] }),
  el1('PAR_EL1', enc(3, 0, 7, 4, 0), 'Physical address: result of the last AT instruction', {
    fields: [field('F', 0, 0, '1 = the translation faulted'), field('PA', 51, 12, 'output address (F = 0)'), field('ATTR', 63, 56, 'memory attributes (F = 0)')],
  }),
  el1('MAIR_EL1', enc(3, 0, 10, 2, 0), 'Memory attribute indirection: the 8 attribute encodings AttrIndx selects', {
    fields: Array.from({ length: 8 }, (_, i) => field(`Attr${i}`, i * 8 + 7, i * 8, '0x00 Device-nGnRnE, 0x04 Device-nGnRE, 0x44 Normal NC, 0xFF Normal WB')),
  }),
  el1('AMAIR_EL1', enc(3, 0, 10, 3, 0), 'Auxiliary memory attribute indirection (IMPLEMENTATION DEFINED)'),
  el1('VBAR_EL1', enc(3, 0, 12, 0, 0), 'Vector base: the 2KB-aligned exception vector table for EL1', {
    fields: [field('VBA', 63, 11, 'vector base address'), field('RES0', 10, 0, 'reserved, zero')],
  }),
  spec('el1', 'ISR_EL1', enc(3, 0, 12, 1, 0), 'Interrupt status: pending IRQ, FIQ and SError', {
    access: 'ro',
    fields: [field('F', 6, 6, 'FIQ pending'), field('I', 7, 7, 'IRQ pending (Persona: a virtual IRQ from the GICv2)'), field('A', 8, 8, 'SError pending')],
  }),
  el1('CONTEXTIDR_EL1', enc(3, 0, 13, 0, 1), 'Context ID: process identifier for trace and debug', { fields: [field('PROCID', 31, 0, 'process identifier')] }),
  el1('TPIDR_EL1', enc(3, 0, 13, 0, 4), 'Thread ID for EL1 software (Linux: per-CPU offset)'),
  el1('TPIDR_EL0', enc(3, 3, 13, 0, 2), 'Thread ID, read/write at EL0 (user-space TLS pointer)'),
  el1('TPIDRRO_EL0', enc(3, 3, 13, 0, 3), 'Thread ID, read-only at EL0, writable at EL1'),
];
