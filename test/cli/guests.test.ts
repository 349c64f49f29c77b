// Guests are tests: each runs under `persona run` and checks the ABI from inside, or is compared
// with what QEMU's virt machine prints for the same ELF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guest, hasQemu, runPersona, runQemu } from '../helpers/project';

const skipQemu = hasQemu ? false : 'qemu-system-aarch64 is not installed (sudo apt-get install qemu-system-arm)';

test('a bare-metal ELF built for QEMU virt prints what it prints under QEMU', { skip: skipQemu }, () => {
  const ours = runPersona(['run', guest('hello')]);
  const qemu = runQemu(guest('hello'));
  assert.equal(ours.code, 0, ours.stderr);
  assert.match(ours.stdout, /PSCI version: 1\.1/);
  assert.match(ours.stdout, /CNTFRQ_EL0: 62500000 Hz/);
  assert.equal(ours.stdout, qemu.stdout);
});

test('the example kernel: EL0 task, system calls, timer interrupts, hypercalls, SYSTEM_OFF', () => {
  const r = runPersona(['run', guest('kernel'), '--max-seconds', '30']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /kernel: all checks passed, powering off/);
  assert.doesNotMatch(r.stdout, /FAIL/);
  assert.match(r.stderr, /traps in kernel: /);
  assert.match(r.stderr, /\bsvc\b/);
  assert.match(r.stderr, /\birq\b/);
  assert.match(r.stderr, /\bhypercall\b/);
});

test('the example kernel prints under persona what it prints under QEMU', { skip: skipQemu }, () => {
  const ours = runPersona(['run', guest('kernel'), '--max-seconds', '30']);
  const qemu = runQemu(guest('kernel'));
  // SMCCC_VERSION is the one documented difference: QEMU 7.2 does not implement it (-1), Persona answers SMCCC 1.1.
  const strip = (s: string) => s.replace(/\r\n/g, '\n').split('\n').filter((l) => !/SMCCC_VERSION/.test(l)).join('\n');
  assert.equal(strip(ours.stdout), strip(qemu.stdout));
});

test('exception reflection: ESR, FAR, ELR and SPSR as the architecture defines, from EL0 and EL1', () => {
  const r = runPersona(['run', guest('exceptions'), '--max-seconds', '30']);
  assert.doesNotMatch(r.stdout, /FAIL/);
  for (const check of ['svc', 'udf', 'brk', 'load-abort', 'store-abort']) {
    assert.match(r.stdout, new RegExp(`ok ${check}-el1 `));
    assert.match(r.stdout, new RegExp(`ok ${check}-el0 `));
  }
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('timer interrupts arrive at the deadline through the GIC and are acknowledged and EOI\'d', () => {
  const r = runPersona(['run', guest('timer'), '--max-seconds', '30']);
  assert.match(r.stdout, /ok vtimer: 20 interrupts, none early/);
  assert.match(r.stdout, /ok ptimer: 20 interrupts, none early/);
  assert.match(r.stderr, /\bsysreg\b/, 'timer register accesses are trap records');
  assert.match(r.stderr, /\bwfi\b/);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('semihosting output and the guest\'s exit code', () => {
  const r = runPersona(['run', guest('semihosting')]);
  assert.equal(r.code, 7);
  assert.match(r.stdout, /write0: hello via SYS_WRITE0/);
  assert.match(r.stdout, /write: hello via SYS_WRITE on fd 1/);
  assert.match(r.stderr, /exited with code 7/);
});

test('SMP: PSCI CPU_ON brings up a second vCPU, AFFINITY_INFO and CPU_OFF work', () => {
  const r = runPersona(['run', guest('smp'), '--cpus', '2', '--max-seconds', '30']);
  assert.match(r.stdout, /cpu1 up ctx=/);
  assert.match(r.stdout, /smp: 0 failure\(s\)/);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

test('a guest that jumps into nowhere is stopped with a clear reason', () => {
  const r = runPersona(['run', guest('nowhere'), '--max-seconds', '30']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /exception storm/);
  assert.match(r.stderr, /began with instruction abort at 0x80000000/);
});

test('an exception storm is stopped and its trap counts stay honest', () => {
  const r = runPersona(['run', guest('storm'), '--max-seconds', '30']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /exception storm: the guest took the same undefined-instruction exception at 0x[0-9a-f]+ 10000 times/);
  assert.match(r.stderr, /undefined\s+1\d,\d{3}/);
});

test('--max-seconds stops a guest that idles forever', () => {
  const r = runPersona(['run', guest('nowhere'), '--max-seconds', '0.001']);
  assert.ok(r.code === 4 || r.code === 3, `exit ${r.code}`);
});

test('--trace writes Chrome trace-event JSON', async () => {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'persona-')), 'traps.json');
  const r = runPersona(['run', guest('kernel'), '--trace', file, '--max-seconds', '30']);
  assert.equal(r.code, 0, r.stderr);
  const trace = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: { name: string; ph: string }[] };
  assert.ok(trace.traceEvents.some((e) => e.ph === 'M' && e.name === 'process_name'));
  assert.ok(trace.traceEvents.some((e) => /PSCI_SYSTEM_OFF/.test(e.name)));
  assert.ok(trace.traceEvents.some((e) => /^svc/.test(e.name)));
});

test('--log-traps prints named hypercalls on stderr', () => {
  const r = runPersona(['run', guest('hello'), '--log-traps']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /hypercall PSCI_VERSION\(\) -> 0x10001/);
  assert.match(r.stderr, /mmio pl011\.UARTDR write/);
});

test('console input reaches the guest\'s UART through RX interrupts', () => {
  const long = 'x'.repeat(100);
  const r = runPersona(['run', guest('echo'), '--max-seconds', '30'], { input: `hello there\n${long}\nquit\n` });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /echo: hello there\r?\n/);
  assert.ok(r.stdout.includes(`echo: ${long}`), 'a line longer than the RX FIFO arrives whole');
  assert.match(r.stdout, /echo: quit/);
  assert.match(r.stderr, /\birq\b/);
});

test('code one vCPU rewrites (with IC IVAU) runs rewritten on the other', () => {
  const r = runPersona(['run', guest('smc'), '--cpus', '2', '--max-seconds', '30']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ok the function rewritten by CPU 1 returns 2 on CPU 0/);
});
