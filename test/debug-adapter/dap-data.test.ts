// Data breakpoints over stdio against the watch guest (2 vCPUs): a write watch on the global
// `watched` stops before the EL1 write, before the EL0 write and before vCPU 1's write (the memory
// still holds the old value each time), a read watch stops at the final read, and the neighbours
// on the same page, read and written all along, end with the right values (the guest checks them
// and exits 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { launch, startAdapter, topFrame } from './dap-client';
import { guest } from '../helpers/project';

async function u64At(dc: DebugClient, address: bigint, count = 1): Promise<bigint[]> {
  const r = await dc.customRequest('readMemory', { memoryReference: `0x${address.toString(16)}`, count: count * 8 }) as DebugProtocol.ReadMemoryResponse;
  const b = Buffer.from(r.body!.data!, 'base64');
  return Array.from({ length: count }, (_, i) => b.readBigUInt64LE(i * 8));
}

async function exceptionLevel(dc: DebugClient, threadId: number): Promise<number> {
  const top = await topFrame(dc, threadId);
  const scopes = await dc.scopesRequest({ frameId: top.id });
  const registers = scopes.body.scopes.find((sc) => sc.name === 'Registers')!;
  const vars = await dc.variablesRequest({ variablesReference: registers.variablesReference });
  const pstate = vars.body.variables.find((v) => v.name === 'pstate');
  return Number((BigInt(pstate!.value) >> 2n) & 3n);
}

async function continueToData(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const stop = dc.waitForEvent('stopped');
  await dc.continueRequest({ threadId: 1 });
  const e = (await stop) as DebugProtocol.StoppedEvent;
  assert.equal(e.body.reason, 'data breakpoint', JSON.stringify(e.body));
  return e;
}

test('data breakpoints: writes from EL1, EL0 and a second vCPU, then a read; neighbours untouched', async () => {
  const { dc, close, stderr } = await startAdapter();
  try {
    await launch(dc, { program: guest('watch'), cpus: 2, stopOnEntry: true });
    const info = await dc.dataBreakpointInfoRequest({ name: 'watched' });
    assert.ok(info.body.dataId);
    assert.deepEqual(info.body.accessTypes, ['write', 'read', 'readWrite']);
    const m = /8 bytes at (0x[0-9a-f]+)/.exec(info.body.description);
    assert.ok(m, info.body.description);
    const watched = BigInt(m[1]!);
    const neighbours = watched & ~0xfffn; // the guest checks they share the page, neighbours first
    const none = await dc.dataBreakpointInfoRequest({ name: 'no_such_global' });
    assert.equal(none.body.dataId, null);
    assert.match(none.body.description, /no global variable "no_such_global"/);
    const byAddress = await dc.dataBreakpointInfoRequest({ name: `0x${watched.toString(16)}`, asAddress: true, bytes: 8 });
    assert.match(byAddress.body.dataId ?? '', /^0@0x[0-9a-f]+\/8\//, 'the persona, the address and the size');
    assert.equal(byAddress.body.description, `8 bytes at 0x${watched.toString(16)}`);

    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }, { dataId: '0@0x3ffff000/8/hole', accessType: 'write' }, { dataId: 'garbage' }] });
    assert.deepEqual(set.body.breakpoints.map((b) => b.verified), [true, false, false]);
    assert.match(set.body.breakpoints[1]!.message ?? '', /not (mapped|in guest RAM)/);

    const entry = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    await entry;

    // EL1 write in main: stopped before it (still the initial 1); the neighbours, read and written
    // on the same page just before, hold 1.
    let e = await continueToData(dc);
    assert.equal(e.body.threadId, 1);
    assert.match(e.body.description ?? '', /write of 8 bytes to watched/);
    assert.equal((await topFrame(dc, 1)).name, 'main');
    assert.equal(await exceptionLevel(dc, 1), 1);
    assert.deepEqual(await u64At(dc, watched), [1n]);
    assert.deepEqual(await u64At(dc, neighbours, 3), [1n, 1n, 1n]);
    // From the Variables view: the Globals scope's `watched` gives the same watch.
    const scopes = await dc.scopesRequest({ frameId: (await topFrame(dc, 1)).id });
    const globals = scopes.body.scopes.find((sc) => sc.name === 'Globals')!;
    const fromView = await dc.dataBreakpointInfoRequest({ variablesReference: globals.variablesReference, name: 'watched' });
    assert.equal(fromView.body.dataId, info.body.dataId, fromView.body.description);
    const missing = await dc.dataBreakpointInfoRequest({ variablesReference: globals.variablesReference, name: 'nope' });
    assert.equal(missing.body.dataId, null);
    const locals = scopes.body.scopes.find((sc) => sc.name === 'Locals');
    if (locals) {
      const vars = await dc.variablesRequest({ variablesReference: locals.variablesReference });
      if (vars.body.variables[0]) {
        const local = await dc.dataBreakpointInfoRequest({ variablesReference: locals.variablesReference, name: vars.body.variables[0].name });
        assert.equal(local.body.dataId, null);
        assert.match(local.body.description, /take globals and addresses/);
      }
    }

    // EL0 write in el0_main (the EL1 write and its read-back went through).
    e = await continueToData(dc);
    assert.equal(e.body.threadId, 1);
    assert.equal((await topFrame(dc, 1)).name, 'el0_main');
    assert.equal(await exceptionLevel(dc, 1), 0);
    assert.deepEqual(await u64At(dc, watched), [0x11n]);
    assert.deepEqual(await u64At(dc, neighbours, 2), [3n, 3n]);

    // vCPU 1's write in secondary_main.
    e = await continueToData(dc);
    assert.equal(e.body.threadId, 2);
    assert.equal((await topFrame(dc, 2)).name, 'secondary_main');
    assert.deepEqual(await u64At(dc, watched), [0x22n]);

    // Now reads only: the EL1 main line's final read of watched.
    const read = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId, accessType: 'read' }] });
    assert.equal(read.body.breakpoints[0]!.verified, true);
    e = await continueToData(dc);
    assert.equal(e.body.threadId, 1);
    assert.match(e.body.description ?? '', /read of 8 bytes from watched/);
    assert.equal((await topFrame(dc, 1)).name, 'el1_after_el0');
    assert.deepEqual(await u64At(dc, watched), [0x33n]);

    await dc.setDataBreakpointsRequest({ breakpoints: [] });
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0, 'every watched and neighbouring value as written');
  } finally {
    await close();
  }
  assert.doesNotMatch(stderr(), /internal error/);
});
