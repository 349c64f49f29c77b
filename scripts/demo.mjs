#!/usr/bin/env node
// `npm run demo`: builds the example guests and boots the example kernel on a persona, with every
// trap into the hypervisor summarised at the end. (The two-persona phone demo replaces it when the
// multi-persona device lands.)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const step = (args) => spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root }).status ?? 1;

let rc = step([join(root, 'scripts/build-guests.mjs')]);
if (rc !== 0) process.exit(rc);
process.stderr.write('\npersona demo: booting examples/kernel on a virt persona (EL1 kernel, EL0 task, timer IRQs, PSCI)\n\n');
rc = step([join(root, 'bin/persona'), 'run', join(root, 'build/guests/kernel.elf'), '--max-seconds', '60', ...process.argv.slice(2)]);
process.exit(rc);
