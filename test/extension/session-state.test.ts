// The session state the views follow, fed DAP messages as the tracker sees them: personas and their
// run states (all-stop), guest output routed by persona, exception filters VS Code sent, trap rate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergedExceptionFilters, RateMeter, SessionState } from '../../extension/src/debug/session-state';
import { statusText } from '../../extension/src/views/status-text';

const event = (name: string, body: unknown) => ({ type: 'event', event: name, body });

test('personaState, stops and resumes: all-stop pauses every persona that has not exited', () => {
  const s = new SessionState('1', undefined);
  let fired = 0;
  s.onState.on(() => fired++);
  s.fromAdapter(event('personaState', { personas: [{ name: 'personal', state: 'running', vcpus: 1 }, { name: 'work', state: 'running', vcpus: 2 }] }));
  assert.equal(s.device, 'running');
  s.fromAdapter(event('stopped', { reason: 'breakpoint', threadId: 3, allThreadsStopped: true, description: 'Paused on breakpoint in work' }));
  assert.equal(s.device, 'paused');
  assert.equal(s.stopReason, 'Paused on breakpoint in work');
  assert.deepEqual(s.personas().map((p) => `${p.name}:${p.state}`), ['personal:paused', 'work:paused']);
  s.toAdapter({ type: 'request', command: 'continue' });
  assert.deepEqual(s.personas().map((p) => p.state), ['running', 'running']);
  s.fromAdapter(event('personaState', { personas: [{ name: 'personal', state: 'exited', vcpus: 1, exitCode: 0 }] }));
  s.fromAdapter(event('stopped', { reason: 'pause' }));
  assert.deepEqual(s.personas().map((p) => `${p.name}:${p.state}`), ['personal:exited', 'work:paused']);
  s.fromAdapter(event('terminated', {}));
  assert.equal(s.device, 'exited');
  assert.ok(fired >= 5);
});

test('guest output goes to its persona; adapter messages to none; one-ELF output to the fallback persona', () => {
  const s = new SessionState('1', 'hello');
  const seen: string[] = [];
  s.onOutput.on((o) => seen.push(`${o.persona}|${o.text}`));
  s.fromAdapter(event('output', { category: 'stdout', output: 'work: kernel up\n', data: { persona: 'work' } }));
  s.fromAdapter(event('output', { category: 'console', output: 'persona: launching\n' }));
  s.fromAdapter(event('output', { category: 'stdout', output: 'Hello\n' }));
  assert.deepEqual(seen, ['work: kernel up\n', 'Hello\n'].map((t, i) => `${i === 0 ? 'work' : 'hello'}|${t}`));
  assert.deepEqual(s.personas().map((p) => p.name), ['work', 'hello'], 'a persona seen only in output becomes known');
});

test('traps feed the model; the exception filters VS Code sends are remembered', () => {
  const s = new SessionState('1', undefined);
  s.fromAdapter(event('personaTraps', { entries: [{ persona: 'work', vcpu: 0, time: 5, pc: '0x1', class: 'hypercall', summary: 'x' }], dropped: 0, counts: { work: { hypercall: 1 } } }));
  assert.equal(s.traps.total(), 1);
  const sent: string[][] = [];
  s.onExceptionFiltersSent.on((f) => sent.push(f));
  s.toAdapter({ type: 'request', command: 'setExceptionBreakpoints', arguments: { filters: ['abort', 'isolation'] } });
  assert.deepEqual(s.uiExceptionFilters, ['abort', 'isolation']);
  assert.deepEqual(sent, [['abort', 'isolation']]);
});

test('trap rate over a sliding window, and the status text', () => {
  const r = new RateMeter(2000);
  r.sample(0, 0);
  r.sample(1000, 500);
  r.sample(2000, 1500);
  assert.equal(r.rate(), 750);
  r.sample(4000, 1500);
  assert.equal(r.rate(), 0, 'no traps in the last two seconds');
  const t = statusText('running', [{ name: 'personal', state: 'running', vcpus: 1 }, { name: 'work', state: 'paused', vcpus: 1 }], 12_345);
  assert.equal(t.text, '$(play) Persona running: personal work $(debug-pause) · 12.3k traps/s');
  assert.match(t.tooltip, /Running: personal\nPaused: work/);
  assert.equal(statusText('paused', [], 0).text, '$(debug-pause) Persona paused');
});

test('Break on This Trap Class adds its filter to the user\'s, keeping their conditions', () => {
  const s = new SessionState('1', undefined);
  s.toAdapter({ type: 'request', command: 'setExceptionBreakpoints', arguments: { filters: ['irq'], filterOptions: [{ filterId: 'hypercall', condition: 'id == 0x84000000' }] } });
  assert.deepEqual(mergedExceptionFilters(s.uiExceptionFilters, s.uiExceptionFilterOptions, ['abort', 'hypercall', 'irq']), {
    filters: ['irq', 'abort'],
    filterOptions: [{ filterId: 'hypercall', condition: 'id == 0x84000000' }],
  });
});
