// unicorn 2.1 constants used by Persona, checked against the installed headers by
// test/engine/constants.test.ts (which compiles a small C program against unicorn/*.h).

export const UC_ARCH_ARM = 1;
export const UC_ARCH_ARM64 = 2;
export const UC_MODE_ARM = 0;
export const UC_CPU_ARM64_A72 = 2;

export const UC_PROT_NONE = 0;
export const UC_PROT_READ = 1;
export const UC_PROT_WRITE = 2;
export const UC_PROT_EXEC = 4;
export const UC_PROT_ALL = 7;

export const UC_HOOK_INTR = 1 << 0;
export const UC_HOOK_INSN = 1 << 1;
export const UC_HOOK_CODE = 1 << 2;
export const UC_HOOK_BLOCK = 1 << 3;
export const UC_HOOK_MEM_READ_UNMAPPED = 1 << 4;
export const UC_HOOK_MEM_WRITE_UNMAPPED = 1 << 5;
export const UC_HOOK_MEM_FETCH_UNMAPPED = 1 << 6;
export const UC_HOOK_MEM_UNMAPPED = UC_HOOK_MEM_READ_UNMAPPED | UC_HOOK_MEM_WRITE_UNMAPPED | UC_HOOK_MEM_FETCH_UNMAPPED;
export const UC_HOOK_INSN_INVALID = 1 << 14;

export const UC_MEM_READ_UNMAPPED = 19;
export const UC_MEM_WRITE_UNMAPPED = 20;
export const UC_MEM_FETCH_UNMAPPED = 21;

export const UC_ARM64_INS_MRS = 1;
export const UC_ARM64_INS_MSR = 2;
export const UC_ARM64_INS_SYS = 3;

/** uc_ctl control codes, already combined with their argument count and direction (UC_CTL_WRITE(type, nr)). */
export const UC_CTL_WRITE_CPU_MODEL = 0x44000007;
export const UC_CTL_WRITE_TB_REMOVE_CACHE = 0x48000009;
export const UC_CTL_WRITE_TB_FLUSH = 0x4000000a;
export const UC_CTL_WRITE_TLB_FLUSH = 0x4000000b;
export const UC_CTL_WRITE_TCG_BUFFER_SIZE = 0x4400000d;

export const UC_ERR_NAMES = [
  'OK', 'NOMEM', 'ARCH', 'HANDLE', 'MODE', 'VERSION', 'READ_UNMAPPED', 'WRITE_UNMAPPED', 'FETCH_UNMAPPED',
  'HOOK', 'INSN_INVALID', 'MAP', 'WRITE_PROT', 'READ_PROT', 'FETCH_PROT', 'ARG', 'READ_UNALIGNED',
  'WRITE_UNALIGNED', 'FETCH_UNALIGNED', 'HOOK_EXIST', 'RESOURCE', 'EXCEPTION', 'OVERFLOW',
] as const;
export const UC_ERR_READ_UNMAPPED = 6;
export const UC_ERR_WRITE_UNMAPPED = 7;
export const UC_ERR_FETCH_UNMAPPED = 8;
export const UC_ERR_INSN_INVALID = 10;
export const UC_ERR_EXCEPTION = 21;

/** AArch64 register ids (enum uc_arm64_reg). */
export const A64 = {
  X0: 199, // X0..X28 are consecutive
  X29: 1,
  X30: 2,
  NZCV: 3,
  SP: 4,
  Q0: 104, // Q0..Q31 consecutive
  PC: 260,
  CPACR_EL1: 261,
  TPIDR_EL0: 262,
  TPIDRRO_EL0: 263,
  TPIDR_EL1: 264,
  PSTATE: 265,
  ELR_EL1: 267,
  ELR_EL2: 268,
  SP_EL0: 270,
  SP_EL1: 271,
  TTBR0_EL1: 274,
  TTBR1_EL1: 275,
  ESR_EL1: 277,
  ESR_EL2: 278,
  FAR_EL1: 281,
  FAR_EL2: 282,
  PAR_EL1: 284,
  MAIR_EL1: 285,
  VBAR_EL1: 287,
  CP_REG: 290,
  FPCR: 291,
  FPSR: 292,
} as const;

/** Id of general-purpose register Xn (0..30). */
export function xReg(n: number): number {
  if (n < 29) return A64.X0 + n;
  return n === 29 ? A64.X29 : A64.X30;
}

/** Xn number (0..30, 31 = XZR) of a unicorn register id, the inverse of xReg. */
export function xRegIndex(id: number): number {
  if (id >= A64.X0 && id <= A64.X0 + 28) return id - A64.X0;
  if (id === A64.X29) return 29;
  if (id === A64.X30) return 30;
  return 31;
}
