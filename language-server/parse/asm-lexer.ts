// Splits GNU as source (AArch64 dialect, optionally through the C preprocessor as in .S files) into
// statements: labels, the operation word, operands, each with its position. Comments are blanked
// out first (keeping columns), so every position refers to the original text.

/** A piece of source text and where it is: 0-based line, [start, end) columns. */
export interface Word {
  text: string;
  line: number;
  start: number;
  end: number;
}

export interface Statement {
  line: number;
  labels: Word[];
  /** Mnemonic, directive, macro name, or the symbol of a `name = expr` assignment. */
  op?: Word;
  /** The op is immediately followed by `(`: a C preprocessor macro call such as `ENTRY(foo)`. */
  opCall: boolean;
  /** `name = expr`: op is the symbol, operands[0] the expression. */
  assignment: boolean;
  operands: Word[];
}

/** A C preprocessor line: `#define NAME value`, `#include ...`, `#if ...`. */
export interface PreprocessorLine {
  line: number;
  directive: string;
  name?: Word;
  value?: string;
}

export interface LexedFile {
  statements: Statement[];
  preprocessor: PreprocessorLine[];
  /** Number of lines in the file. */
  lineCount: number;
}

/** Replaces string contents with spaces (keeping the quotes), so separators inside strings are ignored. */
export function maskStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"?/g, (s) => `"${' '.repeat(Math.max(0, s.length - 2))}${s.length > 1 ? '"' : ''}`);
}

const LABEL = /^\s*([A-Za-z_.$][\w.$]*|\d+|[\w.$\\()]+)\s*:(?!:)/;
const OP = /^\s*([A-Za-z_.$\\][\w.$\\]*)/;
const DEFINE = /^\s*#\s*(define|undef|include|if|ifdef|ifndef|elif|else|endif|error|warning|pragma|line)\b\s*(.*)$/;

/** Splits operand text at top-level commas. `base` is the column of text[0]. */
function splitOperands(raw: string, masked: string, line: number, base: number): Word[] {
  const out: Word[] = [];
  let depth = 0;
  let from = 0;
  const push = (to: number): void => {
    const piece = raw.slice(from, to);
    const lead = piece.length - piece.trimStart().length;
    const text = piece.trim();
    if (text) out.push({ text, line, start: base + from + lead, end: base + from + lead + text.length });
  };
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if (c === '[' || c === '{' || c === '(') depth++;
    else if (c === ']' || c === '}' || c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      push(i);
      from = i + 1;
    }
  }
  push(masked.length);
  return out;
}

function lexStatement(raw: string, masked: string, line: number, base: number): Statement | undefined {
  const st: Statement = { line, labels: [], opCall: false, assignment: false, operands: [] };
  let pos = 0;
  for (;;) {
    const m = LABEL.exec(masked.slice(pos));
    if (!m) break;
    const start = pos + m[0].indexOf(m[1]!);
    st.labels.push({ text: m[1]!, line, start: base + start, end: base + start + m[1]!.length });
    pos += m[0].length;
  }
  const rest = masked.slice(pos);
  const m = OP.exec(rest);
  if (m) {
    const start = pos + m[0].length - m[1]!.length;
    st.op = { text: m[1]!, line, start: base + start, end: base + start + m[1]!.length };
    let after = start + m[1]!.length;
    st.opCall = masked[after] === '(';
    const tail = masked.slice(after);
    const eq = /^\s*=(?!=)/.exec(tail);
    if (eq) {
      st.assignment = true;
      after += eq[0].length;
    } else {
      // `alias .req x19`: the directive is the second word.
      const req = /^(\s+)(\.req|\.unreq)\b/i.exec(tail);
      if (req) {
        st.operands.push(st.op);
        const dStart = after + req[1]!.length;
        st.op = { text: req[2]!, line, start: base + dStart, end: base + dStart + req[2]!.length };
        after = dStart + req[2]!.length;
      }
    }
    st.operands.push(...splitOperands(raw.slice(after), masked.slice(after), line, base + after));
  } else if (rest.trim() !== '') {
    return undefined; // not a statement we understand (stray punctuation): ignore it
  }
  return st.labels.length > 0 || st.op ? st : undefined;
}

/** Blanks `/* */` (possibly spanning lines) and `//` comments, keeping columns and strings. */
function blankComments(code: string, inBlockAtStart: boolean): { code: string; inBlock: boolean } {
  let inBlock = inBlockAtStart;
  let out = '';
  let i = 0;
  while (i < code.length) {
    if (inBlock) {
      const end = code.indexOf('*/', i);
      const stop = end < 0 ? code.length : end + 2;
      out += ' '.repeat(stop - i);
      i = stop;
      if (end >= 0) inBlock = false;
      continue;
    }
    const c = code[i];
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"?/.exec(code.slice(i))!;
      out += m[0];
      i += m[0].length;
    } else if (c === '/' && code[i + 1] === '*') {
      inBlock = true;
    } else if (c === '/' && code[i + 1] === '/') {
      out += ' '.repeat(code.length - i);
      i = code.length;
    } else {
      out += c;
      i++;
    }
  }
  return { code: out, inBlock };
}

/**
 * Lexes a whole file. `preprocessed`: `#` starts a preprocessor line (.S); otherwise a line
 * starting with `#` is a comment (GNU as treats it so).
 */
export function lexAsm(text: string, preprocessed = true): LexedFile {
  const lines = text.split(/\r?\n/);
  const statements: Statement[] = [];
  const preprocessor: PreprocessorLine[] = [];
  let inBlock = false;
  for (let line = 0; line < lines.length; line++) {
    let code = lines[line]!;
    // Most lines have no comment or string: only the others pay for the character walk.
    if (inBlock || code.includes('/') || code.includes('"')) ({ code, inBlock } = blankComments(code, inBlock));
    if (/^\s*#/.test(code)) {
      const d = preprocessed ? DEFINE.exec(code) : null;
      if (d) {
        const p: PreprocessorLine = { line, directive: d[1]! };
        const nm = /^([A-Za-z_]\w*)/.exec(d[2]!);
        if (nm && (d[1] === 'define' || d[1] === 'undef' || d[1] === 'ifdef' || d[1] === 'ifndef')) {
          const start = code.indexOf(nm[1]!, code.indexOf(d[1]!) + d[1]!.length);
          p.name = { text: nm[1]!, line, start, end: start + nm[1]!.length };
          const value = d[2]!.slice(nm[1]!.length);
          // A function-like macro keeps its parameter list out of the value.
          p.value = (value.startsWith('(') ? value.replace(/^\([^)]*\)/, '') : value).trim();
        }
        preprocessor.push(p);
      }
      continue;
    }
    if (!/\S/.test(code)) continue;
    const masked = code.includes('"') ? maskStrings(code) : code;
    // `;` separates statements on AArch64.
    for (let from = 0; from <= masked.length;) {
      const semi = masked.indexOf(';', from);
      const j = semi < 0 ? masked.length : semi;
      const st = lexStatement(code.slice(from, j), masked.slice(from, j), line, from);
      if (st) statements.push(st);
      from = j + 1;
    }
  }
  return { statements, preprocessor, lineCount: lines.length };
}
