// Questions the debugger asks of line tables, answered from indexes built once: which source line
// covers a pc (stack frames, stepping), and which addresses a source line has (breakpoints).

import { posix } from 'node:path';
import type { LineRow, LineTable } from './dwarf-line';

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** The address range the row covers: [start, end). Stepping by line runs until pc leaves it. */
  start: bigint;
  end: bigint;
}

interface FileLines {
  /** is_stmt line → the first address of each run of rows for it, sorted. */
  addresses: Map<number, bigint[]>;
  /** Lines with code (is_stmt), ascending. */
  lines: number[];
}

export class LineIndex {
  /** Non-empty ranges sorted by start. */
  private readonly ranges: SourceLocation[] = [];
  private readonly files = new Map<string, FileLines>();

  constructor(tables: readonly LineTable[]) {
    const perFile = new Map<string, Map<number, Set<bigint>>>();
    for (const t of tables) {
      for (const seq of sequences(t.rows)) {
        this.addRanges(seq);
        addStatements(seq, perFile);
      }
    }
    this.ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    for (const [file, byLine] of perFile) {
      const addresses = new Map<number, bigint[]>();
      for (const [line, set] of byLine) addresses.set(line, [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      this.files.set(file, { addresses, lines: [...addresses.keys()].sort((a, b) => a - b) });
    }
  }

  /** Every source file that has rows. */
  get sourceFiles(): string[] {
    return [...this.files.keys()];
  }

  /** The row covering `pc`: the greatest row address <= pc in a sequence that has not ended by pc. */
  lookupAddress(pc: bigint): SourceLocation | undefined {
    let lo = 0;
    let hi = this.ranges.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ranges[mid].start <= pc) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const hit = found < 0 ? undefined : this.ranges[found];
    return hit !== undefined && pc < hit.end ? { ...hit } : undefined;
  }

  /**
   * Breakpoint addresses for `line` of `file` (a full path, or a suffix of one made of whole path
   * components, such as "kernel/main.c"): is_stmt rows only, and only the first of consecutive rows
   * for the same line, so that a line split into several rows does not stop twice in a row.
   */
  addressesForLine(file: string, line: number): bigint[] {
    const out = new Set<bigint>();
    for (const f of this.matching(file)) for (const a of f.addresses.get(line) ?? []) out.add(a);
    return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The first line >= `line` with code in `file` (where a breakpoint on a blank line moves to). */
  nextLineWithCode(file: string, line: number): number | undefined {
    let best: number | undefined;
    for (const f of this.matching(file)) {
      const next = f.lines.find((l) => l >= line);
      if (next !== undefined && (best === undefined || next < best)) best = next;
    }
    return best;
  }

  private matching(query: string): FileLines[] {
    const q = query.includes('\\') ? query : posix.normalize(query);
    const exact = this.files.get(q);
    if (exact !== undefined) return [exact];
    const suffix = q.startsWith('/') ? q : `/${q}`;
    return [...this.files].filter(([path]) => path.endsWith(suffix) || path === q).map(([, f]) => f);
  }

  private addRanges(seq: LineRow[]): void {
    // Several rows may share an address (inlined calls, views). Like gdb, report the last is_stmt
    // row there (the statement about to run), else the last row.
    let i = 0;
    while (i < seq.length - 1) {
      let j = i;
      let chosen = seq[i];
      while (j < seq.length - 1 && seq[j].address === seq[i].address) {
        if (seq[j].isStmt || !chosen.isStmt) chosen = seq[j];
        j++;
      }
      const end = seq[j].address;
      if (end > seq[i].address) {
        this.ranges.push({ file: chosen.file, line: chosen.line, column: chosen.column, start: seq[i].address, end });
      }
      i = j;
    }
  }
}

/** Splits rows into sequences, each ending with its end_sequence row (a trailing partial one is dropped). */
function sequences(rows: readonly LineRow[]): LineRow[][] {
  const out: LineRow[][] = [];
  let current: LineRow[] = [];
  for (const row of rows) {
    current.push(row);
    if (row.endSequence) {
      out.push(current);
      current = [];
    }
  }
  return out;
}

function addStatements(seq: LineRow[], perFile: Map<string, Map<number, Set<bigint>>>): void {
  let previous: LineRow | undefined;
  for (const row of seq) {
    if (row.endSequence) break;
    // Line 0 is "no source line" (compiler-generated code): never a breakpoint target.
    if (!row.isStmt || row.line === 0) continue;
    const continues = previous !== undefined && previous.file === row.file && previous.line === row.line;
    previous = row;
    if (continues) continue;
    let byLine = perFile.get(row.file);
    if (byLine === undefined) perFile.set(row.file, (byLine = new Map()));
    let set = byLine.get(row.line);
    if (set === undefined) byLine.set(row.line, (set = new Set()));
    set.add(row.address);
  }
}
