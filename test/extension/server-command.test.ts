// The server the extension starts: the bundled CLI exists after the build, its command line is
// exactly `persona lsp --stdio` (what the client spawns for an Executable over stdio), and that
// process answers `initialize` with the features the extension advertises, for the languages the
// client's document selector sends it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  type InitializeResult, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { documentSelector, WATCHED_FILES } from '../../extension/src/languages';
import { bundledCli, serverArgv, serverCommand } from '../../extension/src/server-command';
import { ROOT } from '../helpers/project';

const WORKSPACE = join(ROOT, 'test', 'language-server', 'fixtures', 'workspace');

test('the bundled CLI is dist/persona.js in the extension folder, and exists after the build', () => {
  const cmd = serverCommand(ROOT);
  assert.equal(cmd.module, join(ROOT, 'dist', 'persona.js'));
  assert.equal(bundledCli(ROOT), cmd.module);
  assert.ok(existsSync(cmd.module), `${cmd.module} is missing: run node scripts/build.mjs`);
});

test('the server process gets exactly `<cli> lsp --stdio`, run by the extension host binary as Node', () => {
  const cmd = serverCommand('/ext', '/opt/code/code');
  assert.equal(cmd.command, '/opt/code/code');
  assert.deepEqual(serverArgv(cmd), [join('/ext', 'dist', 'persona.js'), 'lsp', '--stdio']);
  assert.deepEqual(cmd.env, { ELECTRON_RUN_AS_NODE: '1' });
  assert.equal(serverCommand('/ext').command, process.execPath);
});

/** Spawns the server as the client would and completes the initialize handshake. */
interface Server {
  connection: ProtocolConnection;
  result: InitializeResult;
  stop: () => Promise<number | null>;
  kill: () => void;
}

async function startServer(): Promise<Server> {
  const cmd = serverCommand(ROOT);
  const proc = spawn(cmd.command, serverArgv(cmd), { env: { ...process.env, ...cmd.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  const uri = pathToFileURL(WORKSPACE).href;
  const result = await connection.sendRequest<InitializeResult>('initialize', {
    processId: process.pid, rootUri: uri, workspaceFolders: [{ uri, name: 'fixture' }], capabilities: {},
  }).catch((e: unknown) => { throw new Error(`initialize failed: ${String(e)}\n${stderr}`); });
  await connection.sendNotification('initialized', {});
  const stop = async (): Promise<number | null> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    }
    const code = await exited;
    connection.dispose();
    return code;
  };
  // After a failed assertion: the process must not outlive the test.
  const kill = (): void => { if (proc.exitCode === null && proc.signalCode === null) proc.kill(); connection.dispose(); };
  return { connection, result, stop, kill };
}

/** Runs `body` against a fresh server, which is shut down (exit code 0) or, if `body` throws, killed. */
async function withServer(body: (server: Server) => Promise<void>): Promise<void> {
  const server = await startServer();
  try {
    await body(server);
  } catch (e) {
    server.kill();
    throw e;
  }
  assert.equal(await server.stop(), 0);
}

test('spawned as the client does, the server answers initialize with hover, definition and completion', () => withServer(async (server) => {
  const caps = server.result.capabilities;
  assert.equal(caps.hoverProvider, true);
  assert.equal(caps.definitionProvider, true);
  assert.ok(caps.completionProvider, 'completionProvider');
  assert.equal(caps.referencesProvider, true);
  assert.equal(caps.documentSymbolProvider, true);
  assert.equal(server.result.serverInfo?.name, 'persona-lsp');
}));

test('every language in the document selector is served: a document of each gets answers', () => withServer(async (server) => {
  const texts: Record<string, string> = {
    'aarch64-asm': '_start:\n\tmrs\tx0, midr_el1\n\tb\t_start\n',
    'arm-asm': 'reset:\n\tmov\tr0, #0\n\tb\treset\n',
    'linker-script': 'SECTIONS\n{\n  .text : { *(.text) }\n  __end = .;\n}\n',
  };
  const names: Record<string, string> = { 'aarch64-asm': 'a.S', 'arm-asm': 'b.S', 'linker-script': 'c.ld' };
  for (const { scheme, language } of documentSelector()) {
    assert.equal(scheme, 'file');
    const text = texts[language];
    assert.ok(text !== undefined, `no sample for ${language}`);
    const uri = pathToFileURL(join(WORKSPACE, 'unsaved', names[language]!)).href;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: language, version: 1, text } });
    const symbols = await server.connection.sendRequest<{ name: string }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols.length > 0, `no symbols for ${language}`);
  }
}));

// The server must know package.json's id for ARM32 (arm-asm), or ARM32 files get A64 "unknown mnemonic" errors.
test('ARM32 documents (arm-asm) are not checked against the A64 mnemonic table', () => withServer(async (server) => {
  const uri = pathToFileURL(join(WORKSPACE, 'unsaved', 'arm32.S')).href;
  const published = new Promise<PublishDiagnosticsParams>((resolve) => {
    server.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => { if (p.uri === uri) resolve(p); });
  });
  await server.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'arm-asm', version: 1, text: '\tldmia\tr0!, {r1-r3}\n\tbx\tlr\n' },
  });
  const { diagnostics } = await published;
  const messages = diagnostics.map((d) => (typeof d.message === 'string' ? d.message : d.message.value));
  assert.deepEqual(messages.filter((m) => /mnemonic/i.test(m)), []);
}));

test('the watched-files glob covers the assembly and linker-script fixtures', () => {
  const exts = /\{(.+)\}$/.exec(WATCHED_FILES)![1]!.split(',');
  for (const name of ['boot.S', 'vectors.S', 'kernel.ld']) {
    assert.ok(exts.some((e) => name.endsWith(`.${e}`)), `${name} is not watched`);
    assert.ok(existsSync(join(WORKSPACE, name)));
  }
  assert.ok(readFileSync(join(WORKSPACE, 'kernel.ld'), 'utf8').length > 0);
});
