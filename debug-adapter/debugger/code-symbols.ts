// Addresses as names and names as addresses, for the disassembly view and function breakpoints:
// `func+0x10` labels (DWARF functions first, then sized ELF symbols) and a function's entry and
// first line after its prologue (as gdb places `break func`).

import type { GuestSymbol } from '../../emulator/loader/types';
import type { ProgramSymbols } from './program-symbols';

export interface CodeSymbol {
  name: string;
  start: bigint;
}

/** Rows a prologue search looks at before it settles for the function's entry. */
const MAX_PROLOGUE_ROWS = 32;

export class CodeSymbols {
  /** ELF functions and sized objects, sorted by address. */
  private readonly elf: GuestSymbol[];

  constructor(private readonly program: ProgramSymbols, elfSymbols: readonly GuestSymbol[]) {
    this.elf = elfSymbols.filter((s) => s.kind === 'func' || s.size > 0n);
  }

  /** The function (or sized symbol) holding `pc`, with its entry address. */
  at(pc: bigint): CodeSymbol | undefined {
    const f = this.program.info?.functionAt(pc);
    if (f) {
      const start = f.lowPc ?? f.ranges.find((r) => pc >= r.lowPc && pc < r.highPc)?.lowPc;
      if (start !== undefined) return { name: f.name, start };
    }
    let best: GuestSymbol | undefined;
    for (const s of this.elf) {
      if (s.value > pc) break;
      if ((s.size === 0n && s.kind === 'func') || pc < s.value + s.size) best = s;
    }
    return best && { name: best.name, start: best.value };
  }

  /** `name` at a symbol's entry, `name+0x10` inside it; undefined where nothing is known. */
  label(pc: bigint): string | undefined {
    const s = this.at(pc);
    if (!s) return undefined;
    return pc === s.start ? s.name : `${s.name}+0x${(pc - s.start).toString(16)}`;
  }

  /** A function's entry by DWARF name, linkage name or ELF symbol. */
  entryOf(name: string): bigint | undefined {
    const f = this.program.info?.functions.find((fn) => (fn.name === name || fn.linkageName === name) && (fn.lowPc ?? fn.ranges[0]?.lowPc) !== undefined);
    if (f) return f.lowPc ?? f.ranges[0]!.lowPc;
    return this.elf.find((s) => s.name === name && s.kind === 'func')?.value;
  }

  /**
   * Where `break name` stops: the first line-table row after the entry that belongs to another
   * line than the entry's (the end of the prologue, as gdb finds it), still inside the function;
   * the entry itself when the function has no line information.
   */
  afterPrologue(entry: bigint): bigint {
    const lines = this.program.lines;
    const first = lines.lookupAddress(entry);
    const fn = this.at(entry);
    if (!first || !fn) return entry;
    let pc = first.end;
    for (let n = 0; n < MAX_PROLOGUE_ROWS; n++) {
      const row = lines.lookupAddress(pc);
      if (!row || this.at(pc)?.start !== fn.start) return entry;
      if (row.line !== 0 && (row.line !== first.line || row.file !== first.file) && pc === row.start) return pc;
      pc = row.end;
    }
    return entry;
  }
}
