// Debian bookworm's arm64 kernel (linux-image-*-arm64, fetched by scripts/debian-packages.mjs), booted
// unmodified as QEMU's virt machine boots it: to the root-fs panic without a root device, and to the
// first output of our own init with an initramfs. `panic=-1` makes the kernel reset at once on the
// panic (PSCI SYSTEM_RESET), so each run ends by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleSession, debianKernel, ubootBin } from '../helpers/debian';
import { hasQemu, ROOT, runPersona } from '../helpers/project';

const kernel = debianKernel();
const skip = 'skip' in kernel ? kernel.skip : false;
const vmlinuz = 'skip' in kernel ? '' : kernel.vmlinuz;
const CMDLINE = 'console=ttyAMA0 panic=-1';
const INITRAMFS = join(ROOT, 'build', 'guests', 'linux-init.cpio');

interface TraceEvent { name: string; tid: number; args: Record<string, string | number> }

/** persona run with a Chrome trace of every trap; returns the run and the trap events. */
function boot(extra: string[]): { code: number | null; stdout: string; stderr: string; traps: TraceEvent[] } {
  const dir = mkdtempSync(join(tmpdir(), 'persona-linux-'));
  try {
    const trace = join(dir, 'traps.json');
    const r = runPersona(['run', vmlinuz, '--append', CMDLINE, '--trace', trace, '--max-seconds', '150', ...extra], { timeoutMs: 180_000 });
    const traps = r.code === null ? [] : (JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
    return { ...r, traps: traps.filter((e) => e.args && 'seq' in e.args) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** "PSCI_FEATURES(0x80000000) -> -1" for each hypercall, in order. */
function hypercalls(traps: TraceEvent[]): string[] {
  return traps.filter((e) => e.name.startsWith('hypercall ')).map((e) => {
    const name = e.name.slice('hypercall '.length);
    return name === 'PSCI_FEATURES' ? `${name}(${e.args.x1}) -> ${e.args.result}` : `${name} -> ${e.args.result}`;
  });
}

/** What no boot may show: a kernel oops or warning, or a trap the hypervisor could not handle. */
function assertClean(r: { stdout: string; stderr: string }): void {
  assert.doesNotMatch(r.stdout, /Internal error|Oops|Unable to handle kernel|undefined instruction|BUG:|WARNING:|Unhandled/, 'the kernel reported a fault');
  assert.doesNotMatch(r.stderr, /^\s+(undefined|unknown|isolation-violation)\s/m, 'the trap summary shows traps the platform should not cause');
  assert.doesNotMatch(r.stderr, /guest stopped|internal error|exception storm/);
}

test('Debian\'s arm64 kernel boots to the root-fs panic: its console on ttyAMA0, PSCI probed as on QEMU', { skip }, () => {
  const r = boot([]);
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr.slice(-2000)}`);
  assert.match(r.stdout, /Booting Linux on physical CPU 0x0+ \[0x410fd083\]/);
  assert.match(r.stdout, /Machine model: linux,dummy-virt/);
  assert.match(r.stdout, /Kernel command line: console=ttyAMA0 panic=-1/);
  assert.match(r.stdout, /9000000\.pl011: ttyAMA0 at MMIO 0x9000000 \(irq = \d+, base_baud = 0\) is a PL011 rev1/);
  assert.match(r.stdout, /printk: console \[ttyAMA0\] enabled/);
  assert.match(r.stdout, /arch_timer: cp15 timer\(s\) running at 62\.50MHz \(virt\)/);
  assert.match(r.stdout, /Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block\(0,0\)/);
  assertClean(r);
  assert.doesNotMatch(r.stderr, /^\s+(data-abort|instruction-abort)\s/m, 'the kernel alone takes no aborts');
  // The kernel's PSCI probes, answered as QEMU 7.2 answers them; then the reset panic=-1 asks for.
  assert.deepEqual(hypercalls(r.traps), [
    'PSCI_VERSION -> 0x10001',
    'PSCI_MIGRATE_INFO_TYPE -> 0x2',
    'PSCI_FEATURES(0x80000000) -> -1', // SMCCC_VERSION: so the kernel assumes SMCCC 1.0
    'PSCI_FEATURES(0xc4000001) -> 0x0', // CPU_SUSPEND64
    'PSCI_FEATURES(0xc400000e) -> -1', // SYSTEM_SUSPEND64
    'PSCI_FEATURES(0xc4000012) -> -1', // SYSTEM_RESET2_64
    'PSCI_SYSTEM_RESET -> 0x0',
  ]);
  assert.match(r.stdout, /psci: PSCIv1\.1 detected in firmware\./);
  assert.match(r.stdout, /psci: SMC Calling Convention v1\.0/);
  // The trap summary names what trapped: per class, with the hypercalls and system registers.
  assert.match(r.stderr, /^\s+hypercall\s+7\s+[\d.]+%  PSCI_FEATURES \(4\), /m);
  assert.match(r.stderr, /^\s+sysreg\s.*CNTV_CTL_EL0 \([\d,]+\)/m);
  assert.match(r.stderr, /^\s+mmio\s.*pl011\.UARTDR \([\d,]+\)/m);
  assert.match(r.stderr, /^\s+irq\s.*INTID 27 \([\d,]+\)/m);
});

test('the kernel\'s PSCI messages are QEMU\'s, word for word', { skip: skip || (hasQemu ? false : 'qemu-system-aarch64 is not installed') }, () => {
  const q = spawnSync('qemu-system-aarch64', ['-M', 'virt', '-cpu', 'cortex-a72', '-nographic', '-no-reboot', '-kernel', vmlinuz, '-append', CMDLINE],
    { encoding: 'utf8', timeout: 180_000, input: '' });
  const r = runPersona(['run', vmlinuz, '--append', CMDLINE, '--max-seconds', '150'], { timeoutMs: 180_000 });
  const psci = (s: string) => s.split('\n').map((l) => l.replace(/^\[[\s\d.]+\]\s*/, '').trimEnd()).filter((l) => l.startsWith('psci:'));
  assert.ok(psci(q.stdout).length >= 5, `QEMU printed no psci: lines:\n${q.stdout.slice(0, 3000)}`);
  assert.deepEqual(psci(r.stdout), psci(q.stdout));
});

test('with an initramfs the kernel runs our /init: its output, then power-off by PSCI SYSTEM_OFF', { skip }, () => {
  const r = boot(['--initrd', INITRAMFS]);
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr.slice(-2000)}`);
  assert.match(r.stdout, /Trying to unpack rootfs image as initramfs/);
  assert.match(r.stdout, /Run \/init as init process/);
  assert.match(r.stdout, /persona-init: hello from user space, PID 1\r?\n/);
  assert.match(r.stdout, /reboot: Power down/);
  assert.doesNotMatch(r.stdout, /Kernel panic/);
  assertClean(r);
  const calls = hypercalls(r.traps);
  assert.equal(calls[calls.length - 1], 'PSCI_SYSTEM_OFF -> 0x0');
  assert.ok(r.traps.some((e) => e.name === 'svc'), 'init\'s system calls from EL0 are svc traps');
});

test('--cpus 2: the kernel brings up its second CPU with PSCI CPU_ON, as on QEMU -smp 2', { skip }, () => {
  const r = boot(['--cpus', '2']);
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr.slice(-2000)}`);
  assert.match(r.stdout, /CPU1: Booted secondary processor 0x0+1 \[0x410fd083\]/);
  assert.match(r.stdout, /smp: Brought up 1 node, 2 CPUs/);
  assert.match(r.stdout, /Kernel panic - not syncing: VFS: Unable to mount root fs/);
  assertClean(r);
  const calls = hypercalls(r.traps);
  assert.ok(calls.includes('PSCI_CPU_ON64 -> 0x0'), calls.join('\n'));
  // Both vCPUs take the virtual timer's interrupt (its PPI is banked per CPU).
  const timerCpus = new Set(r.traps.filter((e) => e.name === 'irq' && e.args.intid === 27).map((e) => e.tid));
  assert.equal(timerCpus.size, 2);
});

test('two personas at once: U-Boot in personal, Debian\'s kernel with an initramfs in work', { skip, timeout: 240_000 }, async (t) => {
  const uboot = ubootBin();
  if ('skip' in uboot) return t.skip(uboot.skip);
  const dir = mkdtempSync(join(tmpdir(), 'persona-two-'));
  const manifest = join(dir, 'phone.json');
  writeFileSync(manifest, JSON.stringify({
    device: 'phone',
    personas: [
      { name: 'personal', bios: uboot.path },
      { name: 'work', image: vmlinuz, bootargs: CMDLINE, initrd: INITRAMFS },
    ],
  }));
  const s = new ConsoleSession(['run', manifest, '--max-seconds', '200']);
  try {
    await s.waitFor(/personal +[^\n]*Hit any key to stop autoboot/, 120_000);
    s.type(' '); // console input goes to the first persona
    await s.waitFor(/personal +[^\n]*=> $/m, 60_000);
    await s.waitFor(/work +[^\n]*persona-init: hello from user space, PID 1/, 180_000);
    await s.waitFor(/work +[^\n]*reboot: Power down/, 30_000);
    s.type('poweroff\n');
    assert.equal(await s.exited, 0, s.stderr);
    assert.match(s.stdout, /work +[^\n]*Booting Linux on physical CPU/);
    assert.match(s.stdout, /work +[^\n]*psci: SMC Calling Convention v1\.0/);
    assert.match(s.stderr, /traps in personal:/);
    assert.match(s.stderr, /traps in work: [\d,]+\n\s+hypercall\s+7\s+[\d.]+%  PSCI_FEATURES \(4\)/);
    assert.match(s.stderr, /traps in work:[^]*exit: the guest powered off \(PSCI SYSTEM_OFF\)/);
    assert.doesNotMatch(s.stderr, /isolation violations|internal error|guest stopped/);
  } finally {
    s.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
