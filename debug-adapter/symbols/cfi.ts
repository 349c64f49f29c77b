// Call-frame information for a whole image: the FDEs of .debug_frame and .eh_frame, indexed by
// address, and the unwind row for any pc. Rows are computed per FDE on first use and cached, since a
// stop only ever needs the few functions on the stack.

import { parseCfiSection, type CfiSectionData, type Fde } from './cfi-parse';
import { fdeRows } from './cfi-program';
import type { UnwindRow } from './cfi-rules';

export { CfiFormatError } from './cfi-reader';
export type { CfiSectionData, Cie, Fde } from './cfi-parse';
export type { CfaRule, RegisterRule, UnwindRow } from './cfi-rules';

export class CallFrameInfo {
  /** Sorted by start; empty FDEs (left by discarded sections) are dropped. */
  readonly fdes: readonly Fde[];
  private readonly rows = new Map<Fde, UnwindRow[]>();

  /**
   * Sections in order of preference: when both describe a pc the first wins. .debug_frame comes
   * first by default (kernels built with -g usually carry only that one).
   */
  constructor(sections: readonly CfiSectionData[]) {
    const all: Fde[] = [];
    const rank = new Map<Fde, number>();
    sections.forEach((s, i) => {
      for (const f of parseCfiSection(s).fdes) {
        if (f.end <= f.start) continue;
        all.push(f);
        rank.set(f, i);
      }
    });
    all.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : (rank.get(a) ?? 0) - (rank.get(b) ?? 0)));
    this.fdes = all;
  }

  /** The FDE covering pc (the preferred section's when several do), or undefined. */
  findFde(pc: bigint): Fde | undefined {
    // Last FDE starting at or before pc; step back over same-start duplicates to the preferred one.
    let lo = 0;
    let hi = this.fdes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.fdes[mid].start <= pc) lo = mid + 1;
      else hi = mid;
    }
    let best: Fde | undefined;
    for (let i = lo - 1; i >= 0 && i >= lo - 8; i--) {
      const f = this.fdes[i];
      if (pc >= f.start && pc < f.end) best = f;
      else if (best !== undefined) break;
    }
    return best;
  }

  /** Every row of an FDE (cached). Throws CfiFormatError for a broken CFA program. */
  rowsOf(fde: Fde): readonly UnwindRow[] {
    let rows = this.rows.get(fde);
    if (rows === undefined) {
      rows = fdeRows(fde);
      this.rows.set(fde, rows);
    }
    return rows;
  }

  /** The unwind row for pc, or undefined when no FDE covers it. */
  rowAt(pc: bigint): { fde: Fde; row: UnwindRow } | undefined {
    const fde = this.findFde(pc);
    if (fde === undefined) return undefined;
    const row = this.rowsOf(fde).find((r) => pc >= r.start && pc < r.end);
    return row === undefined ? undefined : { fde, row };
  }
}
