// Bounds-checked little-endian reads over one CFI section (.debug_frame or .eh_frame). Kept private
// to the CFI code so it does not depend on the line-table reader landing at the same time; every
// failure is a CfiFormatError naming the section and the byte offset, never a DataView RangeError.

export type CfiSectionName = '.debug_frame' | '.eh_frame';

export class CfiFormatError extends Error {
  override readonly name = 'CfiFormatError';

  constructor(
    readonly section: string,
    readonly offset: number,
    readonly fault: string,
  ) {
    super(`CfiFormatError: ${section} at 0x${offset.toString(16)}: ${fault}`);
  }
}

export class CfiReader {
  private readonly view: DataView;
  /** Current position, relative to the start of the section. */
  pos = 0;

  constructor(
    readonly section: string,
    readonly bytes: Uint8Array,
    /** Where the section is loaded (sh_addr), for DW_EH_PE_pcrel; 0 for .debug_frame. */
    readonly address: bigint = 0n,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  fail(fault: string, at: number = this.pos): never {
    throw new CfiFormatError(this.section, at, fault);
  }

  private need(n: number, what: string): number {
    const at = this.pos;
    if (at + n > this.length) this.fail(`truncated ${what}: needs ${n} bytes but the section is 0x${this.length.toString(16)} bytes`);
    this.pos += n;
    return at;
  }

  u8(what: string): number {
    return this.view.getUint8(this.need(1, what));
  }

  u16(what: string): number {
    return this.view.getUint16(this.need(2, what), true);
  }

  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), true);
  }

  u64(what: string): bigint {
    return this.view.getBigUint64(this.need(8, what), true);
  }

  i16(what: string): number {
    return this.view.getInt16(this.need(2, what), true);
  }

  i32(what: string): number {
    return this.view.getInt32(this.need(4, what), true);
  }

  i64(what: string): bigint {
    return this.view.getBigInt64(this.need(8, what), true);
  }

  uleb(what: string): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8(what);
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return result;
      // A LEB128 longer than 10 bytes cannot hold a 64-bit value: the data is garbage.
      if (shift > 70n) this.fail(`${what}: LEB128 longer than 10 bytes`, start);
    }
  }

  sleb(what: string): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = this.u8(what);
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (shift > 70n && (b & 0x80) !== 0) this.fail(`${what}: LEB128 longer than 10 bytes`, start);
    } while ((b & 0x80) !== 0);
    return (b & 0x40) !== 0 ? result - (1n << shift) : result;
  }

  /** A ULEB128 that must fit a JS number (counts, register numbers, lengths). */
  ulebNumber(what: string): number {
    const at = this.pos;
    const v = this.uleb(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${v} is absurd`, at);
    return Number(v);
  }

  /** NUL-terminated ASCII (augmentation strings). */
  cstring(what: string): string {
    const nul = this.bytes.indexOf(0, this.pos);
    if (nul < 0) this.fail(`unterminated ${what}`);
    const s = String.fromCharCode(...this.bytes.subarray(this.pos, nul));
    this.pos = nul + 1;
    return s;
  }

  take(n: number, what: string): Uint8Array {
    const at = this.need(n, what);
    return this.bytes.subarray(at, at + n);
  }
}
