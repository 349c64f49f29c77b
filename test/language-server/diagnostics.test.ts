// Diagnostics over LSP: unknown mnemonic, undefined label, unknown system register, MSR to a
// read-only register, a section the linker script does not place; clean files stay clean.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { copyFixture, LspClient } from './lsp-client';

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

/** LSP 3.18 allows markdown messages; ours are plain strings. */
const message = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const summary = (d: Diagnostic): string => `${d.range.start.line + 1}:${d.range.start.character} ${d.code} ${d.severity}`;

test('every kind of diagnostic, at its position', async () => {
  const diags = await client.open('bad.S');
  assert.deepEqual(diags.map(summary), [
    '4:1 unknown-mnemonic 1',
    '5:3 undefined-label 2',
    '6:9 unknown-sysreg 1',
    '8:5 read-only-sysreg 1',
    '11:10 unplaced-section 2',
  ]);
  assert.match(message(diags[0]!), /unknown mnemonic "frobnicate"/);
  assert.match(message(diags[1]!), /"nowhere_label" is not defined/);
  assert.match(message(diags[2]!), /unknown system register "NOT_A_REG_EL1"/);
  assert.match(message(diags[3]!), /CNTVCT_EL0 is read-only/);
  assert.match(message(diags[4]!), /section "\.mystery" is not placed by kernel\.ld/);
  assert.ok(diags.every((d) => d.source === 'persona'));
});

test('clean files: macros, .extern, linker symbols, #defines, local labels, generic sysregs', async () => {
  for (const file of ['boot.S', 'vectors.S', 'hypercalls.S', 'macros.S']) assert.deepEqual((await client.open(file)).map(summary), [], file);
});

test('diagnostics follow edits', async () => {
  const fixed = await client.change('bad.S', 'fine:\n\tb\tfine\n');
  assert.deepEqual(fixed, []);
  const broken = await client.change('bad.S', '\tb\tnot_yet\n');
  assert.deepEqual(broken.map(summary), ['1:3 undefined-label 2']);
  // Defining the label in another open file clears it here.
  const cleared = client.nextDiagnostics(client.uri('bad.S'));
  await client.change('boot.S', 'not_yet:\n\tret\n');
  assert.deepEqual(await cleared, []);
});

test('ARM32 documents: the A64 mnemonic table does not apply', async () => {
  const diags = await client.open('arm32.S', { languageId: 'arm', text: '\tldmia\tr0!, {r1-r3}\n\tbx\tlr\n' });
  assert.deepEqual(diags, []);
});

test('without a linker script, sections are not checked', async () => {
  const bare = copyFixture();
  const other = await LspClient.start(bare.dir);
  try {
    const { rmSync } = await import('node:fs');
    rmSync(`${bare.dir}/kernel.ld`);
    await other.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: other.uri('kernel.ld'), type: 3 }] });
    const diags = await other.open('bad.S');
    assert.ok(!diags.some((d) => d.code === 'unplaced-section'));
  } finally {
    await other.stop();
    bare.dispose();
  }
});
