// textDocument/completion. The line up to the cursor decides the context: the op position gets
// mnemonics, directives and macros; an MRS/MSR register slot gets system registers first; other
// operands get registers and workspace symbols. Static lists are built once; symbol items are
// rebuilt only when the index changes.
import { CompletionItemKind, type CompletionItem, type CompletionList, type Position, type Range } from 'vscode-languageserver';
import { PSTATE_IMMEDIATE_FIELDS, SYSREGS } from '../../emulator/arch/aarch64/sysregs/table';
import { DIRECTIVES } from '../tables/directives';
import { MNEMONICS } from '../tables/mnemonics';
import { REGISTERS } from '../tables/registers';
import type { SymbolDef } from '../parse/facts';
import type { WorkspaceIndex } from '../workspace/index';

const ACCESS = { rw: 'read/write', ro: 'read-only', wo: 'write-only' } as const;

const MNEMONIC_ITEMS: readonly CompletionItem[] = [...MNEMONICS.values()].map((m) => ({ label: m.name, kind: CompletionItemKind.Keyword, detail: m.summary }));
const DIRECTIVE_ITEMS: readonly CompletionItem[] = [...DIRECTIVES].map(([name, summary]) => ({ label: name, kind: CompletionItemKind.Keyword, detail: summary }));
const REGISTER_ITEMS: readonly CompletionItem[] = REGISTERS.map((r) => ({ label: r, kind: CompletionItemKind.Variable, sortText: `2${r}` }));
const SYSREG_ITEMS: readonly CompletionItem[] = [
  ...SYSREGS.filter((s) => s.group !== 'instruction').map((s) => ({ label: s.name, kind: CompletionItemKind.Constant, detail: `${s.summary} (${ACCESS[s.access]})`, sortText: `0${s.name}` })),
  ...[...PSTATE_IMMEDIATE_FIELDS].map(([name, what]) => ({ label: name.toLowerCase(), kind: CompletionItemKind.Constant, detail: `PSTATE field: ${what}`, sortText: `1${name}` })),
];

const SYMBOL_KIND: Record<SymbolDef['kind'], CompletionItemKind> = {
  label: CompletionItemKind.Function, macro: CompletionItemKind.Snippet, constant: CompletionItemKind.Constant, define: CompletionItemKind.Constant, linker: CompletionItemKind.Variable, 'c-function': CompletionItemKind.Function,
};

/** Where the cursor is within its statement. */
type Context = { kind: 'op' } | { kind: 'operand'; op: string; index: number };

function contextOf(before: string): Context {
  const code = before.replace(/\/\/.*$/, '').split(';').pop()!.replace(/^\s*(?:[\w.$]+:\s*)*/, '');
  const m = /^([\w.$]+)(\s+)(.*)$/.exec(code);
  if (!m) return { kind: 'op' };
  return { kind: 'operand', op: m[1]!.toLowerCase(), index: m[3]!.split(',').length - 1 };
}

function withRange(items: readonly CompletionItem[], range: Range): CompletionItem[] {
  return items.map((i) => ({ ...i, textEdit: { range, newText: i.label } }));
}

export class Completer {
  private symbolItems: CompletionItem[] = [];
  private macroItems: CompletionItem[] = [];
  private generation = -1;

  constructor(private readonly index: WorkspaceIndex) {}

  private refresh(): void {
    if (this.generation === this.index.generation) return;
    this.generation = this.index.generation;
    this.symbolItems = [];
    this.macroItems = [];
    for (const [name, defs] of this.index.allDefinitions()) {
      const d = defs[0]!;
      const item: CompletionItem = { label: name, kind: SYMBOL_KIND[d.kind], detail: d.value ? `${d.kind} = ${d.value}` : d.kind, sortText: `1${name}` };
      if (d.kind === 'macro') this.macroItems.push(item);
      else this.symbolItems.push(item);
    }
  }

  complete(lineText: string, p: Position): CompletionList {
    this.refresh();
    const before = lineText.slice(0, p.character);
    const word = /[\w.$]*$/.exec(before)![0];
    const range: Range = { start: { line: p.line, character: p.character - word.length }, end: p };
    const ctx = contextOf(before);
    let items: readonly CompletionItem[];
    if (ctx.kind === 'op') items = word.startsWith('.') ? DIRECTIVE_ITEMS : [...MNEMONIC_ITEMS, ...this.macroItems, ...DIRECTIVE_ITEMS];
    else if ((ctx.op === 'mrs' && ctx.index === 1) || (ctx.op === 'msr' && ctx.index === 0)) items = [...SYSREG_ITEMS, ...REGISTER_ITEMS];
    else items = [...REGISTER_ITEMS, ...this.symbolItems];
    return { isIncomplete: false, items: withRange(items, range) };
  }
}
