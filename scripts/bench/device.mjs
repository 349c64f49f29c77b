// The device measures of scripts/bench.mjs (issue 4, Performance): personas side by side, persona
// only (QEMU has no personas to compare with). Each pair of variants runs interleaved N times and
// reports medians with min/max, as the QEMU rows do.
//
//   parallel       `persona run two-compute.json` vs `one-compute.json` (bench.elf in each persona),
//                  wall: goal <= 1.15x. Every persona must print bench.elf's known checksums.
//   channel        pingpong.json (bench-channel, 20,000 notify -> interrupt -> reply round trips):
//                  round trips per guest second (CNTVCT) and per process wall second, free running
//                  and --deterministic (where CNTVCT is virtual time, so the wall rate is the real one).
//   deterministic  --deterministic vs free running, wall: bench.elf (goal <= 2x) and the phone demo.
//                  Deterministic runs must repeat themselves: same trap-log hash and output each run.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runProblem, timedRun } from './proc.mjs';
import { cell, summary } from './stats.mjs';

export const DEVICE_KEYS = ['parallel', 'channel', 'deterministic'];
const TICK_HZ = 62.5e6;
const DIR = 'test/guests/bench-channel';
// bench.elf's output (test/guests/README.md): any other line is a correctness bug.
const COMPUTE_LINES = ['bench: crc32 = 63761801', 'bench: matmul = 40eae229', 'bench: sort = e11e4d22', 'bench: self-checks ok'];

/** The guests the device measures in `keys` need built. */
export function deviceGuests(keys) {
  const g = new Set();
  if (keys.includes('parallel') || keys.includes('deterministic')) g.add('bench');
  if (keys.includes('channel')) g.add('bench-channel');
  if (keys.includes('deterministic')) g.add('phone-personal').add('phone-work');
  return [...g];
}

/** stdout as UTF-8 without colours, split into { who, line } (who = persona name, or null). */
function lines(r) {
  const text = Buffer.from(r.text, 'latin1').toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
  return text.split('\n').map((l) => {
    const m = /^([a-z][a-z0-9_-]*)\s*│ (.*)$/.exec(l);
    return m ? { who: m[1], line: m[2] } : { who: null, line: l };
  });
}

/** Throws unless each of `names` (or the lone guest, names = [null]) printed bench.elf's lines. */
function checkCompute(r, names) {
  const ls = lines(r);
  for (const n of names) {
    const got = ls.filter((l) => l.who === n && l.line.startsWith('bench: ')).map((l) => l.line);
    const missing = COMPUTE_LINES.filter((want) => !got.includes(want));
    if (missing.length) {
      const bad = got.filter((l) => / = |checks/.test(l) && !COMPUTE_LINES.includes(l));
      throw new Error(`CHECKSUM MISMATCH: ${n ?? 'bench.elf'} ${bad.length ? `printed '${bad.join("', '")}'` : `did not print '${missing[0]}'`} (expected ${COMPUTE_LINES.slice(0, 3).map((l) => l.split(' = ')[1]).join(' / ')})`);
    }
  }
}

function pingpong(r) {
  const m = /channel: (\d+) round trips in (\d+) ticks/.exec(Buffer.from(r.text, 'latin1').toString('utf8'));
  if (!m) {
    const why = lines(r).find((l) => /channel: (FAIL|no channel)/.test(l.line));
    throw new Error(why ? `${why.who ?? ''} ${why.line}`.trim() : "no 'channel: N round trips in T ticks' line");
  }
  const n = Number(m[1]);
  return { n, ticks: Number(m[2]), perGuestSecond: n / (Number(m[2]) / TICK_HZ), perWallSecond: n / (r.ms / 1000) };
}

/**
 * CPU accounting around one run (Linux /proc; null elsewhere): cores the run itself used (its CPU
 * time, from this process's reaped-children counters, over its wall time) and cores other work on
 * the host used meanwhile (host busy time minus the run's).
 */
function cpuMeter() {
  const read = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      const me = readFileSync('/proc/self/stat', 'utf8');
      const g = me.slice(me.lastIndexOf(')') + 2).split(' ').map(Number); // fields from 3 (state) on
      return { total: f.reduce((a, b) => a + b, 0), idle: f[3] + (f[4] ?? 0), children: g[13] + g[14] }; // cutime + cstime
    } catch {
      return null;
    }
  };
  const a = read();
  return () => {
    const b = read();
    if (!a || !b || b.total === a.total) return null;
    const perCore = (b.total - a.total) / cpus().length; // wall time, in jiffies
    const busy = b.total - a.total - (b.idle - a.idle);
    const mine = b.children - a.children;
    return { run: mine / perCore, others: Math.max(0, busy - mine) / perCore };
  };
}

const hashOf = (r) => /trap log hash: (\S+)/.exec(r.stderr)?.[1] ?? null;

function checkPhone(r) {
  const ls = lines(r);
  for (const n of ['personal', 'work'])
    if (!ls.some((l) => l.who === n && l.line === `${n}: powering off`)) throw new Error(`the phone demo's ${n} persona did not power off`);
}

/**
 * Runs the device measures in `keys`. persona = path of bin/persona. Returns { rows, notes,
 * problems, json }: rows for a table with DEVICE_HEADERS, problems = correctness/run failures.
 */
export async function runDevice(keys, { persona, root, runs, maxSeconds, log }) {
  const rows = [];
  const row = (title, unit, x, against, k, goal, met) =>
    [title, cell(x, unit), against, k == null ? '—' : `${k.toFixed(2)}x`, goal, met == null ? (goal === '—' ? '—' : 'n/a') : met ? 'yes' : 'NO'];
  const notes = [];
  const problems = [];
  const json = {};
  const file = (f) => join(root, DIR, f);
  const run = (target, extra = []) =>
    timedRun(persona, ['run', target, '--max-seconds', String(maxSeconds), ...extra], { cwd: root, timeoutMs: (maxSeconds + 15) * 1000 });

  // Runs the variants (name -> () => run) interleaved `runs` times; check(name, r) -> value or throws.
  async function pairs(key, variants, check) {
    const out = Object.fromEntries(Object.keys(variants).map((v) => [v, []]));
    const errors = [];
    for (let i = 0; i < runs && errors.length <= 3; i++) {
      const said = [];
      for (const [v, go] of Object.entries(variants)) {
        const r = await go();
        const bad = runProblem(r, `${v} run`);
        if (bad) { errors.push(bad); said.push(`${v} failed`); continue; }
        try {
          out[v].push({ r, value: check(v, r) });
          said.push(`${v} ${(r.ms / 1000).toFixed(2)} s`);
        } catch (e) {
          errors.push(`${v}: ${e.message}`);
          said.push(`${v} failed`);
        }
      }
      log(`  ${key} ${i + 1}/${runs}: ${said.join(', ')}\n`);
    }
    for (const e of new Set(errors)) problems.push(`${key}: ${e}`);
    return out;
  }
  const wall = (xs) => summary(xs.map((x) => x.r.ms / 1000));
  const ratio = (a, b) => (a && b ? a.median / b.median : null);
  // Deterministic runs must give the same trap-log hash and stdout every time.
  const repeatable = (key, xs) => {
    const hashes = new Set(xs.map((x) => hashOf(x.r)));
    const outs = new Set(xs.map((x) => x.r.text));
    if (hashes.has(null)) problems.push(`${key}: a --deterministic run printed no 'trap log hash'`);
    else if (hashes.size > 1 || outs.size > 1)
      problems.push(`${key}: --deterministic runs differ (${hashes.size} trap-log hashes, ${outs.size} outputs): determinism is broken`);
  };

  if (keys.includes('parallel')) {
    const cores = { one: [], two: [] }; // per run: { run, others } cores used
    const measured = (v, f) => async () => {
      const stop = cpuMeter();
      const r = await run(file(f));
      cores[v].push(stop());
      return r;
    };
    const out = await pairs('parallel', { one: measured('one', 'one-compute.json'), two: measured('two', 'two-compute.json') },
      (v, r) => checkCompute(r, v === 'one' ? ['first'] : ['first', 'second']));
    const one = wall(out.one);
    const two = wall(out.two);
    const k = ratio(two, one);
    const met = k == null ? null : k <= 1.15;
    rows.push(row('Parallel: one persona running bench.elf, wall', 's', one, '—', null, '—', null));
    rows.push(row(`Parallel: two personas running bench.elf (host: ${cpus().length} cores), wall`, 's', two, 'one persona', k, '<= 1.15x', met));
    const c = (v, f) => summary(cores[v].filter((x) => x).map((x) => x[f]));
    const used = { one: c('one', 'run'), two: c('two', 'run'), othersOne: c('one', 'others'), othersTwo: c('two', 'others') };
    json.parallel = { unit: 's', one, two, ratio: k, goal: 1.15, met, cores: used };
    const f2 = (x) => (x ? `${x.median.toFixed(2)} [${x.min.toFixed(2)}–${x.max.toFixed(2)}]` : '?');
    if (used.two) notes.push(`parallel: the host has ${cpus().length} cores. Cores used, median [min–max]: the one-persona run ${f2(used.one)}, the two-persona run ${f2(used.two)}; other work on the host meanwhile ${f2(used.othersOne)} / ${f2(used.othersTwo)}${used.othersTwo?.median > 0.2 ? ' — it took cores from the personas: the two-persona figure is pessimistic' : ''}`);
    if (met === false) notes.push(`parallel: goal not met — two personas take ${k.toFixed(2)}x one persona's time (goal <= 1.15x; ${((k / 1.15 - 1) * 100).toFixed(0)}% over)`);
  }

  if (keys.includes('channel')) {
    const pp = file('pingpong.json');
    const out = await pairs('channel', { free: () => run(pp), deterministic: () => run(pp, ['--deterministic']) }, (v, r) => pingpong(r));
    repeatable('channel', out.deterministic);
    const s = (xs, f) => summary(xs.map((x) => x.value[f]));
    const res = {};
    for (const v of ['free', 'deterministic']) {
      res[v] = { guest: s(out[v], 'perGuestSecond'), wall: s(out[v], 'perWallSecond'), n: out[v][0]?.value.n };
      const n = res[v].n ? `${res[v].n / 1000}k` : '';
      const mode = v === 'free' ? 'free running' : '--deterministic';
      rows.push(row(`Channel: ${n} round trips (notify, IRQ, reply), ${mode}, per ${v === 'free' ? 'guest' : 'virtual'} s (CNTVCT)`, '/s', res[v].guest, '—', null, '—', null));
      rows.push(row('  the same per wall second of the process (start-up included)', '/s', res[v].wall, '—', null, '—', null));
    }
    json.channel = res;
    notes.push('channel: pingpong.json, one bench-channel image at both ends; a round trip = pinger writes seq + PERSONA_CHANNEL_NOTIFY, ponger takes the doorbell IRQ (ack/EOI), writes seq back + notifies, pinger takes its IRQ. Under --deterministic CNTVCT counts instructions, so only the wall rate is a speed');
  }

  if (keys.includes('deterministic')) {
    for (const [key, target, label] of [['bench', join(root, 'build/guests/bench.elf'), 'bench.elf'], ['phone', join(root, 'examples/phone/phone.json'), 'phone demo (phone.json)']]) {
      const check = key === 'bench' ? (v, r) => checkCompute(r, [null]) : (v, r) => checkPhone(r);
      const out = await pairs(`deterministic ${key}`, { free: () => run(target), deterministic: () => run(target, ['--deterministic']) }, check);
      repeatable(`deterministic ${key}`, out.deterministic);
      const free = wall(out.free);
      const det = wall(out.deterministic);
      const k = ratio(det, free);
      const met = k == null ? null : k <= 2;
      rows.push(row(`Deterministic: ${label} free running, wall`, 's', free, '—', null, '—', null));
      rows.push(row(`Deterministic: ${label} --deterministic, wall`, 's', det, 'free running', k, key === 'bench' ? '<= 2x' : '<= 2x (report)', met));
      json[`deterministic_${key}`] = { unit: 's', free, deterministic: det, ratio: k, goal: 2, met };
      if (met === false) notes.push(`deterministic ${key}: goal not met — --deterministic takes ${k.toFixed(2)}x free running (goal <= 2x; ${((k / 2 - 1) * 100).toFixed(0)}% over)`);
    }
    notes.push('deterministic phone: a run is a few hundred ms, mostly process start-up, so its ratio says little about the quantum scheduler');
  }
  return { rows, notes, problems, json };
}

export const DEVICE_HEADERS = ['device measure (persona only)', 'median [min–max]', 'against', 'ratio', 'goal', 'met?'];
