// The extension in a real VS Code: code-server 4.100.3 (installed by scripts/code-server.mjs into
// .cache/, once) driven in Debian's chromium by playwright-core. Installs the .vsix, opens
// examples/phone, sets a breakpoint in the work persona's kernel, presses F5 with no launch.json,
// and checks what a user sees: the editor stopped on that line, the work persona's thread in CALL
// STACK, the hypercalls made so far in the trap view, and the work persona's console text in its
// terminal. Screenshots go to test-results/vscode-e2e/. Skips only where Chromium cannot be installed.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { ROOT, guest } from '../helpers/project';

interface CodeServerModule {
  ensureAptPackages(): { chromium: boolean; text: string; fix: string } | undefined;
  ensureCodeServer(): string;
  runFolders(base: string): { userData: string; extensions: string };
  installExtension(entry: string, f: object, vsix: string): void;
  startServer(entry: string, f: object, port: number, workspace: string): Promise<{ child: ChildProcess; url: string; log(): string }>;
  CHROMIUM: string;
  CHROMIUM_ARGS: string[];
}

const ARTEFACTS = join(ROOT, 'test-results', 'vscode-e2e');
const WORKSPACE = join(ROOT, 'examples', 'phone');
const KERNEL = 'work/main.c';
/** `phone_enter_app();` in examples/phone/work/main.c: after the kernel's first hypercalls and console lines. */
const BREAK_LINE = 24;

// Dynamic imports of the plain-JS helpers keep them out of the bundle (they locate the project by their own path).
const load = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(join(ROOT, rel)).href)) as T;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTEFACTS, `${name}.png`) });
}

/** Retries `fn` until it returns true or `ms` pass. */
async function until(what: string, fn: () => Promise<boolean>, ms = 30_000, every = 250): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
}

/** A pane of the Run and Debug container, expanded (contributed views start collapsed). */
async function expandPane(page: Page, title: string): Promise<void> {
  const header = page.locator('.pane-header', { hasText: title }).first();
  await header.waitFor({ state: 'visible' });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

test('F5 on examples/phone stops at a breakpoint in the work kernel, with its thread, traps and console', { timeout: 600_000 }, async (t) => {
  const cs = await load<CodeServerModule>('scripts/code-server.mjs');
  const missing = cs.ensureAptPackages();
  if (missing?.chromium) {
    t.skip(`Chromium cannot be installed here (${missing.text}); fix: ${missing.fix}`);
    return;
  }
  assert.equal(missing, undefined, missing && `missing ${missing.text}; fix: ${missing.fix}`);
  for (const g of ['phone-personal', 'phone-work']) assert.ok(existsSync(guest(g)), `${guest(g)} is missing: run node scripts/build-guests.mjs`);
  const entry = cs.ensureCodeServer();
  const { packageVsix } = await load<{ packageVsix(out?: string): string }>('scripts/package.mjs');

  rmSync(ARTEFACTS, { recursive: true, force: true });
  mkdirSync(ARTEFACTS, { recursive: true });
  const run = join(ROOT, '.cache', 'vscode-e2e-run');
  rmSync(run, { recursive: true, force: true });
  const folders = cs.runFolders(run);
  const vsix = packageVsix(join(run, 'persona.vsix'));
  cs.installExtension(entry, folders, vsix);

  const server = await cs.startServer(entry, folders, await freePort(), WORKSPACE);
  const { chromium } = await import('playwright-core');
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: cs.CHROMIUM, args: cs.CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await shot(page, '1-workbench');

    // Open the work kernel with Quick Open and set the breakpoint (F9 works once the debugger is registered).
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(KERNEL);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'main.c' }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible' });
    await until('the work kernel in the editor', async () => (await page.locator('.tab.active').innerText()).includes('main.c'));
    const glyph = page.locator('.monaco-editor .codicon-debug-breakpoint');
    await until('the breakpoint glyph', async () => {
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+G');
      await page.keyboard.type(String(BREAK_LINE));
      await page.keyboard.press('Enter');
      await page.keyboard.press('F9');
      await page.waitForTimeout(500);
      return (await glyph.count()) > 0;
    }, 60_000, 1000);
    await shot(page, '2-breakpoint');

    // F5 with no launch.json: the configuration provider picks the device manifest.
    await page.keyboard.press('F5');
    // The editor stopped on the breakpoint's line: the CALL STACK's top frame says main.c BREAK_LINE.
    const stack = page.locator('.debug-call-stack');
    const atLine = new RegExp(`main\\.c\\s+${BREAK_LINE}:\\d+`);
    await until('the stop at the breakpoint', async () => atLine.test(await stack.innerText()), 90_000);
    await shot(page, '3-stopped');
    assert.ok(await page.locator('.monaco-editor [class*="stackframe"]').count() > 0, 'the editor shows the current-statement arrow');
    const cursor = await page.locator('.editor-status-selection, [id="status.editor.selection"]').first().innerText();
    assert.match(cursor, new RegExp(`Ln ${BREAK_LINE}\\b`), `the editor's cursor is on the stop line (status bar says ${cursor})`);
    const stackText = await stack.innerText();
    assert.match(stackText, /work · vCPU0/, `CALL STACK shows the work persona's thread:\n${stackText}`);

    // The work persona's console shows its kernel's first lines.
    await runCommand(page, 'Persona: Show Persona Console');
    // Two personas, two consoles: the command asks which.
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'work' }).first();
    await pick.waitFor({ state: 'visible' });
    await pick.click();
    await until('the work console text', async () => (await page.locator('.terminal-wrapper.active .xterm-rows, .xterm-rows').last().innerText()).includes('work: kernel up at EL1'));
    await shot(page, '4-console');

    // The trap view lists the hypercalls the work kernel made before the breakpoint (the panes
    // above it are collapsed to give it room).
    for (const pane of ['Variables', 'Watch', 'Call Stack', 'Breakpoints']) {
      const header = page.locator('.pane-header', { hasText: pane }).first();
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
    }
    await expandPane(page, 'Persona Traps');
    const traps = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Persona Traps' }) });
    await until('the work persona in the trap view', async () => (await traps.locator('.monaco-list-row', { hasText: 'work' }).count()) > 0);
    // The work persona's hypercall class, expanded; the other personas are collapsed first (the
    // list renders only the rows in view). Rows are read by their label element: a row's text runs
    // the label and its description together.
    const rows = traps.locator('.monaco-list-row');
    const tree = async (): Promise<{ label: string; level: string | null; expanded: string | null }[]> => rows.evaluateAll((els) => els.map((e) => ({
      label: (e.querySelector('.label-name')?.textContent ?? '').trim(), level: e.getAttribute('aria-level'), expanded: e.getAttribute('aria-expanded'),
    })));
    await until('the work persona\'s hypercall class', async () => {
      const t = await tree();
      const other = t.findIndex((r) => r.level === '1' && r.label !== 'work' && r.expanded === 'true');
      if (other >= 0) {
        await rows.nth(other).click();
        return false;
      }
      const work = t.findIndex((r) => r.level === '1' && r.label === 'work');
      if (work < 0) return false;
      if (t[work]!.expanded !== 'true') {
        await rows.nth(work).click();
        return false;
      }
      const cls = t.findIndex((r, i) => i > work && r.level === '2' && r.label === 'hypercall');
      if (cls < 0) return false;
      if (t[cls]!.expanded !== 'true') await rows.nth(cls).click();
      return true;
    });
    // Its entries: the kernel's PERSONA_WHOAMI and PERSONA_CHANNEL_INFO before phone_enter_app().
    await until('the work kernel\'s hypercalls', async () => {
      const t = await traps.innerText();
      return t.includes('PERSONA_WHOAMI') && t.includes('PERSONA_CHANNEL_INFO');
    });
    await shot(page, '5-traps');

  } catch (e) {
    const page = browser?.contexts()[0]?.pages()[0];
    if (page) await shot(page, 'failure').catch(() => undefined);
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- code-server log (tail) ---\n${server.log().slice(-3000)}`);
  } finally {
    await browser?.close();
    server.child.kill();
  }
});
