#!/usr/bin/env node
// `npm run package`: the .vsix, from the bundles scripts/build.mjs made (run it first; `npm run
// package` does). Uses @vscode/vsce 3.9.x (4.x needs Node 22). Prints the .vsix path on stdout.
// .vscodeignore keeps the package to dist/, the grammars and koffi.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the .vsix at `out` (default: build/persona-<version>.vsix) and returns its path. */
export function packageVsix(out) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const target = out ?? join(root, 'build', `${pkg.name}-${pkg.version}.vsix`);
  for (const f of ['dist/extension.js', 'dist/debug-adapter.js', 'dist/persona.js', 'dist/persona-worker.js']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`node scripts/build.mjs\` first`);
  }
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--skip-license', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', target],
    { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  if (r.status !== 0) throw new Error(`vsce package failed:\n${r.stdout}${r.stderr}`);
  return target;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const vsix = packageVsix(process.argv[2]);
    process.stderr.write(`package: ${vsix} (${(statSync(vsix).size / 1024 / 1024).toFixed(1)} MiB)\n`);
    process.stdout.write(`${vsix}\n`);
  } catch (e) {
    process.stderr.write(`package: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}
