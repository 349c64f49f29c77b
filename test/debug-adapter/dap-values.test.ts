// Variables, registers, evaluate, setVariable, conditions and logpoints end to end: the adapter over
// stdio on test/guests/values (built -O0 and -O2), stopped at its BREAK lines. Expected values are
// what the guest's own source initialises and prints (its output is checked too), so a wrong
// location, type or layout shows up as a mismatch with the guest itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startAdapter, topFrame } from './dap-client';
import { ROOT, guest } from '../helpers/project';

const SOURCE = join(ROOT, 'test', 'guests', 'values', 'main.c');

function line(marker: string): number {
  const n = readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes(`BREAK ${marker}`)) + 1;
  if (n === 0) throw new Error(`no BREAK ${marker} in ${SOURCE}`);
  return n;
}

async function launchAt(dc: DebugClient, program: string, breakpoints: DebugProtocol.SourceBreakpoint[]): Promise<DebugProtocol.SetBreakpointsResponse> {
  await dc.initializeRequest({ adapterID: 'persona', supportsMemoryReferences: true, linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  await Promise.all([dc.waitForEvent('initialized'), dc.launchRequest({ program } as DebugProtocol.LaunchRequestArguments)]);
  const bp = await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints });
  return bp;
}

async function run(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const stop = dc.waitForEvent('stopped');
  await dc.continueRequest({ threadId: 1 });
  return (await stop) as DebugProtocol.StoppedEvent;
}

/** values-O0 launched and stopped at main's breakpoint: its top frame. */
async function stoppedAtMain(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  await launchAt(dc, guest('values-O0'), [{ line: line('main') }]);
  const first = dc.waitForEvent('stopped');
  await dc.configurationDoneRequest();
  await first;
  return topFrame(dc, 1);
}

type Vars = Map<string, DebugProtocol.Variable>;

async function scope(dc: DebugClient, frameId: number, name: string): Promise<{ ref: number; vars: Vars }> {
  const scopes = await dc.scopesRequest({ frameId });
  const s = scopes.body.scopes.find((x) => x.name === name);
  if (!s) throw new Error(`no scope ${name} (have ${scopes.body.scopes.map((x) => x.name).join(', ')})`);
  return { ref: s.variablesReference, vars: await children(dc, s.variablesReference) };
}

async function children(dc: DebugClient, ref: number, extra: Partial<DebugProtocol.VariablesArguments> = {}): Promise<Vars> {
  assert.ok(ref > 0, 'expandable');
  const r = await dc.variablesRequest({ variablesReference: ref, ...extra });
  return new Map(r.body.variables.map((v) => [v.name, v]));
}

function get(vars: Vars, name: string): DebugProtocol.Variable {
  const v = vars.get(name);
  if (!v) throw new Error(`no variable ${name} (have ${[...vars.keys()].join(', ')})`);
  return v;
}

async function evaluate(dc: DebugClient, frameId: number, expression: string, context = 'watch'): Promise<DebugProtocol.EvaluateResponse['body']> {
  return (await dc.evaluateRequest({ expression, frameId, context })).body;
}

for (const [program, optimised] of [[guest('values-O0'), false], [guest('values'), true]] as const) {
  test(`${optimised ? '-O2' : '-O0'}: arguments, locals in nested blocks, globals and their types; evaluate`, async () => {
    const { dc, close } = await startAdapter();
    try {
      const init = await dc.initializeRequest();
      for (const cap of ['supportsSetVariable', 'supportsConditionalBreakpoints', 'supportsHitConditionalBreakpoints', 'supportsLogPoints'] as const) assert.equal(init.body?.[cap], true, cap);
      await dc.disconnectRequest({}).catch(() => undefined);
    } finally {
      await close();
    }
    const a = await startAdapter();
    try {
      const { dc } = a;
      await launchAt(dc, program, [{ line: line('main') }, { line: line('walk') }]);
      const first = dc.waitForEvent('stopped');
      await dc.configurationDoneRequest();
      assert.equal(((await first) as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
      const printedMain = a.output('main: local=106 c=5 mode=5 delta=-7');
      let frame = await topFrame(dc, 1);
      assert.equal(frame.name, 'main');

      // Locals of main, as the guest printed them.
      const locals = await scope(dc, frame.id, 'Locals');
      assert.equal(get(locals.vars, 'local').value, '106');
      assert.equal(get(locals.vars, 'c').value, 'GREEN', 'enums by name');
      assert.equal(get(locals.vars, 'c').type, 'color');

      // Globals of the unit: struct with bitfields, nested struct, pointer, array, char *, union.
      const globals = await scope(dc, frame.id, 'Globals');
      assert.equal(get(globals.vars, 'counter').value, '7');
      if (!optimised) assert.equal(get(globals.vars, 'file_static').value, '99'); // -O2 folds it into main
      const greeting = get(globals.vars, 'greeting');
      assert.match(greeting.value, /^0x[0-9a-f]+ "hello, values"$/, 'char * as its string');
      assert.ok(greeting.memoryReference, 'a pointer has a memoryReference');
      const firstNode = get(globals.vars, 'first');
      assert.equal(firstNode.type, 'node_t');
      const members = await children(dc, firstNode.variablesReference);
      assert.equal(get(members, 'id').value, '1');
      assert.match(get(members, 'name').value, /"first"$/);
      assert.equal(get(members, 'color').value, 'GREEN');
      const flags = await children(dc, get(members, 'f').variablesReference);
      assert.deepEqual(['mode', 'delta', 'on', 'rest'].map((n) => get(flags, n).value), ['5', '-7', '1', String(0xabcd)], 'bitfields, a signed one too');
      const where = await children(dc, get(members, 'where').variablesReference);
      assert.deepEqual([get(where, 'x').value, get(where, 'y').value], ['10', '-20']);
      const samples = get(members, 'samples');
      assert.equal(samples.indexedVariables, 4);
      assert.equal(samples.value, '[1, 2, 3, 4]');
      const next = get(members, 'next');
      const target = await children(dc, next.variablesReference);
      const pointee = [...target.values()][0]!;
      assert.equal(pointee.name, '*next');
      const second = await children(dc, pointee.variablesReference);
      assert.equal(get(second, 'color').value, 'BLUE');
      assert.match(get(second, 'name').value, /"second"$/);

      // A 300-element array pages: the client asks for a chunk.
      const big = get(globals.vars, 'big');
      assert.equal(big.indexedVariables, 300);
      const page = await children(dc, big.variablesReference, { filter: 'indexed', start: 250, count: 3 });
      assert.deepEqual([...page.entries()].map(([k, v]) => [k, v.value]), [['[250]', '62500'], ['[251]', '63001'], ['[252]', '63504']]);
      const table = await children(dc, get(globals.vars, 'table').variablesReference);
      assert.equal(get(table, '[2]').value, '[5, 6]', 'a row of a two-dimensional array');

      // Expressions in the frame.
      assert.equal((await evaluate(dc, frame.id, 'local * 2 + counter')).result, String(106 * 2 + 7));
      assert.equal((await evaluate(dc, frame.id, 'first.next->where.x')).result, '-3');
      assert.equal((await evaluate(dc, frame.id, 'first.samples[3] << 4')).result, String(4 << 4));
      assert.equal((await evaluate(dc, frame.id, 'table[1][0] + table[2][1]')).result, '9');
      assert.equal((await evaluate(dc, frame.id, 'c == GREEN && first.f.delta < 0')).result, '1');
      assert.match((await evaluate(dc, frame.id, '*first.next')).result, /^\{id: 2, name: 0x[0-9a-f]+ "second", where: \{…\}/);
      const addr = await evaluate(dc, frame.id, '&second');
      assert.equal(addr.result, (await evaluate(dc, frame.id, 'first.next')).result, '&second is first.next');
      assert.equal((await evaluate(dc, frame.id, `((struct node *)${addr.result})->id`)).result, '2', 'a cast to a struct pointer');
      assert.equal((await evaluate(dc, frame.id, 'word.b[0]')).result, '68', 'a union seen as bytes (0x44, little-endian)');
      assert.equal((await evaluate(dc, frame.id, '$persona')).result, '"values' + (optimised ? '"' : '-O0"'));
      assert.equal((await evaluate(dc, frame.id, '$pc == ' + frame.instructionPointerReference)).result, '1');
      assert.match((await evaluate(dc, frame.id, '$sctlr_el1')).result, /^\d+/);
      await assert.rejects(evaluate(dc, frame.id, 'nosuch + 1'), /no symbol 'nosuch'/);
      await assert.rejects(evaluate(dc, frame.id, 'first.nope'), /has no member 'nope'/);
      await assert.rejects(evaluate(dc, frame.id, '1 +'), /ends too early/);

      // walk(): arguments, the loop's block local, the inner block's local.
      await run(dc);
      await printedMain;
      const printedWalk = a.output('walk: id=1 weight=10 inner=-10 total=0 limit=5');
      frame = await topFrame(dc, 1);
      assert.equal(frame.name, 'walk');
      const args = await scope(dc, frame.id, 'Arguments');
      assert.match(get(args.vars, 'head').value, /^0x[0-9a-f]+$/);
      assert.equal(get(args.vars, 'limit').value, '5');
      const wl = await scope(dc, frame.id, 'Locals');
      assert.deepEqual(['total', 'weight', 'inner'].map((n) => get(wl.vars, n).value), ['0', '10', '-10']);
      assert.equal((await evaluate(dc, frame.id, 'n->id')).result, '1');
      assert.equal((await evaluate(dc, frame.id, 'head == &first')).result, '1', optimised ? 'an entry value from the caller\'s call site' : 'head in the frame');

      // The caller's frame still shows its own locals.
      const stack = await dc.stackTraceRequest({ threadId: 1 });
      const caller = stack.body.stackFrames[1]!;
      assert.equal(caller.name, 'main');
      if (!optimised) assert.equal(get((await scope(dc, caller.id, 'Locals')).vars, 'local').value, '106');
      await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [] });
      await dc.continueRequest({ threadId: 1 });
      await printedWalk;
    } finally {
      await a.close();
    }
  });
}

test('registers: PSTATE, FP/SIMD and system registers decoded from the register table', async () => {
  const { dc, close } = await startAdapter();
  try {
    const frame = await stoppedAtMain(dc);
    const regs = await scope(dc, frame.id, 'Registers');
    const pstate = get(regs.vars, 'pstate');
    const fields = await children(dc, pstate.variablesReference);
    const value = BigInt(pstate.value);
    const field = (prefix: string): string => [...fields.entries()].find(([k]) => k === prefix || k.startsWith(`${prefix} [`))?.[1].value ?? 'missing';
    assert.equal(field('N'), String((value >> 31n) & 1n));
    assert.equal(field('I'), String((value >> 7n) & 1n));
    assert.equal(field('M[3:0]'), '5 (0x5)', 'EL1h');
    assert.deepEqual([get(fields, 'EL').value, get(fields, 'SPSel').value], ['EL1', 'SP_EL1']);
    const simd = await scope(dc, frame.id, 'FP/SIMD');
    assert.match(get(simd.vars, 'v0').value, /^0x[0-9a-f]{32}$/);
    assert.ok(get(simd.vars, 'FPCR'));
    const system = await scope(dc, frame.id, 'System registers');
    const memory = await children(dc, get(system.vars, 'Memory').variablesReference);
    const sctlr = get(memory, 'SCTLR_EL1');
    const sctlrFields = await children(dc, sctlr.variablesReference);
    assert.equal(get(sctlrFields, 'M [0]').value, String(BigInt(sctlr.value) & 1n), 'MMU enable from the table');
    assert.match(get(sctlrFields, 'M [0]').type ?? '', /MMU/);
    const exception = await children(dc, get(system.vars, 'Exception').variablesReference);
    assert.match(get(exception, 'ESR_EL1').value, /^0x[0-9a-f]{16} \(EC 0x[0-9a-f]+: /, 'ESR_EL1 names its exception class');

    // setVariable on a register, then read it back through an expression.
    const set = await dc.setVariableRequest({ variablesReference: regs.ref, name: 'x9', value: '0x1234 + 1' });
    assert.equal(set.body.value, '0x0000000000001235');
    assert.equal((await evaluate(dc, frame.id, '$x9')).result, String(0x1235));
  } finally {
    await close();
  }
});

test('setVariable writes variables, members, bitfields and elements; the guest sees the new values', async () => {
  const { dc, close, output } = await startAdapter();
  try {
    const frame = await stoppedAtMain(dc);
    const locals = await scope(dc, frame.id, 'Locals');
    const set = await dc.setVariableRequest({ variablesReference: locals.ref, name: 'local', value: '1000 + 1' });
    assert.equal(set.body.value, '1001');
    const globals = await scope(dc, frame.id, 'Globals');
    const members = await children(dc, get(globals.vars, 'first').variablesReference);
    const flagsRef = get(members, 'f').variablesReference;
    assert.equal((await dc.setVariableRequest({ variablesReference: flagsRef, name: 'delta', value: '-3' })).body.value, '-3');
    const flags = await children(dc, flagsRef);
    assert.deepEqual(['mode', 'delta', 'on'].map((n) => get(flags, n).value), ['5', '-3', '1'], 'the neighbouring bitfields are untouched');
    const samplesRef = get(members, 'samples').variablesReference;
    assert.equal((await dc.setVariableRequest({ variablesReference: samplesRef, name: '[0]', value: '9' })).body.value, '9');
    await assert.rejects(dc.setVariableRequest({ variablesReference: globals.ref, name: 'first', value: '1' }), /cannot be changed|as a whole/);
    await assert.rejects(dc.setVariableRequest({ variablesReference: locals.ref, name: 'local', value: 'oops(' }), /unexpected|ends too early/);
    assert.equal((await evaluate(dc, frame.id, 'local')).result, '1001');
    assert.equal((await evaluate(dc, frame.id, 'first.samples[0] + first.f.delta')).result, '6');
    // The guest goes on with what was written: walk prints the first node's id.
    assert.equal((await dc.setVariableRequest({ variablesReference: get(globals.vars, 'first').variablesReference, name: 'id', value: '42' })).body.value, '42');
    await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [] });
    const done = output('walk: id=42 weight=420');
    await dc.continueRequest({ threadId: 1 });
    await done;
  } finally {
    await close();
  }
});

test('conditions, hit conditions and logpoints decide at the hit; console commands', async () => {
  const { dc, close, output } = await startAdapter();
  try {
    const consoleText: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'console') consoleText.push(e.body.output); });
    const loop = line('loop');
    const bp = await launchAt(dc, guest('values-O0'), [
      { line: loop, condition: 'i == 3 && counter > 20' },
      { line: line('walk'), logMessage: 'walk sees id={n->id} name={n->name} total={total}' },
    ]);
    assert.deepEqual(bp.body.breakpoints.map((b) => b.verified), [true, true]);
    const first = dc.waitForEvent('stopped');
    await dc.configurationDoneRequest();
    assert.equal(((await first) as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
    let frame = await topFrame(dc, 1);
    assert.equal((await evaluate(dc, frame.id, 'i')).result, '3', 'the first hit where the condition holds');
    assert.equal((await evaluate(dc, frame.id, 'counter')).result, String(21 + 0 + 1 + 2 + 3), 'the loop ran invisibly until then');
    assert.ok(consoleText.some((t) => /^walk sees id=1 name=0x[0-9a-f]+ "first" total=0\n$/.test(t)), consoleText.join(''));
    assert.ok(consoleText.some((t) => /^walk sees id=2 name=0x[0-9a-f]+ "second" total=21\n$/.test(t)), 'a logpoint does not stop');

    // An invalid condition stops and says why, once.
    await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: loop, condition: 'i ==' }] });
    await run(dc);
    frame = await topFrame(dc, 1);
    assert.equal((await evaluate(dc, frame.id, 'i')).result, '4');
    assert.equal(consoleText.filter((t) => t.includes("condition 'i =='")).length, 1, consoleText.join(''));

    // Hit condition: every second hit, counted from the new setting (i=5 is the first).
    await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: loop, hitCondition: '% 2' }] });
    await run(dc);
    frame = await topFrame(dc, 1);
    assert.equal((await evaluate(dc, frame.id, 'i')).result, '6');

    // Console commands.
    const help = await evaluate(dc, frame.id, '.help', 'repl');
    for (const cmd of ['.personas', '.traps', '.x/']) assert.ok(help.result.includes(cmd), cmd);
    assert.match((await evaluate(dc, frame.id, '.personas', 'repl')).result, /^values-O0: stopped · vCPU0 on/);
    assert.match((await evaluate(dc, frame.id, '.traps 1', 'repl')).result, /^traps in values-O0: [\d,]+\n\s+mmio\s+[\d,]+\s+100.0%\n  .*mmio/);
    const dump = (await evaluate(dc, frame.id, '.x/4dw table', 'repl')).result;
    assert.match(dump, /^0x[0-9a-f]{16}: 1 2 3 4$/, 'table as words');
    assert.match((await evaluate(dc, frame.id, '.x/5cb greeting', 'repl')).result.replace(/^0x[0-9a-f]+: /, ''), /^h e l l o$/);
    await assert.rejects(evaluate(dc, frame.id, '.nope', 'repl'), /unknown command '\.nope' \(\.help/);

    await dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [] });
    const end = output('values: end counter=66 sink=66');
    await dc.continueRequest({ threadId: 1 });
    await end;
  } finally {
    await close();
  }
});
