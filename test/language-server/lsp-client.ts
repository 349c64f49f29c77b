// A minimal LSP client for the tests: spawns `node bin/persona lsp --stdio`, speaks JSON-RPC over
// its stdio through vscode-languageserver-protocol, and collects diagnostics and log messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  type Diagnostic, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { PERSONA, ROOT } from '../helpers/project';

export const FIXTURES = join(ROOT, 'test', 'language-server', 'fixtures');
export const WORKSPACE = join(FIXTURES, 'workspace');

export const uriOf = (path: string): string => pathToFileURL(path).href;

/** A throw-away copy of a fixture folder, for tests that change files on disk. */
export function copyFixture(name = 'workspace'): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'persona-lsp-'));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface StartOptions {
  /** Client capabilities to announce (default: none). */
  capabilities?: object;
}

export class LspClient {
  readonly logs: string[] = [];
  stderr = '';
  private readonly latest = new Map<string, Diagnostic[]>();
  private readonly waiters = new Map<string, ((d: Diagnostic[]) => void)[]>();
  private versions = new Map<string, number>();

  private constructor(readonly proc: ChildProcess, readonly connection: ProtocolConnection, readonly root: string) {
    proc.stderr!.on('data', (b: Buffer) => { this.stderr += b.toString(); });
    connection.onNotification('window/logMessage', (p: { message: string }) => { this.logs.push(p.message); });
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p.diagnostics);
      const list = this.waiters.get(p.uri) ?? [];
      this.waiters.delete(p.uri);
      for (const w of list) w(p.diagnostics);
    });
    connection.onRequest('client/registerCapability', () => null);
  }

  /** Starts the server and completes the initialize handshake with `root` as the workspace folder. */
  static async start(root: string = WORKSPACE, o: StartOptions = {}): Promise<LspClient> {
    const proc = spawn(process.execPath, [PERSONA, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, connection, root);
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: 'fixture' }],
      capabilities: o.capabilities ?? {},
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  uri(rel: string): string {
    return uriOf(join(this.root, rel));
  }

  request<R>(method: string, params: object): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: object): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** The next diagnostics published for a document. */
  nextDiagnostics(uri: string): Promise<Diagnostic[]> {
    return new Promise((resolve) => {
      const list = this.waiters.get(uri) ?? [];
      list.push(resolve);
      this.waiters.set(uri, list);
    });
  }

  /** Opens a workspace file (its text from disk, or `text`) and returns its diagnostics. */
  async open(rel: string, o: { languageId?: string; text?: string } = {}): Promise<Diagnostic[]> {
    const uri = this.uri(rel);
    const diagnostics = this.nextDiagnostics(uri);
    this.versions.set(uri, 1);
    await this.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: o.languageId ?? 'aarch64', version: 1, text: o.text ?? readFileSync(join(this.root, rel), 'utf8') },
    });
    return /\.(S|s)$/.test(rel) ? diagnostics : [];
  }

  /** Replaces the whole text of an open document and returns its new diagnostics. */
  async change(rel: string, text: string): Promise<Diagnostic[]> {
    const uri = this.uri(rel);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const diagnostics = this.nextDiagnostics(uri);
    await this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return diagnostics;
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.proc.once('exit', (code) => resolve(code)));
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.proc.kill();
    }
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

/** Position of the `nth` occurrence of `needle` in a fixture file (plus `offset` characters). */
export function positionOf(root: string, rel: string, needle: string, o: { nth?: number; offset?: number } = {}): { line: number; character: number } {
  const lines = readFileSync(join(root, rel), 'utf8').split('\n');
  let seen = 0;
  for (let line = 0; line < lines.length; line++) {
    let from = 0;
    for (;;) {
      const at = lines[line]!.indexOf(needle, from);
      if (at < 0) break;
      if (seen++ === (o.nth ?? 0)) return { line, character: at + (o.offset ?? 0) };
      from = at + 1;
    }
  }
  throw new Error(`"${needle}" not found in ${rel}`);
}
