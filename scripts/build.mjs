#!/usr/bin/env node
// Bundles the CLI into dist/ and each test file into out/ with esbuild. koffi stays external:
// its native binary must be loaded from node_modules (and later shipped beside the bundle).
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  external: ['koffi'],
  logLevel: 'warning',
};

await Promise.all([
  build({
    ...common,
    entryPoints: { persona: join(root, 'bin/src/main.ts'), 'persona-worker': join(root, 'emulator/hypervisor/persona-worker.ts') },
    outdir: join(root, 'dist'),
  }),
  // The VS Code extension: `vscode` is provided by the extension host at run time. The inline debug
  // adapter is its own bundle, loaded by the extension only when a debug session starts.
  build({ ...common, entryPoints: { extension: join(root, 'extension/src/extension.ts') }, outdir: join(root, 'dist'), external: ['vscode', 'koffi'] }),
  build({ ...common, entryPoints: { 'debug-adapter': join(root, 'debug-adapter/session/persona-session.ts') }, outdir: join(root, 'dist') }),
  build({ ...common, entryPoints: { 'gen-abi': join(root, 'scripts/gen-abi.ts') }, outdir: join(root, 'out/scripts') }),
  build({
    ...common,
    entryPoints: findTests(join(root, 'test')).map((p) => ({ in: p, out: relative(join(root, 'test'), p).replace(/\.ts$/, '') })),
    outdir: join(root, 'out/test'),
    external: ['koffi', 'playwright-core'],
    // Extension code under test gets a small fake of the VS Code API.
    alias: { vscode: join(root, 'test/helpers/fake-vscode.ts') },
  }),
]);
