// docs/launch.md is generated from package.json's launch schema and is up to date; the schema
// describes every attribute, and names what the adapter reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/project';

interface Prop { type: string; description?: string; default?: unknown }
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { debuggers: { type: string; configurationAttributes: { launch: { properties: Record<string, Prop> } } }[] } };

test('docs/launch.md is what scripts/gen-launch-doc.mjs makes of package.json (run `npm run gen-docs`)', async () => {
  const gen = (await import(pathToFileURL(join(ROOT, 'scripts', 'gen-launch-doc.mjs')).href)) as { launchDoc(p: unknown): string };
  assert.equal(readFileSync(join(ROOT, 'docs', 'launch.md'), 'utf8'), gen.launchDoc(pkg));
});

test('every launch attribute has a type and a description; the contract\'s attributes are all there', () => {
  const props = pkg.contributes.debuggers.find((d) => d.type === 'persona')!.configurationAttributes.launch.properties;
  for (const [name, p] of Object.entries(props)) {
    assert.ok(p.type, `${name} has a type`);
    assert.ok((p.description ?? '').length > 20, `${name} is described`);
  }
  for (const a of ['manifest', 'program', 'stopOnEntry', 'deterministic', 'cwd']) assert.ok(a in props, a);
  assert.equal(props.stopOnEntry?.default, false);
  assert.equal(props.deterministic?.default, false);
});
