// Go to definition and find references, for labels, macros, constants and linker-script symbols
// across the workspace; numeric local labels (`1f`, `2b`) resolve within the file.
import type { Location, Position } from 'vscode-languageserver';
import type { AsmFacts, FileFacts } from '../parse/facts';
import type { WorkspaceIndex } from '../workspace/index';
import { contains, rangeOf, statementAt, symbolAt } from './locate';

/** `1f` / `1b`: the next / previous `1:` label in the same file. */
function localLabel(f: AsmFacts, p: Position): Location | undefined {
  const at = statementAt(f, p);
  const operand = at?.st.operands.find((o) => contains(o, p));
  const m = operand && /(?<![\w.$])(\d+)([fb])\b/.exec(operand.text);
  if (!at || !m) return undefined;
  const forward = m[2] === 'f';
  const list = f.statements;
  for (let i = at.index + (forward ? 1 : 0); forward ? i < list.length : i >= 0; i += forward ? 1 : -1) {
    const label = list[i]!.labels.find((l) => l.text === m[1]);
    if (label && (forward || i < at.index || label.end <= p.character)) return { uri: f.uri, range: rangeOf(label) };
  }
  return undefined;
}

export function definition(f: FileFacts, p: Position, index: WorkspaceIndex): Location[] {
  const word = symbolAt(f, p);
  if (!word) {
    const local = f.kind === 'asm' ? localLabel(f, p) : undefined;
    return local ? [local] : [];
  }
  let defs = index.definitions(word.text);
  // Macro names are matched without case by GNU as.
  if (defs.length === 0) defs = [...index.allDefinitions().values()].flat().filter((d) => d.kind === 'macro' && d.name.toLowerCase() === word.text.toLowerCase());
  return defs.map((d) => ({ uri: d.uri, range: rangeOf(d.word) }));
}

export function references(f: FileFacts, p: Position, index: WorkspaceIndex, includeDeclaration: boolean): Location[] {
  const word = symbolAt(f, p);
  if (!word) return [];
  const out: Location[] = index.references(word.text).map((r) => ({ uri: r.uri, range: rangeOf(r.item.word) }));
  if (includeDeclaration) out.unshift(...index.definitions(word.text).map((d) => ({ uri: d.uri, range: rangeOf(d.word) })));
  return out;
}
