// Go to definition and find references over LSP: labels and macros across files, linker-script
// symbols, #defines from headers, and numeric local labels.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Location } from 'vscode-languageserver-protocol';
import { LspClient, positionOf, WORKSPACE } from './lsp-client';

let client: LspClient;
before(async () => { client = await LspClient.start(WORKSPACE); });
after(async () => { await client.stop(); });

const at = (loc: Location): string => `${loc.uri.split('/').pop()}:${loc.range.start.line + 1}:${loc.range.start.character}`;

async function definitionOf(file: string, needle: string, nth = 0): Promise<string[]> {
  const locs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: client.uri(file) }, position: positionOf(WORKSPACE, file, needle, { nth, offset: needle.length - 1 }) });
  return locs.map(at);
}

test('definition of a label in another file', async () => {
  assert.deepEqual(await definitionOf('boot.S', 'x0, vectors'), ['vectors.S:7:0']);
});

test('definition of a macro from its call', async () => {
  assert.deepEqual(await definitionOf('vectors.S', 'ventry', 0), ['macros.S:2:8']);
});

test('definition of a macro argument label and a branch target', async () => {
  assert.deepEqual(await definitionOf('vectors.S', 'sync_handler', 0), ['vectors.S:13:0']);
  assert.deepEqual(await definitionOf('boot.S', 'secondary_park', 0), ['boot.S:30:0']);
});

test('definition of symbols a linker script defines (assignment and PROVIDE)', async () => {
  assert.deepEqual(await definitionOf('boot.S', '__bss_start'), ['kernel.ld:15:2']);
  assert.deepEqual(await definitionOf('boot.S', '__stack_top'), ['kernel.ld:21:9']);
});

test('definition of a #define from a header', async () => {
  assert.deepEqual(await definitionOf('boot.S', 'PSCI_SYSTEM_OFF'), ['psci.h:5:8']);
});

test('definition of a C function called from assembly', async () => {
  assert.deepEqual(await definitionOf('vectors.S', 'handle_irq'), ['main.c:6:5']);
});

test('definition of a numeric local label (1f)', async () => {
  const locs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: client.uri('boot.S') }, position: positionOf(WORKSPACE, 'boot.S', '1f') });
  assert.deepEqual(locs.map(at), ['boot.S:21:0']);
});

test('references of a label, with and without its declaration', async () => {
  const pos = positionOf(WORKSPACE, 'boot.S', 'secondary_park', { offset: 2 });
  const withDecl = await client.request<Location[]>('textDocument/references', { textDocument: { uri: client.uri('boot.S') }, position: pos, context: { includeDeclaration: true } });
  assert.deepEqual(withDecl.map(at), ['boot.S:30:0', 'boot.S:11:10', 'boot.S:32:3']);
  const without = await client.request<Location[]>('textDocument/references', { textDocument: { uri: client.uri('boot.S') }, position: pos, context: { includeDeclaration: false } });
  assert.equal(without.length, 2);
});

test('references across assembly and linker script: _start and ENTRY(_start)', async () => {
  const pos = positionOf(WORKSPACE, 'boot.S', '_start:', { offset: 1 });
  const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri: client.uri('boot.S') }, position: pos, context: { includeDeclaration: false } });
  assert.deepEqual(refs.map(at).sort(), ['boot.S:7:9', 'kernel.ld:2:6']);
});

test('references of a macro: every call', async () => {
  const pos = positionOf(WORKSPACE, 'macros.S', 'ventry', { offset: 1 });
  const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri: client.uri('macros.S') }, position: pos, context: { includeDeclaration: false } });
  const files = refs.map((r) => r.uri.split('/').pop());
  assert.equal(files.filter((f) => f === 'vectors.S').length, 4);
});
