// Document symbols (an outline: sections containing their labels, macros, constants, .global
// declarations) and workspace symbols (every definition in the index whose name matches).
import { SymbolKind, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver';
import type { AsmFacts, FileFacts, LinkerFacts, SymbolDef } from '../parse/facts';
import type { WorkspaceIndex } from '../workspace/index';
import { rangeOf } from './locate';

const KIND: Record<SymbolDef['kind'], SymbolKind> = {
  label: SymbolKind.Function, macro: SymbolKind.Method, constant: SymbolKind.Constant, define: SymbolKind.Constant, linker: SymbolKind.Variable, 'c-function': SymbolKind.Function,
};

function symbolOf(d: SymbolDef, detail?: string): DocumentSymbol {
  const r = rangeOf(d.word);
  return { name: d.name, kind: KIND[d.kind], detail: detail ?? d.value ?? d.kind, range: r, selectionRange: r };
}

function asmOutline(f: AsmFacts): DocumentSymbol[] {
  const globals = new Set(f.globals.map((g) => g.text));
  const top: DocumentSymbol[] = [];
  const sections = f.sections.map((s) => ({ use: s, symbol: { name: s.name, kind: SymbolKind.Namespace, detail: 'section', range: rangeOf(s.word), selectionRange: rangeOf(s.word), children: [] as DocumentSymbol[] } }));
  let si = -1;
  const defs = [...f.defs].sort((a, b) => a.word.line - b.word.line);
  for (const d of defs) {
    while (si + 1 < sections.length && sections[si + 1]!.use.word.line <= d.word.line) si++;
    const sym = symbolOf(d, d.kind === 'label' && globals.has(d.name) ? 'global label' : undefined);
    if (d.kind === 'label' && si >= 0) {
      const sec = sections[si]!.symbol;
      sec.children.push(sym);
      sec.range = { start: sec.range.start, end: sym.range.end }; // a section's range covers its labels
    } else top.push(sym);
  }
  const defined = new Set(f.defs.map((d) => d.name));
  for (const g of f.globals) {
    if (!defined.has(g.text)) top.push({ name: g.text, kind: SymbolKind.Interface, detail: '.global (defined elsewhere)', range: rangeOf(g), selectionRange: rangeOf(g) });
  }
  return [...sections.map((s) => s.symbol), ...top].sort((a, b) => a.range.start.line - b.range.start.line);
}

function linkerOutline(f: LinkerFacts): DocumentSymbol[] {
  const out: DocumentSymbol[] = f.outputSections.map((w) => ({ name: w.text, kind: SymbolKind.Namespace, detail: 'output section', range: rangeOf(w), selectionRange: rangeOf(w) }));
  out.push(...f.defs.map((d) => symbolOf(d)));
  return out.sort((a, b) => a.range.start.line - b.range.start.line);
}

export function documentSymbols(f: FileFacts): DocumentSymbol[] {
  if (f.kind === 'asm') return asmOutline(f);
  if (f.kind === 'ld') return linkerOutline(f);
  return f.defs.map((d) => symbolOf(d));
}

const MAX_RESULTS = 1000;

export function workspaceSymbols(index: WorkspaceIndex, query: string): SymbolInformation[] {
  const q = query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const [name, defs] of index.allDefinitions()) {
    if (q && !name.toLowerCase().includes(q)) continue;
    for (const d of defs) {
      out.push({ name, kind: KIND[d.kind], location: { uri: d.uri, range: rangeOf(d.word) }, containerName: d.kind });
      if (out.length >= MAX_RESULTS) return out;
    }
  }
  return out;
}
