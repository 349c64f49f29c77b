// How the extension finds the native libraries the .vsix does not ship.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findNativeLibraries, nativeCandidates, nativeFilesIn } from '../../extension/src/debug/native-libraries';

const search = (files: string[], o: Partial<Parameters<typeof findNativeLibraries>[0]> = {}) => findNativeLibraries({
  env: {}, setting: '', extensionPath: '/ext', workspaceFolders: ['/home/u/persona/examples/phone'], exists: (p) => files.includes(p), arch: 'x64', ...o,
});

test('a checkout above the workspace folder is found (examples/phone opened inside Persona)', () => {
  const f = nativeFilesIn('/home/u/persona', 'x64');
  assert.equal(f.unicorn, '/home/u/persona/.native/root/usr/lib/x86_64-linux-gnu/libunicorn.so.2');
  const r = search([f.unicorn, f.helpers]);
  assert.deepEqual(r, { kind: 'found', env: { PERSONA_LIBUNICORN: f.unicorn, PERSONA_LIBNATIVE: f.helpers }, from: '/home/u/persona' });
  const withCapstone = search([f.unicorn, f.helpers, f.capstone]);
  assert.equal(withCapstone.kind === 'found' && withCapstone.env.PERSONA_LIBCAPSTONE, '/home/u/persona/.native/root/usr/lib/x86_64-linux-gnu/libcapstone.so.5', 'capstone (disassembly) comes along when it is there');
});

test('the setting comes first, then the extension folder', () => {
  const s = nativeFilesIn('/opt/persona', 'x64');
  const e = nativeFilesIn('/ext', 'x64');
  assert.equal(search([s.unicorn, s.helpers, e.unicorn, e.helpers], { setting: '/opt/persona' }).kind === 'found' && search([s.unicorn, s.helpers], { setting: '/opt/persona/.native' }).kind, 'found');
  const r = search([s.unicorn, s.helpers, e.unicorn, e.helpers], { setting: '/opt/persona' });
  assert.equal(r.kind === 'found' && r.from, '/opt/persona');
  assert.deepEqual(nativeCandidates({ env: {}, setting: '', extensionPath: '/ext', workspaceFolders: ['/a/b'], exists: () => false }), ['/ext', '/a/b', '/a', '/']);
});

test('the environment wins; nothing found says how to fetch them', () => {
  const r = search(['/my/libunicorn.so.2', '/my/helpers.so'], { env: { PERSONA_LIBUNICORN: '/my/libunicorn.so.2', PERSONA_LIBNATIVE: '/my/helpers.so' } });
  assert.deepEqual(r.kind === 'found' && r.env, { PERSONA_LIBUNICORN: '/my/libunicorn.so.2', PERSONA_LIBNATIVE: '/my/helpers.so' });
  const missing = search([]);
  assert.equal(missing.kind, 'missing');
  assert.match(missing.kind === 'missing' ? missing.message : '', /npm run setup.*persona\.nativeFolder.*PERSONA_LIBUNICORN/);
});
