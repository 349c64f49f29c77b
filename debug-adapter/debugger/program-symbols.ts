// What the debugger knows of one ELF: line tables, call-frame information, DWARF functions and the
// ELF symbol table. Every part is optional: a program without -g can still be run and stepped by
// instruction; a broken DWARF section costs only that part (the reason is kept in `warnings`).

import { posix } from 'node:path';
import type { GuestSymbol } from '../../emulator/loader/types';
import { callFrameInfoOfElf } from '../symbols/cfi-elf';
import type { CallFrameInfo } from '../symbols/cfi';
import type { DebugInfo } from '../symbols/dwarf-functions';
import { readDebugInfo } from '../symbols/dwarf-info-elf';
import { readLocationSections } from '../symbols/dwarf-locations-elf';
import type { LocationSections } from '../symbols/dwarf-loclists';
import { LineIndex, type SourceLocation } from '../symbols/line-index';
import { readLineTables } from '../symbols/line-tables';

export class ProgramSymbols {
  readonly lines: LineIndex;
  readonly cfi: CallFrameInfo | undefined;
  readonly info: DebugInfo | undefined;
  /** Location lists and the address table, for variables' locations. */
  readonly locationSections: LocationSections;
  readonly warnings: string[] = [];
  /** Functions and objects with a size, sorted by address. */
  private readonly sized: GuestSymbol[];

  constructor(file: string, bytes: Uint8Array, symbols: readonly GuestSymbol[], elf = true) {
    this.lines = new LineIndex((elf ? this.attempt('line tables', () => readLineTables(bytes, file)) : undefined) ?? []);
    this.cfi = elf ? this.attempt('call-frame information', () => callFrameInfoOfElf(file, bytes)) : undefined;
    this.info = elf ? this.attempt('debug information', () => readDebugInfo(bytes, file)) : undefined;
    this.locationSections = (this.info && this.attempt('location lists', () => readLocationSections(bytes, file))) ?? {};
    this.sized = symbols.filter((s) => s.kind === 'func' || s.size > 0n);
  }

  /** An image without ELF symbols (a Linux Image, a raw binary): names and lines stay unknown. */
  static none(file: string): ProgramSymbols {
    const s = new ProgramSymbols(file, new Uint8Array(0), [], false);
    s.warnings.push(`${file} is not an ELF: no source lines or function names for it`);
    return s;
  }

  private attempt<T>(what: string, read: () => T): T | undefined {
    try {
      return read();
    } catch (e) {
      this.warnings.push(`${what} unreadable, going on without: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** The name of the function holding `pc`: DWARF first, then the ELF symbol table. */
  functionName(pc: bigint): string | undefined {
    const f = this.info?.functionAt(pc);
    if (f) return f.name;
    let best: GuestSymbol | undefined;
    for (const s of this.sized) {
      if (s.value > pc) break;
      if (s.size === 0n || pc < s.value + s.size) best = s;
    }
    return best?.name;
  }

  location(pc: bigint): SourceLocation | undefined {
    return this.lines.lookupAddress(pc);
  }

  /**
   * The line-table file a client path means: the one sharing the longest run of trailing path
   * components with it (the program may have been built in another folder than the one open).
   */
  sourceFile(clientPath: string): string | undefined {
    return this.sourceMatch(clientPath)?.file;
  }

  /** sourceFile and how many trailing path components matched (personas compare their matches). */
  sourceMatch(clientPath: string): { file: string; components: number } | undefined {
    const want = clientPath.split(/[\\/]+/).filter((c) => c.length > 0);
    let best: string | undefined;
    let bestLength = 0;
    for (const file of this.lines.sourceFiles) {
      const have = file.split(posix.sep).filter((c) => c.length > 0);
      let n = 0;
      while (n < want.length && n < have.length && want[want.length - 1 - n] === have[have.length - 1 - n]) n++;
      if (n > bestLength) {
        best = file;
        bestLength = n;
      }
    }
    return best === undefined ? undefined : { file: best, components: bestLength };
  }
}
