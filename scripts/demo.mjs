#!/usr/bin/env node
// `npm run demo`: builds the example guests and runs the phone: a personal and a work persona side
// by side on one device, chatting over a channel, with the work persona's "corporate vault" out of
// the personal persona's reach. Ends with each persona's trap summary. Extra arguments go to
// `persona run` (for example --deterministic, --log-traps, --trace phone-trace.json).
// `npm run demo -- --vscode [--port N]` instead opens the phone in a real VS Code in the browser
// (scripts/demo-vscode.mjs) and prints its URL.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const step = (args) => spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root }).status ?? 1;

let rc = step([join(root, 'scripts/build-guests.mjs')]);
if (rc !== 0) process.exit(rc);
if (process.argv.includes('--vscode')) {
  process.exit(step([join(root, 'scripts/demo-vscode.mjs'), ...process.argv.slice(2).filter((a) => a !== '--vscode')]));
}
process.stderr.write('\npersona demo: examples/phone/phone.json — personal and work personas on one device\n\n');
rc = step([join(root, 'bin/persona'), 'run', join(root, 'examples/phone/phone.json'), '--max-seconds', '60', ...process.argv.slice(2)]);
process.exit(rc);
