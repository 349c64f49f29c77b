// Debug-console commands for the hypervisor, typed in the REPL with a leading dot: a table of
// name → help and handler, so `.help` lists exactly what exists. Everything else typed in the
// console is an expression.

import type { Persona } from '../../emulator/hypervisor/persona';
import { formatTrap, trapSummaryTable } from '../../emulator/hypervisor/trap-format';
import { ExpressionError, type Value } from './expression-eval';
import type { GuestMemory } from './guest-memory';

export interface ConsoleContext {
  /** The device's personas with their state as the debugger sees it ("stopped", "exited: …"). */
  personas(): readonly { persona: Persona; state: string }[];
  /** The stopped vCPU's memory (undefined while running). */
  memory: GuestMemory | undefined;
  /** Evaluates an expression in the selected frame. */
  evaluate(text: string): Value;
}

interface Command {
  usage: string;
  help: string;
  run(args: string, ctx: ConsoleContext, format: string): string;
}

const UNITS: Record<string, number> = { b: 1, h: 2, w: 4, g: 8 };
const MAX_DUMP = 4096;

const COMMANDS: Record<string, Command> = {
  help: { usage: '.help', help: 'this list', run: () => help() },
  personas: {
    usage: '.personas',
    help: 'the personas of the device, their vCPUs and state',
    run: (_a, ctx) => ctx.personas().map(({ persona, state }) => {
      const cpus = persona.vcpus.map((v) => `vCPU${v.index} ${v.power}${v.idle ? ' (WFI)' : ''} pc=0x${v.pc.toString(16)}`).join(', ');
      return `${persona.name}: ${state} · ${cpus}`;
    }).join('\n'),
  },
  traps: {
    usage: '.traps [n]',
    help: 'trap counts per class for each persona, and its last n traps (default 0)',
    run: (args, ctx) => {
      const n = args.trim() === '' ? 0 : Number(args.trim());
      if (!Number.isInteger(n) || n < 0) throw new ExpressionError(`.traps: '${args.trim()}' is not a count`);
      const personas = ctx.personas().map((p) => p.persona);
      const names = { persona: (id: number) => personas.find((p) => p.id === id)?.name ?? `persona ${id}` };
      return personas.map((p) => {
        const recent = n > 0 ? p.trapLog.recent(n).map((r) => `  ${formatTrap(r, names)}`) : [];
        return [trapSummaryTable(p.trapLog.counts(), p.name), ...recent].join('\n');
      }).join('\n');
    },
  },
  x: {
    usage: '.x/<count><unit><format> <address expression>',
    help: 'memory dump: unit b h w g (1, 2, 4, 8 bytes), format x (hex) d (decimal) u (unsigned) c (chars); e.g. .x/16xw $sp, .x/32xb &first',
    run: (args, ctx, format) => dump(args, ctx, format),
  },
};

function help(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  return [
    'Debug console: type a C expression to evaluate it in the selected frame ($x0, $pc, $sctlr_el1, $persona, casts, *p, p->m, a[i]),',
    'or one of these commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.help}`),
  ].join('\n');
}

function dump(args: string, ctx: ConsoleContext, format: string): string {
  const m = /^(\d*)([xduc]?)([bhwg]?)([xduc]?)$/.exec(format);
  if (!m) throw new ExpressionError(`.x: bad format '/${format}' (use e.g. /16xw)`);
  const count = m[1] ? Number(m[1]) : 8;
  const fmt = m[2] || m[4] || 'x';
  const unit = UNITS[m[3] || (fmt === 'c' ? 'b' : 'w')]!;
  if (count * unit > MAX_DUMP) throw new ExpressionError(`.x: at most ${MAX_DUMP} bytes at a time`);
  if (!ctx.memory) throw new ExpressionError('.x: the guest is running (pause it first)');
  if (args.trim() === '') throw new ExpressionError('.x: which address? (.x/16xw <expression>)');
  const at = ctx.evaluate(`(${args}) + 0`); // + 0: an array decays to its address
  if (at.kind !== 'int') throw new ExpressionError('.x: the address must be an integer, a pointer or an array');
  const base = BigInt.asUintN(64, at.value);
  const bytes = ctx.memory.read(base, count * unit);
  if (!bytes) throw new ExpressionError(`.x: memory at 0x${base.toString(16)} (+${count * unit} bytes) is not mapped`);
  const perLine = Math.max(1, 16 / unit);
  const lines: string[] = [];
  for (let i = 0; i < count; i += perLine) {
    const cells: string[] = [];
    for (let j = i; j < Math.min(count, i + perLine); j++) {
      let v = 0n;
      for (let k = unit - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[j * unit + k]!);
      cells.push(cell(v, unit, fmt));
    }
    lines.push(`0x${(base + BigInt(i * unit)).toString(16).padStart(16, '0')}: ${cells.join(' ')}`);
  }
  return lines.join('\n');
}

function cell(v: bigint, unit: number, fmt: string): string {
  switch (fmt) {
    case 'd': return BigInt.asIntN(8 * unit, v).toString();
    case 'u': return v.toString();
    case 'c': return v >= 0x20n && v < 0x7fn ? String.fromCharCode(Number(v)) : '.';
    default: return `0x${v.toString(16).padStart(2 * unit, '0')}`;
  }
}

/** Whether the REPL text is a console command (starts with a dot). */
export function isConsoleCommand(text: string): boolean {
  return /^\s*\./.test(text);
}

/** Runs a console command; an unknown command or bad arguments are ExpressionErrors with the fix. */
export function runConsoleCommand(text: string, ctx: ConsoleContext): string {
  const m = /^\s*\.(\w+)(?:\/(\S*))?\s*(.*)$/s.exec(text);
  const cmd = m ? COMMANDS[m[1]!] : undefined;
  if (!m || !cmd) throw new ExpressionError(`unknown command '${text.trim().split(/\s/)[0]}' (.help lists the commands)`);
  return cmd.run(m[3] ?? '', ctx, m[2] ?? '');
}
