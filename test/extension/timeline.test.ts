// The timeline: lanes per persona vCPU, trap marks, channel arrows from send to receive; from live
// trap entries and from the Chrome trace `persona run --trace` writes for the phone.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TrapEntry } from '../../extension/src/debug/device-events';
import { timelineFromChromeTrace, timelineFromEntries, TraceFormatError } from '../../extension/src/views/timeline-model';
import { timelineSvg } from '../../extension/src/views/timeline-svg';
import { ROOT, runPersona } from '../helpers/project';

const e = (persona: string, vcpu: number, time: number, cls: string, channel?: TrapEntry['channel']): TrapEntry =>
  ({ persona, vcpu, time, pc: '0x0', class: cls, summary: cls, ...(channel ? { channel } : {}) });

test('from entries: lanes sorted by persona and vCPU, the k-th send meets the k-th receive', () => {
  const t = timelineFromEntries([
    e('work', 1, 50, 'irq'),
    e('personal', 0, 10, 'channel', { id: 0, dir: 'send', peer: 'work' }),
    e('work', 0, 15, 'channel', { id: 0, dir: 'receive', peer: 'personal' }),
    e('personal', 0, 20, 'channel', { id: 0, dir: 'send', peer: 'work' }),
    e('work', 0, 30, 'channel', { id: 0, dir: 'send', peer: 'personal' }),
    e('personal', 0, 35, 'channel', { id: 0, dir: 'receive', peer: 'work' }),
    e('work', 0, 40, 'channel', { id: 0, dir: 'receive', peer: 'personal' }),
  ]);
  assert.deepEqual(t.lanes, [{ persona: 'personal', vcpu: 0 }, { persona: 'work', vcpu: 0 }, { persona: 'work', vcpu: 1 }]);
  assert.equal(t.marks.length, 7);
  assert.equal(t.marks.find((m) => m.cls === 'irq')?.lane, 2);
  const arrows = t.arrows.map((a) => `${a.from.lane}@${a.from.time}->${a.to.lane}@${a.to.time}`).sort();
  assert.deepEqual(arrows, ['0@10->1@15', '0@20->1@40', '1@30->0@35']);
  assert.equal(t.start, 10);
  assert.equal(t.end, 50);
  const svg = timelineSvg(t);
  assert.equal((svg.match(/class="arrow"/g) ?? []).length, 3);
  assert.equal((svg.match(/class="mark"/g) ?? []).length, 7);
  assert.match(svg, /work · vCPU1/);
});

test('from the phone\'s Chrome trace: both personas, and the chat\'s six messages as arrows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'persona-timeline-'));
  try {
    const file = join(dir, 'trace.json');
    const r = runPersona(['run', join(ROOT, 'examples', 'phone', 'phone.json'), '--trace', file, '--max-seconds', '60'], { timeoutMs: 90_000 });
    assert.equal(r.code, 0, r.stderr);
    const t = timelineFromChromeTrace(readFileSync(file, 'utf8'));
    assert.deepEqual(t.lanes.map((l) => `${l.persona} · vCPU${l.vcpu}`), ['personal · vCPU0', 'work · vCPU0']);
    assert.equal(t.arrows.length, 6, '3 messages each way');
    for (const a of t.arrows) assert.notEqual(a.from.lane, a.to.lane);
    assert.ok(t.marks.some((m) => m.cls === 'hypercall'));
    assert.ok(t.marks.some((m) => m.cls === 'data-abort' || m.cls === 'isolation-violation'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that is not a Chrome trace is a TraceFormatError', () => {
  assert.throws(() => timelineFromChromeTrace('{'), TraceFormatError);
  assert.throws(() => timelineFromChromeTrace('{"events": []}'), /no "traceEvents" list/);
});
