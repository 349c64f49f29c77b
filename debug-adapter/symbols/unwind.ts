// One step of stack unwinding on AArch64: from a frame's registers to its caller's, by the CFI row
// for the pc when an FDE covers it, else by the frame-pointer chain (AAPCS64 frame records: x29
// points at [caller's x29, return address]). Memory comes through a reader so the same code serves
// a live persona, a snapshot or a test's synthetic stack.

import type { CallFrameInfo, Cie } from './cfi';
import { FP, LR, SP, type RegisterRule, type UnwindRow } from './cfi-rules';
import { stripPointerAuth } from '../../emulator/arch/aarch64/successors';

/** Guest-virtual memory; undefined when the address is not readable. */
export type ReadMemory = (addr: bigint, size: number) => Uint8Array | undefined;

export interface Frame {
  pc: bigint;
  /** Known register values by DWARF column (31 = sp, 29 = fp, 30 = lr); absent = unknown here. */
  registers: ReadonlyMap<number, bigint>;
  /**
   * True for caller frames: pc is a return address, so the call itself (pc - 4) is what the frame
   * is executing, and a call at the very end of a function must not be looked up in the next one.
   */
  pcIsReturnAddress: boolean;
  /** How this frame was recovered. */
  source: 'registers' | 'cfi' | 'frame-pointer';
}

export interface UnwindOptions {
  cfi?: CallFrameInfo;
  /** Virtual-address width for stripping pointer-authentication codes (default 48). */
  vaBits?: number;
}

export interface LiveRegisters {
  pc: bigint;
  sp: bigint;
  /** x0–x30 (missing entries are unknown). */
  x: readonly (bigint | undefined)[];
}

/** The innermost frame, from a stopped vCPU's registers. */
export function frameFromRegisters(regs: LiveRegisters): Frame {
  const registers = new Map<number, bigint>();
  regs.x.forEach((v, i) => {
    if (v !== undefined && i <= LR) registers.set(i, v);
  });
  registers.set(SP, regs.sp);
  return { pc: regs.pc, registers, pcIsReturnAddress: false, source: 'registers' };
}

const MASK64 = (1n << 64n) - 1n;

/**
 * Removes a PAC from a code address: bits above the VA width become copies of bit 55 (TTBR1 kernel
 * addresses keep their leading ones, TTBR0 user addresses get zeros).
 */
/** PAC bits off a return address (one implementation, the step decoder's). */
export const stripPac = stripPointerAuth;

function readU64(read: ReadMemory, addr: bigint): bigint | undefined {
  if (addr < 0n || addr > MASK64 - 7n) return undefined;
  const b = read(addr, 8);
  if (b === undefined || b.length < 8) return undefined;
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}

/** The CFA of a frame under a row, or undefined when it cannot be computed (expression, unknown register). */
function cfaOf(row: UnwindRow, frame: Frame): bigint | undefined {
  if (row.cfa.kind !== 'register') return undefined;
  const base = frame.registers.get(row.cfa.register);
  return base === undefined ? undefined : (base + row.cfa.offset) & MASK64;
}

/** The pc to look CFI up with (see Frame.pcIsReturnAddress). */
function lookupPc(frame: Frame): bigint {
  return frame.pcIsReturnAddress ? frame.pc - 1n : frame.pc;
}

/** The canonical frame address of a frame (its caller's sp), for DW_OP_call_frame_cfa. */
export function frameCfa(frame: Frame, cfi: CallFrameInfo): bigint | undefined {
  const hit = cfi.rowAt(lookupPc(frame));
  return hit === undefined ? undefined : cfaOf(hit.row, frame);
}

/** A rule's value in the caller; null means "known to be unrecoverable". */
function applyRule(rule: RegisterRule, cfa: bigint, frame: Frame, read: ReadMemory): bigint | undefined | null {
  switch (rule.kind) {
    case 'offset':
      return readU64(read, (cfa + rule.offset) & MASK64) ?? null;
    case 'valOffset':
      return (cfa + rule.offset) & MASK64;
    case 'register':
      return frame.registers.get(rule.register) ?? null;
    case 'same':
      return undefined;
    default:
      return null; // undefined, or an expression we do not evaluate
  }
}

/** Callee-saved under AAPCS64 (x19–x29): without a rule they hold the caller's value. */
const calleeSaved = (col: number): boolean => col >= 19 && col <= FP;

function stepByCfi(frame: Frame, row: UnwindRow, cie: Cie, read: ReadMemory, vaBits: number): Frame | undefined | 'fallback' {
  const raColumn = cie.raColumn;
  const cfa = cfaOf(row, frame);
  if (cfa === undefined) return 'fallback';
  const raRule = row.registers.get(raColumn);
  if (raRule?.kind === 'undefined') return undefined; // the ABI's mark of the outermost frame
  const registers = new Map<number, bigint>();
  for (const [col, v] of frame.registers) if (calleeSaved(col)) registers.set(col, v);
  registers.set(SP, cfa);
  for (const [col, rule] of row.registers) {
    const v = applyRule(rule, cfa, frame, read);
    if (v === null) registers.delete(col);
    else if (v !== undefined) registers.set(col, v);
    else if (frame.registers.has(col)) registers.set(col, frame.registers.get(col) ?? 0n);
  }
  let ra = raRule === undefined ? frame.registers.get(raColumn) : applyRule(raRule, cfa, frame, read);
  if (ra === undefined && raRule?.kind === 'same') ra = frame.registers.get(raColumn);
  if (ra === undefined || ra === null) return undefined;
  // Without an explicit rule the caller's lr is not recoverable: this frame's lr was its pc.
  if (raRule === undefined) registers.delete(raColumn);
  // Out of a signal/exception frame ('S') the "return address" is the exact interrupted pc.
  return { pc: row.raSigned ? stripPac(ra, vaBits) : ra, registers, pcIsReturnAddress: !cie.signalFrame, source: 'cfi' };
}

function stepByFramePointer(frame: Frame, read: ReadMemory, vaBits: number): Frame | undefined {
  const fp = frame.registers.get(FP);
  const sp = frame.registers.get(SP);
  if (fp === undefined || fp === 0n || fp % 8n !== 0n) return undefined;
  if (sp !== undefined && fp < sp) return undefined; // a frame record lives above the stack pointer
  const callerFp = readU64(read, fp);
  const lr = readU64(read, fp + 8n);
  if (callerFp === undefined || lr === undefined) return undefined;
  if (callerFp !== 0n && callerFp <= fp) return undefined; // the chain must climb the stack
  const registers = new Map<number, bigint>();
  for (const [col, v] of frame.registers) if (calleeSaved(col) && col !== FP) registers.set(col, v);
  registers.set(FP, callerFp);
  registers.set(SP, fp + 16n);
  // Whether this lr was signed is unknown without CFI; stripping a canonical address changes nothing.
  return { pc: stripPac(lr, vaBits), registers, pcIsReturnAddress: true, source: 'frame-pointer' };
}

/**
 * The caller of `frame`, or undefined at the outermost frame or when the stack looks broken: a null
 * return address, an sp that goes down or repeats with the same pc, a misaligned sp or pc.
 */
export function unwindStep(frame: Frame, readMemory: ReadMemory, options: UnwindOptions = {}): Frame | undefined {
  const vaBits = options.vaBits ?? 48;
  const hit = options.cfi?.rowAt(lookupPc(frame));
  let caller: Frame | undefined;
  if (hit !== undefined) {
    const r = stepByCfi(frame, hit.row, hit.fde.cie, readMemory, vaBits);
    caller = r === 'fallback' ? stepByFramePointer(frame, readMemory, vaBits) : r;
  } else {
    caller = stepByFramePointer(frame, readMemory, vaBits);
  }
  if (caller === undefined || caller.pc === 0n || caller.pc % 4n !== 0n) return undefined;
  const sp = frame.registers.get(SP);
  const callerSp = caller.registers.get(SP);
  if (callerSp === undefined || callerSp % 16n !== 0n) return undefined;
  if (sp !== undefined && (callerSp < sp || (callerSp === sp && caller.pc === frame.pc))) return undefined;
  return caller;
}

/**
 * Frames from the innermost outwards (the first is `frame` itself), at most `maxFrames`. A frame
 * whose (pc, sp) was already seen ends the walk: several steps can loop where one step cannot tell.
 */
export function unwindStack(frame: Frame, readMemory: ReadMemory, options: UnwindOptions & { maxFrames?: number } = {}): Frame[] {
  const frames = [frame];
  const max = options.maxFrames ?? 256;
  const seen = new Set<string>();
  const key = (f: Frame): string => `${f.pc}:${f.registers.get(SP)}`;
  seen.add(key(frame));
  let f: Frame | undefined = frame;
  while (frames.length < max && (f = unwindStep(f, readMemory, options)) !== undefined) {
    if (seen.has(key(f))) break;
    seen.add(key(f));
    frames.push(f);
  }
  return frames;
}
