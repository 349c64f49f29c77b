// Instruction breakpoints (the disassembly view's) and function breakpoints (by DWARF function or
// ELF symbol name, placed after the prologue like gdb's `break func`, or `*0xaddr` exactly). Each
// set is replaced as a whole by its DAP request; the debugger stops at the union of all sets.

import type { SourceLocation } from '../symbols/line-index';
import type { CodeSymbols } from './code-symbols';

export interface AddressBreakpointResult {
  verified: boolean;
  address?: bigint;
  message?: string;
  location?: SourceLocation;
}

/** A parsed `0x...` or decimal guest address, or undefined. */
export function parseAddress(text: string): bigint | undefined {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) return undefined;
  const v = BigInt(t);
  return v < 1n << 64n ? v : undefined;
}

function check(address: bigint, readable: (va: bigint) => boolean): string | undefined {
  if ((address & 3n) !== 0n) return `0x${address.toString(16)} is not 4-byte aligned: no A64 instruction starts there`;
  if (!readable(address)) return `0x${address.toString(16)} is not mapped in the guest now`;
  return undefined;
}

/** Breakpoints from the disassembly view: an instruction reference plus a byte offset. */
export class InstructionBreakpoints {
  private set = new Set<bigint>();

  replace(requests: readonly { instructionReference: string; offset?: number }[], readable: (va: bigint) => boolean): AddressBreakpointResult[] {
    const next = new Set<bigint>();
    const results = requests.map((r): AddressBreakpointResult => {
      const base = parseAddress(r.instructionReference);
      if (base === undefined) return { verified: false, message: `"${r.instructionReference}" is not an address` };
      const address = BigInt.asUintN(64, base + BigInt(r.offset ?? 0));
      const message = check(address, readable);
      if (message) return { verified: false, address, message };
      next.add(address);
      return { verified: true, address };
    });
    this.set = next;
    return results;
  }

  has(pc: bigint): boolean {
    return this.set.has(pc);
  }

  addresses(): Iterable<bigint> {
    return this.set;
  }
}

export class FunctionBreakpoints {
  private set = new Set<bigint>();

  constructor(private readonly symbols: CodeSymbols, private readonly location: (pc: bigint) => SourceLocation | undefined) {}

  replace(names: readonly string[], readable: (va: bigint) => boolean): AddressBreakpointResult[] {
    const next = new Set<bigint>();
    const results = names.map((name): AddressBreakpointResult => {
      const address = this.resolve(name.trim());
      if (address === undefined) return { verified: false, message: `no function named "${name}" in the program (nor a *0xaddress)` };
      const message = check(address, readable);
      if (message) return { verified: false, address, message };
      next.add(address);
      return { verified: true, address, location: this.location(address) };
    });
    this.set = next;
    return results;
  }

  private resolve(name: string): bigint | undefined {
    if (name.startsWith('*')) return parseAddress(name.slice(1));
    const entry = this.symbols.entryOf(name);
    return entry === undefined ? undefined : this.symbols.afterPrologue(entry);
  }

  has(pc: bigint): boolean {
    return this.set.has(pc);
  }

  addresses(): Iterable<bigint> {
    return this.set;
  }
}
