// The disassembly view's rows: only the instructions asked for (a window around a reference, which
// may start before it), decoded by capstone, each with its `func+0x10` label, branch targets named
// and the source line that covers it. Guest memory that cannot be read gives `??` rows, not errors.

import type { A64Disassembler } from '../../emulator/engine/capstone';
import type { SourceLocation } from '../symbols/line-index';
import type { CodeSymbols } from './code-symbols';

export interface DisassemblyRow {
  address: bigint;
  /** The instruction's bytes in hex (memory order); undefined where memory is unreadable. */
  bytes?: string;
  /** `mnemonic operands`, or `??` where memory is unreadable. */
  instruction: string;
  /** `func+0x10`. */
  symbol?: string;
  location?: SourceLocation;
}

export interface DisassemblySource {
  /** Guest memory at a virtual address as the stopped vCPU sees it; undefined if any byte is unmapped. */
  read(va: bigint, length: number): Uint8Array | undefined;
  symbols: CodeSymbols;
  location(pc: bigint): SourceLocation | undefined;
  disassembler: A64Disassembler;
}

const INSN = 4n;
const PAGE = 0x1000n;
const MASK64 = (1n << 64n) - 1n;
/** The most rows one request may ask for (VS Code asks for about 50 at a time). */
export const MAX_INSTRUCTIONS = 4096;
/** Instructions whose last operand is a code address worth naming. */
const BRANCHES = new Set(['b', 'bl', 'cbz', 'cbnz', 'tbz', 'tbnz', 'adr']);
const TARGET = /#(0x[0-9a-f]+)$/;

function hexBytes(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Adds `<func+0x10>` after a branch's target. */
function nameTarget(mnemonic: string, operands: string, symbols: CodeSymbols): string {
  const text = operands ? `${mnemonic} ${operands}` : mnemonic;
  if (!BRANCHES.has(mnemonic) && !mnemonic.startsWith('b.')) return text;
  const m = TARGET.exec(operands);
  const label = m && symbols.label(BigInt(m[1]!));
  return label ? `${text} <${label}>` : text;
}

/**
 * `count` instructions starting `instructionOffset` instructions from `address` (negative: before
 * it). A64 instructions are 4 bytes, so the window is found by arithmetic, never by decoding from
 * a function's start.
 */
export function disassemble(src: DisassemblySource, address: bigint, instructionOffset: number, count: number): DisassemblyRow[] {
  const n = Math.max(0, Math.min(count, MAX_INSTRUCTIONS));
  const first = (address & ~(INSN - 1n)) + BigInt(instructionOffset) * INSN;
  const rows: DisassemblyRow[] = [];
  let i = 0;
  while (i < n) {
    const at = BigInt.asUintN(64, first + BigInt(i) * INSN);
    // One read per page (the unit in which memory is mapped or not); at least one instruction.
    const toPageEnd = Number(((at | (PAGE - 1n)) + 1n - at) / INSN);
    const words = Math.max(1, Math.min(n - i, toPageEnd));
    const bytes = first + BigInt(i) * INSN >= 0n && at + BigInt(words) * INSN - 1n <= MASK64 ? src.read(at, words * 4) : undefined;
    if (!bytes) {
      for (let k = 0; k < words; k++) rows.push({ address: BigInt.asUintN(64, at + BigInt(k) * INSN), instruction: '??' });
    } else {
      for (const insn of src.disassembler.disassemble(bytes, at)) {
        const off = Number(insn.address - at);
        rows.push({
          address: insn.address,
          bytes: hexBytes(bytes.subarray(off, off + insn.size)),
          instruction: nameTarget(insn.mnemonic, insn.operands, src.symbols),
          symbol: src.symbols.label(insn.address),
          location: src.location(insn.address),
        });
      }
    }
    i += words;
  }
  return rows;
}
