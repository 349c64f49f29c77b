// C headers included by .S files: only their object-like `#define NAME value` lines matter, as
// constants (`#define PSCI_CPU_ON 0xc4000003`) that assembly uses.
import type { HeaderFacts } from './facts';

export function parseHeader(uri: string, text: string): HeaderFacts {
  const facts: HeaderFacts = { kind: 'header', uri, defs: [], refs: [] };
  const lines = text.split(/\r?\n/);
  lines.forEach((line, n) => {
    const m = /^(\s*#\s*define\s+)([A-Za-z_]\w*)(\([^)]*\))?\s*(.*)$/.exec(line);
    if (!m) return;
    const start = m[1]!.length;
    const value = m[4]!.replace(/\/\*.*?\*\/|\/\/.*$/g, '').trim();
    facts.defs.push({ name: m[2]!, kind: 'define', uri, word: { text: m[2]!, line: n, start, end: start + m[2]!.length }, value });
  });
  return facts;
}
