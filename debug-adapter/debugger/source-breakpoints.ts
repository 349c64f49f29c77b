// Source breakpoints: each requested line moves to the next line with code and becomes that line's
// addresses; a line past the last code of its file, or a file the program has no lines for, stays
// unverified with the reason. One table per source file; the union is what the persona stops at.

import type { ProgramSymbols } from './program-symbols';

export interface BreakpointResult {
  /** The requested line. */
  requested: number;
  verified: boolean;
  /** Where the breakpoint really is (the requested line when unverified). */
  line: number;
  addresses: bigint[];
  message?: string;
  /** The line-table file the breakpoint resolved in. */
  file?: string;
}

export class SourceBreakpoints {
  private readonly byFile = new Map<string, BreakpointResult[]>();

  constructor(private readonly symbols: ProgramSymbols) {}

  /** Replaces the breakpoints of `clientPath` (as the DAP setBreakpoints request does). */
  set(clientPath: string, lines: readonly number[]): BreakpointResult[] {
    const file = this.symbols.sourceFile(clientPath);
    const results = lines.map((line) => (file === undefined
      ? { requested: line, verified: false, line, addresses: [], message: `the program has no line information for ${clientPath} (built without -g?)` }
      : this.resolve(file, line)));
    this.byFile.set(clientPath, results);
    return results;
  }

  private resolve(file: string, requested: number): BreakpointResult {
    const line = this.symbols.lines.nextLineWithCode(file, requested);
    const addresses = line === undefined ? [] : this.symbols.lines.addressesForLine(file, line);
    if (line === undefined || addresses.length === 0) {
      return { requested, verified: false, line: requested, addresses: [], message: `no code at or after line ${requested}` };
    }
    return { requested, verified: true, line, addresses, file };
  }

  /**
   * The verified breakpoint at `pc`, if any. Optimised code starts several rows at one address
   * (an inlined call's lines after the call site's): a stop there is shown at the line asked for.
   */
  at(pc: bigint): { file: string; line: number } | undefined {
    for (const results of this.byFile.values()) {
      for (const r of results) if (r.file !== undefined && r.addresses.includes(pc)) return { file: r.file, line: r.line };
    }
    return undefined;
  }

  /** How many files have a verified breakpoint at `pc`. */
  filesAt(pc: bigint): number {
    let n = 0;
    for (const results of this.byFile.values()) if (results.some((r) => r.verified && r.addresses.includes(pc))) n++;
    return n;
  }

  /** Every address some source breakpoint asks for. */
  addresses(): bigint[] {
    const all = new Set<bigint>();
    for (const results of this.byFile.values()) for (const r of results) for (const a of r.addresses) all.add(a);
    return [...all];
  }
}
