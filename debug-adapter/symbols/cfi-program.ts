// Runs a CIE's initial instructions and an FDE's instructions into unwind rows (DWARF 5 §6.4.2),
// with the GNU and AArch64 extensions compilers emit: DW_CFA_GNU_args_size,
// DW_CFA_GNU_negative_offset_extended and DW_CFA_AARCH64_negate_ra_state (0x2d, which on SPARC
// would be DW_CFA_GNU_window_save; this reader is AArch64-only).

import { CfiReader } from './cfi-reader';
import { readEncodedPointer } from './cfi-pointer';
import type { Cie, Fde } from './cfi-parse';
import type { CfaRule, RegisterRule, UnwindRow } from './cfi-rules';

interface State {
  cfa: CfaRule;
  registers: Map<number, RegisterRule>;
  raSigned: boolean;
  argsSize: bigint;
}

const copy = (s: State): State => ({ ...s, registers: new Map(s.registers) });

/** Registers with no DWARF column on AArch64 beyond these are rejected as corrupt. */
const MAX_COLUMN = 127;

interface Runner {
  r: CfiReader;
  cie: Cie;
  state: State;
  /** The CIE's state, for DW_CFA_restore; undefined while running the CIE itself. */
  initial: State | undefined;
  stack: State[];
  loc: bigint;
  /** Called before the location moves so the caller can close a row. */
  advance: (to: bigint) => void;
}

function column(x: Runner, v: bigint | number, at: number): number {
  const n = Number(v);
  if (n > MAX_COLUMN) x.r.fail(`register column ${n} is not an AArch64 DWARF register`, at);
  return n;
}

function restore(x: Runner, reg: number): void {
  const rule = x.initial?.registers.get(reg);
  if (rule === undefined) x.state.registers.delete(reg);
  else x.state.registers.set(reg, rule);
}

function setCfa(x: Runner, register: number | undefined, offset: bigint | undefined, at: number): void {
  const old = x.state.cfa;
  if (old.kind === 'expression' && (register === undefined || offset === undefined)) {
    x.r.fail('DW_CFA_def_cfa_register/offset applied to a CFA defined by an expression', at);
  }
  const prev = old.kind === 'register' ? old : { register: 0, offset: 0n };
  x.state.cfa = { kind: 'register', register: register ?? prev.register, offset: offset ?? prev.offset };
}

function block(x: Runner, what: string): Uint8Array {
  return x.r.take(x.r.ulebNumber(`${what} length`), what);
}

/** Executes one instruction at x.r.pos. */
function step(x: Runner): void {
  const r: CfiReader = x.r;
  const cie = x.cie;
  const at = r.pos;
  const op = r.u8('CFA instruction');
  const low = op & 0x3f;
  const factored = (v: bigint): bigint => v * cie.dataAlign;
  switch (op >> 6) {
    case 1:
      return x.advance(x.loc + BigInt(low) * cie.codeAlign);
    case 2:
      x.state.registers.set(low, { kind: 'offset', offset: factored(r.uleb('DW_CFA_offset')) });
      return;
    case 3:
      return restore(x, low);
  }
  switch (op) {
    case 0x00: // DW_CFA_nop
      return;
    case 0x01: {
      const to = cie.section.name === '.eh_frame' ? readEncodedPointer(r, cie.fdeEncoding, 'DW_CFA_set_loc') : cie.addressSize === 8 ? r.u64('DW_CFA_set_loc') : BigInt(r.u32('DW_CFA_set_loc'));
      if (to < x.loc) r.fail(`DW_CFA_set_loc moves backwards to 0x${to.toString(16)}`, at);
      return x.advance(to);
    }
    case 0x02:
      return x.advance(x.loc + BigInt(r.u8('DW_CFA_advance_loc1')) * cie.codeAlign);
    case 0x03:
      return x.advance(x.loc + BigInt(r.u16('DW_CFA_advance_loc2')) * cie.codeAlign);
    case 0x04:
      return x.advance(x.loc + BigInt(r.u32('DW_CFA_advance_loc4')) * cie.codeAlign);
    case 0x05: {
      const reg = column(x, r.uleb('DW_CFA_offset_extended'), at);
      x.state.registers.set(reg, { kind: 'offset', offset: factored(r.uleb('DW_CFA_offset_extended')) });
      return;
    }
    case 0x06:
      return restore(x, column(x, r.uleb('DW_CFA_restore_extended'), at));
    case 0x07:
      x.state.registers.set(column(x, r.uleb('DW_CFA_undefined'), at), { kind: 'undefined' });
      return;
    case 0x08:
      x.state.registers.set(column(x, r.uleb('DW_CFA_same_value'), at), { kind: 'same' });
      return;
    case 0x09: {
      const reg = column(x, r.uleb('DW_CFA_register'), at);
      x.state.registers.set(reg, { kind: 'register', register: column(x, r.uleb('DW_CFA_register'), at) });
      return;
    }
    case 0x0a:
      x.stack.push(copy(x.state));
      return;
    case 0x0b: {
      const saved = x.stack.pop();
      if (saved === undefined) r.fail('DW_CFA_restore_state without a matching DW_CFA_remember_state', at);
      // The CFA and the RA-signing state come back too, as binutils and libgcc do: GCC brackets an
      // early epilogue with remember/restore and expects the whole row (CFA included) restored.
      x.state = saved;
      return;
    }
    case 0x0c: {
      const reg = column(x, r.uleb('DW_CFA_def_cfa'), at);
      return setCfa(x, reg, r.uleb('DW_CFA_def_cfa'), at);
    }
    case 0x0d:
      return setCfa(x, column(x, r.uleb('DW_CFA_def_cfa_register'), at), undefined, at);
    case 0x0e:
      return setCfa(x, undefined, r.uleb('DW_CFA_def_cfa_offset'), at);
    case 0x0f:
      x.state.cfa = { kind: 'expression', expression: block(x, 'DW_CFA_def_cfa_expression') };
      return;
    case 0x10: {
      const reg = column(x, r.uleb('DW_CFA_expression'), at);
      x.state.registers.set(reg, { kind: 'expression', expression: block(x, 'DW_CFA_expression') });
      return;
    }
    case 0x11: {
      const reg = column(x, r.uleb('DW_CFA_offset_extended_sf'), at);
      x.state.registers.set(reg, { kind: 'offset', offset: factored(r.sleb('DW_CFA_offset_extended_sf')) });
      return;
    }
    case 0x12: {
      const reg = column(x, r.uleb('DW_CFA_def_cfa_sf'), at);
      return setCfa(x, reg, factored(r.sleb('DW_CFA_def_cfa_sf')), at);
    }
    case 0x13:
      return setCfa(x, undefined, factored(r.sleb('DW_CFA_def_cfa_offset_sf')), at);
    case 0x14: {
      const reg = column(x, r.uleb('DW_CFA_val_offset'), at);
      x.state.registers.set(reg, { kind: 'valOffset', offset: factored(r.uleb('DW_CFA_val_offset')) });
      return;
    }
    case 0x15: {
      const reg = column(x, r.uleb('DW_CFA_val_offset_sf'), at);
      x.state.registers.set(reg, { kind: 'valOffset', offset: factored(r.sleb('DW_CFA_val_offset_sf')) });
      return;
    }
    case 0x16: {
      const reg = column(x, r.uleb('DW_CFA_val_expression'), at);
      x.state.registers.set(reg, { kind: 'valExpression', expression: block(x, 'DW_CFA_val_expression') });
      return;
    }
    case 0x2d: // DW_CFA_AARCH64_negate_ra_state
      x.state.raSigned = !x.state.raSigned;
      return;
    case 0x2e:
      x.state.argsSize = r.uleb('DW_CFA_GNU_args_size');
      return;
    case 0x2f: {
      const reg = column(x, r.uleb('DW_CFA_GNU_negative_offset_extended'), at);
      x.state.registers.set(reg, { kind: 'offset', offset: -factored(r.uleb('DW_CFA_GNU_negative_offset_extended')) });
      return;
    }
    default:
      r.fail(`unknown CFA instruction 0x${op.toString(16).padStart(2, '0')}`, at);
  }
}

/** The state the CIE's initial instructions set up (before any FDE instruction). */
export function initialState(cie: Cie): State {
  const r = new CfiReader(cie.section.name, cie.section.bytes.subarray(0, cie.instructions.end), cie.section.address);
  const x: Runner = {
    r,
    cie,
    state: { cfa: { kind: 'register', register: 31, offset: 0n }, registers: new Map(), raSigned: false, argsSize: 0n },
    initial: undefined,
    stack: [],
    loc: 0n,
    advance: () => r.fail('advance_loc in a CIE\'s initial instructions'),
  };
  runRange(x, cie.instructions.start, cie.instructions.end);
  return x.state;
}

function runRange(x: Runner, start: number, end: number): void {
  x.r.pos = start;
  while (x.r.pos < end) step(x);
}

/** Every row of an FDE, in address order, covering [fde.start, fde.end) without gaps. */
export function fdeRows(fde: Fde): UnwindRow[] {
  const initial = initialState(fde.cie);
  const rows: UnwindRow[] = [];
  const r = new CfiReader(fde.section.name, fde.section.bytes.subarray(0, fde.instructions.end), fde.section.address);
  const x: Runner = { r, cie: fde.cie, state: copy(initial), initial, stack: [], loc: fde.start, advance: () => undefined };
  const close = (to: bigint): void => {
    const end = to < fde.end ? to : fde.end;
    if (end > x.loc) rows.push({ start: x.loc, end, ...copy(x.state) });
  };
  x.advance = (to: bigint) => {
    close(to);
    x.loc = to;
  };
  runRange(x, fde.instructions.start, fde.instructions.end);
  close(fde.end);
  return rows;
}
