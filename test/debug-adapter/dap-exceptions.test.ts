// Exception breakpoint filters (trap classes) over stdio: a hypercall filter with a condition on the
// function id stops hello at PSCI_VERSION; the exceptions guest stops on UDF, on SVC only from EL0,
// and on a data abort by EC; exceptionInfo decodes the syndrome; a bad condition is unverified; and
// hvcfuzz's million hypercalls run to the end under a condition that never matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { HELLO, launch, startAdapter, topFrame } from './dap-client';
import { guest } from '../helpers/project';

async function exceptionStop(dc: Awaited<ReturnType<typeof startAdapter>>['dc']): Promise<DebugProtocol.StoppedEvent> {
  const stop = dc.waitForEvent('stopped');
  await dc.continueRequest({ threadId: 1 });
  const e = (await stop) as DebugProtocol.StoppedEvent;
  assert.equal(e.body.reason, 'exception');
  return e;
}

test('a hypercall filter with an id condition stops at PSCI_VERSION; exceptionInfo names it', async () => {
  const { dc, close, stderr } = await startAdapter();
  try {
    const init = await dc.initializeRequest();
    assert.deepEqual(init.body?.exceptionBreakpointFilters?.map((f) => f.filter), ['hypercall', 'svc', 'abort', 'undefined', 'irq', 'isolation', 'device']);
    assert.ok(init.body?.exceptionBreakpointFilters?.every((f) => f.supportsCondition));
    assert.equal(init.body?.supportsExceptionInfoRequest, true);
    await Promise.all([dc.waitForEvent('initialized'), dc.launchRequest({ program: HELLO } as DebugProtocol.LaunchRequestArguments)]);
    const set = await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'hypercall', condition: 'id == 0x84000000' }, { filterId: 'svc', condition: 'id ==' }, { filterId: 'nonsense' }, { filterId: 'irq', condition: 'intid == 27' }] });
    assert.deepEqual(set.body?.breakpoints?.map((b) => b.verified), [true, false, false, false]);
    assert.match(set.body!.breakpoints![3]!.message ?? '', /intid.*fields: id, ec, esr, far, pc, vcpu, el, \$persona/);
    assert.match(set.body!.breakpoints![1]!.message ?? '', /condition .id ==.: /);
    assert.match(set.body!.breakpoints![2]!.message ?? '', /unknown exception filter "nonsense"/);
    const stop = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    const e = (await stop) as DebugProtocol.StoppedEvent;
    assert.equal(e.body.reason, 'exception');
    assert.match(e.body.description ?? '', /hypercall PSCI_VERSION\(\) -> 0x10001/);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'hypercall');
    assert.equal(info.body.breakMode, 'always');
    assert.match(info.body.details?.message ?? '', /function PSCI_VERSION \(0x84000000\), x0 returned 0x10001/);
    // Stopped after the HVC was handled: x0 holds the result, the frame is main's.
    const top = await topFrame(dc, 1);
    assert.equal(top.name, 'main');
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
  } finally {
    await close();
  }
  assert.doesNotMatch(stderr(), /internal error/);
});

test('exceptions guest: UDF, SVC only from EL0, data abort by EC; the syndrome decoded', async () => {
  const { dc, close } = await startAdapter();
  try {
    await launch(dc, { program: guest('exceptions') });
    await dc.setExceptionBreakpointsRequest({ filters: ['undefined'] });
    let stop = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    let e = (await stop) as DebugProtocol.StoppedEvent;
    assert.equal(e.body.reason, 'exception');
    assert.match(e.body.description ?? '', /^Paused on undefined EC=0x00/);
    let info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'undefined');
    assert.match(info.body.details?.message ?? '', /^undefined from EL1 at 0x[0-9a-f]+ on vCPU 0\nESR 0x2000000: EC=0x00/);
    // Reflected already: the vCPU is at the guest's EL1 vector for the current EL with SP_ELx (+0x200).
    const atVector = await topFrame(dc, 1);
    assert.equal(BigInt(atVector.instructionPointerReference!) & 0x7ffn, 0x200n);

    // SVC from EL0 only (the EL1 one is skipped), then a data abort from EL0 (EC 0x24).
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'svc', condition: 'el == 0 && id == 0x1234' }, { filterId: 'abort', condition: 'ec == 0x24' }] });
    e = await exceptionStop(dc);
    assert.match(e.body.description ?? '', /svc #0x1234/);
    info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.details?.message ?? '', /^svc from EL0 .*\nESR 0x56001234: EC=0x15/);
    const svcVector = await topFrame(dc, 1);
    assert.equal(BigInt(svcVector.instructionPointerReference!) & 0x7ffn, 0x400n, 'lower-EL AArch64 sync vector');

    e = await exceptionStop(dc);
    info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'abort');
    assert.match(info.body.details?.message ?? '', /^data-abort from EL0 .*\nESR 0x9[0-9a-f]+: EC=0x24 .*\nFAR 0x80000000$/s);
    await assert.rejects(dc.exceptionInfoRequest({ threadId: 7 }), /there is no thread 7/);

    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0, 'every reflection check still passes');
  } finally {
    await close();
  }
});

test('hvcfuzz: a million hypercalls under a condition that never matches run to a clean end', async () => {
  const { dc, close } = await startAdapter();
  try {
    await launch(dc, { program: guest('hvcfuzz') });
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'hypercall', condition: 'id == 0x12345 && vcpu == 0' }] });
    const exited = dc.waitForEvent('exited', 120_000);
    await dc.configurationDoneRequest();
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
  } finally {
    await close();
  }
});
