// Renders the hypercall table as the guests' C header and as docs/hypercalls.md. The files are
// committed; scripts/gen-abi.ts writes them and a test fails when they differ from this output.
import { CONSOLE_WRITE_MAX, PERSONA_ABI_VERSION, PERSONA_RET } from './persona-abi';
import { PSCI_RET } from './psci';
import { SMCCC_RET } from './smccc';
import { hypercallEntries, type HypercallEntry } from './table';

const hex = (id: number): string => `0x${(id >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
const GENERATED = 'Generated from emulator/hypervisor/hypercalls/table.ts by scripts/gen-abi.ts: do not edit.';

function codes(prefix: string, table: Readonly<Record<string, bigint>>): string[] {
  return Object.entries(table).map(([k, v]) => `#define ${`${prefix}_${k}`.padEnd(32)} (${v}L)`);
}

export function renderCHeader(entries: readonly HypercallEntry[] = hypercallEntries()): string {
  const lines = [
    `/* persona-hypercalls.h — the hypercalls a persona can make with \`hvc #0\`: function id in w0,`,
    ` * arguments in x1..x3, results in x0..x3. Unknown ids return NOT_SUPPORTED (-1).`,
    ` * ${GENERATED} */`,
    '#ifndef PERSONA_HYPERCALLS_H',
    '#define PERSONA_HYPERCALLS_H',
    '',
  ];
  for (const family of ['SMCCC', 'PSCI', 'Persona'] as const) {
    lines.push(`/* ---- ${family} ---- */`);
    for (const e of entries.filter((x) => x.family === family)) {
      lines.push(`#define ${e.name.padEnd(28)} ${hex(e.id)}u /* ${e.summary} */`);
    }
    lines.push('');
  }
  lines.push('/* ---- return codes ---- */', ...codes('SMCCC_RET', SMCCC_RET), ...codes('PSCI', PSCI_RET), ...codes('PERSONA_RET', PERSONA_RET), '');
  lines.push(`#define PERSONA_ABI_VERSION_1_0      ${`0x${PERSONA_ABI_VERSION.toString(16)}`}u`);
  lines.push(`#define PERSONA_CONSOLE_WRITE_MAX    ${CONSOLE_WRITE_MAX}`);
  lines.push('/* PERSONA_CHANNEL_INFO x3 */');
  lines.push('#define PERSONA_CHANNEL_INTID(x3)    ((unsigned)((x3) & 0xFFFFu))');
  lines.push('#define PERSONA_CHANNEL_ID(x3)       ((unsigned)(((x3) >> 16) & 0xFFFFu))');
  lines.push('#define PERSONA_CHANNEL_PEER(x3)     ((unsigned)(((x3) >> 32) & 0xFFFFu))');
  lines.push('', '#endif', '');
  return lines.join('\n');
}

export function renderMarkdown(entries: readonly HypercallEntry[] = hypercallEntries()): string {
  const out = [
    '# Hypercalls',
    '',
    `<!-- ${GENERATED} -->`,
    '',
    'A persona calls the hypervisor with `hvc #0` (or `smc #0`): the function id in `w0`, arguments in',
    '`x1`..`x3`; results come back in `x0`..`x3` (registers a call does not return keep their values).',
    'Any id not listed here answers `NOT_SUPPORTED` (-1) in `x0`. Every call is a `hypercall` trap in',
    'the trap log, with its id, arguments and result. C guests: `#include "persona-hypercalls.h"`',
    '(examples/include/).',
    '',
  ];
  for (const family of ['SMCCC', 'PSCI', 'Persona'] as const) {
    out.push(`## ${family}`, '', '| id | name | what it does | x1, x2, x3 | returns |', '|---|---|---|---|---|');
    for (const e of entries.filter((x) => x.family === family)) {
      out.push(`| \`${hex(e.id)}\` | \`${e.name}\` | ${e.summary} | ${e.args.length ? e.args.join('; ') : '—'} | ${e.returns} |`);
    }
    out.push('');
  }
  const table = (name: string, t: Readonly<Record<string, bigint>>) => [`**${name}**: ${Object.entries(t).map(([k, v]) => `${k} = ${v}`).join(', ')}.`, ''];
  out.push('## Return codes', '', ...table('SMCCC', SMCCC_RET), ...table('PSCI', PSCI_RET), ...table('Persona', PERSONA_RET));
  return out.join('\n');
}

/** Where the generated files live, relative to the project root. */
export const GENERATED_FILES = {
  header: 'examples/include/persona-hypercalls.h',
  docs: 'docs/hypercalls.md',
} as const;
