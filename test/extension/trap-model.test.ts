// The trap view's model: persona -> class (exact counts from the adapter) -> newest entries, the
// filter, the per-class cap, and the texts the tree shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrapEntry, TrapsBody } from '../../extension/src/debug/device-events';
import { parseTraps } from '../../extension/src/debug/device-events';
import { entryText, exceptionFilterFor, formatVirtualTime, TrapModel, type TrapNode } from '../../extension/src/views/trap-model';

const entry = (persona: string, cls: string, time: number, summary = `${cls} at ${time}`, extra: Partial<TrapEntry> = {}): TrapEntry =>
  ({ persona, vcpu: 0, time, pc: `0x${(0x40080000 + time).toString(16)}`, class: cls, summary, ...extra });

function batch(entries: TrapEntry[], counts?: TrapsBody['counts'], dropped = 0): TrapsBody {
  const c: TrapsBody['counts'] = counts ?? {};
  if (!counts) for (const e of entries) (c[e.persona] ??= {})[e.class] = ((c[e.persona] ?? {})[e.class] ?? 0) + 1;
  return { entries, dropped, counts: c };
}

const labels = (nodes: TrapNode[]): string[] => nodes.map((n) => (n.kind === 'entry' ? n.entry.summary : n.kind === 'class' ? `${n.cls} ${n.count}` : `${n.persona} ${n.count}`));

test('personas, then classes by count, then entries newest first', () => {
  const m = new TrapModel();
  m.add(batch([entry('work', 'hypercall', 10, 'PERSONA_WHOAMI → 0'), entry('work', 'hypercall', 20, 'PERSONA_CHANNEL_INFO → 0'), entry('work', 'svc', 30), entry('personal', 'abort', 5)]));
  assert.deepEqual(labels(m.children()), ['personal 1', 'work 3']);
  const work = m.children()[1]!;
  assert.deepEqual(labels(m.children(work)), ['hypercall 2', 'svc 1']);
  assert.deepEqual(labels(m.children(m.children(work)[0])), ['PERSONA_CHANNEL_INFO → 0', 'PERSONA_WHOAMI → 0']);
});

test('counts are the adapter\'s (exact, even when it dropped entries), cumulative per event', () => {
  const m = new TrapModel();
  m.add(batch([entry('work', 'irq', 1)], { work: { irq: 700 } }, 699));
  m.add(batch([entry('work', 'irq', 2)], { work: { irq: 1200 } }, 499));
  assert.deepEqual(labels(m.children()), ['work 1200']);
  assert.equal(m.total(), 1200);
  assert.equal(m.dropped, 1198);
  assert.equal(m.children(m.children(m.children()[0])[0]).length, 2, 'only the entries that were sent are listed');
});

test('a persona missing from a later event keeps its counts', () => {
  const m = new TrapModel();
  m.add(batch([entry('work', 'svc', 1), entry('personal', 'svc', 1)]));
  m.add(batch([entry('work', 'svc', 2)], { work: { svc: 2 } }));
  assert.deepEqual(labels(m.children()), ['personal 1', 'work 2']);
});

test('each class keeps only its latest maxPerClass entries', () => {
  const m = new TrapModel(10);
  for (let i = 0; i < 55; i++) m.add(batch([entry('work', 'wfi', i, `wfi ${i}`)], { work: { wfi: i + 1 } }));
  const list = m.children(m.children(m.children()[0])[0]);
  assert.equal(list.length, 10);
  assert.deepEqual(labels(list).slice(0, 2), ['wfi 54', 'wfi 53']);
  assert.deepEqual(labels(m.children(m.children()[0])), ['wfi 55']);
});

test('the filter hides personas and classes, and the persona totals follow it', () => {
  const m = new TrapModel();
  m.add(batch([entry('work', 'hypercall', 1), entry('work', 'svc', 2), entry('work', 'svc', 3), entry('personal', 'abort', 4)]));
  m.setFilter({ personas: new Set(['work']) });
  assert.ok(m.filterActive);
  assert.deepEqual(labels(m.children()), ['work 3']);
  m.setFilter({ classes: new Set(['svc', 'abort']) });
  assert.deepEqual(labels(m.children()), ['personal 1', 'work 2']);
  assert.deepEqual(labels(m.children(m.children()[1])), ['svc 2']);
  m.setFilter({});
  assert.equal(m.filterActive, false);
  assert.deepEqual(m.personas(), ['personal', 'work']);
  assert.deepEqual(m.classes(), ['abort', 'hypercall', 'svc']);
});

test('entries read as time and symbolized pc, with the summary beside them', () => {
  const t = entryText(entry('work', 'hypercall', 1_234_567, 'PSCI_VERSION → 0x10001', { symbol: 'phone_init+0x24', vcpu: 1, source: { path: '/x/work/main.c', line: 23 } }));
  assert.equal(t.label, '1.235 ms  phone_init+0x24');
  assert.equal(t.description, 'PSCI_VERSION → 0x10001');
  assert.match(t.tooltip, /work · vCPU1/);
  assert.match(t.tooltip, /\/x\/work\/main\.c:23/);
  assert.equal(entryText(entry('work', 'irq', 5)).label, '5 ns  0x40080005');
});

test('virtual time formats', () => {
  assert.equal(formatVirtualTime(999), '999 ns');
  assert.equal(formatVirtualTime(12_500), '12.5 µs');
  assert.equal(formatVirtualTime(3_000_000_000), '3.000000 s');
});

test('trap classes map to the adapter\'s exception filters', () => {
  assert.equal(exceptionFilterFor('hypercall'), 'hypercall');
  assert.equal(exceptionFilterFor('data-abort'), 'abort');
  assert.equal(exceptionFilterFor('isolation-violation'), 'isolation');
  assert.equal(exceptionFilterFor('wfi'), undefined);
});

test('personaTraps bodies are checked: malformed entries are left out, not thrown on', () => {
  const b = parseTraps({ entries: [entry('work', 'svc', 1), { persona: 'work' }, 7, { ...entry('work', 'channel', 2), channel: { id: 0, dir: 'send', peer: 'personal' } }], dropped: 3, counts: { work: { svc: 1, channel: 1, bad: 'x' } } });
  assert.ok(b);
  assert.equal(b.entries.length, 2);
  assert.deepEqual(b.entries[1]!.channel, { id: 0, dir: 'send', peer: 'personal' });
  assert.deepEqual(b.counts, { work: { svc: 1, channel: 1 } });
  assert.equal(b.dropped, 3);
  assert.equal(parseTraps({ nope: 1 }), undefined);
});
