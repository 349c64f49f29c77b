// Bounds-checked reads over a guest image. Every access is range-checked first, so a truncated or
// lying file produces an ImageFormatError naming what was being read, never a DataView RangeError.

import { ImageFormatError, hex } from './errors';

export interface FileRange {
  start: number;
  end: number;
}

export class ByteReader {
  readonly view: DataView;

  constructor(
    readonly file: string,
    readonly bytes: Uint8Array,
    readonly little: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  fail(fault: string): never {
    throw new ImageFormatError(this.file, fault);
  }

  /** Throws unless `len` bytes at `off` are inside the file. */
  need(off: number, len: number, what: string): void {
    if (off < 0 || len < 0 || off + len > this.length) {
      this.fail(`truncated ${what}: needs ${len} bytes at ${hex(off)} but the file is only ${hex(this.length)} bytes`);
    }
  }

  u8(off: number, what: string): number {
    this.need(off, 1, what);
    return this.view.getUint8(off);
  }

  u16(off: number, what: string): number {
    this.need(off, 2, what);
    return this.view.getUint16(off, this.little);
  }

  u32(off: number, what: string): number {
    this.need(off, 4, what);
    return this.view.getUint32(off, this.little);
  }

  u64(off: number, what: string): bigint {
    this.need(off, 8, what);
    return this.view.getBigUint64(off, this.little);
  }

  /** A 32- or 64-bit word as bigint. */
  word(off: number, is64: boolean, what: string): bigint {
    return is64 ? this.u64(off, what) : BigInt(this.u32(off, what));
  }

  /**
   * Checks that `off .. off + len` (file offsets, possibly huge or lying) is inside the file and
   * returns it as numbers; otherwise fails with `${what} points past end of file (offset + size > len)`.
   */
  range(off: bigint, len: bigint, what: string): FileRange {
    const fileLen = BigInt(this.length);
    if (off < 0n || len < 0n || off + len > fileLen) {
      this.fail(`${what} points past end of file (offset ${hex(off)} + ${hex(len)} > ${hex(fileLen)})`);
    }
    return { start: Number(off), end: Number(off + len) };
  }
}
