// Document and workspace symbols over LSP: the outline of an assembly file and a linker script,
// the workspace index built at initialize, and its updates on didOpen/didChange/didChangeWatchedFiles.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DocumentSymbol, SymbolInformation } from 'vscode-languageserver-protocol';
import { copyFixture, LspClient, uriOf } from './lsp-client';

let client: LspClient;
let fixture: ReturnType<typeof copyFixture>;
before(async () => {
  fixture = copyFixture();
  client = await LspClient.start(fixture.dir);
});
after(async () => {
  await client.stop();
  fixture.dispose();
});

const names = (list: readonly { name: string }[]): string[] => list.map((s) => s.name);

test('document symbols: sections hold their labels; .global is marked', async () => {
  await client.open('boot.S');
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: client.uri('boot.S') } });
  const section = symbols.find((s) => s.name === '.text.boot');
  assert.ok(section, `sections in ${names(symbols)}`);
  assert.deepEqual(names(section.children ?? []), ['_start', 'clear_bss', 'secondary_park']);
  assert.equal(section.children![0]!.detail, 'global label');
  assert.ok(names(symbols).includes('PSCI_SYSTEM_OFF') === false, 'the #define is in psci.h, not here');
});

test('document symbols: macros, constants and .global declarations without a definition', async () => {
  const macros = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: client.uri('macros.S') } });
  assert.deepEqual(names(macros), ['ventry', 'save_regs']);
  const hyper = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: client.uri('hypercalls.S') } });
  assert.ok(names(hyper).includes('SMCCC_VERSION_FN'));
  const vectors = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: client.uri('vectors.S') } });
  const sec = vectors.find((s) => s.name === '.vectors');
  assert.deepEqual(names(sec?.children ?? []), ['vectors', 'sync_handler', 'irq_handler']);
});

test('document symbols of a linker script: output sections and defined symbols', async () => {
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: client.uri('kernel.ld') } });
  assert.deepEqual(names(symbols), ['.text', '.rodata', '.data', '.bss', '__bss_start', '__bss_end', '__stack_top']);
});

test('workspace symbols: the index covers files never opened', async () => {
  const found = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'bss' });
  const where = found.map((s) => `${s.name}@${s.location.uri.split('/').pop()}`).sort();
  assert.deepEqual(where, ['__bss_end@kernel.ld', '__bss_start@kernel.ld', 'clear_bss@boot.S']);
  const handlers = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'handler' });
  assert.deepEqual(names(handlers).sort(), ['irq_handler', 'sync_handler']);
});

test('workspace symbols follow didChange of an open document', async () => {
  await client.open('hypercalls.S');
  const text = 'renamed_entry:\n\tret\n';
  await client.change('hypercalls.S', text);
  const renamed = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'renamed_entry' });
  assert.equal(renamed.length, 1);
  const gone = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'smccc_version' });
  assert.equal(gone.length, 0);
});

test('workspace symbols follow didChangeWatchedFiles for files on disk', async () => {
  const path = join(fixture.dir, 'late.S');
  writeFileSync(path, 'late_label:\n\tnop\n');
  await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path), type: 1 }] });
  const found = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'late_label' });
  assert.equal(found.length, 1);
  await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path), type: 3 }] });
  const gone = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'late_label' });
  assert.equal(gone.length, 0);
});
