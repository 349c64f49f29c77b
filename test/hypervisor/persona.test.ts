// The persona through its API (no CLI): the trap ring stays bounded under a storm while the
// per-class counters keep counting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Persona } from '../../emulator/hypervisor/persona';
import { TrapClass } from '../../emulator/hypervisor/trap-class';
import { loadGuestImage } from '../../emulator/loader/image';
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
