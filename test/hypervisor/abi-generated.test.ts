// The guests' header and docs/hypercalls.md are generated from the hypercall table; a stale copy
// fails here (regenerate: node scripts/build.mjs && node out/scripts/gen-abi.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_FILES, renderCHeader, renderMarkdown } from '../../emulator/hypervisor/hypercalls/abi-render';
import { hypercallEntries } from '../../emulator/hypervisor/hypercalls/table';
import { ROOT } from '../helpers/project';

const STALE = 'stale: run `node scripts/build.mjs && node out/scripts/gen-abi.js`';

test('examples/include/persona-hypercalls.h matches the hypercall table', () => {
  assert.equal(readFileSync(join(ROOT, GENERATED_FILES.header), 'utf8'), renderCHeader(), STALE);
});

test('docs/hypercalls.md matches the hypercall table', () => {
  assert.equal(readFileSync(join(ROOT, GENERATED_FILES.docs), 'utf8'), renderMarkdown(), STALE);
});

test('every table entry is in the header with its id, and ids are unique', () => {
  const header = renderCHeader();
  const ids = new Set<number>();
  for (const e of hypercallEntries()) {
    assert.ok(!ids.has(e.id), `duplicate id 0x${e.id.toString(16)}`);
    ids.add(e.id);
    assert.match(header, new RegExp(`#define ${e.name}\\s+0x${(e.id >>> 0).toString(16).toUpperCase().padStart(8, '0')}u`));
  }
  const persona = hypercallEntries().filter((e) => e.family === 'Persona');
  assert.ok(persona.every((e) => (e.id >>> 24) === 0xc6), 'Persona calls live in the vendor hypervisor range');
});
