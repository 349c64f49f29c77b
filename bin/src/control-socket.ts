// A running `persona run` listens on a Unix socket so that other commands can reach it
// (`persona snapshot`). One JSON request per connection, one JSON answer.
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SnapshotRequest {
  cmd: 'snapshot';
  /** Persona name (device runs); absent: the only persona. */
  persona?: string;
  file: string;
}

export type ControlAnswer = { ok: true; bytes: number; persona: string } | { ok: false; error: string };

const PREFIX = 'persona-';

export function socketPath(pid: number): string {
  return join(tmpdir(), `${PREFIX}${pid}.sock`);
}

export function serveControl(handle: (r: SnapshotRequest) => Promise<ControlAnswer>): Server {
  const path = socketPath(process.pid);
  if (existsSync(path)) unlinkSync(path);
  const server = createServer((conn) => {
    let text = '';
    conn.on('data', (d) => {
      text += d.toString();
      if (!text.includes('\n')) return;
      let req: SnapshotRequest;
      try {
        req = JSON.parse(text) as SnapshotRequest;
      } catch {
        conn.end(`${JSON.stringify({ ok: false, error: 'malformed request' })}\n`);
        return;
      }
      handle(req).then((a) => conn.end(`${JSON.stringify(a)}\n`), (e: unknown) => conn.end(`${JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e) })}\n`));
    });
    conn.on('error', () => undefined);
  });
  server.on('error', () => undefined);
  server.listen(path);
  server.unref();
  const cleanup = () => { try { unlinkSync(path); } catch { /* gone already */ } };
  server.on('close', cleanup);
  process.once('exit', cleanup);
  return server;
}

/** Pids of `persona run` processes that listen here and are alive. */
export function runningPersonas(): number[] {
  return readdirSync(tmpdir())
    .map((f) => /^persona-(\d+)\.sock$/.exec(f)?.[1])
    .filter((p): p is string => p !== undefined)
    .map(Number)
    .filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
}

export function ask(pid: number, req: SnapshotRequest, timeoutMs = 30_000): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(socketPath(pid));
    let text = '';
    const timer = setTimeout(() => { conn.destroy(); reject(new Error(`persona run (pid ${pid}) did not answer within ${timeoutMs / 1000} s`)); }, timeoutMs);
    conn.on('connect', () => conn.write(`${JSON.stringify(req)}\n`));
    conn.on('data', (d) => { text += d.toString(); });
    conn.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text) as ControlAnswer);
      } catch {
        reject(new Error(`persona run (pid ${pid}) gave no answer`));
      }
    });
    conn.on('error', (e) => { clearTimeout(timer); reject(new Error(`cannot reach persona run (pid ${pid}): ${e.message}`)); });
  });
}
