// package.json and the extension agree: entry point, activation on every contributed language, the
// settings the extension reads (keys, types, defaults), and the pinned client and API versions.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONTRIBUTED_LANGUAGES, SERVED_LANGUAGES } from '../../extension/src/languages';
import { readLanguageServerSettings, SETTING, TRACE_SETTINGS } from '../../extension/src/settings';
import { ROOT } from '../helpers/project';

interface SettingSchema {
  type: string;
  default: unknown;
  enum?: string[];
  description?: string;
}

interface Manifest {
  main: string;
  engines: Record<string, string>;
  activationEvents: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  contributes: {
    languages: { id: string }[];
    debuggers?: { type: string; languages: string[] }[];
    views?: Record<string, { id: string }[]>;
    commands?: { command: string }[];
    menus?: Record<string, { command: string }[]>;
    configuration: { properties: Record<string, SettingSchema> };
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

test('main is the extension bundle, built with vscode left external and no emulator inside (the adapter is its own bundle)', () => {
  assert.equal(manifest.main, './dist/extension.js');
  const bundle = join(ROOT, manifest.main);
  assert.ok(existsSync(bundle), `${bundle} is missing: run node scripts/build.mjs`);
  const code = readFileSync(bundle, 'utf8');
  assert.match(code, /require\("vscode"\)/);
  assert.doesNotMatch(code, /require\("koffi"\)/);
  assert.doesNotMatch(code, /emulator\//);
  assert.match(readFileSync(join(ROOT, 'dist', 'debug-adapter.js'), 'utf8'), /PersonaSession/);
});

test('the extension activates on every contributed language, the persona debug type and device manifests', () => {
  const contributed = manifest.contributes.languages.map((l) => l.id).sort();
  assert.deepEqual([...CONTRIBUTED_LANGUAGES].sort(), contributed);
  assert.deepEqual(manifest.activationEvents.filter((e) => e.startsWith('onLanguage:')).sort(), contributed.map((id) => `onLanguage:${id}`));
  for (const e of ['onDebugResolve:persona', 'onDebugDynamicConfigurations:persona', 'workspaceContains:**/device.json']) assert.ok(manifest.activationEvents.includes(e), e);
  for (const id of SERVED_LANGUAGES) assert.ok(contributed.includes(id), id);
});

test('the persona debugger, its view and its commands: every contributed command is registered, and back', () => {
  const dbg = manifest.contributes.debuggers?.find((d) => d.type === 'persona');
  assert.ok(dbg, 'contributes.debuggers has persona');
  assert.ok(dbg.languages.includes('c') && dbg.languages.includes('aarch64-asm'), 'F5 offers it for C and assembly editors');
  assert.deepEqual(manifest.contributes.views?.debug?.map((v) => v.id), ['persona.traps']);
  const sources = readdirSync(join(ROOT, 'extension', 'src'), { recursive: true }).filter((f) => String(f).endsWith('.ts'))
    .map((f) => readFileSync(join(ROOT, 'extension', 'src', String(f)), 'utf8')).join('\n');
  const registered = new Set([...sources.matchAll(/registerCommand\((?:'([^']+)'|([A-Z_]+))/g)].map((m) => m[1] ?? (new RegExp(`${m[2]} = '([^']+)'`).exec(sources)?.[1] ?? m[2])));
  const contributedCommands = (manifest.contributes.commands ?? []).map((c) => c.command).sort();
  assert.deepEqual([...registered].sort(), contributedCommands);
  for (const items of Object.values(manifest.contributes.menus ?? {})) for (const i of items) assert.ok(contributedCommands.includes(i.command), i.command);
});

test('the settings schema matches what the extension reads', () => {
  const props = manifest.contributes.configuration.properties;
  assert.deepEqual(Object.keys(props).filter((k) => k.startsWith('persona.languageServer.')).sort(), Object.values(SETTING).sort());
  const enabled = props[SETTING.enabled]!;
  const trace = props[SETTING.trace]!;
  assert.equal(enabled.type, 'boolean');
  assert.equal(trace.type, 'string');
  assert.deepEqual(trace.enum, [...TRACE_SETTINGS]);
  // The schema's defaults are what the extension assumes when a setting is unset.
  assert.deepEqual(readLanguageServerSettings(() => undefined), { enabled: enabled.default, trace: trace.default });
  for (const p of Object.values(props)) assert.ok(p.description, 'every setting is described');
});

test('vscode-languageclient is pinned to 11.0.x, and the API types match engines.vscode', () => {
  assert.match(manifest.dependencies['vscode-languageclient'] ?? '', /^11\.0\.\d+$/);
  assert.match(manifest.devDependencies['@types/vscode'] ?? '', /^~1\.100\.\d+$/);
  assert.equal(manifest.engines.vscode, '^1.100.0');
});
