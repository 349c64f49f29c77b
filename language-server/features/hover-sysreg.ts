// Hover text for a system register: what it is, its encoding and access, its reset value, whether a
// guest access traps to the hypervisor under Persona, and its fields.
import { guestAccess } from '../../emulator/arch/aarch64/sysregs/persona-access';
import { PSTATE_IMMEDIATE_FIELDS, genericSysregEncoding, genericSysregName, sysregByEncoding, sysregByName, type SysregSpec } from '../../emulator/arch/aarch64/sysregs/table';

const ACCESS_TEXT = { rw: 'read/write', ro: 'read-only', wo: 'write-only' } as const;
const RESET_SOURCE = { architecture: 'architectural', 'cortex-a72': 'as QEMU\'s cortex-a72', persona: 'as Persona sets it' } as const;

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const bits = (hi: number, lo: number): string => (hi === lo ? `${hi}` : `${hi}:${lo}`);

function describe(s: SysregSpec): string {
  const e = s.encoding;
  const lines = [
    `**${s.name}** — ${s.summary}`,
    '',
    `\`${genericSysregName(e)}\` (op0=${e.op0}, op1=${e.op1}, CRn=${e.crn}, CRm=${e.crm}, op2=${e.op2}) · ${s.width}-bit · ${ACCESS_TEXT[s.access]}`,
    '',
    `Reset: ${s.reset ? `\`${hex(s.reset.value)}\` (${RESET_SOURCE[s.reset.source]})` : 'UNKNOWN (software must initialise it)'}`,
    '',
    `Under Persona: ${guestAccess(e, s).detail}`,
  ];
  if (s.fields.length > 0) {
    lines.push('', '| bits | field | meaning |', '|---|---|---|');
    for (const f of [...s.fields].sort((a, b) => b.hi - a.hi)) lines.push(`| ${bits(f.hi, f.lo)} | ${f.name} | ${f.meaning} |`);
  }
  return lines.join('\n');
}

/** Markdown for the register named `name` (any case, or the generic S3_... form), or undefined. */
export function sysregHover(name: string): string | undefined {
  const spec = sysregByName(name);
  if (spec) return describe(spec);
  const pstate = PSTATE_IMMEDIATE_FIELDS.get(name.toUpperCase());
  if (pstate) return `**${name.toUpperCase()}** — PSTATE field for \`msr ${name.toLowerCase()}, #imm\`: ${pstate}\n\nUnder Persona: runs natively`;
  const e = genericSysregEncoding(name);
  if (!e) return undefined;
  const known = sysregByEncoding(e);
  if (known) return `\`${name}\` is **${known.name}**\n\n${describe(known)}`;
  return `\`${name}\`: a system register by encoding (op0=${e.op0}, op1=${e.op1}, CRn=${e.crn}, CRm=${e.crm}, op2=${e.op2}), not in Persona's table\n\nUnder Persona: ${guestAccess(e).detail}`;
}
