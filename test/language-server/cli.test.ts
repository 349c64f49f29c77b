// `persona lsp`: help, usage errors, and a stdout that carries nothing but LSP frames.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { PERSONA, runPersona } from '../helpers/project';
import { LspClient, uriOf, WORKSPACE } from './lsp-client';

test('persona lsp --help', () => {
  const r = runPersona(['lsp', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /usage: persona lsp --stdio/);
  assert.match(runPersona(['--help']).stdout, /lsp +the assembly language server/);
});

test('persona lsp without --stdio is a usage error', () => {
  const r = runPersona(['lsp']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /only the stdio transport is supported\n {2}fix: run `persona lsp --stdio`/);
  assert.equal(r.stdout, '');
});

test('stdout holds only Content-Length framed JSON-RPC', async () => {
  const proc = spawn(process.execPath, [PERSONA, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const frame = (msg: object): string => {
    const body = JSON.stringify({ jsonrpc: '2.0', ...msg });
    return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  let out = '';
  proc.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  // As a client does: wait for each response before the next request, and for shutdown's before exit.
  const answered = (id: number): Promise<void> => new Promise((resolve) => {
    const check = (): void => { if (out.includes(`"id":${id},`) || out.includes(`"id":${id}}`)) resolve(); else setTimeout(check, 5); };
    check();
  });
  proc.stdin.write(frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: uriOf(WORKSPACE), capabilities: {} } }));
  await answered(1);
  proc.stdin.write(frame({ method: 'initialized', params: {} }));
  proc.stdin.write(frame({ id: 2, method: 'workspace/symbol', params: { query: '_start' } }));
  await answered(2);
  proc.stdin.write(frame({ id: 3, method: 'shutdown' }));
  await answered(3);
  proc.stdin.write(frame({ method: 'exit' }));
  assert.equal(await exited, 0);
  // Split the stream into frames: every byte must belong to one.
  const messages: { id?: number }[] = [];
  let rest = out;
  while (rest.length > 0) {
    const m = /^Content-Length: (\d+)\r\n\r\n/.exec(rest);
    assert.ok(m, `unframed output: ${JSON.stringify(rest.slice(0, 80))}`);
    const body = Buffer.from(rest.slice(m[0].length)).subarray(0, Number(m[1])).toString();
    messages.push(JSON.parse(body) as { id?: number });
    rest = rest.slice(m[0].length + body.length);
  }
  assert.deepEqual(messages.filter((x) => x.id !== undefined).map((x) => x.id), [1, 2, 3]);
});

test('the server logs its indexing time, and exits 0 after shutdown/exit', async () => {
  const client = await LspClient.start(WORKSPACE);
  await client.request('workspace/symbol', { query: '' });
  assert.ok(client.logs.some((l) => /persona lsp: indexed \d+ files \(\d+ found\) in \d+ ms/.test(l)), client.logs.join('\n'));
  assert.equal(await client.stop(), 0);
});
