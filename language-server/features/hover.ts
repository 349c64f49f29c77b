// textDocument/hover: one function per kind of thing under the cursor, tried in order.
import { basename } from 'node:path';
import type { Hover, Position } from 'vscode-languageserver';
import { DIRECTIVES } from '../tables/directives';
import { INSTRUCTION_TRAPS } from '../tables/instruction-traps';
import { mnemonic } from '../tables/mnemonics';
import type { Word } from '../parse/asm-lexer';
import type { AsmFacts, FileFacts, SymbolDef } from '../parse/facts';
import type { WorkspaceIndex } from '../workspace/index';
import { hypercallHover } from './hover-hypercall';
import { sysregHover } from './hover-sysreg';
import { rangeOf, statementAt, symbolAt, sysregAt } from './locate';

const markdown = (value: string, word?: Word): Hover => ({ contents: { kind: 'markdown', value }, range: word && rangeOf(word) });

function opHover(facts: AsmFacts, p: Position, index: WorkspaceIndex): Hover | undefined {
  const at = statementAt(facts, p);
  const op = at?.st.op;
  if (!at || !op || at.st.assignment || p.character < op.start || p.character > op.end) return undefined;
  const name = op.text.toLowerCase();
  if (name.startsWith('.')) {
    const d = DIRECTIVES.get(name);
    return d ? markdown(`**${name}** — ${d}`, op) : undefined;
  }
  if (name === 'hvc' || name === 'smc') return markdown(hypercallHover(facts, at.index, index), op);
  const m = mnemonic(name);
  if (m) {
    const trap = INSTRUCTION_TRAPS.get(name);
    return markdown(`**${name}** — ${m.summary}${trap ? `\n\nUnder Persona: ${trap}` : ''}`, op);
  }
  const macro = index.definitions(op.text).find((d) => d.kind === 'macro');
  return macro ? markdown(`**${op.text}** — macro, ${where(macro)}`, op) : undefined;
}

function where(d: SymbolDef): string {
  return `defined in ${basename(d.uri)}:${d.word.line + 1}`;
}

const KIND_TEXT: Record<SymbolDef['kind'], string> = { label: 'label', macro: 'macro', constant: 'constant', define: '#define', linker: 'linker-script symbol', 'c-function': 'C function' };

function symbolHover(facts: FileFacts, p: Position, index: WorkspaceIndex): Hover | undefined {
  const word = symbolAt(facts, p);
  if (!word) return undefined;
  const defs = index.definitions(word.text);
  if (defs.length === 0) return markdown(`**${word.text}** — not defined in the workspace`, word);
  const rows = defs.slice(0, 5).map((d) => `${KIND_TEXT[d.kind]}, ${where(d)}${d.value ? `: \`${d.value}\`` : ''}`);
  return markdown(`**${word.text}** — ${rows.join('\n\n')}`, word);
}

export function hover(facts: FileFacts, p: Position, index: WorkspaceIndex): Hover | null {
  if (facts.kind === 'asm') {
    const use = sysregAt(facts, p);
    if (use) {
      const text = sysregHover(use.word.text);
      if (text) return markdown(text, use.word);
    }
    const op = opHover(facts, p, index);
    if (op) return op;
  }
  return symbolHover(facts, p, index) ?? null;
}
