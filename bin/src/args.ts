// A small option parser: `--name value`, `--name=value` and boolean flags, from one table per command.
import { UsageError } from './errors';

export interface OptionSpec {
  name: string;
  /** Takes a value (else it is a flag). */
  value?: string;
  help: string;
}

export interface Parsed {
  positional: string[];
  options: Map<string, string | true>;
}

export function parseArgs(argv: string[], specs: readonly OptionSpec[], command: string): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--') || a === '--') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`persona ${command}: unknown option --${name}`, `see \`persona ${command} --help\``);
    if (!spec.value) {
      options.set(name, true);
      continue;
    }
    const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined) throw new UsageError(`persona ${command}: --${name} needs a value (${spec.value})`);
    options.set(name, v);
  }
  return { positional, options };
}

const SIZE_UNITS: Record<string, bigint> = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n };

/** "256M", "1G", "65536" -> bytes. */
export function parseSize(text: string, what: string): bigint {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) throw new UsageError(`${what}: "${text}" is not a size`, 'write it like 128M or 1G');
  return BigInt(m[1]!) * SIZE_UNITS[m[2]!.toUpperCase()]!;
}

export function parseNumber(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${what}: "${text}" must be a number from ${min} to ${max}`);
  return n;
}

export function parseAddress(text: string, what: string): bigint {
  try {
    return BigInt(text);
  } catch {
    throw new UsageError(`${what}: "${text}" is not an address`, 'write it like 0x40000000');
  }
}

export function helpText(usage: string, specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => [`--${s.name}${s.value ? ` ${s.value}` : ''}`, s.help] as const);
  const w = Math.max(...rows.map(([a]) => a.length));
  return `${usage}\n\noptions:\n${rows.map(([a, h]) => `  ${a.padEnd(w)}  ${h}`).join('\n')}\n`;
}
