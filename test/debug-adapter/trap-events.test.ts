// personaTraps pacing: at most one event per 100 ms, a stop's batch sent at once when the window
// allows and otherwise as soon as it does, nothing when there is nothing new.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { TrapBatch, TrapFeed } from '../../debug-adapter/debugger/trap-feed';
import { TRAP_EVENT_MS, TrapEvents } from '../../debug-adapter/session/trap-events';

function feedOf(batches: (TrapBatch | undefined)[]): TrapFeed {
  return { poll: () => batches.shift() } as unknown as TrapFeed;
}
const batch = (n: number): TrapBatch => ({ entries: [], dropped: n, counts: {} });

test('a stop sends at once; a second within 100 ms waits for the window', async () => {
  const sent: { t: number; body: unknown }[] = [];
  const start = Date.now();
  const ev = new TrapEvents(feedOf([batch(1), batch(2)]), (e: DebugProtocol.Event) => sent.push({ t: Date.now() - start, body: e.body }));
  ev.stopped();
  assert.equal(sent.length, 1, 'the first stop\'s batch goes out at once');
  assert.equal((sent[0]!.body as TrapBatch).dropped, 1);
  ev.stopped();
  assert.equal(sent.length, 1, 'within the window: not yet');
  await new Promise((r) => setTimeout(r, TRAP_EVENT_MS + 30));
  assert.equal(sent.length, 2);
  assert.ok(sent[1]!.t >= TRAP_EVENT_MS - 5, `second event ${sent[1]!.t} ms after the first`);
  ev.dispose();
});

test('while running it polls every 100 ms, and sends only when the feed has something', async () => {
  const sent: unknown[] = [];
  const ev = new TrapEvents(feedOf([undefined, batch(3), undefined, undefined]), (e) => sent.push(e.event));
  ev.running();
  await new Promise((r) => setTimeout(r, TRAP_EVENT_MS * 4 + 50));
  ev.dispose();
  assert.deepEqual(sent, ['personaTraps']);
});
