// Process helpers for scripts/bench.mjs: run one command, time it from spawn to exit, keep the head
// and tail of its stdout (a UART flood can be megabytes) and count every byte, kill it at a deadline.
import { spawn, spawnSync } from 'node:child_process';

const HEAD = 64 * 1024;
const TAIL = 8 * 1024;

/**
 * Runs cmd with args; resolves { ms, code, signal, timedOut, bytes, text, stderr, error, markMs }.
 * `text` is stdout (head + tail if it was longer than HEAD + TAIL) with CRs removed. With `stopAt`
 * (a RegExp), `markMs` is the time from spawn to the first stdout that matches it, and the process
 * is killed there.
 */
export function timedRun(cmd, args, { cwd, timeoutMs, stopAt }) {
  return new Promise((resolve) => {
    let head = Buffer.alloc(0);
    let tail = Buffer.alloc(0);
    let bytes = 0;
    let stderr = '';
    let timedOut = false;
    let error = null;
    let markMs = null;
    let recent = ''; // the last stretch of stdout, for stopAt matches across chunk boundaries
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, timeoutMs);
    p.stdout.on('data', (d) => {
      bytes += d.length;
      if (stopAt && markMs === null) {
        recent = (recent + d.toString('latin1')).slice(-4096);
        if (stopAt.test(recent)) {
          markMs = Number(process.hrtime.bigint() - t0) / 1e6;
          p.kill('SIGKILL');
        }
      }
      if (head.length < HEAD) {
        const take = Math.min(HEAD - head.length, d.length);
        head = Buffer.concat([head, d.subarray(0, take)]);
        d = d.subarray(take);
      }
      if (d.length) tail = Buffer.concat([tail, d]).subarray(-TAIL);
    });
    p.stderr.on('data', (d) => {
      if (stderr.length < 16384) stderr += d;
    });
    p.on('error', (e) => (error = e));
    p.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      const sep = bytes > head.length + tail.length ? '\n[...]\n' : '';
      const text = (head.toString('latin1') + sep + tail.toString('latin1')).replace(/\r/g, '');
      resolve({ ms, code, signal, timedOut, bytes, text, stderr, error, markMs });
    });
  });
}

/** The first line of `cmd --version`, or null when the command can't be run. */
export function versionOf(cmd) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', timeout: 10000 });
  if (r.error || r.status !== 0) return null;
  return r.stdout.split('\n')[0].trim();
}

/** Why a finished run is not usable, or null when it is. */
export function runProblem(r, what) {
  if (r.error) return `${what}: could not start (${r.error.message})`;
  if (r.timedOut) return `${what}: killed after the time limit`;
  if (r.markMs != null) return null; // killed on purpose when the line it waited for appeared
  if (r.code !== 0) {
    const err = r.stderr.trim().split('\n').slice(-3).join(' | ');
    return `${what}: exit ${r.code ?? r.signal}${err ? ` (${err})` : ''}`;
  }
  return null;
}
