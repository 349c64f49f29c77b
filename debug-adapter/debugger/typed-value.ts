// A DWARF-typed object and where its bytes are: guest memory (addressable, writable, and what
// memoryReference points at), bytes gathered from registers or computed by the compiler (written
// back to the register when there is one), or nowhere ("optimized out"). Members, elements and
// pointer targets are new typed values over the same storage.

import type { Location, LocationPiece } from '../symbols/dwarf-expression';
import { registerName } from '../symbols/dwarf-expression';
import type { GuestMemory } from './guest-memory';
import type { TypeId, ValueTypes } from './value-types';

export type Storage =
  | { kind: 'memory'; address: bigint }
  /** `write` is absent when the bytes cannot be written back; `readOnly` says why. */
  | { kind: 'bytes'; bytes: Uint8Array; write?: (bytes: Uint8Array) => void; readOnly?: string }
  | { kind: 'unavailable'; reason: string };

export interface TypedValue {
  type: TypeId;
  storage: Storage;
  /** A bitfield: its first bit (from the least significant bit of the storage's first byte) and width. */
  bits?: { offset: number; size: number };
  /** Leading dimensions of a multi-dimensional array already indexed (`table[1]` of `int[3][2]`). */
  dimsUsed?: number;
}

/** A value that cannot be read or written, with the reason (optimized out, unreadable memory, read-only). */
export class ValueError extends Error {
  override readonly name = 'ValueError';
}

/** How registers are written back (the innermost frame only). */
export interface RegisterWriter {
  write(register: number, bytes: Uint8Array): void;
}

export interface ValueContext {
  types: ValueTypes;
  memory: GuestMemory;
}

export function le(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

export function toLe(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(8 * size, value);
  for (let i = 0; i < size; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** Storage for an evaluated location. `registers` reads a register's full contents (16 bytes for v regs). */
export function storageOf(ctx: ValueContext, loc: Location, size: number, registers: (n: number) => Uint8Array | undefined, writer: RegisterWriter | undefined): Storage {
  if (loc.length === 1 && loc[0]!.sizeBits === undefined) return pieceStorage(loc[0]!.piece, registers, writer);
  // Pieces (a struct split over registers, a long in two halves): gather them into one buffer;
  // writes go back part by part.
  const parts: { at: number; n: number; storage: Storage }[] = [];
  let at = 0;
  for (const part of loc) {
    const n = Math.ceil((part.sizeBits ?? 8 * Math.max(size - at, 0)) / 8);
    const s = pieceStorage(part.piece, registers, writer);
    if (s.kind === 'unavailable') return { kind: 'unavailable', reason: `partly ${s.reason}` };
    parts.push({ at, n, storage: s });
    at += n;
  }
  const bytes = new Uint8Array(Math.max(size, at));
  for (const p of parts) {
    try {
      bytes.set(readStorage(ctx, p.storage, 0, p.n), p.at);
    } catch (e) {
      if (e instanceof ValueError) return { kind: 'unavailable', reason: e.message };
      throw e;
    }
  }
  const writable = parts.every((p) => p.storage.kind === 'memory' || (p.storage.kind === 'bytes' && p.storage.write));
  if (!writable) return { kind: 'bytes', bytes, readOnly: 'part of this value has no storage to write' };
  return {
    kind: 'bytes', bytes,
    write: (b) => {
      for (const p of parts) writeStorage(p.storage, b.subarray(p.at, p.at + p.n), ctx);
    },
  };
}

function pieceStorage(p: LocationPiece, registers: (n: number) => Uint8Array | undefined, writer: RegisterWriter | undefined): Storage {
  switch (p.kind) {
    case 'memory': return { kind: 'memory', address: p.address };
    case 'value': return { kind: 'bytes', bytes: toLe(p.value, 8), readOnly: 'the compiler computes this value (it has no storage to write)' };
    case 'implicit': return { kind: 'bytes', bytes: p.bytes, readOnly: 'the compiler keeps only this value (it has no storage to write)' };
    case 'unavailable': return { kind: 'unavailable', reason: p.reason };
    case 'register': {
      const bytes = registers(p.register);
      if (bytes === undefined) return { kind: 'unavailable', reason: `not known in this frame (${registerName(p.register)} was not saved)` };
      if (!writer) return { kind: 'bytes', bytes, readOnly: `${registerName(p.register)} of an outer frame cannot be written` };
      return { kind: 'bytes', bytes, write: (b) => writer.write(p.register, b) };
    }
  }
}

/** Bytes [offset, offset + size) of a value's storage. */
export function readStorage(ctx: ValueContext, s: Storage, offset: number, size: number): Uint8Array {
  switch (s.kind) {
    case 'memory': {
      const address = s.address + BigInt(offset);
      const b = ctx.memory.read(address, size);
      if (b === undefined) throw new ValueError(`cannot read memory at 0x${BigInt.asUintN(64, address).toString(16)}`);
      return b;
    }
    case 'bytes': {
      const out = new Uint8Array(size);
      out.set(s.bytes.subarray(offset, offset + size));
      return out;
    }
    case 'unavailable': throw new ValueError(s.reason);
  }
}

/** Writes `bytes` at `offset` of the storage; a ValueError when it cannot be written. */
export function writeStorage(s: Storage, bytes: Uint8Array, ctx: ValueContext | undefined, offset = 0): void {
  switch (s.kind) {
    case 'memory': {
      const address = s.address + BigInt(offset);
      if (!ctx) throw new ValueError('no memory to write to');
      if (!ctx.memory.write(address, bytes)) throw new ValueError(`cannot write memory at 0x${BigInt.asUintN(64, address).toString(16)}`);
      return;
    }
    case 'bytes': {
      if (!s.write) throw new ValueError(s.readOnly ?? 'this value cannot be written');
      const all = Uint8Array.from(s.bytes);
      all.set(bytes, offset);
      s.write(all);
      s.bytes.set(all.subarray(0, s.bytes.length));
      return;
    }
    case 'unavailable': throw new ValueError(s.reason);
  }
}

/** The storage `offset` bytes into `s` (a member, an element). */
export function offsetStorage(s: Storage, offset: number, size: number): Storage {
  switch (s.kind) {
    case 'memory': return { kind: 'memory', address: s.address + BigInt(offset) };
    case 'unavailable': return s;
    case 'bytes': {
      const bytes = s.bytes.subarray(offset, offset + size);
      const parent = s;
      return {
        kind: 'bytes', bytes, readOnly: s.readOnly,
        write: s.write && ((b: Uint8Array) => writeStorage(parent, b, undefined, offset)),
      };
    }
  }
}

/** The raw integer of a scalar value (a bitfield's bits, sign-extended when its type is signed). */
export function readRaw(ctx: ValueContext, v: TypedValue, size: number, signed: boolean): bigint {
  if (v.bits) {
    const first = Math.floor(v.bits.offset / 8);
    const span = Math.ceil((v.bits.offset % 8 + v.bits.size) / 8);
    const word = le(readStorage(ctx, v.storage, first, span)) >> BigInt(v.bits.offset % 8);
    const raw = BigInt.asUintN(v.bits.size, word);
    return signed ? BigInt.asIntN(v.bits.size, raw) : raw;
  }
  const raw = le(readStorage(ctx, v.storage, 0, size));
  return signed ? BigInt.asIntN(8 * size, raw) : raw;
}

/** Writes a scalar: a bitfield by read-modify-write of the bytes holding it. */
export function writeRaw(ctx: ValueContext, v: TypedValue, size: number, value: bigint): void {
  if (v.bits) {
    const first = Math.floor(v.bits.offset / 8);
    const shift = BigInt(v.bits.offset % 8);
    const span = Math.ceil((v.bits.offset % 8 + v.bits.size) / 8);
    const mask = ((1n << BigInt(v.bits.size)) - 1n) << shift;
    const word = le(readStorage(ctx, v.storage, first, span));
    const next = (word & ~mask) | ((BigInt.asUintN(v.bits.size, value) << shift) & mask);
    writeStorage(v.storage, toLe(next, span), ctx, first);
    return;
  }
  writeStorage(v.storage, toLe(value, size), ctx);
}

/** The value a pointer points at (of the pointer's target type), in memory. */
export function pointee(types: ValueTypes, pointerType: TypeId, address: bigint): TypedValue {
  const t = types.resolved(pointerType);
  const target = t.kind === 'pointer' || t.kind === 'reference' ? t.target : undefined;
  return { type: target, storage: { kind: 'memory', address: BigInt.asUintN(64, address) } };
}
