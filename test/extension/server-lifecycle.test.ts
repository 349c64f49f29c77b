// The lifecycle: the server runs exactly while the setting says so, changes are applied in order, and
// a failed start is reported and retried on the next change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LanguageServerLifecycle, type ServerHandle } from '../../extension/src/server-lifecycle';
import type { LanguageServerSettings, TraceSetting } from '../../extension/src/settings';

/** Fake clients that record what happened to them, in one shared log. */
function harness(initial: LanguageServerSettings, o: { failStarts?: number; startMillis?: number } = {}) {
  const log: string[] = [];
  const failures: string[] = [];
  let settings = initial;
  let created = 0;
  let failStarts = o.failStarts ?? 0;
  const lifecycle = new LanguageServerLifecycle({
    create: (): ServerHandle => {
      const id = ++created;
      return {
        start: async () => {
          log.push(`start ${id}`);
          if (o.startMillis) await new Promise((r) => setTimeout(r, o.startMillis));
          if (failStarts > 0) {
            failStarts--;
            throw new Error('spawn failed');
          }
          log.push(`started ${id}`);
        },
        stop: async () => { log.push(`stop ${id}`); },
        setTrace: async (t: TraceSetting) => { log.push(`trace ${id} ${t}`); },
      };
    },
    settings: () => settings,
    failed: (what, e) => { failures.push(`${what}: ${e instanceof Error ? e.message : String(e)}`); },
  });
  return { lifecycle, log, failures, set: (s: Partial<LanguageServerSettings>) => { settings = { ...settings, ...s }; } };
}

test('enabled: the server starts, with the trace setting applied', async () => {
  const h = harness({ enabled: true, trace: 'messages' });
  await h.lifecycle.sync();
  assert.deepEqual(h.log, ['start 1', 'started 1', 'trace 1 messages']);
  assert.equal(h.lifecycle.isRunning, true);
});

test('disabled: nothing starts', async () => {
  const h = harness({ enabled: false, trace: 'off' });
  await h.lifecycle.sync();
  assert.deepEqual(h.log, []);
  assert.equal(h.lifecycle.isRunning, false);
});

test('turning the setting off stops the server, on again starts a new one', async () => {
  const h = harness({ enabled: true, trace: 'off' });
  await h.lifecycle.sync();
  h.set({ enabled: false });
  await h.lifecycle.sync();
  h.set({ enabled: true });
  await h.lifecycle.sync();
  assert.deepEqual(h.log, ['start 1', 'started 1', 'trace 1 off', 'stop 1', 'start 2', 'started 2', 'trace 2 off']);
});

test('a trace change re-traces the running server without a restart', async () => {
  const h = harness({ enabled: true, trace: 'off' });
  await h.lifecycle.sync();
  h.set({ trace: 'verbose' });
  await h.lifecycle.sync();
  assert.deepEqual(h.log, ['start 1', 'started 1', 'trace 1 off', 'trace 1 verbose']);
});

test('each turn reads the settings when it comes', async () => {
  const h = harness({ enabled: true, trace: 'off' });
  const first = h.lifecycle.sync();
  h.set({ enabled: false });
  await Promise.all([first, h.lifecycle.sync()]);
  assert.deepEqual(h.log, []);
});

test('a change made during a slow start waits for it, then is applied', async () => {
  const h = harness({ enabled: true, trace: 'off' }, { startMillis: 30 });
  const starting = h.lifecycle.sync();
  while (!h.log.includes('start 1')) await new Promise((r) => setImmediate(r));
  h.set({ enabled: false });
  await Promise.all([starting, h.lifecycle.sync()]);
  assert.deepEqual(h.log, ['start 1', 'started 1', 'trace 1 off', 'stop 1']);
  assert.equal(h.lifecycle.isRunning, false);
});

test('a failed start is reported and retried on the next sync', async () => {
  const h = harness({ enabled: true, trace: 'off' }, { failStarts: 1 });
  await h.lifecycle.sync();
  assert.deepEqual(h.failures, ['start: spawn failed']);
  assert.equal(h.lifecycle.isRunning, false);
  await h.lifecycle.sync();
  assert.equal(h.lifecycle.isRunning, true);
  assert.deepEqual(h.log, ['start 1', 'start 2', 'started 2', 'trace 2 off']);
});

test('dispose stops a running server whatever the settings say', async () => {
  const h = harness({ enabled: true, trace: 'off' });
  await h.lifecycle.sync();
  await h.lifecycle.dispose();
  assert.deepEqual(h.log.slice(-1), ['stop 1']);
  assert.equal(h.lifecycle.isRunning, false);
  await h.lifecycle.dispose();
  assert.deepEqual(h.log.filter((l) => l.startsWith('stop')), ['stop 1']);
});
