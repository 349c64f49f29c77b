#!/usr/bin/env node
// Builds the guests the tests run, then runs every bundled test file with node:test.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const guests = spawnSync(process.execPath, [join(root, 'scripts/build-guests.mjs')], { stdio: 'inherit' });
if (guests.status !== 0) process.exit(guests.status ?? 1);

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const filter = process.argv.slice(2);
const files = find(join(root, 'out/test')).filter((f) => filter.length === 0 || filter.some((x) => f.includes(x))).sort();
// A test that hangs (a lost debugger stop, say) fails after 10 minutes instead of holding CI.
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
