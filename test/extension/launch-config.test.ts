// F5 without launch.json: finding the device manifest or the active file's ELF (on the built phone
// guests), and the configuration provider through a fake VS Code API.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fake } from '../helpers/fake-vscode';
import { PersonaConfigurationProvider } from '../../extension/src/debug/configuration-provider';
import { checkConfig, elfMentions, elfsForSource, isDeviceManifest, rankManifests, resolveEmptyLaunch } from '../../extension/src/debug/launch-config';
import { guest, ROOT } from '../helpers/project';

const PHONE = join(ROOT, 'examples', 'phone');
const MANIFEST = join(PHONE, 'phone.json');

test('a device manifest is a JSON object with a personas list', () => {
  assert.ok(isDeviceManifest(readFileSync(MANIFEST, 'utf8')));
  assert.equal(isDeviceManifest(readFileSync(join(ROOT, 'package.json'), 'utf8')), false);
  assert.equal(isDeviceManifest('{ "personas": 3 }'), false);
  assert.equal(isDeviceManifest('not json'), false);
});

test('device.json wins, then *.device.json, then the shallowest', () => {
  assert.deepEqual(rankManifests(['/w/a/b/x.json', '/w/phone.json', '/w/deep/device.json', '/w/t.device.json'], '/w'),
    ['/w/deep/device.json', '/w/t.device.json', '/w/phone.json', '/w/a/b/x.json']);
});

test('the ELF built from the active file is the one whose debug info names it', () => {
  const work = { path: guest('phone-work'), bytes: readFileSync(guest('phone-work')) };
  const personal = { path: guest('phone-personal'), bytes: readFileSync(guest('phone-personal')) };
  const hello = { path: guest('hello'), bytes: readFileSync(guest('hello')) };
  assert.ok(elfMentions(work.bytes, join(PHONE, 'work', 'main.c')) >= 2);
  assert.deepEqual(elfsForSource([work, personal, hello], join(PHONE, 'work', 'main.c')), [guest('phone-work')]);
  assert.deepEqual(elfsForSource([work, personal, hello], join(PHONE, 'common', 'kernel.c')), [guest('phone-personal'), guest('phone-work')].sort());
  assert.deepEqual(elfsForSource([work, { path: '/x/notes.elf', bytes: Buffer.from('main.c\0') }], '/nowhere/else.c'), []);
});

test('resolving an empty configuration', () => {
  const one = resolveEmptyLaunch(['/w/device.json'], [], '/w/a.c');
  assert.equal(one.kind, 'config');
  assert.equal(one.kind === 'config' && one.config.manifest, '/w/device.json');
  assert.deepEqual(resolveEmptyLaunch(['/w/a.json', '/w/b.json'], [], undefined), { kind: 'pick', what: 'manifest', choices: ['/w/a.json', '/w/b.json'] });
  const elf = resolveEmptyLaunch([], ['/b/x.elf'], '/w/x.c');
  assert.equal(elf.kind === 'config' && elf.config.program, '/b/x.elf');
  const none = resolveEmptyLaunch([], [], '/w/x.c');
  assert.equal(none.kind, 'none');
  assert.match(none.kind === 'none' ? none.message : '', /no guest ELF built from x\.c/);
});

test('configurations the adapter would refuse are caught with a clear message', () => {
  const base = { type: 'persona', request: 'launch', name: 'n' };
  assert.match(checkConfig(base) ?? '', /needs "manifest".*or "program"/);
  assert.match(checkConfig({ ...base, manifest: 'a', program: 'b' }) ?? '', /either "manifest" or "program", not both/);
  assert.equal(checkConfig({ ...base, program: 'b' }), undefined);
  assert.equal(checkConfig({ ...base, resume: 'x.snap', program: 'b' }), undefined);
  assert.equal(checkConfig({ ...base, resume: 'x.snap' }), undefined);
  assert.match(checkConfig({ ...base, resume: 'x.snap', manifest: 'd.json' }) ?? '', /not with "manifest"/);
});

test('provider: F5 with no launch.json in examples/phone picks its manifest and fills cwd', async () => {
  fake.reset();
  fake.files = [MANIFEST, join(ROOT, 'package.json')];
  const folder = { uri: { fsPath: PHONE }, name: 'phone', index: 0 };
  const p = new PersonaConfigurationProvider();
  const c = await p.resolveDebugConfiguration(folder as never, {} as never);
  assert.deepEqual(c, { type: 'persona', request: 'launch', name: 'Persona: phone.json', manifest: MANIFEST, stopOnEntry: false, cwd: PHONE });
});

test('provider: without a manifest, the active file\'s ELF; with none, an error and no session', async () => {
  fake.reset();
  fake.files = [guest('phone-work'), guest('hello')];
  fake.activeFile = join(PHONE, 'work', 'main.c');
  const p = new PersonaConfigurationProvider();
  const c = await p.resolveDebugConfiguration(undefined, {} as never);
  assert.equal(c?.program, guest('phone-work'));
  fake.files = [];
  assert.equal(await p.resolveDebugConfiguration(undefined, {} as never), undefined);
  assert.match(fake.messages[0]?.text ?? '', /no device manifest in the workspace and no guest ELF built from main\.c/);
});

test('provider: a hand-written configuration is checked, and ones of other debuggers pass through', async () => {
  fake.reset();
  const p = new PersonaConfigurationProvider();
  assert.equal(await p.resolveDebugConfiguration(undefined, { type: 'persona', request: 'launch', name: 'x', manifest: 'a', program: 'b' }), undefined);
  assert.match(fake.messages[0]?.text ?? '', /not both/);
  const other = { type: 'node', request: 'launch', name: 'n' };
  assert.equal(await p.resolveDebugConfiguration(undefined, other), other);
});
