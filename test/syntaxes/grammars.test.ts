// The TextMate grammars in syntaxes/: each fixture in syntaxes/tests/ is a vscode-tmgrammar-test unit test
// (a `SYNTAX TEST "<scope>"` header, then source lines followed by `^^^ scope` assertion lines). This harness
// tokenises the fixtures with vscode-textmate + vscode-oniguruma and makes one node:test case per asserted
// source line, so a broken grammar fails CI line by line; it also runs the vscode-tmgrammar-test CLI itself
// over the same fixtures, checks that every pattern compiles, and checks the language configurations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';

const ROOT = (() => {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'persona') return dir;
    const parent = join(dir, '..');
    if (parent === dir) throw new Error(`no package.json named "persona" above ${__dirname}`);
    dir = parent;
  }
})();
const SYNTAXES = join(ROOT, 'syntaxes');
const FIXTURES = join(SYNTAXES, 'tests');

interface LanguageFiles { id: string; scopeName: string; grammar: string; configuration: string }
const LANGUAGES: LanguageFiles[] = [
  { id: 'aarch64-asm', scopeName: 'source.asm.aarch64', grammar: 'aarch64.tmLanguage.json', configuration: 'aarch64.language-configuration.json' },
  { id: 'arm-asm', scopeName: 'source.asm.arm', grammar: 'arm.tmLanguage.json', configuration: 'arm.language-configuration.json' },
  { id: 'linker-script', scopeName: 'source.ld', grammar: 'linker-script.tmLanguage.json', configuration: 'linker-script.language-configuration.json' },
  { id: 'devicetree', scopeName: 'source.dts', grammar: 'devicetree.tmLanguage.json', configuration: 'devicetree.language-configuration.json' },
];

// ---- fixture format (the vscode-tmgrammar-test unit-test format) ----

interface ScopeAssertion { from: number; to: number; scopes: string[]; exclude: string[] }
interface LineAssertions { fixtureLine: number; sourceLine: number; assertions: ScopeAssertion[] }
interface Fixture { file: string; scopeName: string; source: string[]; lines: LineAssertions[] }

const HEADER = /^(\S+)\s+SYNTAX\s+TEST\s+"([^"]+)"(?:\s+"([^"]+)")?\s*$/;
const UP_ARROWS = /^\s*((?:\^+\s*)+)((?:\s*\w[-\w.]*)*)(?:\s*-)?((?:\s*\w[-\w.]*)*)\s*$/;
const LEFT_ARROW = /^(\s*)<(~*)(-+)((?:\s*\w[-\w.]*)*)(?:\s*-)?((?:\s*\w[-\w.]*)*)\s*$/;

const words = (s: string | undefined): string[] => (s ?? '').split(/\s+/).filter((x) => x);

function parseAssertionLine(text: string, commentLength: number, where: string): ScopeAssertion[] {
  const rest = text.slice(commentLength);
  const up = UP_ARROWS.exec(rest);
  if (rest.trim().startsWith('^')) {
    if (!up) throw new Error(`${where}: malformed assertion`);
    const scopes = words(up[2]);
    const exclude = words(up[3]);
    if (scopes.length === 0 && exclude.length === 0) throw new Error(`${where}: assertion names no scope`);
    const out: ScopeAssertion[] = [];
    for (const m of rest.matchAll(/\^+/g)) {
      const start = m.index ?? 0;
      out.push({ from: commentLength + start, to: commentLength + start + m[0].length, scopes, exclude });
    }
    return out;
  }
  const left = LEFT_ARROW.exec(rest);
  if (!left) throw new Error(`${where}: malformed assertion`);
  const scopes = words(left[4]);
  const exclude = words(left[5]);
  if (scopes.length === 0 && exclude.length === 0) throw new Error(`${where}: assertion names no scope`);
  return [{ from: left[2].length, to: left[2].length + left[3].length, scopes, exclude }];
}

function parseFixture(file: string): Fixture {
  const all = readFileSync(file, 'utf8').split(/\r\n|\n/);
  const header = HEADER.exec(all[0] ?? '');
  if (!header) throw new Error(`${file}:1: expected <comment> SYNTAX TEST "<scope>"`);
  const comment = header[1];
  const isAssertion = (s: string) => s.startsWith(comment) && /^\s*(\^|<~*-+)/.test(s.slice(comment.length));
  const source: string[] = [];
  const lines: LineAssertions[] = [];
  let current: LineAssertions | undefined;
  all.slice(1).forEach((text, i) => {
    const fixtureLine = i + 2;
    if (isAssertion(text)) {
      if (!current) throw new Error(`${file}:${fixtureLine}: assertion before any source line`);
      current.assertions.push(...parseAssertionLine(text, comment.length, `${file}:${fixtureLine}`));
    } else {
      source.push(text);
      current = { fixtureLine, sourceLine: source.length - 1, assertions: [] };
      lines.push(current);
    }
  });
  return { file, scopeName: header[2], source, lines: lines.filter((l) => l.assertions.length > 0) };
}

/** vscode-tmgrammar-test's rule: the required scopes appear in the token's scope stack, in order. */
function hasInOrder(required: string[], actual: string[]): boolean {
  let j = 0;
  for (const scope of actual) if (j < required.length && scope === required[j]) j++;
  return j === required.length;
}

// ---- grammar loading ----

const registryReady = (async () => {
  const wasm = readFileSync(join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const language = LANGUAGES.find((l) => l.scopeName === scopeName);
      if (!language) return null;
      const path = join(SYNTAXES, language.grammar);
      return parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
})();

const grammars = new Map<string, Promise<IGrammar>>();
function grammarFor(scopeName: string): Promise<IGrammar> {
  let g = grammars.get(scopeName);
  if (!g) {
    g = registryReady.then(async (registry) => {
      const loaded = await registry.loadGrammar(scopeName);
      if (!loaded) throw new Error(`no grammar for ${scopeName}`);
      return loaded;
    });
    grammars.set(scopeName, g);
  }
  return g;
}

interface Token { startIndex: number; endIndex: number; scopes: string[] }

async function tokenize(fixture: Fixture): Promise<Token[][]> {
  const grammar = await grammarFor(fixture.scopeName);
  let state: StateStack = INITIAL;
  return fixture.source.map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens;
  });
}

function checkLine(line: string, tokens: Token[], assertions: ScopeAssertion[]): string[] {
  const failures: string[] = [];
  for (const a of assertions) {
    const covered = tokens.filter((t) => a.from < t.endIndex && a.to > t.startIndex);
    if (covered.length === 0 && a.scopes.length > 0) failures.push(`columns ${a.from}-${a.to}: no token there`);
    for (const t of covered) {
      const unexpected = a.exclude.filter((s) => t.scopes.includes(s));
      if (!hasInOrder(a.scopes, t.scopes) || unexpected.length > 0) {
        failures.push(`"${line.slice(t.startIndex, t.endIndex)}" (columns ${t.startIndex}-${t.endIndex}) has [${t.scopes.join(' ')}]; `
          + `wanted [${a.scopes.join(' ')}]${a.exclude.length ? ` without [${a.exclude.join(' ')}]` : ''}`);
      }
    }
  }
  return failures;
}

// ---- the cases ----

const fixtureFiles = readdirSync(FIXTURES).filter((f) => !f.startsWith('.') && !f.endsWith('.md')).sort();

for (const name of fixtureFiles) {
  const fixture = parseFixture(join(FIXTURES, name));
  const tokens = tokenize(fixture);
  for (const line of fixture.lines) {
    const source = fixture.source[line.sourceLine];
    test(`${name}:${line.fixtureLine} ${source.trim()}`, async () => {
      const failures = checkLine(source, (await tokens)[line.sourceLine], line.assertions);
      assert.deepEqual(failures, [], `${name}:${line.fixtureLine}: ${source}\n  ${failures.join('\n  ')}`);
    });
  }
}

test('every language has a fixture with assertions', () => {
  const covered = new Set(fixtureFiles.map((f) => parseFixture(join(FIXTURES, f))).filter((f) => f.lines.length > 0).map((f) => f.scopeName));
  assert.deepEqual(LANGUAGES.map((l) => l.scopeName).filter((s) => !covered.has(s)), []);
});

test('the vscode-tmgrammar-test runner passes on the fixtures', () => {
  const cli = join(ROOT, 'node_modules/vscode-tmgrammar-test/dist/unit.js');
  const args = [cli, '--compact', ...LANGUAGES.flatMap((l) => ['-g', join(SYNTAXES, l.grammar)]), join(FIXTURES, '*')];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
});

/** Every regular expression a grammar holds, with where it is. */
function* grammarRegexes(node: unknown, path: string): Generator<{ where: string; source: string }> {
  if (Array.isArray(node)) {
    for (const [i, x] of node.entries()) yield* grammarRegexes(x, `${path}[${i}]`);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') yield { where: `${path}.${key}`, source: value };
      else yield* grammarRegexes(value, `${path}.${key}`);
    }
  }
}

for (const language of LANGUAGES) {
  test(`${language.grammar}: every pattern compiles and every include resolves`, async () => {
    await registryReady;
    const raw = JSON.parse(readFileSync(join(SYNTAXES, language.grammar), 'utf8')) as { scopeName: string; repository?: Record<string, unknown> };
    assert.equal(raw.scopeName, language.scopeName);
    const bad: string[] = [];
    for (const { where, source } of grammarRegexes(raw, '$')) {
      // End and while patterns may refer back to begin captures (\1); any text stands in for them here.
      const pattern = /\.(end|while)$/.test(where) ? source.replace(/\\(\d+)/g, 'x') : source;
      try {
        new oniguruma.OnigScanner([pattern]).dispose();
      } catch (e) {
        bad.push(`${where}: ${(e as Error).message}`);
      }
    }
    const text = JSON.stringify(raw);
    for (const m of text.matchAll(/"include":"#([^"]+)"/g)) if (!raw.repository?.[m[1]]) bad.push(`include #${m[1]}: no such repository entry`);
    assert.deepEqual(bad, []);
  });

  test(`${language.configuration}: brackets pair up and its regular expressions compile`, () => {
    const config = JSON.parse(readFileSync(join(SYNTAXES, language.configuration), 'utf8')) as {
      comments?: { lineComment?: string; blockComment?: [string, string] };
      brackets?: [string, string][];
      wordPattern?: string;
      folding?: { markers?: { start: string; end: string } };
      indentationRules?: Record<string, string>;
    };
    assert.ok(config.comments?.blockComment ?? config.comments?.lineComment, 'declares a comment style');
    for (const [open, close] of config.brackets ?? []) assert.ok(open && close && open !== close);
    for (const source of [config.wordPattern, config.folding?.markers?.start, config.folding?.markers?.end, ...Object.values(config.indentationRules ?? {})]) {
      if (source !== undefined) assert.doesNotThrow(() => new RegExp(source), source);
    }
  });
}

test('package.json contributes each language with its grammar and configuration', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes?: { languages?: { id: string; configuration?: string }[]; grammars?: { language: string; scopeName: string; path: string }[] };
  };
  for (const language of LANGUAGES) {
    const contributed = manifest.contributes?.languages?.find((l) => l.id === language.id);
    assert.ok(contributed, `contributes.languages has ${language.id}`);
    assert.equal(contributed.configuration, `./syntaxes/${language.configuration}`);
    const grammar = manifest.contributes?.grammars?.find((g) => g.language === language.id);
    assert.ok(grammar, `contributes.grammars has ${language.id}`);
    assert.equal(grammar.scopeName, language.scopeName);
    assert.equal(grammar.path, `./syntaxes/${language.grammar}`);
  }
});
