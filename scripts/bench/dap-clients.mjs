// Two debugger clients for the debugger measures of scripts/bench.mjs, both driven the way an IDE
// drives them: a DAP client on `persona dap` (Content-Length framed JSON over stdio) and a GDB/MI
// client on gdb-multiarch attached to QEMU's gdbstub. Each exposes the few verbs the bench times.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (for QEMU's gdbstub). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

/** `persona dap` over stdio. request() resolves with the response body; waitEvent() with the next event of a kind. */
export class DapClient {
  constructor(persona, cwd) {
    this.proc = spawn(process.execPath, [persona, 'dap'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.seq = 1;
    this.pending = new Map();
    this.waiters = [];
    this.events = [];
    this.stderr = '';
    this.buf = Buffer.alloc(0);
    this.proc.stdout.on('data', (d) => this.onData(d));
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.proc.once('exit', resolve));
  }

  onData(d) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, end).toString())[1]);
      if (this.buf.length < end + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(end + 4, end + 4 + len).toString());
      this.buf = this.buf.subarray(end + 4 + len);
      if (msg.type === 'response') {
        const p = this.pending.get(msg.request_seq);
        this.pending.delete(msg.request_seq);
        if (msg.success) p?.resolve(msg.body ?? {});
        else p?.reject(new Error(`${msg.command}: ${msg.message ?? 'failed'}`));
      } else if (msg.type === 'event') {
        const i = this.waiters.findIndex((w) => w.event === msg.event);
        if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg.body ?? {});
        else this.events.push(msg);
      }
    }
  }

  request(command, args = {}, ms = 60_000) {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return withTimeout(new Promise((resolve, reject) => this.pending.set(seq, { resolve, reject })), ms, `persona dap ${command}`);
  }

  /** The next `event` (one already received and not yet taken counts). */
  waitEvent(event, ms = 60_000) {
    const i = this.events.findIndex((e) => e.event === event);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0].body ?? {});
    return withTimeout(new Promise((resolve) => this.waiters.push({ event, resolve })), ms, `persona dap: event ${event}`);
  }

  /** Sends `command` and resolves once the adapter reports the stop it causes. */
  async untilStopped(command, args) {
    const stopped = this.waitEvent('stopped');
    await this.request(command, args);
    return stopped;
  }

  async close() {
    this.proc.stdin.end();
    this.proc.kill('SIGKILL');
    await this.exited;
  }
}

/** qemu-system-aarch64 halted at reset with a gdbstub, and gdb-multiarch on it in MI mode. */
export class GdbQemu {
  static async start({ qemu, qemuArgs, gdb, elf, cwd }) {
    const port = await freePort();
    const g = new GdbQemu();
    g.qemu = spawn(qemu, [...qemuArgs, elf, '-S', '-gdb', `tcp:127.0.0.1:${port}`], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    g.gdb = spawn(gdb, ['-nx', '-q', '--interpreter=mi2', elf], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    g.token = 1;
    g.out = '';
    g.pending = new Map();
    g.stopWaiters = [];
    g.gdb.stdout.on('data', (d) => g.onData(d));
    g.exited = Promise.all([new Promise((r) => g.qemu.once('exit', r)), new Promise((r) => g.gdb.once('exit', r))]);
    await g.cmd('-gdb-set confirm off');
    await g.cmd('-gdb-set pagination off');
    // QEMU may take a moment to open its port: retry the connection briefly.
    for (let i = 0; ; i++) {
      try {
        await g.cmd(`-target-select remote 127.0.0.1:${port}`);
        break;
      } catch (e) {
        if (i >= 50) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    return g;
  }

  onData(d) {
    this.out += d;
    let nl;
    while ((nl = this.out.indexOf('\n')) >= 0) {
      const line = this.out.slice(0, nl).trimEnd();
      this.out = this.out.slice(nl + 1);
      const m = /^(\d+)\^(done|running|connected|error|exit)(.*)$/.exec(line);
      if (m) {
        const p = this.pending.get(Number(m[1]));
        this.pending.delete(Number(m[1]));
        if (m[2] === 'error') p?.reject(new Error(`gdb: ${m[3]}`));
        else p?.resolve(m[3]);
      } else if (line.startsWith('*stopped')) {
        this.stopWaiters.shift()?.(line);
      }
    }
  }

  cmd(text, ms = 60_000) {
    const t = this.token++;
    this.gdb.stdin.write(`${t}${text}\n`);
    return withTimeout(new Promise((resolve, reject) => this.pending.set(t, { resolve, reject })), ms, `gdb ${text}`);
  }

  /** Sends an execution command and resolves with gdb's `*stopped` record. */
  async untilStopped(text) {
    const stopped = withTimeout(new Promise((resolve) => this.stopWaiters.push(resolve)), 60_000, `gdb ${text}: *stopped`);
    await this.cmd(text);
    return stopped;
  }

  async close() {
    this.gdb.kill('SIGKILL');
    this.qemu.kill('SIGKILL');
    await this.exited;
  }
}
