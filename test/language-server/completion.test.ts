// Completion over LSP: mnemonics and macros at the op position, directives after a dot, system
// registers in an MRS/MSR slot (from the emulator's table), registers and labels in other operands.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol';
import { LspClient, WORKSPACE } from './lsp-client';

let client: LspClient;
const FILE = 'scratch.S';
before(async () => {
  client = await LspClient.start(WORKSPACE);
  await client.open(FILE, { text: '' });
});
after(async () => { await client.stop(); });

/** Completes at the end of `line` (the document's only line). */
async function complete(line: string): Promise<CompletionItem[]> {
  await client.change(FILE, line);
  const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: client.uri(FILE) }, position: { line: 0, character: line.length } });
  return list.items;
}

const labels = (items: CompletionItem[]): Set<string> => new Set(items.map((i) => i.label));

test('op position: mnemonics with summaries, and workspace macros', async () => {
  const items = await complete('\tld');
  const ldr = items.find((i) => i.label === 'ldr');
  assert.match(ldr?.detail ?? '', /load a register/);
  assert.ok(labels(items).has('ldaxr') && labels(items).has('ventry') && labels(items).has('b.ne'));
  assert.deepEqual((ldr as { textEdit?: { range: { start: { character: number } } } }).textEdit?.range.start.character, 1);
});

test('after a label, still the op position', async () => {
  assert.ok(labels(await complete('entry:\tms')).has('msr'));
});

test('a leading dot: directives only, replacing the dot too', async () => {
  const items = await complete('\t.sec');
  assert.ok(labels(items).has('.section'));
  assert.ok(!labels(items).has('ldr'));
  const section = items.find((i) => i.label === '.section') as CompletionItem & { textEdit: { range: { start: { character: number } } } };
  assert.equal(section.textEdit.range.start.character, 1);
});

test('MRS source and MSR destination: system registers from the table', async () => {
  const mrs = await complete('\tmrs\tx0, ');
  const sctlr = mrs.find((i) => i.label === 'SCTLR_EL1');
  assert.match(sctlr?.detail ?? '', /System control for EL1&0.*\(read\/write\)/);
  assert.ok(labels(mrs).has('CNTVCT_EL0') && labels(mrs).has('ICC_SRE_EL1') && labels(mrs).has('HCR_EL2'));
  const msr = await complete('\tmsr\t');
  assert.ok(labels(msr).has('VBAR_EL1') && labels(msr).has('daifset'));
});

test('other operands: registers and workspace symbols', async () => {
  const items = await complete('\tb\t');
  const set = labels(items);
  assert.ok(set.has('clear_bss') && set.has('__bss_start') && set.has('PSCI_SYSTEM_OFF'));
  assert.ok(set.has('x0') && set.has('w30') && set.has('sp'));
  assert.ok(!set.has('SCTLR_EL1'));
});
