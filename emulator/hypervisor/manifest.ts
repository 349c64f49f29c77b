// The device manifest: which personas a device runs, the channels between them and the devices
// assigned to one of them. JSON, described for editors by docs/manifest.schema.json and for people
// by docs/manifest.md. Validated here by hand so that every mistake gets a message that names the
// field and says what to write instead.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DEFAULT_RAM_BYTES, SPI_BASE } from '../platform/virt-map';

export class ManifestError extends Error {
  constructor(readonly file: string, readonly where: string, readonly problem: string) {
    super(`ManifestError: ${file}: ${where}: ${problem}`);
    this.name = 'ManifestError';
  }
}

export const DEVICE_KINDS = ['register-block', 'pl011'] as const;
export type AssignedDeviceKind = (typeof DEVICE_KINDS)[number];

export interface PersonaSpec {
  name: string;
  /** Absolute path of the guest image (or of the firmware, when `bios`). */
  image: string;
  /** The image is firmware loaded at flash address 0, as QEMU's -bios loads it. */
  bios: boolean;
  arch: 'aarch64';
  ramBytes: bigint;
  cpus: number;
  bootargs?: string;
  /** Absolute path of an initrd for a Linux Image (with `bios`: for the firmware's kernel). */
  initrd?: string;
  /** With `bios`: absolute path of a kernel the firmware loads through fw_cfg (QEMU: -bios with -kernel). */
  kernel?: string;
}

export interface ChannelSpec {
  id: number;
  name: string;
  /** The two persona indices. */
  between: [number, number];
  sizeBytes: bigint;
  /** Guest-physical base (the same window in both personas). */
  base: bigint;
  /** Doorbell INTID each end receives, by persona index. */
  intid: Map<number, number>;
}

export interface AssignedDeviceSpec {
  name: string;
  kind: AssignedDeviceKind;
  owner: number;
  base: bigint;
  sizeBytes: bigint;
  /** INTID of its interrupt in the owner, if it has one. */
  intid?: number;
  /** register-block: the ID register's value and the initial contents of its data registers. */
  id: number;
  data: string;
}

export interface DeviceManifest {
  file: string;
  device: string;
  personas: PersonaSpec[];
  channels: ChannelSpec[];
  devices: AssignedDeviceSpec[];
}

/** Where channel segments live in every persona's guest-physical space (a hole in QEMU's virt map). */
export const CHANNEL_WINDOW = { base: 0x0b00_0000n, stride: 0x10_0000n, count: 16 } as const;
/** Default doorbell SPIs: 8..15 are unused on virt (INTID 40..47). */
const DEFAULT_CHANNEL_SPI = 8;
/** Assigned devices may sit only where the virt board has nothing: these windows. */
const DEVICE_WINDOWS: readonly { base: bigint; end: bigint }[] = [
  { base: 0x0904_0000n, end: 0x0a00_0000n },
  { base: 0x0a00_4000n, end: 0x0b00_0000n },
];

/** The fields each part of a manifest may have (docs/manifest.schema.json lists the same; a test checks). */
export const MANIFEST_FIELDS = {
  manifest: ['device', 'personas', 'channels', 'devices'],
  persona: ['name', 'image', 'bios', 'arch', 'ram', 'cpus', 'bootargs', 'initrd'],
  channel: ['name', 'between', 'size', 'spi'],
  device: ['name', 'kind', 'owner', 'base', 'size', 'spi', 'id', 'data'],
} as const;

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const SIZE_UNITS: Record<string, bigint> = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

class Checker {
  constructor(readonly file: string) {}

  fail(where: string, problem: string): never {
    throw new ManifestError(this.file, where, problem);
  }

  object(v: Json | undefined, where: string, allowed: readonly string[]): JsonObject {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(where, 'must be an object');
    for (const k of Object.keys(v)) {
      if (k !== '$schema' && !allowed.includes(k)) this.fail(`${where}.${k}`, `unknown field (known: ${allowed.join(', ')})`);
    }
    return v;
  }

  array(v: Json | undefined, where: string, optional = false): Json[] {
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) this.fail(where, 'must be an array');
    return v;
  }

  string(v: Json | undefined, where: string): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(where, 'must be a non-empty string');
    return v;
  }

  name(v: Json | undefined, where: string): string {
    const s = this.string(v, where);
    if (!NAME.test(s)) this.fail(where, `"${s}" is not a name: use lower-case letters, digits, - and _ (at most 32)`);
    return s;
  }

  size(v: Json | undefined, where: string, fallback?: bigint): bigint {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return BigInt(v);
    const m = typeof v === 'string' ? /^(\d+)\s*([KMG]?)(?:i?B)?$/i.exec(v.trim()) : null;
    if (!m) this.fail(where, `${JSON.stringify(v)} is not a size: write it like "64M" or "4K"`);
    return BigInt(m[1]!) * SIZE_UNITS[m[2]!.toUpperCase()]!;
  }

  address(v: Json | undefined, where: string): bigint {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === 'string' && /^(0x[0-9a-f_]+|\d+)$/i.test(v.trim())) return BigInt(v.trim().replace(/_/g, ''));
    this.fail(where, `${JSON.stringify(v)} is not an address: write it like "0x0A100000"`);
  }

  integer(v: Json | undefined, where: string, min: number, max: number, fallback?: number): number {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(where, `must be a whole number from ${min} to ${max}`);
    return v;
  }
}

function personaIndex(c: Checker, names: string[], v: Json | undefined, where: string): number {
  const n = c.string(v, where);
  const i = names.indexOf(n);
  if (i < 0) c.fail(where, `no persona is called "${n}" (personas: ${names.join(', ')})`);
  return i;
}

/** Parses and checks a manifest's text; `file` is used for messages and to resolve image paths. */
export function parseManifest(text: string, file: string): DeviceManifest {
  const c: Checker = new Checker(file); // explicitly typed, so c.fail() narrows like a throw
  let json: Json = null;
  try {
    json = JSON.parse(text) as Json;
  } catch (e) {
    c.fail('JSON', (e as Error).message);
  }
  const top = c.object(json, 'manifest', MANIFEST_FIELDS.manifest);
  const device = c.name(top.device, 'device');
  const personaList = c.array(top.personas, 'personas');
  if (personaList.length === 0 || personaList.length > 8) c.fail('personas', 'list between 1 and 8 personas');
  const personas = personaList.map((p, i): PersonaSpec => {
    const w = `personas[${i}]`;
    const o = c.object(p, w, MANIFEST_FIELDS.persona);
    const bios = o.bios !== undefined;
    const image = bios ? c.string(o.bios, `${w}.bios`) : o.image === undefined ? c.fail(`${w}.image`, 'missing: give the guest image (or "bios" for firmware)') : c.string(o.image, `${w}.image`);
    // With firmware, "image" is the kernel it loads from fw_cfg, with "initrd" and "bootargs".
    const kernel = bios && o.image !== undefined ? c.string(o.image, `${w}.image`) : undefined;
    if (bios && kernel === undefined && (o.initrd !== undefined || o.bootargs !== undefined)) {
      c.fail(w, '"initrd" and "bootargs" go with a kernel: with "bios", give the kernel as "image" too');
    }
    const initrd = o.initrd === undefined ? undefined : c.string(o.initrd, `${w}.initrd`);
    const abs = (f: string): string => (isAbsolute(f) ? f : resolve(dirname(file), f));
    const arch = o.arch === undefined ? 'aarch64' : c.string(o.arch, `${w}.arch`);
    if (arch !== 'aarch64') c.fail(`${w}.arch`, `"${arch}" is not supported yet: personas run aarch64 guests`);
    const ramBytes = c.size(o.ram, `${w}.ram`, DEFAULT_RAM_BYTES);
    if (ramBytes < 1n << 20n || ramBytes > 4n << 30n || ramBytes % 4096n !== 0n) c.fail(`${w}.ram`, 'must be a multiple of 4K from 1M to 4G');
    return {
      name: c.name(o.name, `${w}.name`),
      image: isAbsolute(image) ? image : resolve(dirname(file), image),
      bios,
      arch: 'aarch64',
      ramBytes,
      cpus: c.integer(o.cpus, `${w}.cpus`, 1, 8, 1),
      bootargs: o.bootargs === undefined ? undefined : c.string(o.bootargs, `${w}.bootargs`),
      initrd: initrd === undefined ? undefined : abs(initrd),
      kernel: kernel === undefined ? undefined : abs(kernel),
    };
  });
  const names = personas.map((p) => p.name);
  names.forEach((n, i) => { if (names.indexOf(n) !== i) c.fail(`personas[${i}].name`, `"${n}" is used twice`); });

  const usedSpis = new Map<string, string>(); // "persona:spi" -> what uses it
  const claimSpi = (persona: number, spi: number, what: string, where: string): number => {
    const key = `${persona}:${spi}`;
    const prior = usedSpis.get(key);
    if (prior) c.fail(where, `SPI ${spi} of ${names[persona]} is already used by ${prior}`);
    usedSpis.set(key, what);
    return spi + SPI_BASE;
  };

  const channelList = c.array(top.channels, 'channels', true);
  if (channelList.length > CHANNEL_WINDOW.count) c.fail('channels', `at most ${CHANNEL_WINDOW.count} channels`);
  const channels = channelList.map((ch, i): ChannelSpec => {
    const w = `channels[${i}]`;
    const o = c.object(ch, w, MANIFEST_FIELDS.channel);
    const between = c.array(o.between, `${w}.between`);
    if (between.length !== 2) c.fail(`${w}.between`, 'name exactly two personas');
    const a = personaIndex(c, names, between[0], `${w}.between[0]`);
    const b = personaIndex(c, names, between[1], `${w}.between[1]`);
    if (a === b) c.fail(`${w}.between`, 'a channel joins two different personas');
    const sizeBytes = c.size(o.size, `${w}.size`, 4096n);
    if (sizeBytes % 4096n !== 0n || sizeBytes > CHANNEL_WINDOW.stride) c.fail(`${w}.size`, 'must be a multiple of 4K, at most 1M');
    const spi = c.integer(o.spi, `${w}.spi`, 8, 255, DEFAULT_CHANNEL_SPI + i);
    const name = c.name(o.name, `${w}.name`);
    return {
      id: i, name, between: [a, b], sizeBytes, base: CHANNEL_WINDOW.base + BigInt(i) * CHANNEL_WINDOW.stride,
      intid: new Map([[a, claimSpi(a, spi, `channel ${name}`, `${w}.spi`)], [b, claimSpi(b, spi, `channel ${name}`, `${w}.spi`)]]),
    };
  });

  const deviceList = c.array(top.devices, 'devices', true);
  const devices = deviceList.map((d, i): AssignedDeviceSpec => {
    const w = `devices[${i}]`;
    const o = c.object(d, w, MANIFEST_FIELDS.device);
    const kindText = c.string(o.kind, `${w}.kind`);
    const kind = DEVICE_KINDS.find((k) => k === kindText);
    if (!kind) c.fail(`${w}.kind`, `"${kindText}" is not a device kind: use ${DEVICE_KINDS.map((k) => `"${k}"`).join(' or ')}`);
    const owner = personaIndex(c, names, o.owner, `${w}.owner`);
    const base = c.address(o.base, `${w}.base`);
    const sizeBytes = c.size(o.size, `${w}.size`, 4096n);
    if (base % 4096n !== 0n || sizeBytes % 4096n !== 0n) c.fail(w, 'base and size must be multiples of 4K');
    if (!DEVICE_WINDOWS.some((win) => base >= win.base && base + sizeBytes <= win.end)) {
      c.fail(`${w}.base`, `0x${base.toString(16)} collides with the virt board: place devices in 0x09040000-0x09ffffff or 0x0a004000-0x0affffff`);
    }
    const name = c.name(o.name, `${w}.name`);
    const intid = o.spi === undefined ? undefined : claimSpi(owner, c.integer(o.spi, `${w}.spi`, 8, 255), `device ${name}`, `${w}.spi`);
    const id = o.id === undefined ? 0 : Number(c.address(o.id, `${w}.id`) & 0xffff_ffffn);
    const data = o.data === undefined ? '' : c.string(o.data, `${w}.data`);
    return { name, kind, owner, base, sizeBytes, intid, id, data };
  });
  devices.forEach((d, i) => devices.slice(0, i).forEach((e) => {
    if (d.base < e.base + e.sizeBytes && e.base < d.base + d.sizeBytes) c.fail(`devices[${i}]`, `overlaps device "${e.name}"`);
  }));
  return { file, device, personas, channels, devices };
}

export function loadManifest(file: string): DeviceManifest {
  return parseManifest(readFileSync(file, 'utf8'), file);
}
