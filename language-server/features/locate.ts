// What is under the cursor: a statement's op, a system-register operand, a symbol (definition or
// use), in the parsed facts of a file. Positions are LSP's: 0-based line and UTF-16 column, which
// match our columns because we index JavaScript strings.
import type { Position, Range } from 'vscode-languageserver';
import type { Statement, Word } from '../parse/asm-lexer';
import type { AsmFacts, FileFacts, SysregUse } from '../parse/facts';

export function rangeOf(w: Word): Range {
  return { start: { line: w.line, character: w.start }, end: { line: w.line, character: w.end } };
}

export function contains(w: Word, p: Position): boolean {
  return w.line === p.line && p.character >= w.start && p.character <= w.end;
}

/** Index of the first statement on or after `line` (statements are in source order). */
export function firstStatementFrom(facts: AsmFacts, line: number): number {
  let lo = 0;
  let hi = facts.statements.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (facts.statements[mid]!.line < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The statement whose text covers the position, with its index. */
export function statementAt(facts: AsmFacts, p: Position): { st: Statement; index: number } | undefined {
  let fallback: { st: Statement; index: number } | undefined;
  for (let i = firstStatementFrom(facts, p.line); i < facts.statements.length; i++) {
    const st = facts.statements[i]!;
    if (st.line !== p.line) break;
    const first = st.labels[0] ?? st.op;
    const last = st.operands[st.operands.length - 1] ?? st.op ?? st.labels[st.labels.length - 1];
    if (first && last && p.character >= first.start && p.character <= last.end) return { st, index: i };
    fallback ??= { st, index: i };
  }
  return fallback;
}

export function sysregAt(facts: AsmFacts, p: Position): SysregUse | undefined {
  return facts.sysregs.find((s) => contains(s.word, p));
}

/** The symbol name under the cursor, from definitions and references of any file kind. */
export function symbolAt(facts: FileFacts, p: Position): Word | undefined {
  for (const d of facts.defs) if (contains(d.word, p)) return d.word;
  for (const r of facts.refs) if (contains(r.word, p)) return r.word;
  return undefined;
}
