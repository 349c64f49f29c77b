import { test } from 'node:test';
import assert from 'node:assert/strict';
import { esrDataAbort, esrSvc, esrSysReg, esrWfx, FSC } from '../../emulator/arch/aarch64/syndrome';
import { TrapClass, TRAP_CLASS_COUNT } from '../../emulator/hypervisor/trap-class';
import { formatTrap, formatVtime, trapArgs, trapEventName, trapSummaryTable, type TrapNames } from '../../emulator/hypervisor/trap-format';
import { packAccess, unpackAccess, type TrapRecord } from '../../emulator/hypervisor/trap-log';

const names: TrapNames = {
  persona: (id) => ['work', 'personal'][id] ?? `persona${id}`,
  device: (i) => ['pl011', 'gicd'][i],
  hypercall: (id) => (id === 0x8400_0000 ? 'PSCI_VERSION' : id === 0xc400_0003 ? 'PSCI_CPU_ON' : undefined),
  register: (d, off) => (d === 0 && off === 0 ? 'UARTDR' : d === 0 && off === 0x18 ? 'UARTFR' : undefined),
};

function rec(p: Partial<TrapRecord>): TrapRecord {
  return { seq: 1, vtime: 0n, persona: 0, vcpu: 0, el: 1, class: TrapClass.Unknown, pc: 0n, a0: 0n, a1: 0n, a2: 0n, a3: 0n, result: 0n, ...p };
}

test('virtual time in ms from 62.5 MHz ticks', () => {
  assert.equal(formatVtime(0n), '0.000ms');
  assert.equal(formatVtime(77_125n), '1.234ms');
  assert.equal(formatVtime(62_500_000n), '1000.000ms');
});

test('formatTrap: one line per class', () => {
  const hvc = rec({ seq: 12, vtime: 77_125n, class: TrapClass.Hypercall, pc: 0x4008_0123n, a0: 0x8400_0000n, result: 0x10001n });
  assert.equal(formatTrap(hvc, names), '#12 t=1.234ms work vcpu0 EL1 hypercall PSCI_VERSION() -> 0x10001 @0x40080123');
  const cpuOn = rec({ class: TrapClass.Hypercall, a0: 0xc400_0003n, a1: 1n, a2: 0x4008_0000n, result: 0xffff_ffff_ffff_fffen });
  assert.match(formatTrap(cpuOn, names), /hypercall PSCI_CPU_ON\(0x1, 0x40080000\) -> -2 @0x0$/);
  const unknownId = rec({ class: TrapClass.Hypercall, a0: 0x8600_ff01n, result: 0xffff_ffff_ffff_ffffn });
  assert.match(formatTrap(unknownId, names), /hypercall 0x8600ff01\(\) -> -1/);

  const mmioW = rec({ persona: 1, vcpu: 1, class: TrapClass.Mmio, a0: 0n, a1: 0n, a2: 0x41n, a3: BigInt(packAccess(1, true)) });
  assert.match(formatTrap(mmioW, names), /personal vcpu1 EL1 mmio pl011\.UARTDR write8 0x41 @/);
  const mmioR = rec({ class: TrapClass.Mmio, a0: 1n, a1: 0x104n, a2: 0x90n, a3: BigInt(packAccess(4, false)) });
  assert.match(formatTrap(mmioR, names), /mmio gicd\+0x104 read32 -> 0x90/);

  const da = rec({ el: 0, class: TrapClass.DataAbort, a0: BigInt(esrDataAbort({ sameEl: false, wnr: true, dfsc: FSC.translation(3) })), a1: 0xdead_0000n, a2: 0xffff_0000_0000_0400n });
  assert.match(formatTrap(da, names), /EL0 data-abort FAR=0xdead0000 EC=0x24 data abort from lower EL: WnR=1 \(write\) DFSC=0x07 translation fault, level 3 -> vector 0xffff000000000400/);

  assert.match(formatTrap(rec({ class: TrapClass.Svc, el: 0, a0: BigInt(esrSvc(0x2a)) }), names), /svc #0x2a @/);
  assert.match(formatTrap(rec({ class: TrapClass.Irq, a0: 27n }), names), /irq INTID 27/);
  const sys = rec({ class: TrapClass.SysReg, a0: BigInt(esrSysReg({ op0: 3, op1: 3, crn: 14, crm: 0, op2: 2, rt: 3, read: true })), a1: 0x1234n });
  assert.match(formatTrap(sys, names), /sysreg CNTVCT_EL0 -> 0x1234/);
  assert.match(formatTrap(rec({ class: TrapClass.Wfi, a0: BigInt(esrWfx(0)), result: 625_000n }), names), /wfi wfi idled 10\.000ms/);
  assert.match(formatTrap(rec({ class: TrapClass.Semihosting, a0: 0x18n, a1: 0x20026n }), names), /semihosting SYS_EXIT\(0x20026\) -> 0x0/);
  const iso = rec({ class: TrapClass.IsolationViolation, a0: 0x0900_0000n, a1: 1n, a2: 0x41n, a3: BigInt(packAccess(4, true)) });
  assert.match(formatTrap(iso, names), /isolation-violation write32 PA 0x9000000 owned by personal value 0x41/);
});

test('event names and args for the trace', () => {
  const hvc = rec({ class: TrapClass.Hypercall, a0: 0x8400_0000n, result: 0x10001n });
  assert.equal(trapEventName(hvc, names), 'hypercall PSCI_VERSION');
  assert.deepEqual(trapArgs(hvc, names), { seq: 1, el: 1, pc: '0x0', id: '0x84000000', x1: '0x0', x2: '0x0', x3: '0x0', result: '0x10001' });
  assert.equal(trapEventName(rec({ class: TrapClass.Mmio, a0: 0n }), names), 'mmio pl011');
  assert.equal(trapEventName(rec({ class: TrapClass.Irq }), names), 'irq');
});

test('access word packing', () => {
  assert.deepEqual(unpackAccess(packAccess(8, true)), { size: 8, write: true });
  assert.deepEqual(unpackAccess(BigInt(packAccess(2, false))), { size: 2, write: false });
});

test('summary table: only non-zero classes, aligned', () => {
  const counts = new Array<number>(TRAP_CLASS_COUNT).fill(0);
  counts[TrapClass.Hypercall] = 12;
  counts[TrapClass.Mmio] = 1200;
  counts[TrapClass.Irq] = 22;
  const table = trapSummaryTable(counts, 'work');
  assert.equal(table, ['traps in work: 1,234', '  hypercall     12    1.0%', '  irq           22    1.8%', '  mmio       1,200   97.2%'].join('\n'));
  assert.equal(trapSummaryTable(new Array<number>(TRAP_CLASS_COUNT).fill(0), 'idle'), 'traps in idle: none');
});

test('summary table with names: the most frequent hypercalls, registers and INTIDs of each class', () => {
  const counts = new Array<number>(TRAP_CLASS_COUNT).fill(0);
  const records: TrapRecord[] = [];
  const add = (n: number, p: Partial<TrapRecord>) => {
    for (let i = 0; i < n; i++) records.push(rec(p));
    counts[p.class!] += n;
  };
  add(3, { class: TrapClass.Mmio, a0: 0n, a1: 0x18n, a3: BigInt(packAccess(4, false)) });
  add(2, { class: TrapClass.Mmio, a0: 0n, a1: 0n, a3: BigInt(packAccess(1, true)) });
  add(1, { class: TrapClass.Hypercall, a0: 0x8400_0000n });
  add(1, { class: TrapClass.Irq, a0: 27n });
  add(1, { class: TrapClass.DataAbort });
  const table = trapSummaryTable(counts, 'work', { records, names });
  assert.equal(table, [
    'traps in work: 8',
    '  hypercall   1   12.5%  PSCI_VERSION (1)',
    '  data-abort  1   12.5%',
    '  irq         1   12.5%  INTID 27 (1)',
    '  mmio        5   62.5%  pl011.UARTFR (3), pl011.UARTDR (2)',
  ].join('\n'));
  // Fewer records than traps (the ring overwrote the oldest): the header says what the names cover.
  counts[TrapClass.Mmio] += 1000;
  assert.match(trapSummaryTable(counts, 'work', { records, names, perClass: 1 }), /^traps in work: 1,008 \(names: the last 8 traps\)\n[^]*mmio\s+1,005\s+99\.7%  pl011\.UARTFR \(3\), \+1 more$/);
});
