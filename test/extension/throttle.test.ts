// The views' throttle: at once, then at most one trailing call per window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { throttle } from '../../extension/src/throttle';

test('first call runs at once; a burst within the window becomes one trailing call', () => {
  let now = 0;
  const timers: { at: number; cb: () => void }[] = [];
  const clock = { now: () => now, set: (cb: () => void, ms: number) => timers.push({ at: now + ms, cb }), clear: () => { timers.length = 0; } };
  let calls = 0;
  const t = throttle(() => calls++, 100, clock);
  t();
  assert.equal(calls, 1);
  now = 10; t(); now = 20; t(); now = 30; t();
  assert.equal(calls, 1);
  assert.equal(timers.length, 1);
  assert.equal(timers[0]!.at, 100);
  now = 100; timers.shift()!.cb();
  assert.equal(calls, 2);
  now = 250; t();
  assert.equal(calls, 3, 'after a quiet window, at once again');
  now = 260; t();
  t.dispose();
  assert.equal(timers.length, 0, 'dispose drops the pending call');
});
