// The debugger engine without DAP: verbs in, past-tense events out, on hello.elf and bench.elf.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PersonaDebugger, type DebuggerExit, type DebuggerStop } from '../../debug-adapter/debugger/debugger';
import { DebuggerError } from '../../debug-adapter/debugger/errors';
import { join } from 'node:path';
import { ROOT, guest } from '../helpers/project';
import { HELLO, HELLO_MAIN_C, helloLine } from './dap-client';

async function nextStop(d: PersonaDebugger): Promise<DebuggerStop> {
  const [s] = (await once(d, 'stopped')) as [DebuggerStop];
  return s;
}

function collect(d: PersonaDebugger): () => string {
  let text = '';
  d.on('output', (t, category) => { if (category === 'stdout') text += t; });
  return () => text;
}

test('launch errors are DebuggerErrors naming the program', () => {
  const d = new PersonaDebugger();
  assert.throws(() => d.launch({ program: '/nope/x.elf' }), (e: unknown) => e instanceof DebuggerError && /\/nope\/x\.elf: no such file/.test(e.message));
  assert.throws(() => d.launch({ program: 'guests', cwd: join(ROOT, 'build') }), /is a folder/);
  assert.throws(() => d.launch({ program: HELLO_MAIN_C }), /is not a guest ELF/);
  assert.throws(() => d.stackFrames(1), /no program is launched/);
});

test('stop on entry, a breakpoint, an instruction step over a call, and the exit code', async () => {
  const d = new PersonaDebugger();
  const stdout = collect(d);
  try {
    d.launch({ program: HELLO });
    const line = helloLine('uart_puts("Goodbye');
    const [bp] = d.setSourceBreakpoints(HELLO_MAIN_C, [line]);
    assert.equal(bp!.verified, true);
    d.start(true);
    const entry = await nextStop(d);
    assert.equal(entry.reason, 'entry');
    assert.throws(() => d.start(true), DebuggerError);
    d.continue();
    const hit = await nextStop(d);
    assert.deepEqual([hit.reason, hit.pc], ['breakpoint', bp!.addresses[0]]);
    assert.doesNotMatch(stdout(), /Goodbye/);
    // adrp, add, then `bl uart_puts` stepped over: the pc is after the call and the text is out.
    for (let i = 0; i < 3; i++) {
      d.step(1, 'over', 'instruction');
      const s = await nextStop(d);
      assert.equal(s.reason, 'step');
      assert.equal(s.pc, hit.pc + 4n * BigInt(i + 1));
    }
    assert.match(stdout(), /Goodbye: PSCI SYSTEM_OFF/);
    d.continue();
    const [exit] = (await once(d, 'exited')) as [DebuggerExit];
    assert.equal(exit.code, 0);
  } finally {
    d.terminate();
  }
});

test('pause lands quickly, and terminate while running frees the persona', async () => {
  const d = new PersonaDebugger();
  d.launch({ program: guest('bench') });
  d.start(false);
  assert.equal(d.running, true);
  await new Promise((r) => setTimeout(r, 100));
  const asked = Date.now();
  d.pause();
  const s = await nextStop(d);
  assert.equal(s.reason, 'pause');
  assert.ok(Date.now() - asked < 500, `pause took ${Date.now() - asked} ms`);
  assert.ok(d.stackFrames(1).length >= 1);
  d.continue();
  await new Promise((r) => setTimeout(r, 50));
  d.terminate();
  await new Promise((r) => setTimeout(r, 100)); // the run loop ends at its next slice and closes
  assert.equal(d.running, false);
});

test('short steps send no personaState; a continue reports running, the stop paused', async () => {
  const d = new PersonaDebugger();
  const states: string[] = [];
  d.on('personaState', (ps) => states.push(ps.map((p) => p.state).join()));
  try {
    d.launch({ program: HELLO });
    const [bp] = d.setSourceBreakpoints(HELLO_MAIN_C, [helloLine('uart_puts("Goodbye')]);
    d.start(true);
    await nextStop(d);
    await new Promise((r) => setImmediate(r));
    const before = states.length;
    for (let i = 0; i < 20; i++) {
      d.step(1, 'in', 'instruction');
      await nextStop(d);
    }
    await new Promise((r) => setTimeout(r, 80)); // past the step's delay: nothing was pending
    assert.equal(states.length, before, `personaState during 20 instruction steps: ${states.slice(before).join(' ')}`);
    d.continue();
    const hit = await nextStop(d);
    assert.equal(hit.pc, bp!.addresses[0]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(states.slice(before), ['running', 'paused']);
  } finally {
    d.terminate();
  }
});
