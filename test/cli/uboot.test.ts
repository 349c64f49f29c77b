// Debian bookworm's U-Boot (u-boot-qemu, qemu_arm64 u-boot.bin), a binary no one here built, booted
// as QEMU's -bios boots it: to its prompt, answering commands typed on the persona console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleSession, debianKernel, ubootBin } from '../helpers/debian';
import { guest, hasQemu, ROOT, runPersona } from '../helpers/project';

const uboot = ubootBin();
const skip = 'skip' in uboot ? uboot.skip : false;
const ubootPath = 'skip' in uboot ? '' : uboot.path;
/** "2023.01+dfsg-2+deb12u3" → "2023.01": what U-Boot's banner says. */
const upstream = 'skip' in uboot ? '' : uboot.version.replace(/\+.*$/, '').replace(/-.*$/, '');

/** The boot log up to the autoboot countdown, line by line (carriage returns dropped). */
function bootLines(text: string): string[] {
  const end = text.indexOf('Hit any key to stop autoboot');
  return text.slice(0, end).replace(/\r/g, '').split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0);
}

test('U-Boot boots to its prompt through autoboot, answers version, powers off by PSCI', { skip, timeout: 180_000 }, async () => {
  const s = new ConsoleSession(['run', '--bios', ubootPath, '--max-seconds', '150']);
  try {
    await s.waitFor(/Hit any key to stop autoboot/, 60_000);
    const lines = bootLines(s.stdout);
    assert.match(lines[0]!, new RegExp(`^U-Boot ${upstream.replace('.', '\\.')}`));
    assert.ok(lines.includes('DRAM:  128 MiB'), lines.join('\n'));
    assert.ok(lines.includes('In:    pl011@9000000'), lines.join('\n'));
    // Nobody types: autoboot tries every boot target, finds nothing, and leaves U-Boot at its prompt.
    const prompt = await s.waitFor(/\n=> $/, 90_000);
    const afterPrompt = prompt.index + prompt[0].length;
    s.type('version\n');
    await s.waitFor(new RegExp(`=> version\\r?\\nU-Boot ${upstream.replace('.', '\\.')}[^\\n]*\\n[\\s\\S]*?aarch64-linux-gnu-gcc[^\\n]*\\n[\\s\\S]*?\\n=> $`), 20_000, afterPrompt - 3);
    s.type('poweroff\n');
    const code = await s.exited;
    assert.equal(code, 0, `exit code after poweroff\n${s.stderr}`);
    assert.match(s.stdout, /poweroff \.\.\./);
    assert.match(s.stderr, /traps in u-boot:[\s\S]*hypercall\s+\d/);
    assert.doesNotMatch(s.stderr, /unhandled|internal error|UC_ERR/);
  } finally {
    s.kill();
  }
});

test('a key typed during the countdown stops autoboot at once', { skip, timeout: 120_000 }, async () => {
  const s = new ConsoleSession(['run', '--bios', ubootPath, '--max-seconds', '100']);
  try {
    await s.waitFor(/Hit any key to stop autoboot: +\d/, 60_000);
    s.type(' ');
    const m = await s.waitFor(/\n=> $/, 20_000);
    assert.doesNotMatch(s.stdout.slice(0, m.index), /starting USB|scanning bus/, 'no boot target was tried');
    s.type('echo typed at the $board prompt\n');
    await s.waitFor(/typed at the qemu-arm prompt\r?\n=> $/, 20_000);
    s.type('poweroff\n');
    assert.equal(await s.exited, 0, s.stderr);
  } finally {
    s.kill();
  }
});

/** Boots to the countdown, stops it with a key, runs `command`; returns the boot log and its answer. */
async function bootAndRun(s: ConsoleSession, command: string): Promise<{ boot: string[]; answer: string }> {
  await s.waitFor(/Hit any key to stop autoboot: +\d/, 60_000);
  const boot = bootLines(s.stdout);
  s.type(' ');
  const p = await s.waitFor(/\n=> $/, 30_000);
  const from = p.index + p[0].length;
  s.type(`${command}\n`);
  const done = await s.waitFor(/\n=> $/, 30_000, from);
  return { boot, answer: s.stdout.slice(from, from + done.index).replace(/\r/g, '') };
}

test('the board as U-Boot finds it is QEMU\'s: same boot log to the autoboot line, same flinfo (CFI flash) and bdinfo (memory layout)', { skip: skip || (!hasQemu && 'qemu-system-aarch64 is not installed'), timeout: 180_000 }, async () => {
  const q = new ConsoleSession(['-M', 'virt', '-cpu', 'cortex-a57', '-m', '128M', '-nographic', '-nic', 'none', '-bios', ubootPath], 'qemu-system-aarch64', []);
  let qemu: { boot: string[]; answer: string };
  try {
    qemu = await bootAndRun(q, 'flinfo; bdinfo');
  } finally {
    q.kill();
  }
  const s = new ConsoleSession(['run', '--bios', ubootPath, '--max-seconds', '120']);
  try {
    const persona = await bootAndRun(s, 'flinfo; bdinfo');
    // Devices and uclasses found from the DTB, "Flash: 64 MiB" from the CFI probe of both banks,
    // the environment's CRC check reading flash, the qfw probe of fw_cfg.
    assert.deepEqual(persona.boot, qemu.boot);
    assert.match(persona.answer, /Bank # 2: CFI conformant flash \(16 x 16\)  Size: 32 MB in 256 Sectors\n  Intel Extended command set, Manufacturer ID: 0x89, Device ID: 0x0018/);
    // bdinfo: relocation address, fdt_blob/new_fdt/fdt_size (QEMU's 1 MiB blob), reserved memory, stack.
    assert.match(persona.answer, /fdt_size    = 0x0000000000100000/);
    assert.equal(persona.answer, qemu.answer);
    s.type('poweroff\n');
    assert.equal(await s.exited, 0, s.stderr);
    assert.match(s.stderr, /mmio/);
  } finally {
    s.kill();
  }
});

test('saveenv erases and programs the second flash bank: the environment lands in flash', { skip, timeout: 120_000 }, async () => {
  const s = new ConsoleSession(['run', '--bios', ubootPath, '--max-seconds', '100']);
  try {
    const before = await bootAndRun(s, 'md.b 0x4000004 0x10');
    assert.doesNotMatch(before.answer, /arch=arm/);
    s.type('setenv persona yes; saveenv\n');
    await s.waitFor(/Erased 2 sectors[\s\S]*Writing to Flash\.\.\. done[\s\S]*OK\r?\n=> $/, 30_000);
    const mark = s.stdout.length;
    s.type('md.b 0x4000004 0x10\n');
    // Past the CRC, the environment as U-Boot wrote it, sorted: "arch=arm\0baudrate...".
    await s.waitFor(/04000004: 61 72 63 68 3d 61 72 6d 00 62 61 75 64 72 61 74 +arch=arm\.baudrat/, 20_000, mark);
    s.type('poweroff\n');
    assert.equal(await s.exited, 0, s.stderr);
  } finally {
    s.kill();
  }
});

test('two personas at once: U-Boot in personal, the example kernel in work', { skip, timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'persona-uboot-'));
  const manifest = join(dir, 'phone.json');
  writeFileSync(manifest, JSON.stringify({
    device: 'phone',
    personas: [
      { name: 'personal', bios: ubootPath },
      { name: 'work', image: guest('kernel'), ram: '64M' },
    ],
  }));
  const s = new ConsoleSession(['run', manifest, '--max-seconds', '150']);
  try {
    await s.waitFor(/work +[^\n]*kernel: all checks passed, powering off/, 60_000);
    await s.waitFor(/personal +[^\n]*Hit any key to stop autoboot/, 60_000);
    s.type(' '); // console input goes to the first persona
    const m = await s.waitFor(/personal +[^\n]*=> $/m, 30_000);
    s.type('version\n');
    await s.waitFor(new RegExp(`personal +[^\\n]*U-Boot ${upstream.replace('.', '\\.')}[\\s\\S]*GNU ld[^\\n]*\\npersonal +[^\\n]*=> $`), 20_000, m.index);
    s.type('poweroff\n');
    assert.equal(await s.exited, 0, s.stderr);
    assert.match(s.stderr, /traps in personal:/);
    assert.match(s.stderr, /traps in work:/);
  } finally {
    s.kill();
  }
});

test('U-Boot boots Debian\'s kernel that fw_cfg hands it (--bios with a kernel, as QEMU -bios -kernel): to the initramfs and SYSTEM_OFF', { skip, timeout: 300_000 }, async (t) => {
  const kernel = debianKernel();
  if ('skip' in kernel) return t.skip(kernel.skip);
  const initrd = join(ROOT, 'build', 'guests', 'linux-init.cpio');
  const s = new ConsoleSession(['run', '--bios', ubootPath, kernel.vmlinuz, '--initrd', initrd, '--append', 'console=ttyAMA0', '--max-seconds', '240']);
  try {
    // Autoboot's first target is qfw: U-Boot reads the kernel and initrd from fw_cfg by DMA and boots them.
    await s.waitFor(/loading kernel to address 0+40400000 size [0-9a-f]+ initrd 0+44000000 size [0-9a-f]+/, 60_000);
    await s.waitFor(/Starting kernel \.\.\./, 60_000);
    await s.waitFor(/Booting Linux on physical CPU 0x0/, 60_000);
    await s.waitFor(/Kernel command line: console=ttyAMA0/, 60_000);
    await s.waitFor(/persona-init: hello from user space, PID 1/, 200_000);
    assert.equal(await s.exited, 0, s.stderr);
    assert.match(s.stderr, /hypercall[^\n]*PSCI_SYSTEM_OFF/);
    assert.doesNotMatch(s.stderr, /unhandled|internal error|UC_ERR/);
  } finally {
    s.kill();
  }
});

test('a manifest persona with "bios" and "image": U-Boot in personal loads Debian\'s kernel from fw_cfg while work runs its own kernel', { skip, timeout: 300_000 }, async (t) => {
  const kernel = debianKernel();
  if ('skip' in kernel) return t.skip(kernel.skip);
  const dir = mkdtempSync(join(tmpdir(), 'persona-uboot-linux-'));
  const manifest = join(dir, 'phone.json');
  writeFileSync(manifest, JSON.stringify({
    device: 'phone',
    personas: [
      { name: 'personal', bios: ubootPath, image: kernel.vmlinuz, initrd: join(ROOT, 'build', 'guests', 'linux-init.cpio'), bootargs: 'console=ttyAMA0' },
      { name: 'work', image: guest('kernel'), ram: '64M' },
    ],
  }));
  const s = new ConsoleSession(['run', manifest, '--max-seconds', '240']);
  try {
    await s.waitFor(/work +[^\n]*kernel: all checks passed, powering off/, 60_000);
    await s.waitFor(/personal +[^\n]*loading kernel to address 0+40400000/, 60_000);
    await s.waitFor(/personal +[^\n]*Booting Linux on physical CPU 0x0/, 60_000);
    await s.waitFor(/personal +[^\n]*persona-init: hello from user space, PID 1/, 200_000);
    assert.equal(await s.exited, 0, s.stderr);
    assert.match(s.stderr, /traps in personal:[\s\S]*PSCI_SYSTEM_OFF[\s\S]*traps in work:/);
  } finally {
    s.kill();
  }
});

test('a U-Boot persona snapshotted mid-flash-command resumes in another process: the command goes on, the flash answers', { skip, timeout: 180_000 }, async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'persona-uboot-snap-')), 'u-boot.snap');
  const s = new ConsoleSession(['run', '--bios', ubootPath, '--max-seconds', '120']);
  try {
    await s.waitFor(/Hit any key to stop autoboot: +\d/, 60_000);
    s.type(' ');
    await s.waitFor(/\n=> $/, 30_000);
    s.type('setenv persona snapshot; saveenv\n');
    await s.waitFor(/OK\r?\n=> $/, 30_000);
    const snap = runPersona(['snapshot', '--pid', String(s.child.pid), '--out', file]);
    assert.equal(snap.code, 0, snap.stderr);
    s.type('poweroff\n');
    assert.equal(await s.exited, 0, s.stderr);
  } finally {
    s.kill();
  }
  const r = new ConsoleSession(['run', '--resume', file, '--max-seconds', '60']);
  try {
    // Flash contents, the banks' command state and stage-2 access come back: the saved environment
    // is in bank 2, and a CFI probe (flinfo) still gets its answers.
    r.type('md.b 0x4000004 0x8; flinfo 2\n');
    await r.waitFor(/04000004: 61 72 63 68 3d 61 72 6d +arch=arm[\s\S]*Bank # 2: CFI conformant flash \(16 x 16\)  Size: 32 MB in 256 Sectors[\s\S]*\n=> $/, 30_000);
    r.type('poweroff\n'); // at the prompt: while U-Boot prints, it reads (and drops) typed keys looking for Ctrl-C
    assert.equal(await r.exited, 0, r.stderr);
  } finally {
    r.kill();
  }
});
