// The trap tree provider and the persona consoles, on a session state fed DAP messages, through the
// fake VS Code API: what the tree shows and what clicking does, which terminal gets which text, and
// where typed input goes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PersonaConsoles } from '../../extension/src/consoles/persona-consoles';
import type { SessionRegistry } from '../../extension/src/debug/session-registry';
import { SessionState } from '../../extension/src/debug/session-state';
import { TrapTreeProvider } from '../../extension/src/views/trap-view';
import { EventEmitter, fake, type TreeItem } from '../helpers/fake-vscode';

/** A registry with one current session whose customRequest calls are recorded. */
function registry(state: SessionState) {
  const changed = new EventEmitter<SessionState | undefined>();
  const requests: { command: string; args: unknown }[] = [];
  const session = { id: state.sessionId, name: 'phone', customRequest: async (command: string, args: unknown) => { requests.push({ command, args }); return {}; } };
  const r = { current: state, currentSession: session, onDidChangeCurrent: changed.event } as unknown as SessionRegistry;
  return { r, requests, changed };
}

const traps = (entries: object[], counts: object) => ({ type: 'event', event: 'personaTraps', body: { entries, dropped: 0, counts } });

test('the trap tree: personas with totals and state, classes with counts, entries that reveal on click', () => {
  fake.reset();
  const s = new SessionState('s1', undefined);
  const { r } = registry(s);
  const view = new TrapTreeProvider(r);
  s.fromAdapter({ type: 'event', event: 'personaState', body: { personas: [{ name: 'work', state: 'paused', vcpus: 1 }] } });
  s.fromAdapter(traps([{ persona: 'work', vcpu: 0, time: 2_000_000, pc: '0x40080010', symbol: 'phone_init+0x10', class: 'hypercall', summary: 'PERSONA_WHOAMI → 1', source: { path: '/p/work/main.c', line: 23 } }], { work: { hypercall: 2, svc: 5 } }));
  const [work] = view.getChildren();
  const p = view.getTreeItem(work!) as TreeItem;
  assert.equal(p.label, 'work');
  assert.equal(p.description, '7 traps · paused');
  const classes = view.getChildren(work).map((n) => view.getTreeItem(n) as TreeItem);
  assert.deepEqual(classes.map((c) => `${c.label} ${c.description} ${c.contextValue}`), ['svc 5 trapClass', 'hypercall 2 trapClass']);
  const entry = view.getChildren(view.getChildren(work)[1])[0]!;
  const item = view.getTreeItem(entry) as TreeItem;
  assert.equal(item.label, '2.000 ms  phone_init+0x10');
  assert.equal(item.description, 'PERSONA_WHOAMI → 1');
  assert.equal(item.contextValue, 'trapEntry');
  assert.equal(item.command?.command, 'persona.traps.reveal');
  assert.deepEqual(item.command?.arguments, [entry]);
  assert.ok(fake.commands.some((c) => c.command === 'setContext' && c.args[0] === 'persona.hasTraps' && c.args[1] === true));
  view.dispose();
});

test('consoles: a terminal per persona, output kept until it opens, CRLF, input to personaConsoleInput', async () => {
  fake.reset();
  const s = new SessionState('s1', undefined);
  const { r, requests } = registry(s);
  const consoles = new PersonaConsoles(r);
  s.fromAdapter({ type: 'event', event: 'output', body: { category: 'stdout', output: 'work: kernel up\n', data: { persona: 'work' } } });
  s.fromAdapter({ type: 'event', event: 'output', body: { category: 'stdout', output: 'personal: hi\n', data: { persona: 'personal' } } });
  s.fromAdapter({ type: 'event', event: 'output', body: { category: 'console', output: 'adapter says\n' } });
  assert.deepEqual(fake.terminals.map((t) => t.name), ['work console', 'personal console']);
  const [work, personal] = fake.terminals;
  assert.equal(work!.shown, true, 'the first console is shown, keeping the focus where it was');
  assert.equal(personal!.shown, undefined);
  assert.equal(work!.written, '', 'nothing is written before VS Code opens the pseudoterminal');
  work!.pty.open(undefined);
  s.fromAdapter({ type: 'event', event: 'output', body: { category: 'stdout', output: 'more\n', data: { persona: 'work' } } });
  assert.equal(work!.written, 'work: kernel up\r\nmore\r\n');
  work!.pty.handleInput?.('ls\r');
  await new Promise((res) => setImmediate(res));
  assert.deepEqual(requests, [{ command: 'personaConsoleInput', args: { persona: 'work', text: 'ls\n' } }]);
  assert.deepEqual(consoles.names(), ['personal', 'work']);
  assert.equal(consoles.show('work'), true);
  assert.equal(work!.shown, false, 'Show Persona Console takes the focus');
  assert.equal(consoles.show('bank'), false);
  consoles.dispose();
  assert.ok(fake.terminals.every((t) => t.disposed));
});
