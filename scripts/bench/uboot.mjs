// Third-party firmware rows of scripts/bench.mjs: Debian bookworm's U-Boot (u-boot-qemu,
// qemu_arm64/u-boot.bin) booted as -bios by persona and by qemu-system-aarch64, interleaved in the
// same run. Times from process spawn: to U-Boot's autoboot line ("Hit any key to stop autoboot")
// and to its prompt after autoboot found nothing to boot. The package comes from
// scripts/debian-packages.mjs (a private apt cache; skipped when Debian's archive is unreachable).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fetchDebianPackage, DebianFetchError } from '../debian-packages.mjs';
import { cell, fmt, summary } from './stats.mjs';

export const UBOOT_KEYS = ['uboot'];
export const UBOOT_GOAL = 1.5;

const AUTOBOOT = 'Hit any key to stop autoboot';
const PROMPT = /\n=> $/;

/** One boot: ms from spawn to the autoboot line and to the prompt; the process is killed then. */
function timeBoot(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let autoboot = null;
    let stderr = '';
    let done = false;
    const finish = (r) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      p.kill('SIGKILL');
      resolve(r);
    };
    const timer = setTimeout(() => finish({ error: `no prompt after ${timeoutMs / 1000} s: ${out.slice(-200).replace(/\s+/g, ' ')}` }), timeoutMs);
    p.stdout.on('data', (d) => {
      out += d.toString('latin1');
      if (autoboot === null && out.includes(AUTOBOOT)) autoboot = ms();
      if (autoboot !== null && PROMPT.test(out)) finish({ autoboot, prompt: ms(), text: out });
    });
    p.stderr.on('data', (d) => { if (stderr.length < 4096) stderr += d; });
    p.on('error', (e) => finish({ error: `could not start: ${e.message}` }));
    p.on('close', (code) => finish({ error: `exited (${code}) before the prompt: ${stderr.trim().split('\n').pop() ?? ''}` }));
  });
}

/** Runs the U-Boot rows; returns { rows, notes, problems, json } for bench.mjs to print. */
export async function runUboot({ persona, qemu, runs, maxSeconds, log }) {
  let pkg;
  try {
    pkg = fetchDebianPackage('u-boot-qemu');
  } catch (e) {
    if (e instanceof DebianFetchError && e.offline) return { rows: [], notes: [`uboot: skipped — ${e.message.split('\n')[0]}`], problems: [], json: { skipped: e.message } };
    throw e;
  }
  const bin = join(pkg.root, 'usr/lib/u-boot/qemu_arm64/u-boot.bin');
  const personaArgs = [persona, 'run', '--bios', bin, '--max-seconds', String(maxSeconds)];
  const qemuArgs = ['-M', 'virt', '-cpu', 'cortex-a57', '-m', '128M', '-nographic', '-nic', 'none', '-bios', bin];
  const res = { persona: { autoboot: [], prompt: [] }, qemu: { autoboot: [], prompt: [] } };
  const problems = [];
  const take = (who, r) => {
    if (r.error) return problems.push(`uboot ${who}: ${r.error}`), null;
    res[who].autoboot.push(r.autoboot / 1000);
    res[who].prompt.push(r.prompt / 1000);
    return r;
  };
  for (let i = 0; i < runs; i++) {
    const p = take('persona', await timeBoot(process.execPath, personaArgs, maxSeconds * 1000));
    const q = qemu ? take('qemu', await timeBoot(qemu, qemuArgs, maxSeconds * 1000)) : null;
    log(`  uboot ${i + 1}/${runs}: persona ${fmt(p && p.autoboot / 1000, 's')} / ${fmt(p && p.prompt / 1000, 's')}, qemu ${fmt(q && q.autoboot / 1000, 's')} / ${fmt(q && q.prompt / 1000, 's')}\n`);
    if (problems.length > 3) break;
  }
  const rows = [];
  const json = { package: `${pkg.package} ${pkg.version}` };
  for (const [key, title] of [['autoboot', 'U-Boot (Debian u-boot-qemu): spawn to autoboot line'], ['prompt', 'U-Boot: spawn to prompt (autoboot finds nothing)']]) {
    const ps = summary(res.persona[key]);
    const qs = summary(res.qemu[key]);
    const ratio = ps && qs ? ps.median / qs.median : null;
    const goal = key === 'autoboot' ? UBOOT_GOAL : null;
    const met = goal == null || ratio == null ? null : ratio <= goal;
    rows.push([title, cell(ps, 's'), qs ? cell(qs, 's') : qemu ? '—' : 'skipped', ratio == null ? '—' : `${ratio.toFixed(2)}x`, goal ? `<= ${goal}x QEMU` : '—', met == null ? '—' : met ? 'yes' : 'NO']);
    json[key] = { unit: 's', persona: ps, qemu: qs, ratio, goal, met };
  }
  const notes = [`uboot: ${pkg.package} ${pkg.version}; QEMU runs -M virt -cpu cortex-a57 -nic none -bios; the prompt includes U-Boot's 2 s bootdelay countdown`];
  return { rows, notes, problems, json };
}
