// The contract's device requests, DAP-free: the trace export writes every persona's trap log as a
// Chrome trace with persona and vCPU names; unknown personas and bad arguments are user errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { consoleInput, snapshot, traceExport, type RequestPersona } from '../../debug-adapter/debugger/device-requests';
import { DebuggerError } from '../../debug-adapter/debugger/errors';
import { TrapClass } from '../../emulator/hypervisor/trap-class';
import { TrapLog } from '../../emulator/hypervisor/trap-log';

test('trace export: both personas\' logs, merged in time, named, with the channel arrow', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'persona-trace-export-'));
  try {
    const personal = { index: 0, name: 'personal', persona: { trapLog: new TrapLog(16) } };
    const work = { index: 1, name: 'work', persona: { trapLog: new TrapLog(16) } };
    personal.persona.trapLog.append({ vtime: 100n, persona: 0, vcpu: 0, el: 1, class: TrapClass.Channel, pc: 0x1000n, a0: 0n, a1: 0n, a2: 1n, a3: 1n });
    work.persona.trapLog.append({ vtime: 50n, persona: 1, vcpu: 0, el: 1, class: TrapClass.Hypercall, pc: 0x2000n, a0: 0x84000000n, result: 0x10001n });
    work.persona.trapLog.append({ vtime: 200n, persona: 1, vcpu: 0, el: 1, class: TrapClass.Channel, pc: 0x2004n, a0: 0n, a1: 1n, a2: 1n, a3: 0n });
    const file = join(dir, 'trace.json');
    const r = await traceExport([personal, work], file, () => 'chat');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: { name: string; ph: string; ts?: number; pid?: number; args?: { name?: string } }[] };
    assert.equal(r.events, doc.traceEvents.length);
    assert.deepEqual(doc.traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args?.name).sort(), ['personal · vCPU0', 'work · vCPU0']);
    assert.deepEqual(doc.traceEvents.filter((e) => e.ph === 's' || e.ph === 'f').map((e) => `${e.ph}${e.pid}`), ['s1', 'f2'], 'the message is an arrow from personal to work');
    const traps = doc.traceEvents.filter((e) => e.ph === 'i' || e.ph === 'X');
    assert.ok(traps.every((e, i) => i === 0 || e.ts! >= traps[i - 1]!.ts!), 'in virtual-time order');
    assert.match(traps[0]!.name, /PSCI_VERSION/);
    await assert.rejects(traceExport([work], ''), /"file" must be the path to write/);
    await assert.rejects(traceExport([work], join(dir, 'no', 'such', 'dir', 't.json')), DebuggerError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('console input and snapshots name a persona that exists', async () => {
  const personas = [{ index: 0, name: 'work', image: 'w.elf', bootargs: undefined, state: 'stopped', persona: {} }] as unknown as RequestPersona[];
  assert.throws(() => consoleInput(personas, 'bank', 'x'), /no persona is called "bank" \(personas: work\)/);
  assert.throws(() => consoleInput(personas, 'work', 7), /"text" must be a string/);
  await assert.rejects(snapshot(personas, undefined, '/tmp/x', false), /"persona" must name a persona \(work\)/);
  await assert.rejects(snapshot(personas, 'work', '', false), /"file" must be the path to write/);
});
