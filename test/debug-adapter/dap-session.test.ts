// The debug adapter end to end: `node bin/persona dap` over stdio, driven by DebugClient against
// hello.elf (examples/hello, built with -g): stop on entry, a source breakpoint, steps by line and
// instruction, threads, stack and registers, then the guest's own end; and errors as responses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { HELLO, HELLO_MAIN_C, helloLine, launch, startAdapter, topFrame } from './dap-client';
import { guest } from '../helpers/project';

test('stop on entry, break at a main.c line, step in/over/out, registers, run to the end', async () => {
  const { dc, close, stderr, output } = await startAdapter();
  try {
    const init = await dc.initializeRequest();
    assert.equal(init.body?.supportsConfigurationDoneRequest, true);
    assert.equal(init.body?.supportsSteppingGranularity, true);
    await Promise.all([dc.waitForEvent('initialized'), dc.launchRequest({ program: HELLO, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments)]);
    const elLine = helloLine('CurrentEL');
    const fibLine = helloLine('fib(90)');
    const bp = await dc.setBreakpointsRequest({ source: { path: HELLO_MAIN_C }, breakpoints: [{ line: elLine }, { line: fibLine - 1 }, { line: 9999 }] });
    assert.deepEqual(bp.body.breakpoints.map((b) => [b.verified, b.line]), [[true, elLine], [true, fibLine], [false, 9999]], 'a blank line moves to the next line with code');
    assert.match(bp.body.breakpoints[2]!.message ?? '', /no code/);
    const unknown = await dc.setBreakpointsRequest({ source: { path: '/elsewhere/other.c' }, breakpoints: [{ line: 3 }] });
    assert.equal(unknown.body.breakpoints[0]!.verified, false);

    const entry = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    const e = (await entry) as DebugProtocol.StoppedEvent;
    assert.equal(e.body.reason, 'entry');
    assert.equal(e.body.threadId, 1);
    const threads = await dc.threadsRequest();
    assert.deepEqual(threads.body.threads, [{ id: 1, name: 'hello · vCPU0' }]);

    const hello = output('Hello from a bare-metal guest');
    let stop = dc.waitForEvent('stopped');
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await stop) as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
    await hello;
    const atBp = await topFrame(dc, 1);
    assert.deepEqual([atBp.name, atBp.line, atBp.source?.path], ['main', elLine, HELLO_MAIN_C]);

    // Step in (by line) enters kprintf; its caller comes from unwinding; next stays in it; step out returns.
    stop = dc.waitForEvent('stopped');
    await dc.stepInRequest({ threadId: 1 });
    assert.equal(((await stop) as DebugProtocol.StoppedEvent).body.reason, 'step');
    const stack = await dc.stackTraceRequest({ threadId: 1 });
    const [callee, caller] = stack.body.stackFrames;
    assert.equal(callee!.name, 'kprintf');
    assert.match(callee!.source?.path ?? '', /printf\.c$/);
    assert.deepEqual([caller!.name, caller!.line], ['main', elLine]);

    stop = dc.waitForEvent('stopped');
    await dc.nextRequest({ threadId: 1 });
    await stop;
    const next = await topFrame(dc, 1);
    assert.equal(next.name, 'kprintf');
    assert.notEqual(next.line, callee!.line, 'next moves to another line');

    const printed = output('CurrentEL: EL1');
    stop = dc.waitForEvent('stopped');
    await dc.stepOutRequest({ threadId: 1 });
    await stop;
    await printed;
    const back = await topFrame(dc, 1);
    assert.deepEqual([back.name, back.line], ['main', elLine + 1], 'back in main at the return address, the next line');

    // next by line runs over the call on that line.
    const frequency = output('CNTFRQ_EL0');
    stop = dc.waitForEvent('stopped');
    await dc.nextRequest({ threadId: 1 });
    await stop;
    await frequency;
    const over = await topFrame(dc, 1);
    assert.equal(over.name, 'main');
    assert.ok(over.line > elLine + 1, `next went on to line ${over.line}`);

    // A breakpoint where optimised code starts an inlined call is still shown at the line asked for.
    stop = dc.waitForEvent('stopped');
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await stop) as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
    const atFib = await topFrame(dc, 1);
    assert.deepEqual([atFib.name, atFib.line], ['main', fibLine]);

    // One instruction: the pc moves, and the registers show it.
    const before = BigInt(atFib.instructionPointerReference!);
    stop = dc.waitForEvent('stopped');
    await dc.stepInRequest({ threadId: 1, granularity: 'instruction' });
    assert.equal(((await stop) as DebugProtocol.StoppedEvent).body.reason, 'step');
    const after = await topFrame(dc, 1);
    assert.equal(BigInt(after.instructionPointerReference!), before + 4n);
    const scopes = await dc.scopesRequest({ frameId: after.id });
    const registers = scopes.body.scopes.find((s) => s.name === 'Registers');
    assert.ok(registers, 'a Registers scope');
    const vars = await dc.variablesRequest({ variablesReference: registers.variablesReference });
    const byName = new Map(vars.body.variables.map((v) => [v.name, v.value]));
    assert.equal(BigInt(byName.get('pc')!), before + 4n);
    assert.equal(BigInt(byName.get('x19')!), 90n, 'mov w19, #90 ran');
    for (const name of ['x0', 'x30', 'sp', 'pstate']) assert.match(byName.get(name) ?? '', /^0x[0-9a-f]{16}$/, name);

    // Clear the breakpoint and run to the guest's end.
    await dc.setBreakpointsRequest({ source: { path: HELLO_MAIN_C }, breakpoints: [] });
    const goodbye = output('Goodbye');
    const exited = dc.waitForEvent('exited');
    const terminated = dc.waitForEvent('terminated');
    await dc.continueRequest({ threadId: 1 });
    await goodbye;
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
    await terminated;
  } finally {
    await close();
  }
  assert.doesNotMatch(stderr(), /internal error/);
});

test('pause stops a running guest; requests in the wrong state get error responses', async () => {
  const { dc, close } = await startAdapter();
  try {
    await launch(dc, { program: guest('bench') });
    await dc.configurationDoneRequest();
    await assert.rejects(dc.stackTraceRequest({ threadId: 1 }), /running/);
    await assert.rejects(dc.continueRequest({ threadId: 1 }), /already running/);
    await new Promise((r) => setTimeout(r, 200));
    const stopped = dc.waitForEvent('stopped');
    const asked = Date.now();
    await dc.pauseRequest({ threadId: 1 });
    const s = (await stopped) as DebugProtocol.StoppedEvent;
    assert.equal(s.body.reason, 'pause');
    assert.ok(Date.now() - asked < 1000, `pause took ${Date.now() - asked} ms`);
    const top = await topFrame(dc, 1);
    assert.ok(top.name.length > 0);
    await assert.rejects(dc.scopesRequest({ frameId: 999 }), /gone/);
  } finally {
    await close();
  }
});

test('a missing or broken program is an error response, and the adapter goes on', async () => {
  const { dc, close } = await startAdapter();
  try {
    await dc.initializeRequest();
    await assert.rejects(dc.launchRequest({ program: '/nonexistent/guest.elf' } as DebugProtocol.LaunchRequestArguments), /cannot read program \/nonexistent\/guest\.elf: no such file/);
    await assert.rejects(dc.launchRequest({ program: HELLO_MAIN_C } as DebugProtocol.LaunchRequestArguments), /is not a guest ELF/);
    await assert.rejects(dc.launchRequest({} as DebugProtocol.LaunchRequestArguments), /"program"/);
    await assert.rejects(dc.stackTraceRequest({ threadId: 1 }), /no program is launched/);
    const threads = await dc.threadsRequest();
    assert.deepEqual(threads.body.threads, []);
    await Promise.all([dc.waitForEvent('initialized'), dc.launchRequest({ program: 'build/guests/hello.elf', cwd: HELLO.replace(/build\/guests\/hello\.elf$/, '') } as DebugProtocol.LaunchRequestArguments)]);
  } finally {
    await close();
  }
});
