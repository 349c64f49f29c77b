#!/usr/bin/env node
// Language-server timings (printed, never asserted): hover and completion round trips on a
// 5,000-line assembly file (goal: < 20 ms), and indexing a workspace of 200 assembly files
// (goal: < 1 s). Speaks LSP to `node bin/persona lsp --stdio` exactly as an editor would.
//
//   node scripts/bench/lsp.mjs [--requests N] [--files N] [--lines N]
//
// Needs a built CLI (`node scripts/build.mjs`). Ends with a `BENCH_JSON {...}` line.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, summary, table } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const rpc = require('vscode-languageserver-protocol/node');

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const REQUESTS = arg('requests', 200);
const FILES = arg('files', 200);
const LINES = arg('lines', 5000);
const GOAL_MS = { hover: 20, completion: 20, index: 1000 };

// ---- synthetic sources: start-up style code with every construct the server looks at ----
const SYSREGS = ['SCTLR_EL1', 'TCR_EL1', 'MAIR_EL1', 'VBAR_EL1', 'ESR_EL1', 'CNTV_CTL_EL0', 'CNTVCT_EL0', 'MPIDR_EL1', 'DAIF'];

/** One function of ~25 lines; `n` makes its labels unique, `file` its file. */
function block(file, n) {
  const r = SYSREGS[n % SYSREGS.length];
  return [
    `\t.global f${file}_${n}`,
    `f${file}_${n}:`,
    '\tstp\tx29, x30, [sp, #-16]!',
    '\tmov\tx29, sp',
    `\tmrs\tx0, ${r}`,
    '\torr\tx0, x0, #(1 << 2)',
    '\tcbz\tx0, 1f',
    `\tadrp\tx1, f${file}_${(n + 1) % 50}`,
    `\tadd\tx1, x1, :lo12:f${file}_${(n + 1) % 50}`,
    '\tldr\tx2, [x1, #8]',
    `\tb.ne\tf${file}_${n}_loop`,
    `f${file}_${n}_loop:`,
    '\tsubs\tx2, x2, #1',
    `\tb.ne\tf${file}_${n}_loop`,
    '1:\tmovz\tw0, #0x8400, lsl #16',
    '\tmovk\tw0, #0x8',
    '\thvc\t#0',
    '\tsave_state',
    '\tdsb\tish',
    '\tisb',
    '\tldp\tx29, x30, [sp], #16',
    '\tret',
    '',
  ].join('\n');
}

function source(file, lines) {
  const out = ['// generated for scripts/bench/lsp.mjs', '\t.section .text.bench, "ax"', '\t.macro save_state', '\tstp x0, x1, [sp, #-16]!', '\t.endm'];
  let text = out.join('\n') + '\n';
  for (let n = 0; text.split('\n').length < lines; n++) text += block(file, n);
  return text;
}

function workspace(files, linesPerFile) {
  const dir = mkdtempSync(join(tmpdir(), 'persona-lsp-bench-'));
  mkdirSync(join(dir, 'src'));
  for (let i = 0; i < files; i++) writeFileSync(join(dir, 'src', `file${i}.S`), source(i, linesPerFile));
  writeFileSync(join(dir, 'kernel.ld'), 'ENTRY(f0_0)\nSECTIONS {\n . = 0x40080000;\n .text : { *(.text .text.*) }\n .bss : { __bss_start = .; *(.bss*) __bss_end = .; }\n}\n');
  return dir;
}

// ---- an LSP client over the CLI ----
async function startServer(dir) {
  const proc = spawn(process.execPath, [join(root, 'bin', 'persona'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createProtocolConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const logs = [];
  const diagnostics = new Map();
  conn.onNotification('window/logMessage', (p) => logs.push(p.message));
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    const w = diagnostics.get(p.uri);
    if (w) { diagnostics.delete(p.uri); w(p.diagnostics); }
  });
  conn.listen();
  const uri = pathToFileURL(dir).href;
  const t0 = performance.now();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: uri, workspaceFolders: [{ uri, name: 'bench' }], capabilities: {} });
  await conn.sendNotification('initialized', {});
  // workspace/symbol waits for the index: its answer marks the end of indexing.
  const symbols = await conn.sendRequest('workspace/symbol', { query: 'f1_1' });
  const indexMs = performance.now() - t0;
  const open = async (file, text) => {
    const fileUri = pathToFileURL(file).href;
    const diags = new Promise((resolve) => diagnostics.set(fileUri, resolve));
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: fileUri, languageId: 'aarch64', version: 1, text } });
    return { uri: fileUri, diagnostics: await diags };
  };
  const stop = async () => {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    await new Promise((resolve) => proc.once('exit', resolve));
    conn.dispose();
  };
  return { conn, logs, indexMs, symbols, open, stop };
}

async function timed(fn) {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

// ---- measures ----
const results = {};

{ // Indexing 200 files (the server's own figure, and the client's: initialize .. first answer).
  const dir = workspace(FILES, 250);
  try {
    const s = await startServer(dir);
    const own = s.logs.map((l) => /indexed (\d+) files .* in (\d+) ms/.exec(l)).find(Boolean);
    results.index = { files: Number(own?.[1] ?? NaN), serverMs: Number(own?.[2] ?? NaN), clientMs: s.indexMs, found: s.symbols.length };
    await s.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

{ // Hover and completion on a 5,000-line file.
  const dir = workspace(1, 10);
  const file = join(dir, 'src', 'big.S');
  const text = source(9, LINES);
  const lines = text.split('\n');
  try {
    const s = await startServer(dir);
    const [openMs, opened] = await timed(() => s.open(file, text));
    /** The nth occurrence of a needle, wrapping around (spread over the whole file). */
    const at = (needle, nth) => {
      const hits = [];
      lines.forEach((l, line) => { const c = l.indexOf(needle); if (c >= 0) hits.push({ line, character: c + 1 }); });
      if (hits.length === 0) throw new Error(needle);
      return hits[nth % hits.length];
    };
    const targets = ['mrs', 'SCTLR_EL1', 'hvc', 'adrp', 'save_state', 'f9_3_loop'];
    const hover = [];
    const completion = [];
    for (let i = 0; i < REQUESTS; i++) {
      const position = at(targets[i % targets.length], Math.floor((i * 37) % 150));
      const [ms, h] = await timed(() => s.conn.sendRequest('textDocument/hover', { textDocument: { uri: opened.uri }, position }));
      if (!h) throw new Error(`no hover at ${JSON.stringify(position)}`);
      hover.push(ms);
    }
    for (let i = 0; i < REQUESTS; i++) {
      const line = (i * 97) % lines.length;
      const mrs = lines[line].indexOf('\tmrs\tx0, ');
      const position = mrs >= 0 ? { line, character: mrs + 9 } : { line, character: Math.min(3, lines[line].length) };
      const [ms] = await timed(() => s.conn.sendRequest('textDocument/completion', { textDocument: { uri: opened.uri }, position }));
      completion.push(ms);
    }
    // An edit, then a hover: the hover waits for nothing but its own line, the reparse is on the edit.
    const edited = text.replace('\tdsb\tish', '\tdsb\tsy');
    const [editHoverMs] = await timed(async () => {
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: opened.uri, version: 2 }, contentChanges: [{ text: edited }] });
      return s.conn.sendRequest('textDocument/hover', { textDocument: { uri: opened.uri }, position: at('SCTLR_EL1', 3) });
    });
    results.file = { lines: lines.length, openAndDiagnoseMs: openMs, diagnostics: opened.diagnostics.length, editThenHoverMs: editHoverMs };
    results.hover = summary(hover);
    results.completion = summary(completion);
    await s.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- report ----
const p95 = (s) => [...s.samples].sort((a, b) => a - b)[Math.floor(s.samples.length * 0.95)];
const ms = (x) => fmt(x / 1000, 's');
const verdict = (x, goal) => (x < goal ? 'met' : 'MISSED');
console.log(`persona lsp: ${results.file.lines}-line file, ${REQUESTS} requests each; workspace of ${results.index.files} files\n`);
console.log(table(['measure', 'median', 'p95', 'max', 'goal', ''], [
  ['hover round trip', ms(results.hover.median), ms(p95(results.hover)), ms(results.hover.max), `< ${GOAL_MS.hover} ms`, verdict(p95(results.hover), GOAL_MS.hover)],
  ['completion round trip', ms(results.completion.median), ms(p95(results.completion)), ms(results.completion.max), `< ${GOAL_MS.completion} ms`, verdict(p95(results.completion), GOAL_MS.completion)],
  ['index 200 files (server)', ms(results.index.serverMs), '', '', `< ${GOAL_MS.index} ms`, verdict(results.index.serverMs, GOAL_MS.index)],
  ['index 200 files (initialize .. first answer)', ms(results.index.clientMs), '', '', '', ''],
  ['open + diagnose the 5,000-line file', ms(results.file.openAndDiagnoseMs), '', '', '', ''],
  ['edit (full text) then hover', ms(results.file.editThenHoverMs), '', '', '', ''],
]));
const strip = (s) => ({ median: s.median, p95: p95(s), max: s.max });
console.log(`BENCH_JSON ${JSON.stringify({ lsp: { hoverMs: strip(results.hover), completionMs: strip(results.completion), index: results.index, file: results.file } })}`);
