// Devices of several personas through the real CLI: the phone demo, the isolation attacker, the
// hypercall fuzzer, deterministic runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoStackTrace, guest, ROOT, runPersona } from '../helpers/project';

const PHONE = join(ROOT, 'examples', 'phone', 'phone.json');
const ATTACK = join(ROOT, 'test', 'guests', 'attacker', 'attack.json');

/** The lines one persona printed (its name is the prefix; colour is off when not a terminal). */
function consoleOf(stdout: string, persona: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith(`${persona} `)).map((l) => l.slice(l.indexOf('│ ') + 2));
}

test('the phone: personal and work chat over a channel, the vault stays the work persona\'s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'persona-phone-'));
  const trace = join(dir, 'phone.json');
  const r = runPersona(['run', PHONE, '--max-seconds', '60', '--trace', trace]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const personal = consoleOf(r.stdout, 'personal');
  const work = consoleOf(r.stdout, 'work');
  assert.ok(personal.some((l) => /vault read denied \(data abort, FAR=0xa100000\)/.test(l)), personal.join('\n'));
  assert.ok(work.some((l) => /got "hi work, lunch at 12\?"/.test(l)));
  assert.ok(personal.some((l) => /reply "ack: bye"/.test(l)));
  assert.ok(work.some((l) => /vault/i.test(l) && /VAUL/.test(l)), 'the owner reads its vault');
  assert.match(r.stderr, /traps in personal:[\s\S]*isolation-violation\s+2\b/);
  assert.match(r.stderr, /traps in work:[\s\S]*channel\s+\d/);
  // Every message is a send in one persona and a receive in the other, joined by a flow arrow.
  const events = (JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: { ph: string; id?: number; pid: number }[] }).traceEvents;
  const flows = new Map<number, string>();
  for (const e of events) if (e.ph === 's' || e.ph === 'f') flows.set(e.id!, (flows.get(e.id!) ?? '') + e.ph + e.pid);
  assert.ok(flows.size >= 6, `${flows.size} channel messages`);
  for (const v of flows.values()) assert.match(v, /^s(\d)f(?!\1)\d$/, 'send and receive in different personas');
});

test('isolation: an attacker reaches nothing of the others, every attempt is logged, nothing throws', () => {
  const r = runPersona(['run', ATTACK, '--max-seconds', '90'], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /attacker: \d+ faults taken, \d+ calls checked, 0 leaks/);
  assert.doesNotMatch(consoleOf(r.stdout, 'attacker').join('\n'), /CORP-SECRET|LEAK/, 'the secret never reaches the attacker');
  const attacker = /traps in attacker:([\s\S]*?)exit:/.exec(r.stderr)![1]!;
  assert.match(attacker, /isolation-violation\s+[1-9]/);
  assert.match(attacker, /data-abort\s+[1-9]/);
  assert.match(attacker, /hypercall\s+[1-9]/);
  assert.match(r.stderr, /traps in victim:[\s\S]*?exit: the guest powered off/);
  assert.doesNotMatch(r.stderr, /internal error/);
});

test('a million random hypercalls: only status codes and documented values come back', () => {
  const r = runPersona(['run', guest('hvcfuzz'), '--max-seconds', '120'], { timeoutMs: 150_000 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1000000 calls checked, 0 bad results/);
  assert.match(r.stderr, /hypercall\s+1,000,0\d\d/);
});

test('--deterministic: two runs of the phone give the same output and the same trap-log hash', () => {
  const a = runPersona(['run', PHONE, '--deterministic', '--max-seconds', '60']);
  const b = runPersona(['run', PHONE, '--deterministic', '--max-seconds', '60']);
  assert.equal(a.code, 0, a.stderr);
  const hash = (s: string) => /trap log hash: (sha256:[0-9a-f]{64})/.exec(s)?.[1];
  assert.ok(hash(a.stderr));
  assert.equal(hash(a.stderr), hash(b.stderr));
  assert.equal(a.stdout, b.stdout);
});

test('a broken manifest is one line naming the field, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'persona-manifest-'));
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ device: 'x', personas: [{ name: 'a', image: 'a.elf' }], channels: [{ name: 'c', between: ['a', 'b'] }] }));
  const r = runPersona(['run', file]);
  assert.equal(r.code, 2);
  assertNoStackTrace(r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /channels\[0\]\.between\[1\]: no persona is called "b"/);
});
