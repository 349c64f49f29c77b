// The device through its facade: personas in parallel threads, all-stop pause, resume of one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Device } from '../../emulator/hypervisor/device';
import { parseManifest } from '../../emulator/hypervisor/manifest';
import { guest } from '../helpers/project';

function manifest(images: Record<string, string>) {
  return parseManifest(JSON.stringify({
    device: 'test',
    personas: Object.entries(images).map(([name, image]) => ({ name, image: guest(image), ram: '64M' })),
  }), '/tmp/test.json');
}

function collect(device: Device): string[] {
  const out: string[] = device.personas.map(() => '');
  device.on('console', (i, b) => { out[i] += Buffer.from(b).toString(); });
  return out;
}

test('pause lands within 100 ms while both personas compute, and resuming loses nothing', async () => {
  const device = new Device(manifest({ a: 'bench', b: 'bench' }));
  const out = collect(device);
  try {
    // Both must be computing (past start-up, which loads an engine per thread) before the clock starts.
    while (!out.every((o) => o.includes('bench: crc32, matmul, heapsort'))) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    const ms = await device.pause();
    assert.ok(ms < 100, `pause took ${ms.toFixed(1)} ms`);
    const frozen = device.personas.map((p) => p.trapLog.total);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(device.personas.map((p) => p.trapLog.total), frozen, 'no trap while paused');
    device.resume();
    const personas = await device.finished();
    for (const [i, p] of personas.entries()) {
      assert.equal(p.exit?.kind, 'halted', `${p.name}: ${JSON.stringify(p.exit)}`);
      assert.match(out[i]!, /crc32 = 63761801/, 'the same result as an uninterrupted run');
    }
  } finally {
    await device.close();
  }
});

test('resume(one) runs one persona while the other stays frozen', async () => {
  const device = new Device(manifest({ first: 'hello', second: 'hello' }), { paused: true });
  const out = collect(device);
  try {
    device.resume(1);
    const deadline = Date.now() + 20_000;
    while (device.personas[1]!.exit === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(device.personas[1]!.exit?.kind, 'halted');
    assert.equal(device.personas[0]!.exit, undefined, 'the frozen persona has not run');
    assert.equal(out[0], '');
    device.resume();
    await device.finished();
    assert.match(out[0]!, /Goodbye: PSCI SYSTEM_OFF/);
  } finally {
    await device.close();
  }
});

test('a broken image fails its persona with a clear reason, the others run', async () => {
  const m = manifest({ good: 'hello', bad: 'hello' });
  m.personas[1]!.image = '/nonexistent/guest.elf';
  const device = new Device(m);
  try {
    const personas = await device.finished();
    assert.equal(personas[0]!.exit?.kind, 'halted');
    assert.equal(personas[1]!.exit?.kind, 'fault');
    assert.match((personas[1]!.exit as { reason: string }).reason, /ENOENT|no such file/);
  } finally {
    await device.close();
  }
});
