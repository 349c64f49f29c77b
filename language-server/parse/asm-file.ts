// One assembly file -> AsmFacts: definitions (labels, macros, constants, #defines), references,
// sections, .global/.extern names and system-register operands. Directives that matter are a table
// from directive to the facts it contributes; everything else is an instruction or a macro call.
import { DATA_DIRECTIVES, SECTION_DIRECTIVES } from '../tables/directives';
import { mnemonic } from '../tables/mnemonics';
import { lexAsm, type Statement, type Word } from './asm-lexer';
import type { AsmFacts, SymbolDef } from './facts';
import { operandSymbols } from './operand-symbols';

type DirectiveHandler = (st: Statement, f: AsmFacts) => void;

/** The first whitespace-separated word of an operand, with its position. */
function firstWord(w: Word): Word {
  const m = /^"?([^\s",]+)/.exec(w.text);
  if (!m) return w;
  const start = w.start + m[0].length - m[1]!.length;
  return { text: m[1]!, line: w.line, start, end: start + m[1]!.length };
}

function def(f: AsmFacts, kind: SymbolDef['kind'], word: Word, value?: string): void {
  if (word.text.includes('\\')) return; // built from macro parameters: only known at expansion
  f.defs.push({ name: word.text, kind, uri: f.uri, word, value });
}

function refsOf(st: Statement, f: AsmFacts): void {
  f.refs.push(...operandSymbols(st.op!.text.toLowerCase(), st.operands, true));
}

const constant: DirectiveHandler = (st, f) => {
  const [name, value] = st.operands;
  if (name) def(f, 'constant', firstWord(name), value?.text);
  if (value) f.refs.push(...operandSymbols('', [value], true));
};

const DIRECTIVE_FACTS: ReadonlyMap<string, DirectiveHandler> = new Map<string, DirectiveHandler>([
  ['.macro', (st, f) => { if (st.operands[0]) def(f, 'macro', firstWord(st.operands[0])); }],
  ['.global', (st, f) => { for (const o of st.operands) f.globals.push(firstWord(o)); refsOf(st, f); }],
  ['.globl', (st, f) => { for (const o of st.operands) f.globals.push(firstWord(o)); refsOf(st, f); }],
  ['.extern', (st, f) => { for (const o of st.operands) f.externs.add(firstWord(o).text); }],
  ['.weak', (st, f) => { for (const o of st.operands) f.externs.add(firstWord(o).text); refsOf(st, f); }],
  ['.equ', constant], ['.set', constant], ['.equiv', constant], ['.eqv', constant],
  ['.req', (st, f) => { if (st.operands[0]) def(f, 'constant', st.operands[0], st.operands[1]?.text); }],
  ['.type', (st, f) => { if (st.operands[0]) f.refs.push({ name: st.operands[0].text, word: st.operands[0], address: false }); }],
  ['.size', refsOf], ['.hidden', refsOf], ['.local', refsOf],
  ['.text', (st, f) => { f.sections.push({ name: '.text', word: st.op!, named: false }); }],
  ['.data', (st, f) => { f.sections.push({ name: '.data', word: st.op!, named: false }); }],
  ['.bss', (st, f) => { f.sections.push({ name: '.bss', word: st.op!, named: false }); }],
  ...[...SECTION_DIRECTIVES].map((d): [string, DirectiveHandler] => [d, (st, f) => {
    if (st.operands[0]) {
      const w = firstWord(st.operands[0]);
      f.sections.push({ name: w.text, word: w, named: true });
    }
  }]),
  ...[...DATA_DIRECTIVES].map((d): [string, DirectiveHandler] => [d, refsOf]),
]);

/** Kernel-style cpp macros that define the label they name: `ENTRY(foo)`, `SYM_FUNC_START(foo)`. */
const DEFINING_CALL = /^(ENTRY|GLOBAL|WEAK|SYM_(FUNC|CODE|DATA|INNER_LABEL)_START(_LOCAL|_WEAK|_ALIAS)?(_NOALIGN|_ALIGN)?|SYM_INNER_LABEL(_ALIGN)?)$/;

/** A cpp macro call: its expansion is unseen, but a defining macro's argument is a label. */
function cppMacroCall(st: Statement, f: AsmFacts): void {
  const arg = /^\(\s*([A-Za-z_.$][\w.$]*)/.exec(st.operands[0]?.text ?? '');
  if (!arg || !st.operands[0]) return;
  const start = st.operands[0].start + arg[0].length - arg[1]!.length;
  const word = { text: arg[1]!, line: st.line, start, end: start + arg[1]!.length };
  if (DEFINING_CALL.test(st.op!.text)) def(f, 'label', word);
  else f.refs.push({ name: word.text, word, address: false });
}

/** Parses assembly source. `preprocessed`: the file goes through cpp (.S), so `#` lines are directives. */
export function parseAsm(uri: string, text: string, preprocessed = true): AsmFacts {
  const lexed = lexAsm(text, preprocessed);
  const f: AsmFacts = { kind: 'asm', uri, defs: [], refs: [], statements: lexed.statements, sections: [], globals: [], externs: new Set(), sysregs: [], lineCount: lexed.lineCount };
  for (const p of lexed.preprocessor) if (p.directive === 'define' && p.name) def(f, 'define', p.name, p.value);
  for (const st of lexed.statements) {
    for (const l of st.labels) if (!/^\d+$/.test(l.text)) def(f, 'label', l);
    const op = st.op;
    if (!op) continue;
    if (st.assignment) {
      def(f, 'constant', op, st.operands[0]?.text);
      f.refs.push(...operandSymbols('', st.operands, true));
      continue;
    }
    const name = op.text.toLowerCase();
    if (name.startsWith('.')) {
      DIRECTIVE_FACTS.get(name)?.(st, f);
      continue;
    }
    if (st.opCall) {
      cppMacroCall(st, f);
      continue;
    }
    if ((name === 'mrs' && st.operands[1]) || (name === 'msr' && st.operands[0])) {
      f.sysregs.push({ word: st.operands[name === 'mrs' ? 1 : 0]!, write: name === 'msr' });
    }
    // Not an instruction: a macro call (its definition may be in another file), for references.
    if (!mnemonic(name) && !op.text.includes('\\')) f.refs.push({ name: op.text, word: op, address: false });
    f.refs.push(...operandSymbols(name, st.operands, false));
  }
  return f;
}
