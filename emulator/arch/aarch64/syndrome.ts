// ESR_ELx (exception syndrome register) decoding and building, from ONE table keyed by the
// exception class (EC, bits 31:26). Bit positions follow the Arm ARM (DDI 0487, "ESR_EL1"):
//   ESR_ELx = ISS2[55:32] (not used by us) : EC[31:26] : IL[25] : ISS[24:0].
// Builders return the low 32 bits as an unsigned number (ISS2 is always zero for syndromes we make).

import { SYSREGS } from './sysregs/table';

/** One ISS field as decoded. */
export interface SyndromeField {
  name: string;
  value: number;
  meaning?: string;
}

export interface DecodedSyndrome {
  ec: number;
  ecName: string;
  /** Instruction length: true = 32-bit instruction (or "not an instruction" exceptions, where IL is RES1). */
  il: boolean;
  iss: number;
  fields: SyndromeField[];
}

interface FieldSpec {
  name: string;
  hi: number;
  lo: number;
  /** Print as hex (default: decimal). */
  hex?: boolean;
  /** A fault-status style code: printed as `NAME=0x10 meaning` rather than `NAME=1 (meaning)`. */
  code?: boolean;
  /** Always shown by formatEsr, even when zero. */
  always?: boolean;
  /** The field only exists when this predicate holds (e.g. data-abort SRT only when ISV=1). */
  when?: (iss: number) => boolean;
  meaning?: (value: number, iss: number) => string | undefined;
}

interface EcSpec {
  name: string;
  fields: readonly FieldSpec[];
  /** A short rendering of the whole ISS, shown by formatEsr instead of the field list. */
  summary?: (iss: number) => string | undefined;
}

export const EC = {
  Unknown: 0x00,
  Wfx: 0x01,
  Mcr15: 0x03,
  Mcrr15: 0x04,
  Mcr14: 0x05,
  LdcStc: 0x06,
  FpAccess: 0x07,
  Vmrs: 0x08,
  PAuth: 0x09,
  Ls64: 0x0a,
  Mrrc14: 0x0c,
  Bti: 0x0d,
  IllegalState: 0x0e,
  Svc32: 0x11,
  Hvc32: 0x12,
  Smc32: 0x13,
  Svc64: 0x15,
  Hvc64: 0x16,
  Smc64: 0x17,
  SysReg: 0x18,
  Sve: 0x19,
  Eret: 0x1a,
  Tstart: 0x1b,
  Fpac: 0x1c,
  Sme: 0x1d,
  Gpc: 0x1e,
  ImpDef: 0x1f,
  InstrAbortLower: 0x20,
  InstrAbortSame: 0x21,
  PcAlignment: 0x22,
  DataAbortLower: 0x24,
  DataAbortSame: 0x25,
  SpAlignment: 0x26,
  Mops: 0x27,
  Fp32: 0x28,
  Fp64: 0x2c,
  Gcs: 0x2d,
  SError: 0x2f,
  BreakpointLower: 0x30,
  BreakpointSame: 0x31,
  StepLower: 0x32,
  StepSame: 0x33,
  WatchpointLower: 0x34,
  WatchpointSame: 0x35,
  Bkpt32: 0x38,
  VectorCatch32: 0x3a,
  Brk64: 0x3c,
  Profiling: 0x3d,
} as const;

// ---------------------------------------------------------------------------------------------
// Fault status codes (DFSC / IFSC), shared by instruction and data aborts.

const FSC_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [0x00, 'address size fault, level 0'],
  [0x01, 'address size fault, level 1'],
  [0x02, 'address size fault, level 2'],
  [0x03, 'address size fault, level 3'],
  [0x04, 'translation fault, level 0'],
  [0x05, 'translation fault, level 1'],
  [0x06, 'translation fault, level 2'],
  [0x07, 'translation fault, level 3'],
  [0x08, 'access flag fault, level 0'],
  [0x09, 'access flag fault, level 1'],
  [0x0a, 'access flag fault, level 2'],
  [0x0b, 'access flag fault, level 3'],
  [0x0c, 'permission fault, level 0'],
  [0x0d, 'permission fault, level 1'],
  [0x0e, 'permission fault, level 2'],
  [0x0f, 'permission fault, level 3'],
  [0x10, 'synchronous external abort'],
  [0x11, 'synchronous tag check fault'],
  [0x12, 'synchronous external abort on table walk, level -2'],
  [0x13, 'synchronous external abort on table walk, level -1'],
  [0x14, 'synchronous external abort on table walk, level 0'],
  [0x15, 'synchronous external abort on table walk, level 1'],
  [0x16, 'synchronous external abort on table walk, level 2'],
  [0x17, 'synchronous external abort on table walk, level 3'],
  [0x18, 'synchronous parity/ECC error'],
  [0x1b, 'synchronous parity/ECC error on table walk, level -1'],
  [0x1c, 'synchronous parity/ECC error on table walk, level 0'],
  [0x1d, 'synchronous parity/ECC error on table walk, level 1'],
  [0x1e, 'synchronous parity/ECC error on table walk, level 2'],
  [0x1f, 'synchronous parity/ECC error on table walk, level 3'],
  [0x21, 'alignment fault'],
  [0x22, 'debug exception'],
  [0x23, 'granule protection fault on table walk, level -1'],
  [0x24, 'granule protection fault on table walk, level 0'],
  [0x25, 'granule protection fault on table walk, level 1'],
  [0x26, 'granule protection fault on table walk, level 2'],
  [0x27, 'granule protection fault on table walk, level 3'],
  [0x28, 'granule protection fault, not on table walk'],
  [0x29, 'address size fault, level -1'],
  [0x2b, 'translation fault, level -1'],
  [0x30, 'TLB conflict abort'],
  [0x31, 'unsupported atomic hardware update fault'],
  [0x34, 'IMPLEMENTATION DEFINED fault (lockdown)'],
  [0x35, 'IMPLEMENTATION DEFINED fault (unsupported exclusive or atomic access)'],
]);

/** Fault status codes by name, for the builders. */
export const FSC = {
  addressSize: (level: 0 | 1 | 2 | 3): number => level,
  translation: (level: 0 | 1 | 2 | 3): number => 0x04 + level,
  accessFlag: (level: 0 | 1 | 2 | 3): number => 0x08 + level,
  permission: (level: 0 | 1 | 2 | 3): number => 0x0c + level,
  SYNC_EXTERNAL: 0x10,
  ALIGNMENT: 0x21,
  DEBUG: 0x22,
} as const;

/** Name of a DFSC/IFSC code ("translation fault, level 3"), or "reserved". */
export function faultStatusName(fsc: number): string {
  return FSC_NAMES.get(fsc & 0x3f) ?? 'reserved';
}

// ---------------------------------------------------------------------------------------------
// Field lists, reused across classes.

const bit = (value: number): boolean => value !== 0;
const f = (name: string, hi: number, lo: number, rest: Partial<FieldSpec> = {}): FieldSpec => ({ name, hi, lo, ...rest });
const fieldOf = (iss: number, hi: number, lo: number): number => (iss >>> lo) & ((1 << (hi - lo + 1)) - 1);

const COND_FIELDS: readonly FieldSpec[] = [
  f('CV', 24, 24, { meaning: (v) => (v ? 'COND valid' : 'COND not valid') }),
  f('COND', 23, 20, { hex: true, when: (iss) => bit(iss & (1 << 24)) }),
];

const IMM16: readonly FieldSpec[] = [f('imm16', 15, 0, { hex: true, always: true })];
const COMMENT: readonly FieldSpec[] = [f('comment', 15, 0, { hex: true, always: true })];

const SET_MEANING = (v: number): string => ['recoverable (UER)', 'uncontainable (UC)', 'restartable (UEO)', 'corrected (CE)'][v] ?? '';

const ABORT_COMMON_TAIL: readonly FieldSpec[] = [
  f('FnV', 10, 10, { meaning: (v) => (v ? 'FAR not valid' : 'FAR valid') }),
  f('EA', 9, 9, { meaning: (v) => (v ? 'external abort' : undefined) }),
];

const INSTR_ABORT: readonly FieldSpec[] = [
  f('SET', 12, 11, { meaning: SET_MEANING, when: (iss) => fieldOf(iss, 5, 0) === 0x10 }),
  ...ABORT_COMMON_TAIL,
  f('S1PTW', 7, 7, { meaning: (v) => (v ? 'on stage 1 table walk' : undefined) }),
  f('IFSC', 5, 0, { hex: true, code: true, always: true, meaning: faultStatusName }),
];

const isvSet = (iss: number): boolean => bit(iss & (1 << 24));
const SAS_NAMES = ['byte', 'halfword', 'word', 'doubleword'];

const DATA_ABORT: readonly FieldSpec[] = [
  f('ISV', 24, 24, { meaning: (v) => (v ? 'syndrome valid' : undefined) }),
  f('SAS', 23, 22, { when: isvSet, always: true, meaning: (v) => SAS_NAMES[v] }),
  f('SSE', 21, 21, { when: isvSet, meaning: (v) => (v ? 'sign-extend' : undefined) }),
  f('SRT', 20, 16, { when: isvSet, always: true, meaning: (v, iss) => `${bit(iss & (1 << 15)) ? 'x' : 'w'}${v}` }),
  f('SF', 15, 15, { when: isvSet, meaning: (v) => (v ? '64-bit register' : '32-bit register') }),
  f('AR', 14, 14, { when: isvSet, meaning: (v) => (v ? 'acquire/release' : undefined) }),
  f('VNCR', 13, 13),
  f('SET', 12, 11, { meaning: SET_MEANING, when: (iss) => fieldOf(iss, 5, 0) === 0x10 }),
  ...ABORT_COMMON_TAIL,
  f('CM', 8, 8, { meaning: (v) => (v ? 'cache maintenance' : undefined) }),
  f('S1PTW', 7, 7, { meaning: (v) => (v ? 'on stage 1 table walk' : undefined) }),
  f('WnR', 6, 6, { meaning: (v) => (v ? 'write' : 'read') }),
  f('DFSC', 5, 0, { hex: true, code: true, always: true, meaning: faultStatusName }),
];

const SYSREG: readonly FieldSpec[] = [
  f('Op0', 21, 20),
  f('Op2', 19, 17),
  f('Op1', 16, 14),
  f('CRn', 13, 10),
  f('Rt', 9, 5),
  f('CRm', 4, 1),
  f('Direction', 0, 0, { always: true, meaning: (v) => (v ? 'read (MRS)' : 'write (MSR)') }),
];

const MCR: readonly FieldSpec[] = [
  ...COND_FIELDS,
  f('Opc2', 19, 17),
  f('Opc1', 16, 14),
  f('CRn', 13, 10),
  f('Rt', 9, 5),
  f('CRm', 4, 1),
  f('Direction', 0, 0, { always: true, meaning: (v) => (v ? 'read (MRC)' : 'write (MCR)') }),
];

const MCRR: readonly FieldSpec[] = [
  ...COND_FIELDS,
  f('Opc1', 19, 16),
  f('Rt2', 14, 10),
  f('Rt', 9, 5),
  f('CRm', 4, 1),
  f('Direction', 0, 0, { always: true, meaning: (v) => (v ? 'read (MRRC)' : 'write (MCRR)') }),
];

const WFX: readonly FieldSpec[] = [
  ...COND_FIELDS,
  f('RN', 9, 5, { when: (iss) => (iss & 2) !== 0 }),
  f('RV', 2, 2, { meaning: (v) => (v ? 'RN valid' : undefined) }),
  f('TI', 1, 0, { always: true, meaning: (v) => ['WFI', 'WFE', 'WFIT', 'WFET'][v] }),
];

const FP_EXC: readonly FieldSpec[] = [
  f('TFV', 23, 23),
  f('VECITR', 10, 8),
  f('IDF', 7, 7, { meaning: (v) => (v ? 'input denormal' : undefined) }),
  f('IXF', 4, 4, { meaning: (v) => (v ? 'inexact' : undefined) }),
  f('UFF', 3, 3, { meaning: (v) => (v ? 'underflow' : undefined) }),
  f('OFF', 2, 2, { meaning: (v) => (v ? 'overflow' : undefined) }),
  f('DZF', 1, 1, { meaning: (v) => (v ? 'divide by zero' : undefined) }),
  f('IOF', 0, 0, { meaning: (v) => (v ? 'invalid operation' : undefined) }),
];

const SERROR: readonly FieldSpec[] = [
  f('IDS', 24, 24, { meaning: (v) => (v ? 'IMPLEMENTATION DEFINED syndrome' : undefined) }),
  f('IESB', 13, 13),
  f('AET', 12, 10, { meaning: (v) => ['uncontainable (UC)', 'unrecoverable (UEU)', 'restartable (UEO)', 'recoverable (UER)', '', '', 'corrected (CE)'][v] || undefined }),
  f('EA', 9, 9),
  f('DFSC', 5, 0, { hex: true, code: true, always: true, meaning: (v) => (v === 0 ? 'uncategorized' : v === 0x11 ? 'asynchronous SError interrupt' : 'reserved') }),
];

const WATCHPOINT: readonly FieldSpec[] = [
  f('VNCR', 13, 13),
  f('FnV', 10, 10, { meaning: (v) => (v ? 'FAR not valid' : undefined) }),
  f('CM', 8, 8, { meaning: (v) => (v ? 'cache maintenance' : undefined) }),
  f('WnR', 6, 6, { meaning: (v) => (v ? 'write' : 'read') }),
  f('DFSC', 5, 0, { hex: true, code: true, always: true, meaning: faultStatusName }),
];

const STEP: readonly FieldSpec[] = [
  f('ISV', 24, 24),
  f('EX', 6, 6, { when: isvSet, meaning: (v) => (v ? 'load-exclusive' : undefined) }),
  f('IFSC', 5, 0, { hex: true, code: true, always: true, meaning: faultStatusName }),
];

const DEBUG_IFSC: readonly FieldSpec[] = [f('IFSC', 5, 0, { hex: true, code: true, always: true, meaning: faultStatusName })];

const MOPS: readonly FieldSpec[] = [
  f('MemInst', 24, 24, { meaning: (v) => (v ? 'CPY*' : 'SET*') }),
  f('isSETG', 23, 23),
  f('Options', 22, 19, { hex: true }),
  f('FromEpilogue', 18, 18),
  f('WrongOption', 17, 17),
  f('OptionA', 16, 16),
  f('DestReg', 14, 10),
  f('SrcReg', 9, 5),
  f('SizeReg', 4, 0),
];

const NONE: readonly FieldSpec[] = [];

// ---------------------------------------------------------------------------------------------
// THE table: exception class -> name and ISS layout.

const EC_TABLE: ReadonlyMap<number, EcSpec> = new Map<number, EcSpec>([
  [EC.Unknown, { name: 'Unknown reason', fields: NONE }],
  [EC.Wfx, { name: 'WFI/WFE', fields: WFX }],
  [EC.Mcr15, { name: 'MCR/MRC to CP15 (AArch32)', fields: MCR }],
  [EC.Mcrr15, { name: 'MCRR/MRRC to CP15 (AArch32)', fields: MCRR }],
  [EC.Mcr14, { name: 'MCR/MRC to CP14 (AArch32)', fields: MCR }],
  [
    EC.LdcStc,
    {
      name: 'LDC/STC to CP14 (AArch32)',
      fields: [...COND_FIELDS, f('imm8', 19, 12, { hex: true }), f('Rn', 9, 5), f('Offset', 4, 4), f('AM', 3, 1), f('Direction', 0, 0, { meaning: (v) => (v ? 'read (LDC)' : 'write (STC)') })],
    },
  ],
  [EC.FpAccess, { name: 'SVE/SIMD/FP access trapped', fields: COND_FIELDS }],
  [EC.Vmrs, { name: 'VMRS access trapped (AArch32)', fields: COND_FIELDS }],
  [EC.PAuth, { name: 'Pointer authentication instruction trapped', fields: NONE }],
  [EC.Ls64, { name: 'LD64B/ST64B instruction trapped', fields: [f('ISS', 24, 0, { hex: true })] }],
  [EC.Mrrc14, { name: 'MRRC to CP14 (AArch32)', fields: MCRR }],
  [EC.Bti, { name: 'Branch target exception', fields: [f('BTYPE', 1, 0, { always: true })] }],
  [EC.IllegalState, { name: 'Illegal execution state', fields: NONE }],
  [EC.Svc32, { name: 'SVC (AArch32)', fields: IMM16 }],
  [EC.Hvc32, { name: 'HVC (AArch32)', fields: IMM16 }],
  [EC.Smc32, { name: 'SMC (AArch32)', fields: [...COND_FIELDS, f('CCKNOWNPASS', 19, 19)] }],
  [EC.Svc64, { name: 'SVC (AArch64)', fields: IMM16 }],
  [EC.Hvc64, { name: 'HVC (AArch64)', fields: IMM16 }],
  [EC.Smc64, { name: 'SMC (AArch64)', fields: IMM16 }],
  [EC.SysReg, { name: 'MSR/MRS/system instruction', fields: SYSREG, summary: sysRegSummary }],
  [EC.Sve, { name: 'SVE access trapped', fields: NONE }],
  [EC.Eret, { name: 'ERET/ERETAA/ERETAB trapped', fields: [f('ERET', 1, 1), f('ERETA', 0, 0)] }],
  [EC.Tstart, { name: 'TSTART access trapped', fields: [f('Rd', 9, 5)] }],
  [EC.Fpac, { name: 'Pointer authentication failure', fields: [f('Instr', 1, 1, { meaning: (v) => (v ? 'instruction key' : 'data key') }), f('Key', 0, 0, { meaning: (v) => (v ? 'B' : 'A') })] }],
  [EC.Sme, { name: 'SME access trapped', fields: [f('SMTC', 2, 0, { always: true })] }],
  [EC.Gpc, { name: 'Granule protection check', fields: [f('ISS', 24, 0, { hex: true })] }],
  [EC.ImpDef, { name: 'IMPLEMENTATION DEFINED exception to EL3', fields: [f('ISS', 24, 0, { hex: true })] }],
  [EC.InstrAbortLower, { name: 'Instruction abort from lower EL', fields: INSTR_ABORT }],
  [EC.InstrAbortSame, { name: 'Instruction abort from same EL', fields: INSTR_ABORT }],
  [EC.PcAlignment, { name: 'PC alignment fault', fields: NONE }],
  [EC.DataAbortLower, { name: 'Data abort from lower EL', fields: DATA_ABORT }],
  [EC.DataAbortSame, { name: 'Data abort from same EL', fields: DATA_ABORT }],
  [EC.SpAlignment, { name: 'SP alignment fault', fields: NONE }],
  [EC.Mops, { name: 'Memory operation exception', fields: MOPS }],
  [EC.Fp32, { name: 'Floating-point exception (AArch32)', fields: FP_EXC }],
  [EC.Fp64, { name: 'Floating-point exception (AArch64)', fields: FP_EXC }],
  [EC.Gcs, { name: 'Guarded control stack exception', fields: [f('ExType', 23, 20), f('Raddr', 14, 10), f('IT', 4, 0)] }],
  [EC.SError, { name: 'SError interrupt', fields: SERROR }],
  [EC.BreakpointLower, { name: 'Breakpoint from lower EL', fields: DEBUG_IFSC }],
  [EC.BreakpointSame, { name: 'Breakpoint from same EL', fields: DEBUG_IFSC }],
  [EC.StepLower, { name: 'Software step from lower EL', fields: STEP }],
  [EC.StepSame, { name: 'Software step from same EL', fields: STEP }],
  [EC.WatchpointLower, { name: 'Watchpoint from lower EL', fields: WATCHPOINT }],
  [EC.WatchpointSame, { name: 'Watchpoint from same EL', fields: WATCHPOINT }],
  [EC.Bkpt32, { name: 'BKPT (AArch32)', fields: COMMENT }],
  [EC.VectorCatch32, { name: 'Vector catch (AArch32)', fields: NONE }],
  [EC.Brk64, { name: 'BRK (AArch64)', fields: COMMENT }],
  [EC.Profiling, { name: 'Profiling exception', fields: NONE }],
]);

/** The name of an exception class ("Data abort from lower EL"), or "Reserved EC 0x2a". */
export function ecName(ec: number): string {
  return EC_TABLE.get(ec)?.name ?? `Reserved EC 0x${hex2(ec)}`;
}

// ---------------------------------------------------------------------------------------------
// Decoding.

function hex2(v: number): string {
  return v.toString(16).padStart(2, '0');
}

function low32(esr: bigint | number): number {
  return typeof esr === 'bigint' ? Number(BigInt.asUintN(32, esr)) : esr >>> 0;
}

export function decodeEsr(esr: bigint | number): DecodedSyndrome {
  const v = low32(esr);
  const ec = v >>> 26;
  const il = ((v >>> 25) & 1) === 1;
  const iss = v & 0x1ff_ffff;
  const spec = EC_TABLE.get(ec);
  const fields: SyndromeField[] = [];
  for (const fs of spec?.fields ?? NONE) {
    if (fs.when && !fs.when(iss)) continue;
    const value = fieldOf(iss, fs.hi, fs.lo);
    const meaning = fs.meaning?.(value, iss);
    fields.push(meaning ? { name: fs.name, value, meaning } : { name: fs.name, value });
  }
  if (typeof esr === 'bigint') {
    const iss2 = Number(BigInt.asUintN(24, esr >> 32n));
    if (iss2 !== 0) fields.push({ name: 'ISS2', value: iss2 });
  }
  return { ec, ecName: spec?.name ?? `Reserved EC 0x${hex2(ec)}`, il, iss, fields };
}

function lowerFirst(name: string): string {
  // "Data abort ..." -> "data abort ...", but keep acronyms ("SVC (AArch64)", "WFI/WFE").
  return name.length > 1 && name[1] === name[1]!.toLowerCase() && name[1] !== name[1]!.toUpperCase() ? name[0]!.toLowerCase() + name.slice(1) : name;
}

/** One line: `EC=0x24 data abort from lower EL: WnR=1 (write) DFSC=0x10 synchronous external abort`. */
export function formatEsr(esr: bigint | number): string {
  const d = decodeEsr(esr);
  const spec = EC_TABLE.get(d.ec);
  let out = `EC=0x${hex2(d.ec)} ${spec ? lowerFirst(spec.name) : 'reserved'}`;
  const summary = spec?.summary?.(d.iss);
  const parts: string[] = [];
  if (summary) parts.push(summary);
  else {
    const specs = spec?.fields ?? NONE;
    for (const field of d.fields) {
      const fs = specs.find((s) => s.name === field.name);
      if (field.value === 0 && !fs?.always) continue;
      const val = fs?.code ? `0x${hex2(field.value)}` : fs?.hex || field.name === 'ISS2' ? `0x${field.value.toString(16)}` : String(field.value);
      if (!field.meaning) parts.push(`${field.name}=${val}`);
      else if (fs?.code) parts.push(`${field.name}=${val} ${field.meaning}`);
      else parts.push(`${field.name}=${val} (${field.meaning})`);
    }
    if (spec === undefined && d.iss !== 0) parts.push(`ISS=0x${d.iss.toString(16)}`);
  }
  if (!d.il) parts.push('IL=0 (16-bit instruction)');
  if (parts.length > 0) out += `: ${parts.join(' ')}`;
  return out;
}

function sysRegSummary(iss: number): string {
  const op0 = fieldOf(iss, 21, 20);
  const op2 = fieldOf(iss, 19, 17);
  const op1 = fieldOf(iss, 16, 14);
  const crn = fieldOf(iss, 13, 10);
  const rt = fieldOf(iss, 9, 5);
  const crm = fieldOf(iss, 4, 1);
  const read = (iss & 1) === 1;
  const reg = rt === 31 ? 'xzr' : `x${rt}`;
  const name = sysregName(op0, op1, crn, crm, op2);
  if (op0 === 1) return read ? `SYSL ${reg}, ${name}` : `SYS ${name}, ${reg}`;
  return read ? `MRS ${reg}, ${name}` : `MSR ${name}, ${reg}`;
}

// ---------------------------------------------------------------------------------------------
// Builders: the syndromes the hypervisor writes into ESR_EL1 when it reflects an exception.

function esr(ec: number, il: boolean, iss: number): number {
  return ((ec << 26) | (il ? 1 << 25 : 0) | (iss & 0x1ff_ffff)) >>> 0;
}

export function esrUnknown(il = true): number {
  return esr(EC.Unknown, il, 0);
}

export function esrSvc(imm16: number, il = true): number {
  return esr(EC.Svc64, il, imm16 & 0xffff);
}

export function esrHvc(imm16: number): number {
  return esr(EC.Hvc64, true, imm16 & 0xffff);
}

export function esrSmc(imm16: number): number {
  return esr(EC.Smc64, true, imm16 & 0xffff);
}

export function esrBrk(comment: number): number {
  return esr(EC.Brk64, true, comment & 0xffff);
}

/** Trapped WFI (ti=0), WFE (1), WFIT (2), WFET (3). */
export function esrWfx(ti: 0 | 1 | 2 | 3, rn?: number): number {
  const iss = (rn !== undefined ? ((rn & 31) << 5) | (1 << 2) : 0) | ti;
  return esr(EC.Wfx, true, iss);
}

export function esrPcAlignment(): number {
  return esr(EC.PcAlignment, true, 0);
}

export function esrSpAlignment(): number {
  return esr(EC.SpAlignment, true, 0);
}

export function esrIllegalState(): number {
  return esr(EC.IllegalState, true, 0);
}

/** The instruction-specific syndrome of a data abort (ISV=1): what the hypervisor needs to emulate the access. */
export interface DataAbortAccess {
  /** Access size: 0 byte, 1 halfword, 2 word, 3 doubleword. */
  sas: 0 | 1 | 2 | 3;
  /** Sign-extend the loaded value. */
  sse?: boolean;
  /** Register number (31 = xzr/wzr). */
  srt: number;
  /** 64-bit register (true) or 32-bit (false). */
  sf: boolean;
  /** Acquire/release semantics. */
  ar?: boolean;
}

export interface DataAbortSyndrome {
  /** true: from the same EL (EC 0x25); false: from a lower EL (EC 0x24). */
  sameEl: boolean;
  /** Write (true) or read (false). */
  wnr: boolean;
  /** Fault status code (FSC.*). */
  dfsc: number;
  /** External abort. */
  ea?: boolean;
  /** FAR not valid. */
  fnv?: boolean;
  /** Cache maintenance / address translation instruction. */
  cm?: boolean;
  /** Fault on the stage 1 translation table walk (stage 2 faults only). */
  s1ptw?: boolean;
  /** Present when the instruction syndrome is valid (ISV=1). */
  isv?: DataAbortAccess;
  /** Instruction length (default true; only meaningful with ISV=1). */
  il?: boolean;
}

export function esrDataAbort(d: DataAbortSyndrome): number {
  let iss = (d.dfsc & 0x3f) | (d.wnr ? 1 << 6 : 0) | (d.s1ptw ? 1 << 7 : 0) | (d.cm ? 1 << 8 : 0) | (d.ea ? 1 << 9 : 0) | (d.fnv ? 1 << 10 : 0);
  if (d.isv) {
    const a = d.isv;
    iss |= (1 << 24) | ((a.sas & 3) << 22) | (a.sse ? 1 << 21 : 0) | ((a.srt & 31) << 16) | (a.sf ? 1 << 15 : 0) | (a.ar ? 1 << 14 : 0);
  }
  return esr(d.sameEl ? EC.DataAbortSame : EC.DataAbortLower, d.il ?? true, iss);
}

export interface InstructionAbortSyndrome {
  sameEl: boolean;
  ifsc: number;
  ea?: boolean;
  fnv?: boolean;
  s1ptw?: boolean;
}

export function esrInstructionAbort(d: InstructionAbortSyndrome): number {
  const iss = (d.ifsc & 0x3f) | (d.s1ptw ? 1 << 7 : 0) | (d.ea ? 1 << 9 : 0) | (d.fnv ? 1 << 10 : 0);
  return esr(d.sameEl ? EC.InstrAbortSame : EC.InstrAbortLower, true, iss);
}

export interface SysRegAccess {
  op0: number;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
  /** Transfer register (31 = xzr). */
  rt: number;
  /** true for MRS (read), false for MSR (write). */
  read: boolean;
}

export function esrSysReg(a: SysRegAccess): number {
  const iss = ((a.op0 & 3) << 20) | ((a.op2 & 7) << 17) | ((a.op1 & 7) << 14) | ((a.crn & 15) << 10) | ((a.rt & 31) << 5) | ((a.crm & 15) << 1) | (a.read ? 1 : 0);
  return esr(EC.SysReg, true, iss);
}

/** The fields of an EC 0x18 syndrome, as a SysRegAccess (for trap handlers). */
export function sysRegAccessOf(esrValue: bigint | number): SysRegAccess {
  const iss = low32(esrValue) & 0x1ff_ffff;
  return {
    op0: fieldOf(iss, 21, 20),
    op2: fieldOf(iss, 19, 17),
    op1: fieldOf(iss, 16, 14),
    crn: fieldOf(iss, 13, 10),
    rt: fieldOf(iss, 9, 5),
    crm: fieldOf(iss, 4, 1),
    read: (iss & 1) === 1,
  };
}

// ---------------------------------------------------------------------------------------------
// System register names: (op0, op1, CRn, CRm, op2) -> name, as MRS/MSR spell them.

/** The 16-bit encoding op0:op1:CRn:CRm:op2 (the same bits as MRS/MSR instruction bits 20:5). */
export function sysregKey(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return ((op0 & 3) << 14) | ((op1 & 7) << 11) | ((crn & 15) << 7) | ((crm & 15) << 3) | (op2 & 7);
}

type Enc = readonly [op0: number, op1: number, crn: number, crm: number, op2: number];

// The names come from the one system-register table (sysregs/table.ts), in its order.
const SYSREG_LIST: readonly (readonly [string, Enc])[] = SYSREGS.map((s) => [s.name, [s.encoding.op0, s.encoding.op1, s.encoding.crn, s.encoding.crm, s.encoding.op2]] as const);

const SYSREG_BY_KEY: ReadonlyMap<number, string> = new Map(SYSREG_LIST.map(([name, e]) => [sysregKey(...e), name]));
const SYSREG_BY_NAME: ReadonlyMap<string, Enc> = new Map(SYSREG_LIST.map(([name, e]) => [name.toUpperCase(), e]));

/** "CNTVCT_EL0", or the generic `S3_1_C15_C2_0` spelling for registers not in the table. */
export function sysregName(op0: number, op1: number, crn: number, crm: number, op2: number): string {
  return SYSREG_BY_KEY.get(sysregKey(op0, op1, crn, crm, op2)) ?? `S${op0}_${op1}_C${crn}_C${crm}_${op2}`;
}

/** The encoding of a named system register (case-insensitive), including `S3_1_C15_C2_0` spellings. */
export function sysregEncoding(name: string): { op0: number; op1: number; crn: number; crm: number; op2: number } | undefined {
  const upper = name.trim().toUpperCase();
  const known = SYSREG_BY_NAME.get(upper);
  if (known) return { op0: known[0], op1: known[1], crn: known[2], crm: known[3], op2: known[4] };
  const m = /^S([0-3])_([0-7])_C([0-9]|1[0-5])_C([0-9]|1[0-5])_([0-7])$/.exec(upper);
  if (!m) return undefined;
  return { op0: Number(m[1]), op1: Number(m[2]), crn: Number(m[3]), crm: Number(m[4]), op2: Number(m[5]) };
}

/** Every named system register and system instruction in the table (for completion lists). */
export function knownSysregNames(): string[] {
  return SYSREG_LIST.map(([name]) => name);
}
