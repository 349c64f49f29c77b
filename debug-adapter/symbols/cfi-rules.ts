// The unwind table's vocabulary (DWARF 5 §6.4.1): how to find the CFA and, for each register
// column, where the caller's value lives. AArch64 DWARF columns: x0–x30 are 0–30, sp is 31;
// the pc is not a column, the return address (column 30, x30) stands for it.

export const SP = 31;
export const FP = 29;
export const LR = 30;

export type CfaRule =
  | { kind: 'register'; register: number; offset: bigint }
  /** DW_CFA_def_cfa_expression: recorded, not evaluated (the unwinder treats it as unsupported). */
  | { kind: 'expression'; expression: Uint8Array };

export type RegisterRule =
  | { kind: 'undefined' }
  | { kind: 'same' }
  /** Saved at CFA + offset. */
  | { kind: 'offset'; offset: bigint }
  /** The value is CFA + offset itself. */
  | { kind: 'valOffset'; offset: bigint }
  /** Held in another register. */
  | { kind: 'register'; register: number }
  | { kind: 'expression'; expression: Uint8Array }
  | { kind: 'valExpression'; expression: Uint8Array };

/** One row of the table: the rules valid for pc in [start, end). */
export interface UnwindRow {
  start: bigint;
  end: bigint;
  cfa: CfaRule;
  /** Columns with an explicit rule; a missing column has no rule ("u" in readelf). */
  registers: ReadonlyMap<number, RegisterRule>;
  /** DW_CFA_AARCH64_negate_ra_state toggled an odd number of times: the saved x30 carries a PAC. */
  raSigned: boolean;
  /** DW_CFA_GNU_args_size: bytes of outgoing arguments pushed at this point. */
  argsSize: bigint;
}

const NAMES: Record<number, string> = { [SP]: 'sp' };

export function registerName(column: number): string {
  return NAMES[column] ?? (column <= 30 ? `x${column}` : `r${column}`);
}
