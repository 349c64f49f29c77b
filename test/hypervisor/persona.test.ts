// The persona through its API (no CLI): the trap ring stays bounded under a storm while the
// per-class counters keep counting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Persona } from '../../emulator/hypervisor/persona';
import { TrapClass } from '../../emulator/hypervisor/trap-class';
import { ImageFormatError, loadGuestImage } from '../../emulator/loader/image';
import { buildLinuxImage } from '../loader/elf-builder';
import { VIRT } from '../../emulator/platform/virt-map';
import { guest } from '../helpers/project';

function boot(name: string, capacity: number, out: Buffer[]): Persona {
  const path = guest(name);
  const ram = 128n << 20n;
  const image = loadGuestImage(path, readFileSync(path), {
    regions: [{ name: 'flash', base: VIRT.flash.base, size: VIRT.flash.size }, { name: 'ram', base: VIRT.ram.base, size: ram }],
  });
  return new Persona({ id: 0, name: 'test', ramBytes: ram, cpus: 1, image, trapLogCapacity: capacity, onConsole: (b) => out.push(Buffer.from(b)) });
}

test('an exception storm is stopped and the trap ring stays bounded', async () => {
  const out: Buffer[] = [];
  const p = boot('storm', 1024, out);
  const bytes = p.trapLog.buffer.byteLength;
  try {
    const exit = await p.run({ maxSeconds: 30 });
    assert.equal(exit.kind, 'stopped');
    assert.match(exit.reason, /exception storm/);
    assert.ok(p.trapLog.total > 10_000);
    assert.equal(p.trapLog.recent().length, 1024);
    assert.equal(p.trapLog.dropped(), p.trapLog.total - 1024);
    assert.ok(p.trapLog.count(TrapClass.Undefined) >= 10_000);
    assert.equal(p.trapLog.buffer.byteLength, bytes, 'the ring never grows');
  } finally {
    p.close();
  }
});

test('SYSTEM_OFF ends the run with code 0 and the DTB sits at the start of RAM', async () => {
  const out: Buffer[] = [];
  const p = boot('hello', 4096, out);
  try {
    assert.equal(p.dtbAddress, VIRT.ram.base);
    assert.equal(Buffer.from(p.ram.subarray(0, 4)).readUInt32BE(0), 0xd00dfeed);
    const exit = await p.run({ maxSeconds: 30 });
    assert.deepEqual(exit, { kind: 'halted', code: 0, reason: 'the guest powered off (PSCI SYSTEM_OFF)' });
    assert.match(Buffer.concat(out).toString(), /Goodbye: PSCI SYSTEM_OFF/);
    const hvc = p.trapLog.recent().filter((r) => r.class === TrapClass.Hypercall);
    assert.deepEqual(hvc.map((r) => r.a0), [0x8400_0000n, 0x8400_0008n]);
    assert.equal(hvc[0]!.result, 0x10001n);
  } finally {
    p.close();
  }
});

test('an initrd lands where QEMU puts it for a Linux Image, /chosen names it and the DTB follows', () => {
  const ram = 128n << 20n;
  const layout = { regions: [{ name: 'flash', base: VIRT.flash.base, size: VIRT.flash.size }, { name: 'ram', base: VIRT.ram.base, size: ram }] };
  const image = loadGuestImage('Image', buildLinuxImage({ textOffset: 0x80000n, imageSize: 0x20_0000n }), layout);
  const initrd = Buffer.alloc(3 << 20, 0x5a); // 3 MiB: the DTB goes to the next 2 MiB boundary after it
  const p = new Persona({ id: 0, name: 'linux', ramBytes: ram, cpus: 1, image, initrd: { path: 'initrd', bytes: initrd }, onConsole: () => undefined });
  try {
    // QEMU: initrd at RAM + min(RAM/2, 128 MiB) = 0x44000000; DTB at align_up(initrd end, 2 MiB).
    const at = Number(0x4400_0000n - VIRT.ram.base);
    assert.ok(Buffer.from(p.ram.subarray(at, at + initrd.length)).equals(initrd));
    assert.equal(p.dtbAddress, 0x4440_0000n);
    const dtb = Buffer.from(p.ram.subarray(Number(0x4440_0000n - VIRT.ram.base)));
    assert.equal(dtb.readUInt32BE(0), 0xd00dfeed);
    const chosen = dtb.subarray(0, dtb.readUInt32BE(4));
    const prop = (name: string): number => {
      const strings = chosen.subarray(chosen.readUInt32BE(12));
      const nameOff = strings.indexOf(`${name}\0`);
      for (let i = chosen.readUInt32BE(8); i < chosen.readUInt32BE(12); i += 4) {
        if (chosen.readUInt32BE(i) === 3 && chosen.readUInt32BE(i + 8) === nameOff) return chosen.readUInt32BE(i + 12);
      }
      throw new Error(`no ${name} property`);
    };
    assert.equal(prop('linux,initrd-start'), 0x4400_0000);
    assert.equal(prop('linux,initrd-end'), 0x4400_0000 + initrd.length);
  } finally {
    p.close();
  }
});

test('an initrd that does not fit, or beside an image that is not Linux, is an ImageFormatError that says so', () => {
  const ram = 16n << 20n;
  const layout = { regions: [{ name: 'flash', base: VIRT.flash.base, size: VIRT.flash.size }, { name: 'ram', base: VIRT.ram.base, size: ram }] };
  const linux = loadGuestImage('Image', buildLinuxImage({ textOffset: 0x80000n, imageSize: 0x20_0000n }), layout);
  const tooBig = { path: 'big.cpio', bytes: Buffer.alloc(9 << 20) }; // from 0x40800000 (RAM/2) past 0x41000000
  assert.throws(() => new Persona({ id: 0, name: 'x', ramBytes: ram, cpus: 1, image: linux, initrd: tooBig, onConsole: () => undefined }),
    (e: Error) => e instanceof ImageFormatError && /big\.cpio: the initrd \(9437184 bytes\) does not fit in RAM at 0x40800000: RAM ends at 0x41000000/.test(e.message));
  const path = guest('hello');
  const elf = loadGuestImage(path, readFileSync(path), layout);
  assert.throws(() => new Persona({ id: 0, name: 'x', ramBytes: ram, cpus: 1, image: elf, initrd: { path: 'i.cpio', bytes: Buffer.alloc(16) }, onConsole: () => undefined }),
    (e: Error) => e instanceof ImageFormatError && /i\.cpio: an initrd needs a Linux Image to boot; .*hello\.elf is an ELF/.test(e.message));
});
