#!/usr/bin/env node
// `npm run demo -- --vscode`: Persona in a real VS Code without installing anything on your editor.
// Builds the .vsix, starts code-server 4.100.3 (installed once into .cache/, as the end-to-end test
// does) with the extension installed and examples/phone open, and prints the URL to open in a
// browser. Press F5 there to debug the phone. Ctrl-C stops it. Options: --port N (default 8080).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAptPackages, ensureCodeServer, installExtension, runFolders, startServer } from './code-server.mjs';
import { packageVsix } from './package.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 8080;
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write(`persona demo: --port wants a port number (1-65535), not ${args[portArg + 1]}\n`);
  process.exit(2);
}

const missing = ensureAptPackages({ browser: false });
if (missing) {
  process.stderr.write(`persona demo: missing ${missing.text}\n  fix: ${missing.fix}\n`);
  process.exit(2);
}
const entry = ensureCodeServer();
const base = join(root, '.cache', 'vscode-demo');
mkdirSync(base, { recursive: true });
const folders = runFolders(base);
const vsix = packageVsix(join(base, 'persona.vsix'));
installExtension(entry, folders, vsix);
const workspace = join(root, 'examples', 'phone');
const server = await startServer(entry, folders, port, workspace).catch((e) => {
  process.stderr.write(`persona demo: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (is port ${port} taken? try --port)\n`);
  process.exit(2);
});
process.stdout.write(`\nPersona in VS Code: ${server.url}\n\nOpen it in a browser, open work/main.c, set a breakpoint and press F5 (no launch.json needed).\nCtrl-C stops the server.\n`);
const stop = () => {
  server.child.kill();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.on('exit', (code) => process.exit(code ?? 0));
