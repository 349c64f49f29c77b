// Persona snapshots through the CLI: `persona snapshot` writes a running persona to a file and
// `persona run --resume` continues it in another process with the same subsequent output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSnapshot } from '../../emulator/hypervisor/snapshot-file';
import { assertNoStackTrace, guest, PERSONA, runPersona } from '../helpers/project';

const dir = mkdtempSync(join(tmpdir(), 'persona-snap-'));

test('snapshot while running, resume in another process: the same output as an uninterrupted run', async () => {
  const file = join(dir, 'bench.snap');
  const child = spawn(process.execPath, [PERSONA, 'run', guest('bench'), '--max-seconds', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  while (!out.includes('bench: crc32, matmul, heapsort')) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  const snap = runPersona(['snapshot', '--pid', String(child.pid), '--out', file]);
  assert.equal(snap.code, 0, snap.stderr);
  assert.match(snap.stdout, /wrote bench to .*bench\.snap/);
  assert.equal(await exited, 0);
  const header = decodeSnapshot(readFileSync(file), file).header as { consoleBytes: number };
  const resumed = runPersona(['run', '--resume', file, '--max-seconds', '60']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(header.consoleBytes > 0 && header.consoleBytes < out.length, 'taken mid-run');
  assert.equal(resumed.stdout, out.slice(header.consoleBytes));
  assert.match(resumed.stdout, /crc32 = 63761801[\s\S]*self-checks ok/);
});

test('a corrupt, foreign or truncated snapshot is one clear line, exit 2', () => {
  const good = join(dir, 'bench.snap');
  const bytes = readFileSync(good);
  const cases: [string, Uint8Array, RegExp][] = [
    ['foreign', Buffer.from('#!/bin/sh\necho not a snapshot\n'.repeat(4)), /not a Persona snapshot/],
    ['flipped', Buffer.concat([bytes.subarray(0, 100), Buffer.from([bytes[100]! ^ 0xff]), bytes.subarray(101)]), /checksum mismatch/],
    ['truncated', bytes.subarray(0, bytes.length - 1000), /checksum mismatch|truncated/],
  ];
  for (const [name, data, fault] of cases) {
    const file = join(dir, `${name}.snap`);
    writeFileSync(file, data);
    const r = runPersona(['run', '--resume', file]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assertNoStackTrace(r.stderr);
    assert.match(r.stderr, fault);
  }
});

test('persona snapshot with nothing running says so', () => {
  const r = runPersona(['snapshot', '--pid', '999999', '--out', join(dir, 'x.snap')]);
  assert.equal(r.code, 2);
  assertNoStackTrace(r.stderr);
  assert.match(r.stderr, /cannot reach persona run \(pid 999999\)/);
});
