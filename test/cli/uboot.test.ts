// Debian bookworm's U-Boot (u-boot-qemu, qemu_arm64 u-boot.bin), a binary no one here built, booted
// as QEMU's -bios boots it: to its prompt, answering commands typed on the persona console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleSession, ubootBin } from '../helpers/debian';
import { guest } from '../helpers/project';

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
    await s.waitFor(/typed at the qemu-arm prompt/, 20_000);
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
    await s.waitFor(new RegExp(`personal +[^\\n]*U-Boot ${upstream.replace('.', '\\.')}`), 20_000, m.index);
    s.type('poweroff\n');
    assert.equal(await s.exited, 0, s.stderr);
    assert.match(s.stderr, /traps in personal:/);
    assert.match(s.stderr, /traps in work:/);
  } finally {
    s.kill();
  }
});
