// What the server knows about one file, whatever its language: the symbols it defines, the places
// it names symbols, and (for assembly) its statements and sections. The workspace index holds one
// of these per file.
import type { Statement, Word } from './asm-lexer';

export type SymbolKind = 'label' | 'macro' | 'constant' | 'define' | 'linker' | 'c-function';

export interface SymbolDef {
  name: string;
  kind: SymbolKind;
  uri: string;
  word: Word;
  /** The defining expression of a constant (`.equ X, 0x84000000`, `#define X 3`, `X = .`). */
  value?: string;
}

export interface SymbolRef {
  name: string;
  word: Word;
  /**
   * The operand can only be a code or data address (branch target, adr/adrp, `=sym`, `:lo12:sym`):
   * an undefined name there is reported. Other names (immediates, macro arguments) may come from
   * headers or the command line, so they are only used for navigation.
   */
  address: boolean;
}

export interface SectionUse {
  name: string;
  word: Word;
  /** Selected by `.section`/`.pushsection` (checked against linker scripts), not `.text`/`.data`/`.bss`. */
  named: boolean;
}

export interface SysregUse {
  word: Word;
  /** MSR (write) rather than MRS (read). */
  write: boolean;
}

export interface AsmFacts {
  kind: 'asm';
  uri: string;
  defs: SymbolDef[];
  refs: SymbolRef[];
  statements: Statement[];
  sections: SectionUse[];
  globals: Word[];
  /** `.extern` and `.weak` names: allowed to be undefined here. */
  externs: Set<string>;
  sysregs: SysregUse[];
  lineCount: number;
}

export interface LinkerFacts {
  kind: 'ld';
  uri: string;
  defs: SymbolDef[];
  refs: SymbolRef[];
  /** Input-section patterns (`.text.*`, `COMMON`) the script places, as regular expressions. */
  placements: RegExp[];
  /** Output sections, for document symbols. */
  outputSections: Word[];
}

/** A C header: only its `#define`s matter (constants used by .S files). */
export interface HeaderFacts {
  kind: 'header';
  uri: string;
  defs: SymbolDef[];
  refs: SymbolRef[];
}

/** A C source: its top-level function definitions (what assembly calls into). */
export interface CFacts {
  kind: 'c';
  uri: string;
  defs: SymbolDef[];
  refs: SymbolRef[];
}

export type FileFacts = AsmFacts | LinkerFacts | HeaderFacts | CFacts;
