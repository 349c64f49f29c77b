#!/usr/bin/env node
// Persona vs QEMU, side by side in the same run (speed is measured here, never in tests).
//
//   node scripts/bench.mjs [--quick | --runs N] [--only compute,startup,hvc,svc,uart,linux-boot,linux-panic,parallel,channel,deterministic,dap,uboot,lsp]
//                          [--max-seconds S]
//
// Each measure runs persona and qemu-system-aarch64 (7.2, -M virt -cpu cortex-a72 -nographic
// -kernel X, TCG) interleaved N times (default 5, --quick 3) and reports the median with min/max,
// because the host is noisy. Guests are build/guests/bench*.elf (test/guests/bench*/), built first,
// and Debian's arm64 kernel (scripts/bench/debian-guests.mjs: spawn to "Booting Linux", to the
// root-fs panic; same image and command line for both).
// Then the device measures (scripts/bench/device.mjs, persona only): two personas computing in
// parallel vs one, channel round trips, --deterministic vs free running; same runs and medians.
// Then the debugger measures (scripts/bench/dap.mjs): `persona dap` against gdb-multiarch + QEMU.
// Then third-party firmware (scripts/bench/uboot.mjs): Debian's U-Boot to its autoboot line and prompt.
// Ends with a `BENCH_JSON {...}` line. Exit status: 0 ran (goals met or not), 1 a correctness or
// run failure (e.g. persona and QEMU print different checksums), 2 bad arguments / no guests.
// PERSONA_BENCH_QEMU=/path/to/qemu-system-aarch64 picks another QEMU build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProblem, timedRun, versionOf } from './bench/proc.mjs';
import { cell, fmt, summary, table } from './bench/stats.mjs';
import { DEVICE_HEADERS, DEVICE_KEYS, deviceGuests, runDevice } from './bench/device.mjs';
import { DEBIAN_KEYS, debianMeasures } from './bench/debian-guests.mjs';
import { DAP_HEADERS, DAP_KEYS, runDap } from './bench/dap.mjs';
import { UBOOT_KEYS, runUboot } from './bench/uboot.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const QEMU = process.env.PERSONA_BENCH_QEMU || 'qemu-system-aarch64'; // override to test another build
const QEMU_ARGS = ['-M', 'virt', '-cpu', 'cortex-a72', '-nographic', '-kernel'];
const TICK_HZ = 62.5e6; // CNTVCT_EL0 on virt (QEMU and persona)
const COMPUTE_GINSN = 1.49; // instructions in bench.elf, in G
// The device measures: DEVICE_KEYS; Debian's own guests (scripts/bench/debian-guests.mjs): DEBIAN_KEYS.
const QEMU_KEYS = ['compute', 'startup', 'hvc', 'svc', 'uart', ...DEBIAN_KEYS];

// ---- arguments ----
const argv = process.argv.slice(2);
const opt = { runs: 5, only: null, maxSeconds: 120 };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const next = () => {
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    return argv[++i];
  };
  if (a === '--quick') opt.runs = 3;
  else if (a === '--runs') opt.runs = Number(next());
  else if (a === '--only') opt.only = next().split(',');
  else if (a === '--max-seconds') opt.maxSeconds = Number(next());
  else if (a === '--help' || a === '-h') usage(null);
  else usage(`unknown option '${a}'`);
}
if (!(Number.isInteger(opt.runs) && opt.runs >= 1)) usage('--runs needs a whole number >= 1');
if (!(opt.maxSeconds > 0)) usage('--max-seconds needs a positive number');

function usage(err) {
  const text = `usage: node scripts/bench.mjs [--quick | --runs N] [--only ${[...QEMU_KEYS, ...DEVICE_KEYS, ...DAP_KEYS, ...UBOOT_KEYS, 'lsp'].join(',')}] [--max-seconds S]`;
  if (err) console.error(`bench: ${err}\n${text}`);
  else console.log(text);
  process.exit(err ? 2 : 0);
}

// ---- the measures ----
// value(run) -> number in `unit` (throws with a reason when the output is wrong). unit 's' means
// lower is better; the others are rates (higher is better). ratio = persona cost / QEMU cost.
const rate = (tag) => (r) => {
  const m = new RegExp(`^${tag}: (\\d+) (?:calls|bytes) in (\\d+) ticks$`, 'm').exec(r.text);
  if (!m) {
    const why = new RegExp(`^${tag}: .*$`, 'm').exec(r.text);
    throw new Error(why ? why[0] : `no '${tag}: N ... in T ticks' line in the output`);
  }
  return Number(m[1]) / (Number(m[2]) / TICK_HZ);
};
const MEASURES = [
  {
    key: 'compute', title: 'Compute: CRC32+matmul+heapsort, wall', guest: 'bench', unit: 's',
    goal: { ratio: 1.1, text: '<= 1.1x QEMU' },
    value: (r) => {
      if (!/^bench: self-checks ok$/m.test(r.text)) throw new Error("no 'bench: self-checks ok' line");
      return r.ms / 1000;
    },
    // The checksum lines, to compare across all runs of both emulators.
    signature: (r) => r.text.split('\n').filter((l) => l.startsWith('bench:')).join('\n'),
  },
  {
    key: 'startup', title: 'Start-up to first guest instruction (process wall)', guest: 'bench-startup',
    unit: 's', goal: { ratio: 1.0, text: '<= 1.0x QEMU' }, warmup: true, value: (r) => r.ms / 1000,
    floor: true, // also time `node -e 0`: the part of persona's start-up that is Node itself
  },
  { key: 'hvc', title: 'Null hypercalls (HVC 0xC60000FF -> -1)', guest: 'bench-hvc', unit: 'calls/s',
    goal: { min: 2e6, text: '>= 2 M/s' }, value: rate('hvc'),
    about: 'QEMU 7.2 (no EL2) answers it with -1 in its built-in PSCI/SMCCC code, no guest-visible exception: a ceiling, not a hypervisor round trip' },
  { key: 'svc', title: 'EL0 SVC reflections to EL1', guest: 'bench-svc', unit: 'calls/s',
    goal: { min: 1e6, text: '>= 1 M/s' }, value: rate('svc'),
    about: 'QEMU takes the SVC natively in TCG: the anchor for a real EL0->EL1->EL0 round trip (5-instruction handler)' },
  {
    key: 'uart', title: 'PL011 UART bytes (4 MiB, FR.TXFF polled)', guest: 'bench-uart', unit: 'B/s', goal: null,
    value: (r) => {
      const v = rate('uart')(r);
      const n = Number(/^uart: (\d+) bytes/m.exec(r.text)[1]);
      if (r.bytes < n) throw new Error(`only ${r.bytes} of ${n} bytes reached the host`);
      return v;
    },
  },
].filter((m) => !opt.only || opt.only.includes(m.key));
const debian = debianMeasures(DEBIAN_KEYS.filter((k) => !opt.only || opt.only.includes(k)), { log: (s) => process.stderr.write(`bench: ${s}\n`) });
MEASURES.push(...debian.measures);
const DEVICE = DEVICE_KEYS.filter((k) => !opt.only || opt.only.includes(k));
const DAP = DAP_KEYS.filter((k) => !opt.only || opt.only.includes(k));
const UBOOT = !opt.only || opt.only.includes('uboot');
const LSP = !opt.only || opt.only.includes('lsp'); // the language server's own timings (scripts/bench/lsp.mjs)
const unknown = (opt.only ?? []).filter((k) => ![...QEMU_KEYS, ...DEVICE_KEYS, ...DAP_KEYS, ...UBOOT_KEYS, 'lsp'].includes(k));
if (unknown.length) usage(`--only: unknown measure '${unknown[0]}' (known: ${[...QEMU_KEYS, ...DEVICE_KEYS, ...DAP_KEYS, ...UBOOT_KEYS, 'lsp'].join(', ')})`);

// ---- set-up: guests, persona, QEMU ----
const elf = (g) => join(root, 'build/guests', `${g}.elf`);
const guests = [...new Set([...MEASURES.filter((m) => m.guest).map((m) => m.guest), ...deviceGuests(DEVICE), ...(DAP.length ? ['bench'] : [])])];
const built = guests.length === 0 ? { status: 0 } : spawnSync(process.execPath, [join(root, 'scripts/build-guests.mjs'), ...guests], {
  cwd: root, stdio: 'inherit',
});
const missing = guests.filter((g) => !existsSync(elf(g)));
if (built.status !== 0 || missing.length) {
  if (missing.length) {
    console.error(`bench: guest ELFs missing: ${missing.join(', ')} (node scripts/build-guests.mjs failed)`);
    process.exit(2);
  }
  console.error('bench: warning: guest build failed; using the existing ELFs');
}
const persona = join(root, 'bin/persona');
if (!existsSync(join(root, 'dist/persona.js'))) {
  console.error('bench: persona is not built (run `node scripts/build.mjs`)');
  process.exit(2);
}
const qemuVersion = versionOf(QEMU);
const host = `${cpus().length} x ${cpus()[0]?.model?.trim() ?? 'cpu'}, Node ${process.version}`;
console.log(`bench: ${opt.runs} interleaved runs per measure; host ${host}`);
if (MEASURES.length || UBOOT) console.log(`bench: QEMU: ${qemuVersion ?? 'not found — ratios skipped'}`);
if (qemuVersion && !/version 7\.2/.test(qemuVersion)) console.log('bench: note: the anchors were measured with QEMU 7.2');

const personaRun = (m) =>
  timedRun(persona, [...(m.personaArgs ?? ['run', elf(m.guest)]), '--max-seconds', String(opt.maxSeconds)], {
    cwd: root, timeoutMs: (opt.maxSeconds + 15) * 1000, stopAt: m.stopAt,
  });
const qemuRun = (m) => timedRun(QEMU, m.qemuArgs ?? [...QEMU_ARGS, elf(m.guest)], { cwd: root, timeoutMs: opt.maxSeconds * 1000, stopAt: m.stopAt });

// ---- run ----
const problems = []; // correctness or run failures: make the bench fail
const notes = [];
if (debian.skipped) notes.push(debian.skipped);
const results = {};
const t0 = Date.now();
for (const m of MEASURES) {
  const res = { persona: [], qemu: [], floor: [], qemuSkipped: qemuVersion ? null : 'qemu-system-aarch64 not found', errors: [] };
  results[m.key] = res;
  const sigs = new Map(); // signature -> who printed it
  const take = (who, r) => {
    const bad = runProblem(r, `${who} run`);
    if (bad) return res.errors.push(bad), null;
    try {
      const v = m.value(r);
      if (m.signature) {
        const s = m.signature(r);
        if (!sigs.has(s)) sigs.set(s, who);
      }
      res[who].push(v);
      return v;
    } catch (e) {
      if (who === 'qemu' && /unsupported/.test(e.message)) res.qemuSkipped = `QEMU can't run it: ${e.message}`;
      else res.errors.push(`${who}: ${e.message}`);
      return null;
    }
  };
  if (m.warmup) {
    await personaRun(m); // page cache, node's compile cache: time the steady state
    if (!res.qemuSkipped) await qemuRun(m);
  }
  for (let i = 0; i < opt.runs; i++) {
    const p = take('persona', await personaRun(m));
    const q = res.qemuSkipped ? null : take('qemu', await qemuRun(m));
    if (m.floor) res.floor.push((await timedRun(process.execPath, ['-e', '0'], { cwd: root, timeoutMs: 30000 })).ms / 1000);
    process.stderr.write(`  ${m.key} ${i + 1}/${opt.runs}: persona ${fmt(p, m.unit)}, qemu ${fmt(q, m.unit)}\n`);
    if (res.errors.length > 3) break; // it's broken: don't spend minutes repeating it
  }
  if (sigs.size > 1) {
    const lines = [...sigs].map(([s, who]) => `    ${who} printed:\n      ${s.split('\n').join('\n      ')}`);
    problems.push(`${m.key}: CHECKSUMS DIFFER between runs (a correctness bug):\n${lines.join('\n')}`);
  }
  for (const e of new Set(res.errors)) problems.push(`${m.key}: ${e}`);
}
const device = DEVICE.length
  ? await runDevice(DEVICE, { persona, root, runs: opt.runs, maxSeconds: opt.maxSeconds, log: (s) => process.stderr.write(s) })
  : null;

const GDB = 'gdb-multiarch';
const dap = DAP.length
  ? await runDap({ persona, root, runs: opt.runs, qemu: qemuVersion ? QEMU : null, qemuArgs: QEMU_ARGS, gdb: versionOf(GDB) ? GDB : null, log: (s) => process.stderr.write(s) })
  : null;

const uboot = UBOOT
  ? await runUboot({ persona, qemu: qemuVersion ? QEMU : null, runs: opt.runs, maxSeconds: opt.maxSeconds, log: (s) => process.stderr.write(s) })
  : null;

// ---- report ----
const rows = [];
const json = { runs: opt.runs, host, qemu: qemuVersion, seconds: 0, measures: {}, problems, ok: true };
const ratioOf = (m, p, q) => (!p || !q ? null : m.unit === 's' ? p.median / q.median : q.median / p.median);
for (const m of MEASURES) {
  const res = results[m.key];
  const p = summary(res.persona);
  const q = summary(res.qemu);
  const ratio = ratioOf(m, p, q);
  let met = null;
  if (m.goal?.ratio != null && ratio != null) met = ratio <= m.goal.ratio;
  if (m.goal?.min != null && p) met = p.median >= m.goal.min;
  const metText = met == null ? (m.goal ? 'n/a' : '—') : met ? 'yes' : 'NO';
  const qText = q ? cell(q, m.unit) : res.qemuSkipped ? 'skipped' : '—';
  rows.push([m.title, cell(p, m.unit), qText, ratio == null ? '—' : `${ratio.toFixed(2)}x`, m.goal?.text ?? '—', metText]);
  json.measures[m.key] = { unit: m.unit, persona: p, qemu: q, ratio, goal: m.goal, met, qemuSkipped: res.qemuSkipped };
  if (m.about) notes.push(`${m.key}: ${m.about}`);
  if (res.floor.length) {
    const f = summary(res.floor);
    rows.push(['  reference: `node -e 0` (Node alone)', cell(f, 's'), '—', '—', '—', '—']);
    json.measures.nodeFloor = { unit: 's', node: f };
    if (p) notes.push(`startup: Node itself takes ${fmt(f.median, 's')} of persona's ${fmt(p.median, 's')}; persona's own start-up is ~${fmt(p.median - f.median, 's')}${q ? ` (QEMU total ${fmt(q.median, 's')})` : ''}`);
  }
  if (res.qemuSkipped && qemuVersion) notes.push(`${m.key}: QEMU figures skipped — ${res.qemuSkipped}`);
  if (met === false && m.goal.ratio != null)
    notes.push(`${m.key}: goal not met — persona takes ${ratio.toFixed(2)}x QEMU's time (goal ${m.goal.text}; ${((ratio / m.goal.ratio - 1) * 100).toFixed(0)}% over)`);
  if (met === false && m.goal.min != null)
    notes.push(`${m.key}: goal not met — ${fmt(p.median, m.unit)} is ${(m.goal.min / p.median).toFixed(1)}x short of ${m.goal.text}`);
  if (m.key === 'compute') {
    const mips = (s) => s && summary(s.samples.map((t) => (COMPUTE_GINSN * 1000) / t));
    const pm = mips(p);
    const qm = mips(q);
    rows.push(['Compute: throughput (1.49 G instructions)', cell(pm, 'MIPS'), qm ? cell(qm, 'MIPS') : qText,
      ratio == null ? '—' : `${ratio.toFixed(2)}x`, '—', '—']);
    json.measures.computeMips = { unit: 'MIPS', persona: pm, qemu: qm, ratio };
  }
}
const QEMU_HEADERS = ['measure', 'persona median [min–max]', 'QEMU median [min–max]', 'ratio', 'goal', 'met?'];
if (MEASURES.length) {
  console.log('');
  console.log(table(QEMU_HEADERS, rows));
  console.log('\nratio = persona cost / QEMU cost (time, or time per call/byte): > 1 means persona is slower.');
}
/** A group of measures run by its own module: its table and legend, its notes, problems and JSON. */
function section(key, result, headers, legend) {
  if (!result) return;
  if (result.rows.length) {
    console.log('');
    console.log(table(headers, result.rows));
    console.log(`\nratio = ${legend}: > 1 means slower.`);
  }
  notes.push(...result.notes);
  problems.push(...result.problems);
  json[key] = result.json;
}
section('device', device, DEVICE_HEADERS, 'wall time / wall time of the `against` column');
section('dap', dap, DAP_HEADERS, 'persona dap time / gdb-multiarch + QEMU time (compute: / `persona run`)');
section('uboot', uboot, QEMU_HEADERS, 'persona time / QEMU time');
if (LSP) {
  console.log('');
  const r = spawnSync(process.execPath, [join(root, 'scripts/bench/lsp.mjs')], { encoding: 'utf8', timeout: 300_000 });
  const lines = (r.stdout ?? '').split('\n');
  console.log(lines.filter((l) => !l.startsWith('BENCH_JSON ')).join('\n').trimEnd());
  const lspJson = lines.find((l) => l.startsWith('BENCH_JSON '));
  if (r.status !== 0 || !lspJson) problems.push(`language server bench failed: ${(r.stderr ?? '').trim().split('\n').pop() ?? r.status}`);
  else json.lsp = JSON.parse(lspJson.slice('BENCH_JSON '.length));
}
if (!qemuVersion && MEASURES.length) console.log(`QEMU ratios skipped: ${QEMU} not found (install: sudo apt-get install qemu-system-arm)`);
for (const n of notes) console.log(`note: ${n}`);
if (problems.length) {
  json.ok = false;
  console.log('');
  for (const pr of problems) console.log(`BENCH FAILURE: ${pr}`);
}
json.seconds = Math.round((Date.now() - t0) / 100) / 10;
console.log(`bench: ${json.seconds} s in all`);
console.log(`BENCH_JSON ${JSON.stringify(json)}`);
process.exit(problems.length ? 1 : 0);
