// Trap records made readable: one line per trap for the CLI and the debug console, a per-class
// summary table for the CLI's exit report, and the name/argument split the Chrome trace uses.
// Names (personas, devices, hypercalls) are supplied by whoever displays the record.

import { decodeEsr, formatEsr, sysRegAccessOf, sysregName } from '../arch/aarch64/syndrome';
import { COUNTER_HZ } from '../platform/virt-map';
import { TrapClass, TRAP_CLASS_NAMES } from './trap-class';
import { unpackAccess, type TrapCounts, type TrapRecord } from './trap-log';

export interface TrapNames {
  persona(id: number): string;
  /** Name of device `index` of a persona (indexes past the board's own devices differ per persona). */
  device?(index: number, persona: number): string | undefined;
  /** Name of an SMCCC function id ("PSCI_VERSION"). */
  hypercall?(id: number): string | undefined;
  /** Name of a device register ("UARTFR"). */
  register?(device: number, offset: number, persona: number): string | undefined;
  /** Name of a channel by id ("chat"). */
  channel?(id: number): string | undefined;
}

const TICKS_PER_MS = Number(COUNTER_HZ) / 1000;
const SIGN_BIT = 1n << 63n;

/** Virtual time in counter ticks -> "1.234ms". */
export function formatVtime(ticks: bigint): string {
  return `${(Number(ticks) / TICKS_PER_MS).toFixed(3)}ms`;
}

export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

/** A 64-bit result: hex, or a negative decimal when the sign bit is set (SMCCC error codes). */
export function formatResult(v: bigint): string {
  return v >= SIGN_BIT ? String(v - (1n << 64n)) : hex(v);
}

const SEMIHOSTING_OPS: ReadonlyMap<number, string> = new Map([
  [0x01, 'SYS_OPEN'],
  [0x02, 'SYS_CLOSE'],
  [0x03, 'SYS_WRITEC'],
  [0x04, 'SYS_WRITE0'],
  [0x05, 'SYS_WRITE'],
  [0x06, 'SYS_READ'],
  [0x07, 'SYS_READC'],
  [0x08, 'SYS_ISERROR'],
  [0x09, 'SYS_ISTTY'],
  [0x0a, 'SYS_SEEK'],
  [0x0c, 'SYS_FLEN'],
  [0x0d, 'SYS_TMPNAM'],
  [0x0e, 'SYS_REMOVE'],
  [0x0f, 'SYS_RENAME'],
  [0x10, 'SYS_CLOCK'],
  [0x11, 'SYS_TIME'],
  [0x12, 'SYS_SYSTEM'],
  [0x13, 'SYS_ERRNO'],
  [0x15, 'SYS_GET_CMDLINE'],
  [0x16, 'SYS_HEAPINFO'],
  [0x18, 'SYS_EXIT'],
  [0x20, 'SYS_EXIT_EXTENDED'],
  [0x30, 'SYS_ELAPSED'],
  [0x31, 'SYS_TICKFREQ'],
]);

export function semihostingOpName(op: number): string {
  return SEMIHOSTING_OPS.get(op) ?? `SYS_${hex(op)}`;
}

const low32 = (v: bigint): number => Number(v & 0xffff_ffffn);

function hypercallName(r: TrapRecord, names: TrapNames): string {
  const id = low32(r.a0);
  return names.hypercall?.(id) ?? hex(id);
}

/** The trace event name: class name, plus the hypercall / semihosting operation / register. */
export function trapEventName(r: TrapRecord, names: TrapNames): string {
  const cls = TRAP_CLASS_NAMES[r.class] ?? `class${r.class}`;
  switch (r.class) {
    case TrapClass.Hypercall:
      return `${cls} ${hypercallName(r, names)}`;
    case TrapClass.Semihosting:
      return `${cls} ${semihostingOpName(low32(r.a0))}`;
    case TrapClass.SysReg: {
      const a = sysRegAccessOf(low32(r.a0));
      return `${cls} ${sysregName(a.op0, a.op1, a.crn, a.crm, a.op2)}`;
    }
    case TrapClass.Mmio:
      return `${cls} ${deviceName(Number(r.a0), r.persona, names)}`;
    default:
      return cls;
  }
}

function deviceName(index: number, persona: number, names: TrapNames): string {
  return names.device?.(index, persona) ?? `dev${index}`;
}

function registerLabel(device: number, offset: bigint, persona: number, names: TrapNames): string {
  const reg = names.register?.(device, Number(offset), persona);
  const dev = deviceName(device, persona, names);
  return reg ? `${dev}.${reg}` : `${dev}+${hex(offset)}`;
}

function accessLabel(word: bigint): { label: string; write: boolean } {
  const a = unpackAccess(word);
  // Size 0: the syndrome did not say (no ISV: e.g. an instruction fetch or a load pair).
  return { label: `${a.write ? 'write' : 'read'}${a.size ? a.size * 8 : ''}`, write: a.write };
}

/** The class-specific part of the line ("PSCI_VERSION() -> 0x10001", "pl011.UARTDR write8 0x41"). */
export function detail(r: TrapRecord, names: TrapNames): string {
  switch (r.class) {
    case TrapClass.Hypercall: {
      const args = [r.a1, r.a2, r.a3];
      while (args.length > 0 && args[args.length - 1] === 0n) args.pop();
      return `${hypercallName(r, names)}(${args.map(hex).join(', ')}) -> ${formatResult(r.result)}`;
    }
    case TrapClass.Semihosting:
      return `${semihostingOpName(low32(r.a0))}(${hex(r.a1)}) -> ${formatResult(r.result)}`;
    case TrapClass.Svc:
    case TrapClass.Breakpoint: {
      const imm = decodeEsr(low32(r.a0)).iss & 0xffff;
      return `#${hex(imm)}${vector(r)}`;
    }
    case TrapClass.InstructionAbort:
    case TrapClass.DataAbort:
      return `FAR=${hex(r.a1)} ${formatEsr(low32(r.a0))}${vector(r)}`;
    case TrapClass.Undefined:
    case TrapClass.Unknown:
      return `${formatEsr(low32(r.a0))}${vector(r)}`;
    case TrapClass.Irq:
      return `INTID ${r.a0}`;
    case TrapClass.SysReg: {
      const a = sysRegAccessOf(low32(r.a0));
      const name = sysregName(a.op0, a.op1, a.crn, a.crm, a.op2);
      return a.read ? `${name} -> ${hex(r.a1)}` : `${name} <- ${hex(r.a1)}`;
    }
    case TrapClass.Mmio: {
      const acc = accessLabel(r.a3);
      const where = registerLabel(Number(r.a0), r.a1, r.persona, names);
      return acc.write ? `${where} ${acc.label} ${hex(r.a2)}` : `${where} ${acc.label} -> ${hex(r.a2)}`;
    }
    case TrapClass.Wfi: {
      const ti = decodeEsr(low32(r.a0)).iss & 3;
      const which = ['wfi', 'wfe', 'wfit', 'wfet'][ti]!;
      return r.result !== 0n ? `${which} idled ${formatVtime(r.result)}` : which;
    }
    case TrapClass.IsolationViolation: {
      const acc = accessLabel(r.a3);
      return `${acc.label} PA ${hex(r.a0)} owned by ${names.persona(Number(r.a1))}${acc.write ? ` value ${hex(r.a2)}` : ''}`;
    }
    case TrapClass.Channel:
      return `${channelLabel(r, names)} payload ${hex(r.a2)}`;
    default:
      return `a0=${hex(r.a0)} a1=${hex(r.a1)} a2=${hex(r.a2)} a3=${hex(r.a3)} -> ${formatResult(r.result)}`;
  }
}

/** "chat#0 send -> work" / "chat#0 receive <- personal". */
function channelLabel(r: TrapRecord, names: TrapNames): string {
  const id = Number(r.a0);
  const send = r.a1 === 0n;
  return `${names.channel?.(id) ?? 'channel'}#${id} ${send ? 'send ->' : 'receive <-'} ${names.persona(Number(r.a3))}`;
}

function vector(r: TrapRecord): string {
  return r.a2 !== 0n ? ` -> vector ${hex(r.a2)}` : '';
}

/** `#12 t=1.234ms work vcpu0 EL1 hypercall PSCI_VERSION() -> 0x10001 @0x40080123` */
export function formatTrap(r: TrapRecord, names: TrapNames): string {
  const cls = TRAP_CLASS_NAMES[r.class] ?? `class${r.class}`;
  return `#${r.seq} t=${formatVtime(r.vtime)} ${names.persona(r.persona)} vcpu${r.vcpu} EL${r.el} ${cls} ${detail(r, names)} @${hex(r.pc)}`;
}

/** Class-specific fields for the Chrome trace's `args` (64-bit values as hex strings). */
export function trapArgs(r: TrapRecord, names: TrapNames): Record<string, string | number> {
  const base: Record<string, string | number> = { seq: r.seq, el: r.el, pc: hex(r.pc) };
  switch (r.class) {
    case TrapClass.Hypercall:
      return { ...base, id: hex(low32(r.a0)), x1: hex(r.a1), x2: hex(r.a2), x3: hex(r.a3), result: formatResult(r.result) };
    case TrapClass.Semihosting:
      return { ...base, op: semihostingOpName(low32(r.a0)), block: hex(r.a1), result: formatResult(r.result) };
    case TrapClass.Svc:
    case TrapClass.Breakpoint:
    case TrapClass.Undefined:
    case TrapClass.Unknown:
    case TrapClass.InstructionAbort:
    case TrapClass.DataAbort:
      return { ...base, esr: hex(r.a0), syndrome: formatEsr(low32(r.a0)), far: hex(r.a1), vector: hex(r.a2) };
    case TrapClass.Irq:
      return { ...base, intid: Number(r.a0) };
    case TrapClass.SysReg: {
      const a = sysRegAccessOf(low32(r.a0));
      return { ...base, register: sysregName(a.op0, a.op1, a.crn, a.crm, a.op2), direction: a.read ? 'read' : 'write', value: hex(r.a1) };
    }
    case TrapClass.Mmio: {
      const acc = unpackAccess(r.a3);
      return { ...base, device: deviceName(Number(r.a0), r.persona, names), register: registerLabel(Number(r.a0), r.a1, r.persona, names), offset: hex(r.a1), access: accessLabel(r.a3).label, size: acc.size, value: hex(r.a2) };
    }
    case TrapClass.Wfi:
      return { ...base, esr: hex(r.a0), idledTicks: hex(r.result) };
    case TrapClass.IsolationViolation:
      return { ...base, address: hex(r.a0), owner: names.persona(Number(r.a1)), access: accessLabel(r.a3).label, value: hex(r.a2) };
    case TrapClass.Channel:
      return { ...base, channel: Number(r.a0), direction: r.a1 === 0n ? 'send' : 'receive', payload: hex(r.a2), peer: names.persona(Number(r.a3)) };
    default:
      return { ...base, a0: hex(r.a0), a1: hex(r.a1), a2: hex(r.a2), a3: hex(r.a3), result: hex(r.result) };
  }
}

function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Per-class counts of one persona, non-zero classes only, aligned:
 * ```
 * traps in work: 1,234
 *   hypercall        12    1.0%
 *   mmio          1,200   97.2%
 * ```
 */
export function trapSummaryTable(counts: TrapCounts, personaName: string, detail?: SummaryDetail): string {
  const rows: [string, number][] = [];
  let total = 0;
  counts.forEach((n, cls) => {
    if (n > 0) {
      rows.push([TRAP_CLASS_NAMES[cls as TrapClass] ?? `class${cls}`, n]);
      total += n;
    }
  });
  if (total === 0) return `traps in ${personaName}: none`;
  const nameWidth = Math.max(...rows.map(([name]) => name.length));
  const countWidth = Math.max(...rows.map(([, n]) => group(n).length));
  const top = detail ? topLabels(detail) : undefined;
  const kept = detail && detail.records.length < total ? ` (names: the last ${group(detail.records.length)} traps)` : '';
  const lines = [`traps in ${personaName}: ${group(total)}${top && top.size ? kept : ''}`];
  for (const [name, n] of rows) {
    const pct = `${((100 * n) / total).toFixed(1)}%`;
    const names = top?.get(name);
    lines.push(`  ${name.padEnd(nameWidth)}  ${group(n).padStart(countWidth)}  ${pct.padStart(6)}${names ? `  ${names}` : ''}`.trimEnd());
  }
  return lines.join('\n');
}

/** The class-specific part of a record alone (`PSCI_VERSION() -> 0x10001`), for a debugger's stop description. */
export function trapSummary(r: TrapRecord, names: TrapNames): string {
  return detail(r, names);
}

/** The records behind a summary's names (a trap log's ring) and how to name them. */
export interface SummaryDetail {
  records: readonly TrapRecord[];
  names: TrapNames;
  /** Names shown per class (default 4). */
  perClass?: number;
}

/** What one trap was, within its class: the hypercall, system register, device register, INTID. */
export function trapLabel(r: TrapRecord, names: TrapNames): string | undefined {
  switch (r.class) {
    case TrapClass.Hypercall:
      return hypercallName(r, names);
    case TrapClass.Semihosting:
      return semihostingOpName(low32(r.a0));
    case TrapClass.SysReg: {
      const a = sysRegAccessOf(low32(r.a0));
      return sysregName(a.op0, a.op1, a.crn, a.crm, a.op2);
    }
    case TrapClass.Mmio:
      return registerLabel(Number(r.a0), r.a1, r.persona, names);
    case TrapClass.Irq:
      return `INTID ${r.a0}`;
    default:
      return undefined;
  }
}

/** Class name -> "PSCI_FEATURES (4), PSCI_VERSION (1), ..." (most frequent first). */
function topLabels(d: SummaryDetail): Map<string, string> {
  const byClass = new Map<string, Map<string, number>>();
  for (const r of d.records) {
    const label = trapLabel(r, d.names);
    if (label === undefined) continue;
    const cls = TRAP_CLASS_NAMES[r.class] ?? `class${r.class}`;
    let m = byClass.get(cls);
    if (!m) byClass.set(cls, (m = new Map()));
    m.set(label, (m.get(label) ?? 0) + 1);
  }
  const out = new Map<string, string>();
  const n = d.perClass ?? 4;
  for (const [cls, m] of byClass) {
    const sorted = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const shown = sorted.slice(0, n).map(([label, c]) => `${label} (${group(c)})`);
    if (sorted.length > n) shown.push(`+${sorted.length - n} more`);
    out.set(cls, shown.join(', '));
  }
  return out;
}
