// Code- and memory-level debugging over stdio against hello.elf: function and instruction
// breakpoints, the disassembly window around the pc (labels, named branch targets, source lines,
// negative offsets, `??` rows for unmapped memory), readMemory, and writeMemory patching an
// instruction that has already been translated: the guest then prints what the patch computes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LineIndex } from '../../debug-adapter/symbols/line-index';
import { readLineTables } from '../../debug-adapter/symbols/line-tables';
import { HELLO, helloLine, startAdapter, topFrame } from './dap-client';

const MOV_W19_10 = 0x52800153; // mov w19, #10

function word(bytes: Buffer, at = 0): number {
  return bytes.readUInt32LE(at);
}

test('function and instruction breakpoints, disassembly around the pc, memory read and patch', async () => {
  const { dc, close, stderr, output } = await startAdapter();
  try {
    const init = await dc.initializeRequest();
    for (const cap of ['supportsDisassembleRequest', 'supportsReadMemoryRequest', 'supportsWriteMemoryRequest', 'supportsInstructionBreakpoints', 'supportsFunctionBreakpoints'] as const) {
      assert.equal(init.body?.[cap], true, cap);
    }
    await Promise.all([dc.waitForEvent('initialized'), dc.launchRequest({ program: HELLO, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments)]);

    // kprintf's breakpoint lands after its prologue, on a printf.c line; unknown names are unverified.
    const fbp = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'kprintf' }, { name: 'no_such_function' }] });
    const [kp, none] = fbp.body.breakpoints;
    assert.equal(kp!.verified, true);
    assert.match(kp!.source?.path ?? '', /printf\.c$/);
    assert.equal(none!.verified, false);
    assert.match(none!.message ?? '', /no function named "no_such_function"/);

    // An instruction breakpoint at the first address of main.c's fib(90) line.
    const fibLine = helloLine('fib(90)');
    const fibPc = new LineIndex(readLineTables(readFileSync(HELLO), HELLO)).addressesForLine('hello/main.c', fibLine)[0]!;
    const ibp = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: `0x${(fibPc - 8n).toString(16)}`, offset: 8 }, { instructionReference: '0x3ffff000' }, { instructionReference: '0x40000002' }] }) as DebugProtocol.SetInstructionBreakpointsResponse;
    assert.deepEqual(ibp.body.breakpoints.map((b) => b.verified), [true, false, false]);
    assert.equal(BigInt(ibp.body.breakpoints[0]!.instructionReference!), fibPc);
    assert.match(ibp.body.breakpoints[1]!.message ?? '', /not mapped/);
    assert.match(ibp.body.breakpoints[2]!.message ?? '', /aligned/);

    let stop = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    assert.equal(((await stop) as DebugProtocol.StoppedEvent).body.reason, 'entry');

    stop = dc.waitForEvent('stopped');
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await stop) as DebugProtocol.StoppedEvent).body.reason, 'function breakpoint');
    const inKprintf = await topFrame(dc, 1);
    assert.equal(inKprintf.name, 'kprintf');
    assert.equal(inKprintf.line, kp!.line);
    const pc = BigInt(inKprintf.instructionPointerReference!);
    assert.equal(pc, BigInt(kp!.instructionReference!));

    // Four instructions before the pc and six from it: labels count up from kprintf's entry.
    const dis = await dc.customRequest('disassemble', { memoryReference: inKprintf.instructionPointerReference, instructionOffset: -4, instructionCount: 10 }) as DebugProtocol.DisassembleResponse;
    const rows = dis.body!.instructions;
    assert.equal(rows.length, 10);
    assert.equal(BigInt(rows[4]!.address), pc);
    assert.deepEqual(rows.map((r) => BigInt(r.address) - pc), [-16n, -12n, -8n, -4n, 0n, 4n, 8n, 12n, 16n, 20n]);
    const offsets = rows.map((r) => /^kprintf(\+0x([0-9a-f]+))?$/.exec(r.symbol ?? ''));
    const entryRow = offsets.findIndex((m) => m !== null && m[1] === undefined);
    assert.ok(entryRow >= 0 && entryRow < 4, `kprintf's entry is among the rows before the pc: ${rows.map((r) => r.symbol).join(', ')}`);
    for (let i = entryRow; i < rows.length; i++) assert.equal(BigInt(`0x${offsets[i]?.[2] ?? '0'}`), BigInt((i - entryRow) * 4), rows[i]!.symbol);
    assert.match(rows[4]!.location?.path ?? '', /printf\.c$/);
    assert.equal(rows[4]!.line, inKprintf.line);
    assert.match(rows[4]!.instructionBytes ?? '', /^[0-9a-f]{8}$/);

    // readMemory returns the same bytes the disassembly decoded.
    const mem = await dc.customRequest('readMemory', { memoryReference: rows[0]!.address, count: 40 }) as DebugProtocol.ReadMemoryResponse;
    const bytes = Buffer.from(mem.body!.data!, 'base64');
    assert.equal(bytes.length, 40);
    assert.equal(mem.body!.unreadableBytes, undefined);
    rows.forEach((r, i) => assert.equal(bytes.subarray(i * 4, i * 4 + 4).toString('hex'), r.instructionBytes));

    // The caller's call instruction names its target.
    const stack = await dc.stackTraceRequest({ threadId: 1 });
    const caller = stack.body.stackFrames[1]!;
    assert.equal(caller.name, 'main');
    const call = await dc.customRequest('disassemble', { memoryReference: caller.instructionPointerReference, instructionOffset: -1, instructionCount: 1 }) as DebugProtocol.DisassembleResponse;
    assert.match(call.body!.instructions[0]!.instruction, /^bl #0x[0-9a-f]+ <kprintf>$/);
    assert.match(call.body!.instructions[0]!.symbol ?? '', /^main\+0x[0-9a-f]+$/);

    // Unmapped memory: `??` rows around the start of RAM, and unreadable bytes.
    const edge = await dc.customRequest('disassemble', { memoryReference: '0x40000000', instructionOffset: -2, instructionCount: 4 }) as DebugProtocol.DisassembleResponse;
    assert.deepEqual(edge.body!.instructions.map((r) => [r.address, r.instruction === '??', r.presentationHint]),
      [['0x000000003ffffff8', true, 'invalid'], ['0x000000003ffffffc', true, 'invalid'], ['0x0000000040000000', false, undefined], ['0x0000000040000004', false, undefined]]);
    const hole = await dc.customRequest('readMemory', { memoryReference: '0x3ffffff0', count: 16 }) as DebugProtocol.ReadMemoryResponse;
    assert.equal(hole.body!.unreadableBytes, 16);
    await assert.rejects(dc.customRequest('readMemory', { memoryReference: 'main', count: 4 }), /not an address/);
    await assert.rejects(dc.customRequest('writeMemory', { memoryReference: '0x3ffffffc', data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]).toString('base64') }), /not mapped/);

    // On to the instruction breakpoint at the fib(90) line (kprintf's breakpoint cleared).
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    stop = dc.waitForEvent('stopped');
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await stop) as DebugProtocol.StoppedEvent).body.reason, 'instruction breakpoint');
    const atFib = await topFrame(dc, 1);
    assert.equal(BigInt(atFib.instructionPointerReference!), fibPc);
    const before = await dc.customRequest('disassemble', { memoryReference: atFib.instructionPointerReference, instructionCount: 1 }) as DebugProtocol.DisassembleResponse;
    assert.equal(before.body!.instructions[0]!.instruction, 'mov w19, #0x5a');

    // Patch the (already translated) instruction: fib(10) instead of fib(90).
    const patch = Buffer.alloc(4);
    patch.writeUInt32LE(MOV_W19_10);
    const memoryEvent = dc.waitForEvent('memory');
    const invalidated = dc.waitForEvent('invalidated');
    const w = await dc.customRequest('writeMemory', { memoryReference: atFib.instructionPointerReference, data: patch.toString('base64') }) as DebugProtocol.WriteMemoryResponse;
    assert.equal(w.body?.bytesWritten, 4);
    const me = (await memoryEvent) as DebugProtocol.MemoryEvent;
    assert.deepEqual([me.body.memoryReference, me.body.offset, me.body.count], [atFib.instructionPointerReference, 0, 4]);
    await invalidated;
    const reread = await dc.customRequest('readMemory', { memoryReference: atFib.instructionPointerReference, count: 4 }) as DebugProtocol.ReadMemoryResponse;
    assert.equal(word(Buffer.from(reread.body!.data!, 'base64')), MOV_W19_10);
    const after = await dc.customRequest('disassemble', { memoryReference: atFib.instructionPointerReference, instructionCount: 1 }) as DebugProtocol.DisassembleResponse;
    assert.equal(after.body!.instructions[0]!.instruction, 'mov w19, #0xa');

    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [] });
    const patched = output('fib(90) = 55\r\n');
    const exited = dc.waitForEvent('exited');
    await dc.continueRequest({ threadId: 1 });
    await patched;
    await exited;
  } finally {
    await close();
  }
  assert.doesNotMatch(stderr(), /internal error/);
});
