// C sources next to the assembly: start-up code branches to C functions (`bl kernel_main`) without
// declaring them `.extern`, since GNU as treats unknown symbols as external anyway. Reading the
// top-level function definitions of .c files keeps those calls from being reported as undefined,
// and lets "go to definition" land in the C file. A line-based scan, not a C parser: a definition
// starts at column 0 with a return type and ends its header line without a `;`.
import type { CFacts } from './facts';

const DEFINITION = /^(?:__attribute__\s*\(\(.*?\)\)\s*)?(?:[A-Za-z_][\w]*[\s*]+)+?([A-Za-z_]\w*)\s*\([^;]*$/d;
const NOT_TYPES = new Set(['if', 'while', 'for', 'switch', 'return', 'else', 'do', 'sizeof']);

export function parseCSource(uri: string, text: string): CFacts {
  const facts: CFacts = { kind: 'c', uri, defs: [], refs: [] };
  text.split(/\r?\n/).forEach((line, n) => {
    if (line.length === 0 || /^[\s#/*}]/.test(line)) return;
    const m = DEFINITION.exec(line);
    if (!m || NOT_TYPES.has(m[1]!) || /^(typedef|struct\s+\w+\s*\{|static_assert)/.test(line)) return;
    const at = m.indices![1]![0];
    facts.defs.push({ name: m[1]!, kind: 'c-function', uri, word: { text: m[1]!, line: n, start: at, end: at + m[1]!.length } });
  });
  return facts;
}
