// Identification registers: read-only descriptions of the CPU. Values are QEMU's cortex-a72 (the CPU
// unicorn models and `qemu-system-aarch64 -cpu cortex-a72` reports), except MPIDR_EL1, which the guest
// reads from VMPIDR_EL2 as Persona sets it (vcpu.ts: 0x80000000 | vCPU index).
import { enc, field, resetA72, resetPersona, spec, type SpecOptions, type SysRegEncoding, type SysregField, type SysregSpec } from './types';

const id = (name: string, e: SysRegEncoding, summary: string, o: SpecOptions = {}): SysregSpec =>
  spec('id', name, e, summary, { access: 'ro', ...o });

/** Four-bit ID fields, low to high, as [name, meaning]. */
function nibbles(list: readonly (readonly [string, string])[], from = 0): SysregField[] {
  return list.map(([n, m], i) => field(n, from + i * 4 + 3, from + i * 4, m));
}

export const ID_REGISTERS: readonly SysregSpec[] = [
  id('MIDR_EL1', enc(3, 0, 0, 0, 0), 'Main ID: implementer, part number and revision of the CPU', {
    reset: resetA72(0x410f_d083n),
    fields: [
      field('Implementer', 31, 24, '0x41 = Arm Ltd'),
      field('Variant', 23, 20, 'major revision (rN)'),
      field('Architecture', 19, 16, '0xF = described by the ID registers'),
      field('PartNum', 15, 4, '0xD08 = Cortex-A72'),
      field('Revision', 3, 0, 'minor revision (pN)'),
    ],
  }),
  id('MPIDR_EL1', enc(3, 0, 0, 0, 5), 'Multiprocessor affinity: which vCPU this is (Persona: Aff0 = vCPU index)', {
    reset: resetPersona(0x8000_0000n),
    fields: [
      field('Aff3', 39, 32, 'affinity level 3'),
      field('RES1', 31, 31, 'reads as 1'),
      field('U', 30, 30, '1 = uniprocessor system'),
      field('MT', 24, 24, '1 = lowest affinity level is multithreaded'),
      field('Aff2', 23, 16, 'affinity level 2'),
      field('Aff1', 15, 8, 'affinity level 1'),
      field('Aff0', 7, 0, 'affinity level 0 (Persona: the vCPU index)'),
    ],
  }),
  id('REVIDR_EL1', enc(3, 0, 0, 0, 6), 'Revision ID: IMPLEMENTATION DEFINED errata fixes', { reset: resetA72(0n) }),
  id('ID_AA64PFR0_EL1', enc(3, 0, 0, 4, 0), 'Processor features 0: which ELs exist, FP/SIMD, GIC system registers, SVE', {
    reset: resetA72(0x2222n),
    fields: [
      ...nibbles([
        ['EL0', '1 = AArch64 only, 2 = AArch64 and AArch32'],
        ['EL1', '1 = AArch64 only, 2 = AArch64 and AArch32'],
        ['EL2', '0 = not implemented, 1/2 = implemented'],
        ['EL3', '0 = not implemented, 1/2 = implemented'],
        ['FP', '0 = FP, 1 = FP with half precision, 0xF = none'],
        ['AdvSIMD', '0 = Advanced SIMD, 1 = with half precision, 0xF = none'],
        ['GIC', '0 = no GIC system registers, 1 = GICv3/v4 CPU interface'],
        ['RAS', 'RAS extension version'],
        ['SVE', '1 = SVE implemented'],
        ['SEL2', '1 = Secure EL2'],
        ['MPAM', 'MPAM major version'],
        ['AMU', 'activity monitors version'],
        ['DIT', '1 = data-independent timing'],
        ['RME', 'realm management extension'],
        ['CSV2', 'branch-target speculation safety'],
        ['CSV3', 'fault speculation safety'],
      ]),
    ],
  }),
  id('ID_AA64PFR1_EL1', enc(3, 0, 0, 4, 1), 'Processor features 1: BTI, SSBS, MTE, SME', { reset: resetA72(0n) }),
  id('ID_AA64ZFR0_EL1', enc(3, 0, 0, 4, 4), 'SVE features', { reset: resetA72(0n) }),
  id('ID_AA64SMFR0_EL1', enc(3, 0, 0, 4, 5), 'SME features', { reset: resetA72(0n) }),
  id('ID_AA64DFR0_EL1', enc(3, 0, 0, 5, 0), 'Debug features 0: debug architecture, breakpoints, watchpoints, PMU version', {
    reset: resetA72(0x1030_5106n),
    fields: nibbles([
      ['DebugVer', 'debug architecture version'],
      ['TraceVer', 'trace unit system registers'],
      ['PMUVer', 'PMU version'],
      ['BRPs', 'breakpoints minus one'],
      ['PMSS', 'PMU snapshot'],
      ['WRPs', 'watchpoints minus one'],
      ['SEBEP', 'synchronous-exception-based event profiling'],
      ['CTX_CMPs', 'context-aware breakpoints minus one'],
    ]),
  }),
  id('ID_AA64DFR1_EL1', enc(3, 0, 0, 5, 1), 'Debug features 1', { reset: resetA72(0n) }),
  id('ID_AA64AFR0_EL1', enc(3, 0, 0, 5, 4), 'Auxiliary features 0 (IMPLEMENTATION DEFINED)', { reset: resetA72(0n) }),
  id('ID_AA64AFR1_EL1', enc(3, 0, 0, 5, 5), 'Auxiliary features 1 (IMPLEMENTATION DEFINED)', { reset: resetA72(0n) }),
  id('ID_AA64ISAR0_EL1', enc(3, 0, 0, 6, 0), 'Instruction set attributes 0: AES, SHA, CRC32, atomics (LSE), RDM, ...', {
    reset: resetA72(0x0001_1120n),
    fields: nibbles([
      ['AES', '1 = AES, 2 = AES and PMULL'],
      ['SHA1', '1 = SHA1 instructions'],
      ['SHA2', '1 = SHA256, 2 = SHA256 and SHA512'],
      ['CRC32', '1 = CRC32 instructions'],
      ['Atomic', '2 = LSE atomics (LDADD, CAS, SWP, ...)'],
    ], 4),
  }),
  id('ID_AA64ISAR1_EL1', enc(3, 0, 0, 6, 1), 'Instruction set attributes 1: pointer authentication, JSCVT, LRCPC, ...', { reset: resetA72(0n) }),
  id('ID_AA64ISAR2_EL1', enc(3, 0, 0, 6, 2), 'Instruction set attributes 2: WFxT, RPRES, MOPS, ...', { reset: resetA72(0n) }),
  id('ID_AA64MMFR0_EL1', enc(3, 0, 0, 7, 0), 'Memory model features 0: physical address range, ASID size, granules', {
    reset: resetA72(0x1124n),
    fields: nibbles([
      ['PARange', 'physical address size: 0 = 32, 1 = 36, 2 = 40, 3 = 42, 4 = 44, 5 = 48, 6 = 52 bits'],
      ['ASIDBits', '0 = 8-bit ASIDs, 2 = 16-bit ASIDs'],
      ['BigEnd', '1 = mixed-endian support'],
      ['SNSMem', '1 = Secure/Non-secure memory distinction'],
      ['BigEndEL0', '1 = mixed-endian at EL0 only'],
      ['TGran16', '0 = 16KB granule not supported, 1 = supported'],
      ['TGran64', '0 = 64KB granule supported, 0xF = not supported'],
      ['TGran4', '0 = 4KB granule supported, 0xF = not supported'],
      ['TGran16_2', 'stage-2 16KB granule'],
      ['TGran64_2', 'stage-2 64KB granule'],
      ['TGran4_2', 'stage-2 4KB granule'],
      ['ExS', 'non-context-synchronizing exception entry/exit'],
    ]),
  }),
  id('ID_AA64MMFR1_EL1', enc(3, 0, 0, 7, 1), 'Memory model features 1: VMID size, VHE, PAN, hardware AF/dirty', { reset: resetA72(0n) }),
  id('ID_AA64MMFR2_EL1', enc(3, 0, 0, 7, 2), 'Memory model features 2: CnP, UAO, larger VAs, ...', { reset: resetA72(0n) }),
  id('ID_AA64MMFR3_EL1', enc(3, 0, 0, 7, 3), 'Memory model features 3', { reset: resetA72(0n) }),
  id('CCSIDR_EL1', enc(3, 1, 0, 0, 0), 'Cache size ID of the cache CSSELR_EL1 selects'),
  id('CLIDR_EL1', enc(3, 1, 0, 0, 1), 'Cache level ID: cache types per level, levels of coherency/unification', { reset: resetA72(0x0a20_0023n) }),
  spec('id', 'CSSELR_EL1', enc(3, 2, 0, 0, 0), 'Cache size selection: which cache CCSIDR_EL1 describes', {
    fields: [field('Level', 3, 1, 'cache level minus one'), field('InD', 0, 0, '1 = instruction cache, 0 = data or unified')],
  }),
  id('CTR_EL0', enc(3, 3, 0, 0, 1), 'Cache type: line sizes for cache maintenance by VA, cache policies', {
    reset: resetA72(0x8444_c004n),
    fields: [
      field('DIC', 29, 29, '1 = no instruction cache invalidation needed for coherence'),
      field('IDC', 28, 28, '1 = no data cache clean needed for instruction coherence'),
      field('CWG', 27, 24, 'cache writeback granule, log2 words'),
      field('ERG', 23, 20, 'exclusives reservation granule, log2 words'),
      field('DminLine', 19, 16, 'smallest data cache line, log2 words'),
      field('L1Ip', 15, 14, 'L1 instruction cache policy'),
      field('IminLine', 3, 0, 'smallest instruction cache line, log2 words'),
    ],
  }),
  id('DCZID_EL0', enc(3, 3, 0, 0, 7), 'DC ZVA block size', {
    reset: resetA72(4n),
    fields: [field('DZP', 4, 4, '1 = DC ZVA prohibited'), field('BS', 3, 0, 'block size, log2 words (4 = 64 bytes)')],
  }),
];
