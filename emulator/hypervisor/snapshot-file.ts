// The persona snapshot file: a versioned, checksummed container of one JSON header (registers,
// device state, virtual time) and named binary sections (RAM, flash), each deflated.
//
//   "PERSONA\x01" | u32 format version | u32 header bytes | header JSON
//   | u32 section count | per section: u16 name bytes, name, u64 raw bytes, u64 stored bytes, deflated data
//   | SHA-256 of everything before it (32 bytes)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const MAGIC = Buffer.from('PERSONA\x01', 'latin1');
export const SNAPSHOT_FORMAT_VERSION = 1;
const MAX_SECTION = 8 * 1024 ** 3;

export class SnapshotFormatError extends Error {
  constructor(readonly file: string, readonly fault: string) {
    super(`SnapshotFormatError: ${file}: ${fault}`);
    this.name = 'SnapshotFormatError';
  }
}

export interface SnapshotContents {
  header: unknown;
  sections: Map<string, Uint8Array>;
}

export function encodeSnapshot(header: unknown, sections: ReadonlyMap<string, Uint8Array>): Buffer {
  const parts: Buffer[] = [MAGIC];
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  parts.push(u32(SNAPSHOT_FORMAT_VERSION), u32(json.length), json, u32(sections.size));
  for (const [name, raw] of sections) {
    const n = Buffer.from(name, 'utf8');
    const z = deflateRawSync(raw, { level: 1 });
    const h = Buffer.alloc(2 + n.length + 16);
    h.writeUInt16LE(n.length, 0);
    n.copy(h, 2);
    h.writeBigUInt64LE(BigInt(raw.length), 2 + n.length);
    h.writeBigUInt64LE(BigInt(z.length), 10 + n.length);
    parts.push(h, z);
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

export function decodeSnapshot(bytes: Uint8Array, file: string): SnapshotContents {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (fault: string): never => { throw new SnapshotFormatError(file, fault); };
  if (b.length < MAGIC.length + 12 + 32 || !b.subarray(0, MAGIC.length).equals(MAGIC)) fail('not a Persona snapshot (bad magic)');
  const version = b.readUInt32LE(8);
  if (version !== SNAPSHOT_FORMAT_VERSION) fail(`snapshot format version ${version}; this Persona reads version ${SNAPSHOT_FORMAT_VERSION}`);
  const body = b.subarray(0, b.length - 32);
  if (!createHash('sha256').update(body).digest().equals(b.subarray(b.length - 32))) fail('checksum mismatch: the file is corrupt or truncated');
  let at = 16;
  const need = (n: number) => { if (at + n > body.length) fail('truncated section table'); };
  const jsonLen = b.readUInt32LE(12);
  need(jsonLen);
  let header: unknown;
  try {
    header = JSON.parse(body.subarray(at, at + jsonLen).toString('utf8'));
  } catch {
    fail('header is not valid JSON');
  }
  at += jsonLen;
  need(4);
  const count = body.readUInt32LE(at);
  at += 4;
  const sections = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    need(2);
    const nameLen = body.readUInt16LE(at);
    need(2 + nameLen + 16);
    const name = body.subarray(at + 2, at + 2 + nameLen).toString('utf8');
    const raw = body.readBigUInt64LE(at + 2 + nameLen);
    const stored = body.readBigUInt64LE(at + 10 + nameLen);
    at += 2 + nameLen + 16;
    if (raw > BigInt(MAX_SECTION) || stored > BigInt(body.length - at)) fail(`section ${name}: absurd size`);
    let data: Buffer = Buffer.alloc(0);
    try {
      data = inflateRawSync(body.subarray(at, at + Number(stored)), { maxOutputLength: Math.max(1, Number(raw)) });
    } catch {
      fail(`section ${name}: data does not inflate`);
    }
    if (data.length !== Number(raw)) fail(`section ${name}: ${data.length} bytes, expected ${raw}`);
    sections.set(name, data);
    at += Number(stored);
  }
  if (at !== body.length) fail('trailing bytes after the last section');
  return { header, sections };
}

export function writeSnapshotFile(path: string, header: unknown, sections: ReadonlyMap<string, Uint8Array>): number {
  const bytes = encodeSnapshot(header, sections);
  writeFileSync(path, bytes);
  return bytes.length;
}

export function readSnapshotFile(path: string): SnapshotContents {
  return decodeSnapshot(readFileSync(path), path);
}
