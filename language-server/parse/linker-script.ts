// GNU ld scripts -> LinkerFacts: the symbols the script defines (`__bss_start = .;`,
// `PROVIDE(_stack_top = ORIGIN(ram) + LENGTH(ram))`), the names it uses (`ENTRY(_start)`), its
// output sections, and the input-section patterns it places (`*(.text.boot)`, `KEEP(*(.vectors))`).
import type { Word } from './asm-lexer';
import type { LinkerFacts, SymbolDef, SymbolRef } from './facts';

/** Words of the script language, never user symbols. */
const KEYWORDS = new Set([
  'ENTRY', 'SECTIONS', 'MEMORY', 'PHDRS', 'PROVIDE', 'PROVIDE_HIDDEN', 'HIDDEN', 'KEEP', 'ALIGN', 'ALIGNOF', 'SIZEOF', 'ADDR', 'LOADADDR',
  'ORIGIN', 'LENGTH', 'org', 'o', 'len', 'l', 'AT', 'SORT', 'SORT_BY_NAME', 'SORT_BY_ALIGNMENT', 'SORT_BY_INIT_PRIORITY', 'SORT_NONE',
  'EXCLUDE_FILE', 'INCLUDE', 'INPUT', 'GROUP', 'OUTPUT', 'OUTPUT_FORMAT', 'OUTPUT_ARCH', 'SEARCH_DIR', 'STARTUP', 'TARGET', 'ASSERT',
  'DEFINED', 'ABSOLUTE', 'MAX', 'MIN', 'NEXT', 'BLOCK', 'CONSTANT', 'MAXPAGESIZE', 'COMMONPAGESIZE', 'SEGMENT_START', 'DATA_SEGMENT_ALIGN',
  'DATA_SEGMENT_END', 'DATA_SEGMENT_RELRO_END', 'FILL', 'BYTE', 'SHORT', 'LONG', 'QUAD', 'SQUAD', 'NOLOAD', 'COPY', 'INFO', 'OVERLAY',
  'COMMON', 'CREATE_OBJECT_SYMBOLS', 'CONSTRUCTORS', 'FLOAT', 'NOFLOAT', 'ONLY_IF_RO', 'ONLY_IF_RW', 'SUBALIGN', 'ALIGN_WITH_INPUT', 'NOCROSSREFS',
  'EXTERN', 'FORCE_COMMON_ALLOCATION', 'INHIBIT_COMMON_ALLOCATION', 'INSERT', 'AFTER', 'BEFORE', 'REGION_ALIAS', 'LD_FEATURE', 'PT_LOAD', 'FILEHDR',
]);

/** Functions whose argument is an output section or an expression, not an input-section list. */
const EXPRESSION_FUNCTIONS = new Set(['ADDR', 'SIZEOF', 'LOADADDR', 'ALIGNOF', 'ALIGN', 'AT', 'DEFINED', 'ORIGIN', 'LENGTH', 'ABSOLUTE', 'MAX', 'MIN', 'BLOCK', 'NEXT', 'ASSERT', 'CONSTANT', 'PROVIDE', 'PROVIDE_HIDDEN', 'HIDDEN', 'SUBALIGN']);

/** Blanks comments and string contents, keeping offsets. */
function mask(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, (s) => s.replace(/[^\n]/g, ' '))
    .replace(/"[^"\n]*"/g, (s) => `"${' '.repeat(s.length - 2)}"`)
    .replace(/^\s*#.*$/gm, (s) => ' '.repeat(s.length)); // cpp lines of .lds.S files
}

/** Turns an ld wildcard pattern into an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const c of glob) {
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[' || c === ']') re += c;
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

class Positions {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
  }
  word(text: string, offset: number): Word {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = offset - this.starts[lo]!;
    return { text, line: lo, start, end: start + text.length };
  }
}

/** The body of `SECTIONS { ... }` as [start, end) offsets, or undefined. */
function sectionsBody(masked: string): [number, number] | undefined {
  const m = /\bSECTIONS\s*\{/.exec(masked);
  if (!m) return undefined;
  let depth = 1;
  for (let i = m.index + m[0].length; i < masked.length; i++) {
    if (masked[i] === '{') depth++;
    else if (masked[i] === '}' && --depth === 0) return [m.index + m[0].length, i];
  }
  return [m.index + m[0].length, masked.length];
}

export function parseLinkerScript(uri: string, text: string): LinkerFacts {
  const masked = mask(text);
  const pos = new Positions(text);
  const defs: SymbolDef[] = [];
  const refs: SymbolRef[] = [];
  const defined = new Set<number>();
  for (const m of masked.matchAll(/(?<![\w.$])([A-Za-z_$][\w.$]*)\s*(?:[-+*/&|]|<<|>>)?=(?!=)/g)) {
    if (KEYWORDS.has(m[1]!)) continue;
    const rhs = /^[^;)]*/.exec(masked.slice(m.index + m[0].length))![0].trim();
    defs.push({ name: m[1]!, kind: 'linker', uri, word: pos.word(m[1]!, m.index), value: rhs });
    defined.add(m.index);
  }
  for (const m of masked.matchAll(/(?<![\w.$*\/-])[A-Za-z_$][\w$]*(?![\w.$]*\s*[:({])/g)) {
    if (KEYWORDS.has(m[0]) || defined.has(m.index)) continue;
    refs.push({ name: m[0], word: pos.word(m[0], m.index), address: false });
  }
  const placements: RegExp[] = [];
  const outputSections: Word[] = [];
  const body = sectionsBody(masked);
  if (body) {
    let depth = 0;
    let headerStart = body[0];
    for (let i = body[0]; i < body[1]; i++) {
      const c = masked[i];
      if (c === '{') {
        if (depth === 0) {
          const header = masked.slice(headerStart, i);
          const name = /^\s*([^\s:]+)\s*[^:]*:/.exec(header);
          if (name) outputSections.push(pos.word(name[1]!, headerStart + header.indexOf(name[1]!)));
        }
        depth++;
      } else if (c === '}') {
        depth--;
        if (depth === 0) headerStart = i + 1;
      } else if (c === ';' && depth === 0) headerStart = i + 1;
    }
    // Input section descriptions: the innermost parenthesised lists inside output sections.
    const inner = masked.slice(body[0], body[1]);
    for (const m of inner.matchAll(/\(([^()]*)\)/g)) {
      const callee = /([A-Za-z_]+)\s*$/.exec(inner.slice(Math.max(0, m.index - 40), m.index))?.[1];
      if (callee && EXPRESSION_FUNCTIONS.has(callee)) continue; // SIZEOF(.bss) names, it does not place
      for (const token of m[1]!.split(/[\s,]+/)) if (token.startsWith('.') || token === 'COMMON') placements.push(globToRegExp(token));
    }
  }
  return { kind: 'ld', uri, defs, refs, placements, outputSections };
}
