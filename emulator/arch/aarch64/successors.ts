// Where an A64 instruction can hand control next: the debugger steps one instruction by planting
// temporary breakpoints at every such address, because unicorn cannot single-step in our set-up
// (count=1 mixed with count=0 runs hangs: /work/shared/notes/engine.md, fact 3d).
//
// Only the "Branches, Exception Generating and System instructions" group (Arm ARM DDI 0487, C4.1,
// op0 bits 28:26 = 0b101) and the permanently undefined UDF change the flow of control in A64; every
// other instruction (loads/stores, data processing, hints such as WFI, MSR/MRS, barriers) goes on at
// pc+4. The encodings below are one table, written from the Arm ARM's encoding diagrams.
//
// Not decoded (they fall through to 'sequential'): Armv9.5 FEAT_CMPBR (CB<cc>, CBB<cc>, CBH<cc>) and
// FEAT_PAuth_LR (RETAASPPC...), FEAT_TME's TSTART/TCANCEL. unicorn's CPU models do not implement them,
// so on our emulator they are undefined instructions and the emulator reports the exception.

/** How an instruction continues. */
export type SuccessorKind = 'sequential' | 'branch' | 'conditional' | 'indirect' | 'call' | 'return' | 'eret' | 'exception';

export interface Successors {
  /** Every address execution may continue at (no duplicates); empty when only the emulator knows. */
  next: bigint[];
  kind: SuccessorKind;
  /** Calls (BL, BLR and its PAC forms): where the callee returns to, for step-over. */
  returnAddress?: bigint;
}

/** What the decoder needs of the vCPU besides the general-purpose registers. */
export interface BranchState {
  /** The condition flags as the 4-bit NZCV value (N = bit 3, Z = 2, C = 1, V = 0), i.e. PSTATE.NZCV >> 28. */
  nzcv: number;
  /** ELR of the current exception level: where ERET returns to. */
  elr: bigint;
  /** Virtual-address width for stripping pointer-authentication codes (default 48). */
  vaBits?: number;
}

/** Reads general-purpose register Xn, n in 0..30 (the decoder itself reads register 31 as XZR). */
export type RegisterReader = (n: number) => bigint;

const MASK64 = (1n << 64n) - 1n;

/** HLT #0xF000: ARM semihosting, which Persona's hypervisor answers (emulator/hypervisor/semihosting.ts). */
const SEMIHOSTING_IMM16 = 0xf000;

/**
 * The Arm ARM's ConditionHolds (shared pseudocode, "ConditionHolds"): cond[3:1] picks the test,
 * cond[0] inverts it, except for 0b1111 (NV) which, like 0b1110 (AL), always holds.
 */
export function conditionHolds(cond: number, nzcv: number): boolean {
  const n = (nzcv & 8) !== 0;
  const z = (nzcv & 4) !== 0;
  const c = (nzcv & 2) !== 0;
  const v = (nzcv & 1) !== 0;
  let result: boolean;
  switch ((cond >> 1) & 7) {
    case 0: result = z; break; // EQ / NE
    case 1: result = c; break; // CS / CC
    case 2: result = n; break; // MI / PL
    case 3: result = v; break; // VS / VC
    case 4: result = c && !z; break; // HI / LS
    case 5: result = n === v; break; // GE / LT
    case 6: result = n === v && !z; break; // GT / LE
    default: result = true; // AL / NV
  }
  return (cond & 1) === 1 && (cond & 0xf) !== 0xf ? !result : result;
}

/**
 * Removes a pointer-authentication code from a code address: the bits above the VA width become
 * copies of bit 55 (kernel TTBR1 addresses get ones, user TTBR0 addresses zeros). This is the value a
 * successful AUTIA/AUTIB yields; if authentication fails the branch faults, which the emulator reports.
 */
export function stripPointerAuth(addr: bigint, vaBits = 48): bigint {
  const low = (1n << BigInt(vaBits)) - 1n;
  return (addr >> 55n) & 1n ? (addr | (MASK64 ^ low)) & MASK64 : addr & low;
}

/** Everything a row's rule may look at. */
interface Decoding {
  insn: number;
  pc: bigint;
  state: BranchState;
  /** Xn with n = 31 read as XZR: in branches, register 31 is never SP (X[] in the Arm ARM pseudocode). */
  x(n: number): bigint;
}

type Rule = (d: Decoding) => Successors;

interface Encoding {
  /** Mnemonic as the Arm ARM names the encoding. */
  name: string;
  /** Bits that identify the encoding, and their value. */
  mask: number;
  value: number;
  rule: Rule;
}

/** pc + a signed byte offset, wrapping like the 64-bit PC does. */
function plus(pc: bigint, offset: number): bigint {
  return BigInt.asUintN(64, pc + BigInt(offset));
}

// Sign-extended, scaled branch offsets: shift the field to the top of a 32-bit int, then
// arithmetic-shift it down so its top bit fills the rest, then multiply by the instruction size.
const imm26 = (insn: number): number => ((insn << 6) >> 6) * 4;
const imm19 = (insn: number): number => ((insn << 8) >> 13) * 4;
const imm14 = (insn: number): number => ((insn << 13) >> 18) * 4;
const rn = (insn: number): number => (insn >>> 5) & 31;
const rt = (insn: number): number => insn & 31;

/**
 * A two-way branch, resolved: the flags and registers it tests are read before it executes, so the
 * way it goes is known and a step plants one breakpoint, not two (each planted breakpoint costs a
 * translation-cache flush of its address: engine.md fact 3c).
 */
function oneWay(taken: boolean, target: bigint, fallThrough: bigint): Successors {
  return { next: [taken ? target : fallThrough], kind: 'conditional' };
}

const sequential: Rule = (d) => ({ next: [plus(d.pc, 4)], kind: 'sequential' });

// Exceptions taken to the guest's own vectors (SVC, BRK, UDF...): the emulator enters them and
// reports where the exception went, so the decoder does not guess a vector address.
const exception: Rule = () => ({ next: [], kind: 'exception' });

// HVC and SMC at EL1 are SMCCC calls (PSCI, the Persona ABI), and HLT #0xF000 a semihosting call,
// that Persona's hypervisor completes itself, outside the guest, resuming it at pc+4 (as a real EL2
// or EL3 does by ERET): no guest code runs in between, so a breakpoint at pc+4 ends the step. A call
// that never returns (PSCI CPU_OFF, SYSTEM_OFF, semihosting exit) halts or parks the vCPU, and these
// instructions are undefined at EL0 and reflected: then the emulator reports the stop and pc+4 is
// simply never hit.
const completedByHypervisor: Rule = (d) => ({ next: [plus(d.pc, 4)], kind: 'exception' });

const direct = (kind: 'branch' | 'call'): Rule => (d) => {
  const target = plus(d.pc, imm26(d.insn));
  return kind === 'call' ? { next: [target], kind, returnAddress: plus(d.pc, 4) } : { next: [target], kind };
};

/** Register-indirect branches; `pac` when the target is authenticated (its PAC is stripped). */
const viaRegister = (kind: 'indirect' | 'call' | 'return', pac: boolean, fixedRn?: number): Rule => (d) => {
  const raw = d.x(fixedRn ?? rn(d.insn));
  const target = pac ? stripPointerAuth(raw, d.state.vaBits) : raw;
  return kind === 'call' ? { next: [target], kind, returnAddress: plus(d.pc, 4) } : { next: [target], kind };
};

const eret = (pac: boolean): Rule => (d) => ({ next: [pac ? stripPointerAuth(d.state.elr, d.state.vaBits) : d.state.elr], kind: 'eret' });

const conditionalBranch: Rule = (d) => oneWay(conditionHolds(d.insn & 0xf, d.state.nzcv), plus(d.pc, imm19(d.insn)), plus(d.pc, 4));

/** CBZ/CBNZ: sf (bit 31) selects Xt or Wt; op (bit 24) is 1 for CBNZ. */
const compareBranch: Rule = (d) => {
  const value = d.insn >>> 31 ? d.x(rt(d.insn)) : d.x(rt(d.insn)) & 0xffff_ffffn;
  const taken = (value === 0n) !== (((d.insn >>> 24) & 1) === 1);
  return oneWay(taken, plus(d.pc, imm19(d.insn)), plus(d.pc, 4));
};

/** TBZ/TBNZ: the bit number is b5:b40 (bits 31 and 23:19); op (bit 24) is 1 for TBNZ. */
const testBranch: Rule = (d) => {
  const bit = BigInt(((d.insn >>> 31) << 5) | ((d.insn >>> 19) & 31));
  const set = ((d.x(rt(d.insn)) >> bit) & 1n) === 1n;
  const taken = set === (((d.insn >>> 24) & 1) === 1);
  return oneWay(taken, plus(d.pc, imm14(d.insn)), plus(d.pc, 4));
};

const hlt: Rule = (d) => (((d.insn >>> 5) & 0xffff) === SEMIHOSTING_IMM16 ? completedByHypervisor(d) : exception(d));

// Masks: 0xfc000000 = op + imm26; 0xff000010 = B.cond/BC.cond (bit 4 = the "consistent" HBC bit);
// 0x7f000000 = compare/test and branch with sf/b5 free; 0xfffffc1f = unconditional branch (register)
// with Rn free; 0xfffffc00 = with Rn and the PAC modifier Rm free; 0xffe0001f = exception generation
// (opc, op2, LL) with imm16 free.
const ENCODINGS: readonly Encoding[] = [
  // Unconditional branch (immediate)
  { name: 'B', mask: 0xfc00_0000, value: 0x1400_0000, rule: direct('branch') },
  { name: 'BL', mask: 0xfc00_0000, value: 0x9400_0000, rule: direct('call') },
  // Conditional branch (immediate): BC.cond (FEAT_HBC) only adds a branch-prediction hint.
  { name: 'B.cond', mask: 0xff00_0010, value: 0x5400_0000, rule: conditionalBranch },
  { name: 'BC.cond', mask: 0xff00_0010, value: 0x5400_0010, rule: conditionalBranch },
  // Compare and branch, test and branch (immediate)
  { name: 'CBZ', mask: 0x7f00_0000, value: 0x3400_0000, rule: compareBranch },
  { name: 'CBNZ', mask: 0x7f00_0000, value: 0x3500_0000, rule: compareBranch },
  { name: 'TBZ', mask: 0x7f00_0000, value: 0x3600_0000, rule: testBranch },
  { name: 'TBNZ', mask: 0x7f00_0000, value: 0x3700_0000, rule: testBranch },
  // Unconditional branch (register)
  { name: 'BR', mask: 0xffff_fc1f, value: 0xd61f_0000, rule: viaRegister('indirect', false) },
  { name: 'BLR', mask: 0xffff_fc1f, value: 0xd63f_0000, rule: viaRegister('call', false) },
  { name: 'RET', mask: 0xffff_fc1f, value: 0xd65f_0000, rule: viaRegister('return', false) },
  { name: 'BRAAZ', mask: 0xffff_fc1f, value: 0xd61f_081f, rule: viaRegister('indirect', true) },
  { name: 'BRABZ', mask: 0xffff_fc1f, value: 0xd61f_0c1f, rule: viaRegister('indirect', true) },
  { name: 'BLRAAZ', mask: 0xffff_fc1f, value: 0xd63f_081f, rule: viaRegister('call', true) },
  { name: 'BLRABZ', mask: 0xffff_fc1f, value: 0xd63f_0c1f, rule: viaRegister('call', true) },
  { name: 'BRAA', mask: 0xffff_fc00, value: 0xd71f_0800, rule: viaRegister('indirect', true) },
  { name: 'BRAB', mask: 0xffff_fc00, value: 0xd71f_0c00, rule: viaRegister('indirect', true) },
  { name: 'BLRAA', mask: 0xffff_fc00, value: 0xd73f_0800, rule: viaRegister('call', true) },
  { name: 'BLRAB', mask: 0xffff_fc00, value: 0xd73f_0c00, rule: viaRegister('call', true) },
  // RETAA/RETAB always return through x30 (their Rn and Rm fields are fixed at 0b11111).
  { name: 'RETAA', mask: 0xffff_ffff, value: 0xd65f_0bff, rule: viaRegister('return', true, 30) },
  { name: 'RETAB', mask: 0xffff_ffff, value: 0xd65f_0fff, rule: viaRegister('return', true, 30) },
  { name: 'ERET', mask: 0xffff_ffff, value: 0xd69f_03e0, rule: eret(false) },
  { name: 'ERETAA', mask: 0xffff_ffff, value: 0xd69f_0bff, rule: eret(true) },
  { name: 'ERETAB', mask: 0xffff_ffff, value: 0xd69f_0fff, rule: eret(true) },
  // DRPS exists only in Debug state; anywhere else it is undefined.
  { name: 'DRPS', mask: 0xffff_ffff, value: 0xd6bf_03e0, rule: exception },
  // Exception generation
  { name: 'SVC', mask: 0xffe0_001f, value: 0xd400_0001, rule: exception },
  { name: 'HVC', mask: 0xffe0_001f, value: 0xd400_0002, rule: completedByHypervisor },
  { name: 'SMC', mask: 0xffe0_001f, value: 0xd400_0003, rule: completedByHypervisor },
  { name: 'BRK', mask: 0xffe0_001f, value: 0xd420_0000, rule: exception },
  { name: 'HLT', mask: 0xffe0_001f, value: 0xd440_0000, rule: hlt },
  // DCPS1-3 are undefined outside Debug state.
  { name: 'DCPS1', mask: 0xffe0_001f, value: 0xd4a0_0001, rule: exception },
  { name: 'DCPS2', mask: 0xffe0_001f, value: 0xd4a0_0002, rule: exception },
  { name: 'DCPS3', mask: 0xffe0_001f, value: 0xd4a0_0003, rule: exception },
  // Reserved group: UDF #imm16 (op0 = 0, op1 = 0) is permanently undefined.
  { name: 'UDF', mask: 0xffff_0000, value: 0x0000_0000, rule: exception },
];

/** The table row an instruction word matches (undefined: it goes on at pc+4). */
export function branchEncoding(insn: number): string | undefined {
  return find(insn)?.name;
}

function find(insn: number): Encoding | undefined {
  // Fast path for the common case: outside the branch/exception/system group (bits 28:26 = 0b101)
  // and the UDF encodings (top 16 bits zero) nothing in the table can match.
  if (((insn >>> 26) & 7) !== 5 && insn >>> 16 !== 0) return undefined;
  for (const e of ENCODINGS) if ((insn & e.mask) >>> 0 === e.value) return e;
  return undefined;
}

/**
 * Every address the instruction `insn` at `pc` may continue at, with the registers and flags as they
 * are before it executes. Conditional branches are exact: the condition, the register (CBZ/CBNZ) or
 * the bit (TBZ/TBNZ) is evaluated, and only the way that will be taken is returned.
 */
export function successors(insn: number, pc: bigint, regs: RegisterReader, state: BranchState): Successors {
  const word = insn >>> 0;
  const d: Decoding = { insn: word, pc, state, x: (n) => (n === 31 ? 0n : BigInt.asUintN(64, regs(n))) };
  return (find(word)?.rule ?? sequential)(d);
}
