import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE_KINDS, MANIFEST_FIELDS, ManifestError, parseManifest } from '../../emulator/hypervisor/manifest';
import { ROOT } from '../helpers/project';

const good = {
  device: 'phone',
  personas: [{ name: 'personal', image: 'p.elf', ram: '64M' }, { name: 'work', image: '/abs/w.elf', cpus: 2 }],
  channels: [{ name: 'chat', between: ['personal', 'work'], size: '4K' }],
  devices: [{ name: 'vault', kind: 'register-block', owner: 'work', base: '0x0A100000', size: '4K', id: '0x5641554C', data: 'secret' }],
};

const parse = (m: unknown) => parseManifest(JSON.stringify(m), '/dev/phone.json');

test('a good manifest: paths, sizes, channel windows and doorbells, devices', () => {
  const m = parse(good);
  assert.equal(m.personas[0]!.image, '/dev/p.elf');
  assert.equal(m.personas[1]!.image, '/abs/w.elf');
  assert.equal(m.personas[0]!.ramBytes, 64n << 20n);
  assert.equal(m.personas[1]!.ramBytes, 128n << 20n, 'default RAM as QEMU');
  assert.equal(m.personas[1]!.cpus, 2);
  assert.equal(m.channels[0]!.base, 0x0b00_0000n);
  assert.deepEqual([...m.channels[0]!.intid], [[0, 40], [1, 40]]);
  assert.equal(m.devices[0]!.owner, 1);
  assert.equal(m.devices[0]!.id, 0x5641554c);
  assert.equal(m.personas[0]!.bios, false);
});

test('a persona with "bios": firmware for flash address 0, its path resolved like an image', () => {
  const m = parse({ device: 'board', personas: [{ name: 'personal', bios: 'fw/u-boot.bin' }] });
  assert.equal(m.personas[0]!.image, '/dev/fw/u-boot.bin');
  assert.equal(m.personas[0]!.bios, true);
  assert.equal(m.personas[0]!.kernel, undefined);
  const k = parse({ device: 'board', personas: [{ name: 'work', bios: 'u-boot.bin', image: 'vmlinuz', initrd: 'i.cpio', bootargs: 'console=ttyAMA0' }] });
  assert.deepEqual([k.personas[0]!.image, k.personas[0]!.kernel, k.personas[0]!.initrd], ['/dev/u-boot.bin', '/dev/vmlinuz', '/dev/i.cpio'], 'with bios, image is the kernel for the firmware');
});

const BAD: [string, unknown, RegExp][] = [
  ['not JSON', '{', /JSON/],
  ['unknown field', { ...good, colour: 'red' }, /manifest\.colour: unknown field/],
  ['no personas', { ...good, personas: [] }, /between 1 and 8/],
  ['bad name', { ...good, personas: [{ name: 'Work Phone', image: 'x' }] }, /not a name/],
  ['duplicate name', { ...good, personas: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }], channels: [], devices: [] }, /used twice/],
  ['bad size', { ...good, personas: [{ name: 'a', image: 'x', ram: 'lots' }], channels: [], devices: [] }, /not a size/],
  ['arm32 not yet', { ...good, personas: [{ name: 'a', image: 'x', arch: 'arm32' }], channels: [], devices: [] }, /not supported yet/],
  ['channel to nobody', { ...good, channels: [{ name: 'c', between: ['personal', 'bank'] }] }, /no persona is called "bank"/],
  ['channel to itself', { ...good, channels: [{ name: 'c', between: ['work', 'work'] }] }, /two different personas/],
  ['device on the UART', { ...good, devices: [{ name: 'v', kind: 'register-block', owner: 'work', base: '0x09000000' }] }, /collides with the virt board/],
  ['unknown kind', { ...good, devices: [{ name: 'v', kind: 'modem', owner: 'work', base: '0x0A100000' }] }, /not a device kind/],
  ['initrd with bios and no kernel', { ...good, personas: [{ name: 'a', bios: 'u-boot.bin', initrd: 'i.cpio' }], channels: [], devices: [] }, /personas\[0\]: "initrd" and "bootargs" go with a kernel/],
  ['neither image nor bios', { ...good, personas: [{ name: 'a' }], channels: [], devices: [] }, /personas\[0\]\.image: missing/],
  ['SPI used twice', { ...good, channels: [{ name: 'c', between: ['personal', 'work'], spi: 9 }, { name: 'd', between: ['personal', 'work'], spi: 9 }] }, /SPI 9 of personal is already used/],
];

for (const [name, m, fault] of BAD) {
  test(`manifest error: ${name}`, () => {
    assert.throws(() => (typeof m === 'string' ? parseManifest(m, '/dev/phone.json') : parse(m)), (e: unknown) => {
      assert.ok(e instanceof ManifestError);
      assert.match(e.message, /^ManifestError: \/dev\/phone\.json: /);
      assert.match(e.message, fault);
      return true;
    });
  });
}

test('docs/manifest.schema.json describes exactly the fields the parser accepts', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'manifest.schema.json'), 'utf8')) as {
    properties: Record<string, { items?: { properties: Record<string, { enum?: string[] }> } }>;
  };
  const keys = (o: object) => Object.keys(o).filter((k) => k !== '$schema').sort();
  assert.deepEqual(keys(schema.properties), [...MANIFEST_FIELDS.manifest].sort());
  assert.deepEqual(keys(schema.properties.personas!.items!.properties), [...MANIFEST_FIELDS.persona].sort());
  assert.deepEqual(keys(schema.properties.channels!.items!.properties), [...MANIFEST_FIELDS.channel].sort());
  assert.deepEqual(keys(schema.properties.devices!.items!.properties), [...MANIFEST_FIELDS.device].sort());
  assert.deepEqual(schema.properties.devices!.items!.properties.kind!.enum, [...DEVICE_KINDS]);
});

test('every manifest in the repository parses', () => {
  for (const f of ['examples/phone/phone.json']) parseManifest(readFileSync(join(ROOT, f), 'utf8'), join(ROOT, f));
});
