// Exception entry in the call stack and stepping across SVC, over stdio against the watch guest's
// EL0 code: stepping over `svc #1` by instruction comes back at EL0 after the handler ran (x0 went
// from 41 to 42); stepping into the next one lands at the lower-EL vector, whose caller is a
// labelled "exception from EL0: SVC" frame over el0_main at ELR_EL1; a breakpoint in the handler's
// sys_add shows handler frames, the label, and the interrupted el0_main (registers approximate).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { launch, startAdapter, topFrame } from './dap-client';
import { guest } from '../helpers/project';

async function registers(dc: DebugClient, frameId: number): Promise<{ scope: string; values: Map<string, bigint> }> {
  const scopes = await dc.scopesRequest({ frameId });
  const scope = scopes.body.scopes.find((s) => s.presentationHint === 'registers')!;
  const vars = await dc.variablesRequest({ variablesReference: scope.variablesReference });
  return { scope: scope.name, values: new Map(vars.body.variables.map((v) => [v.name, BigInt(v.value)])) };
}

async function run(dc: DebugClient, go: () => Promise<unknown>, reason: string): Promise<void> {
  const stop = dc.waitForEvent('stopped');
  await go();
  assert.equal(((await stop) as DebugProtocol.StoppedEvent).body.reason, reason);
}

test('step over an EL0 SVC stays at EL0; step into it enters the vector; the stack shows the exception entry', async () => {
  const { dc, close, stderr } = await startAdapter();
  try {
    await launch(dc, { program: guest('watch'), cpus: 2, stopOnEntry: true });
    const fbp = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'el0_main' }] });
    const el0Main = fbp.body.breakpoints[0]!.instructionReference!;
    await run(dc, () => dc.configurationDoneRequest(), 'entry');
    const dis = await dc.customRequest('disassemble', { memoryReference: el0Main, instructionOffset: -8, instructionCount: 96 }) as DebugProtocol.DisassembleResponse;
    const svcs = dis.body!.instructions.filter((r) => r.instruction === 'svc #1' && /^el0_main\+/.test(r.symbol ?? '')).map((r) => r.address);
    assert.equal(svcs.length, 2, `two svc #1 in el0_main: ${dis.body!.instructions.map((r) => r.instruction).join('; ')}`);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: svcs.map((a) => ({ instructionReference: a })) });

    // The first system call: step over it by instruction.
    await run(dc, () => dc.continueRequest({ threadId: 1 }), 'instruction breakpoint');
    let top = await topFrame(dc, 1);
    assert.equal(top.instructionPointerReference, svcs[0]);
    assert.equal((await registers(dc, top.id)).values.get('x0'), 41n);
    await run(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }), 'step');
    top = await topFrame(dc, 1);
    assert.equal(BigInt(top.instructionPointerReference!), BigInt(svcs[0]!) + 4n, 'back after the SVC, not in the vector');
    assert.equal(top.name, 'el0_main');
    const after = (await registers(dc, top.id)).values;
    assert.equal(after.get('x0'), 42n, 'the handler ran: x0 + 1');
    assert.equal((after.get('pstate')! >> 2n) & 3n, 0n, 'still EL0');

    // The second one: step into it.
    await run(dc, () => dc.continueRequest({ threadId: 1 }), 'instruction breakpoint');
    assert.equal((await topFrame(dc, 1)).instructionPointerReference, svcs[1]);
    await run(dc, () => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }), 'step');
    let stack = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(BigInt(stack[0]!.instructionPointerReference!) & 0x7ffn, 0x400n, 'the lower-EL AArch64 sync vector');
    assert.equal((((await registers(dc, stack[0]!.id)).values.get('pstate')!) >> 2n) & 3n, 1n, 'at EL1');
    assert.equal(stack[1]!.name, 'exception from EL0: SVC');
    assert.equal(stack[1]!.presentationHint, 'label');
    const entry = (await registers(dc, stack[1]!.id)).values;
    assert.equal(entry.get('ESR_EL1'), 0x56000001n);
    assert.equal(entry.get('ELR_EL1'), BigInt(svcs[1]!) + 4n);
    assert.equal(stack[2]!.name, 'el0_main');
    assert.equal(BigInt(stack[2]!.instructionPointerReference!), BigInt(svcs[1]!) + 4n);

    // Deeper in the handler: sys_add, its callers, the label, then the interrupted EL0 code.
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [] });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_add' }] });
    await run(dc, () => dc.continueRequest({ threadId: 1 }), 'function breakpoint');
    stack = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const names = stack.map((f) => f.name);
    assert.equal(names[0], 'sys_add');
    assert.equal(names[1], 'exception_handler');
    const label = names.indexOf('exception from EL0: SVC');
    assert.ok(label >= 2, names.join(' < '));
    assert.equal(names[label + 1], 'el0_main', names.join(' < '));
    assert.equal(BigInt(stack[label + 1]!.instructionPointerReference!), BigInt(svcs[1]!) + 4n);
    const interrupted = await registers(dc, stack[label + 1]!.id);
    assert.match(interrupted.scope, /approximate/);
    assert.equal(interrupted.values.get('pc'), BigInt(svcs[1]!) + 4n);
    assert.ok(interrupted.values.has('sp'));
  } finally {
    await close();
  }
  assert.doesNotMatch(stderr(), /internal error/);
});
