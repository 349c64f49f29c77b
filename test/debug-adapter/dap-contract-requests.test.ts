// The contract's trap events and custom requests over stdio on examples/phone: personaTraps batches
// with the work kernel's hypercalls (symbolized, with source lines), personaList, console input to
// a persona's UART, a persona snapshot that `persona run --resume` continues, and the Chrome trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startAdapter } from './dap-client';
import { ROOT, runPersona } from '../helpers/project';

const PHONE = join(ROOT, 'examples', 'phone', 'phone.json');
const WORK_MAIN = join(ROOT, 'examples', 'phone', 'work', 'main.c');

interface Entry { persona: string; class: string; summary: string; symbol?: string; source?: { path: string; line: number }; time: number }
interface Traps { entries: Entry[]; dropped: number; counts: Record<string, Record<string, number>> }

test('phone: personaTraps up to a breakpoint, then personaList, console input, snapshot and trace export', async () => {
  const { dc, close, stderr } = await startAdapter();
  const dir = mkdtempSync(join(tmpdir(), 'persona-dap-contract-'));
  try {
    const batches: Traps[] = [];
    const stamps: number[] = [];
    dc.on('personaTraps', (e: DebugProtocol.Event) => { batches.push(e.body as Traps); stamps.push(Date.now()); });
    await dc.initializeRequest();
    await Promise.all([dc.waitForEvent('initialized'), dc.launchRequest({ manifest: PHONE } as DebugProtocol.LaunchRequestArguments)]);
    await dc.setBreakpointsRequest({ source: { path: WORK_MAIN }, breakpoints: [{ line: 24 }] });
    const stopped = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    const s = (await stopped) as DebugProtocol.StoppedEvent;
    assert.match(s.body.description ?? '', /work/);
    await new Promise((r) => setTimeout(r, 250)); // the stop's batch, within the 100 ms window

    // Traps: the work kernel's two hypercalls before line 24, symbolized and placed in the source.
    const work = batches.flatMap((b) => b.entries).filter((e) => e.persona === 'work' && e.class === 'hypercall');
    assert.deepEqual(work.map((e) => e.summary.replace(/\(.*$/, '')), ['PERSONA_WHOAMI', 'PERSONA_CHANNEL_INFO']);
    assert.ok(work.every((e) => e.symbol && e.source && e.source.line > 0), JSON.stringify(work));
    const last = batches.at(-1)!;
    assert.equal(last.counts.work?.hypercall, 2, 'exact counts');
    assert.ok(batches.every((b) => b.entries.length <= 500));
    for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i]! - stamps[i - 1]! >= 100, `events ${stamps[i]! - stamps[i - 1]!} ms apart`);

    const list = await dc.customRequest('personaList', {});
    assert.deepEqual((list.body as { personas: { name: string; state: string }[] }).personas.map((p) => `${p.name}:${p.state}`), ['personal:paused', 'work:paused']);

    await assert.rejects(dc.customRequest('personaConsoleInput', { persona: 'bank', text: 'x' }), /no persona is called "bank" \(personas: personal, work\)/);
    await dc.customRequest('personaConsoleInput', { persona: 'work', text: 'hello\n' });

    const snap = join(dir, 'work.snap');
    const r = await dc.customRequest('personaSnapshot', { persona: 'work', file: snap });
    assert.equal((r.body as { file: string }).file, snap);
    assert.equal((r.body as { bytes: number }).bytes, statSync(snap).size);
    // `persona run --resume` takes it, and so does a debug session with "resume": it stops where
    // the debugger held the work persona, with work's symbols (the snapshot names its image).
    const resumed = runPersona(['run', '--resume', snap, '--max-seconds', '20'], { timeoutMs: 60_000 });
    assert.match(resumed.stderr, /resumed work from/);
    const second = await startAdapter();
    try {
      await second.dc.initializeRequest();
      await Promise.all([second.dc.waitForEvent('initialized'), second.dc.launchRequest({ resume: snap, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments)]);
      const entry = second.dc.waitForEvent('stopped');
      await second.dc.configurationDoneRequest();
      const st = (await entry) as DebugProtocol.StoppedEvent;
      const threads = await second.dc.threadsRequest();
      assert.deepEqual(threads.body.threads.map((t) => t.name), ['work · vCPU0']);
      const frames = await second.dc.stackTraceRequest({ threadId: st.body.threadId! });
      assert.equal(frames.body.stackFrames[0]!.source?.path, WORK_MAIN);
      assert.equal(frames.body.stackFrames[0]!.line, 24);
    } finally {
      await second.close();
    }

    const trace = join(dir, 'trace.json');
    const t = await dc.customRequest('personaTraceExport', { file: trace });
    assert.ok((t.body as { events: number }).events > 10);
    const doc = JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: { name: string; args?: { name?: string } }[] };
    assert.ok(doc.traceEvents.some((e) => e.name === 'thread_name' && e.args?.name === 'work · vCPU0'));
    assert.ok(existsSync(trace));
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.stack : String(e)}\nadapter stderr:\n${stderr()}`);
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
});
