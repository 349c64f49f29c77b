// The debugger measures of scripts/bench.mjs (issue 5, Performance): `persona dap` against
// gdb-multiarch on QEMU's gdbstub, side by side in the same run, each driven as an IDE drives it
// (scripts/bench/dap-clients.mjs). Guest: bench.elf (-O2 -g), stopped in matmul's inner loop.
//
//   step     stepIn (instruction) and next (line) round trips, request to stop: medians of
//            STEPS x runs samples; goals <= 0.3 ms and <= 1 ms.
//   launch   process start to the first stop at `main` (a breakpoint on main's line; gdb: break main).
//   compute  bench.elf to its end under the adapter with 20 unhit source breakpoints and trap events
//            on, against `persona run bench.elf`, wall: goal <= 1.05x.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DapClient, GdbQemu } from './dap-clients.mjs';
import { runProblem, timedRun } from './proc.mjs';
import { cell, fmt, summary } from './stats.mjs';

export const DAP_KEYS = ['dap'];
export const DAP_HEADERS = ['measure', 'persona dap median [min–max]', 'gdb-multiarch + QEMU', 'ratio', 'goal', 'met?'];
const STEPS = 200;
const NEXTS = 100;
const SOURCE = 'test/guests/bench/main.c';
const INNER_LOOP = 'acc += ma[i][k] * mb[k][j];';

const lineOf = (root, file, text) => readFileSync(join(root, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

/**
 * Source lines no bench run reaches: the self-check failure reports, the default exception handler
 * and semihosting exit (bench.elf ends with PSCI), and the GIC helpers (bench.elf takes no interrupts).
 */
function unhitLines(root) {
  const pick = (file, re, from = 1) =>
    readFileSync(join(root, file), 'utf8').split('\n').flatMap((l, i) => (i + 1 >= from && re.test(l) ? [i + 1] : []));
  const gic = 'examples/lib/gic.c';
  return [
    { path: join(root, SOURCE), lines: pick(SOURCE, /"bench: FAIL /) },
    { path: join(root, 'examples/lib/exc.c'), lines: pick('examples/lib/exc.c', /kprintf|f->far|ADP_Stopped|block\[1\]/) },
    { path: join(root, gic), lines: pick(gic, /\S/, lineOf(root, gic, 'void gic_enable_irq') + 1).filter((l, i, a) => a.indexOf(l) === i) },
  ];
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

async function personaSession(ctx, line) {
  const t0 = process.hrtime.bigint();
  const dap = new DapClient(ctx.persona, ctx.root);
  await dap.request('initialize', { adapterID: 'persona', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  await dap.request('launch', { program: ctx.elf, stopOnEntry: false });
  await dap.waitEvent('initialized');
  await dap.request('setBreakpoints', { source: { path: join(ctx.root, SOURCE) }, breakpoints: [{ line }] });
  const stopped = await dap.untilStopped('configurationDone', {});
  return { dap, threadId: stopped.threadId, startMs: ms(t0) };
}

async function gdbSession(ctx, where) {
  const t0 = process.hrtime.bigint();
  const g = await GdbQemu.start({ qemu: ctx.qemu, qemuArgs: ctx.qemuArgs, gdb: ctx.gdb, elf: ctx.elf, cwd: ctx.root });
  await g.cmd(`-break-insert ${where}`);
  await g.untilStopped('-exec-continue');
  return { g, startMs: ms(t0) };
}

async function timeEach(n, op) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await op();
    out.push(ms(t0) / 1000);
  }
  return out;
}

/** Runs the debugger measures; returns table rows, notes, problems and JSON as runDevice does. */
export async function runDap({ persona, root, runs, qemu, qemuArgs, gdb, log }) {
  const elf = join(root, 'build/guests/bench.elf');
  const ctx = { persona, root, elf, qemu, qemuArgs, gdb };
  const problems = [];
  const notes = [];
  const s = { stepP: [], stepG: [], nextP: [], nextG: [], launchP: [], launchG: [], computeDap: [], computeCli: [] };
  const inner = lineOf(root, SOURCE, INNER_LOOP);
  const mainLine = lineOf(root, SOURCE, 'int main(void)');
  const unhit = unhitLines(root);
  let verifiedUnhit = 0;

  for (let run = 0; run < runs; run++) {
    try {
      // Steps: both stopped on the inner loop's line, breakpoint removed, then stepi / next.
      const p = await personaSession(ctx, inner);
      await p.dap.request('setBreakpoints', { source: { path: join(root, SOURCE) }, breakpoints: [] });
      s.stepP.push(...(await timeEach(STEPS, () => p.dap.untilStopped('stepIn', { threadId: p.threadId, granularity: 'instruction' }))));
      s.nextP.push(...(await timeEach(NEXTS, () => p.dap.untilStopped('next', { threadId: p.threadId, granularity: 'line' }))));
      await p.dap.close();
      // Launch to main.
      const l = await personaSession(ctx, mainLine);
      s.launchP.push(l.startMs / 1000);
      await l.dap.close();
    } catch (e) {
      problems.push(`dap: persona: ${e.message}`);
    }
    if (gdb && qemu) {
      try {
        const g = await gdbSession(ctx, `${SOURCE}:${inner}`);
        await g.g.cmd('-break-delete');
        s.stepG.push(...(await timeEach(STEPS, () => g.g.untilStopped('-exec-step-instruction'))));
        s.nextG.push(...(await timeEach(NEXTS, () => g.g.untilStopped('-exec-next'))));
        await g.g.close();
        const l = await gdbSession(ctx, 'main');
        s.launchG.push(l.startMs / 1000);
        await l.g.close();
      } catch (e) {
        problems.push(`dap: gdb-multiarch + QEMU: ${e.message}`);
      }
    }
    // Compute to the end under the adapter (20 unhit breakpoints, trap events on) vs the CLI.
    try {
      const t0 = process.hrtime.bigint();
      const dap = new DapClient(persona, root);
      await dap.request('initialize', { adapterID: 'persona', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      await dap.request('launch', { program: elf, stopOnEntry: false });
      await dap.waitEvent('initialized');
      let n = 0;
      for (const f of unhit) {
        const want = f.lines.slice(0, 20 - n);
        if (want.length === 0) continue;
        const r = await dap.request('setBreakpoints', { source: { path: f.path }, breakpoints: want.map((line) => ({ line })) });
        n += r.breakpoints.filter((b) => b.verified).length;
      }
      verifiedUnhit = n;
      const exited = dap.waitEvent('exited', 300_000);
      const stopped = dap.waitEvent('stopped', 300_000).then((b) => ({ stopped: b }));
      await dap.request('configurationDone', {});
      const end = await Promise.race([exited, stopped]);
      if (end.stopped) {
        const top = (await dap.request('stackTrace', { threadId: end.stopped.threadId, levels: 1 })).stackFrames[0];
        throw new Error(`an "unhit" breakpoint was hit at ${top?.source?.path}:${top?.line}`);
      }
      if (end.exitCode !== 0) throw new Error(`bench.elf ended with exit code ${end.exitCode} under the adapter`);
      s.computeDap.push(ms(t0) / 1000);
      await dap.close();
      const cli = await timedRun(persona, ['run', elf, '--max-seconds', '300'], { cwd: root, timeoutMs: 320_000 });
      const bad = runProblem(cli, 'persona run');
      if (bad) throw new Error(bad);
      s.computeCli.push(cli.ms / 1000);
    } catch (e) {
      problems.push(`dap: compute under the adapter: ${e.message}`);
    }
    log(`  dap ${run + 1}/${runs}: step ${fmt(summary(s.stepP)?.median, 's')} vs ${fmt(summary(s.stepG)?.median, 's')}, next ${fmt(summary(s.nextP)?.median, 's')} vs ${fmt(summary(s.nextG)?.median, 's')}, compute ${fmt(s.computeDap.at(-1), 's')} vs CLI ${fmt(s.computeCli.at(-1), 's')}\n`);
    if (problems.length > 3) break;
  }

  const rows = [];
  const json = {};
  const row = (key, title, p, g, goal, against = 'gdb') => {
    const sp = summary(p);
    const sg = summary(g);
    const ratio = sp && sg ? sp.median / sg.median : null;
    const met = goal.max != null ? (sp ? sp.median <= goal.max : null) : ratio != null ? ratio <= goal.ratio : null;
    rows.push([title, cell(sp, 's'), sg ? cell(sg, 's') : against === 'gdb' && !gdb ? 'skipped' : '—', ratio == null ? '—' : `${ratio.toFixed(2)}x`, goal.text, met == null ? 'n/a' : met ? 'yes' : 'NO']);
    const brief = (x) => x && { median: x.median, min: x.min, max: x.max, n: x.samples.length };
    json[key] = { unit: 's', persona: brief(sp), against: brief(sg), ratio, goal, met };
    if (met === false) notes.push(`dap ${key}: goal not met — ${fmt(sp.median, 's')} (${goal.text})`);
  };
  row('stepInstruction', `stepIn (instruction) round trip (${STEPS} per run)`, s.stepP, s.stepG, { max: 0.3e-3, text: '<= 0.3 ms' });
  row('nextLine', `next (line) round trip (${NEXTS} per run)`, s.nextP, s.nextG, { max: 1e-3, text: '<= 1 ms' });
  row('launch', 'launch to the stop at main (process start)', s.launchP, s.launchG, { ratio: Infinity, text: '—' });
  row('computeUnderAdapter', `compute under the adapter, ${verifiedUnhit} unhit breakpoints (vs CLI)`, s.computeDap, s.computeCli, { ratio: 1.05, text: '<= 1.05x CLI' }, 'cli');
  if (verifiedUnhit < 20) notes.push(`dap compute: only ${verifiedUnhit} of the 20 unhit breakpoints were verified`);
  if (!gdb) notes.push('dap: gdb-multiarch not found — gdb columns skipped (npm run bench installs it: apt-get install gdb-multiarch)');
  notes.push('dap: the compute row\'s ratio is against `persona run` (the CLI), not gdb');
  return { rows, notes, problems, json };
}
