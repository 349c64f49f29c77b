// A bounded cursor over one DWARF section. Every read is checked against the current limit (the
// section's end, or a unit's end), so a truncated or lying section becomes a DwarfFormatError that
// names the section and the offset, never a DataView RangeError or a silent read of the next unit.

/** A broken or unsupported DWARF section. `offset` is relative to the start of `section`. */
export class DwarfFormatError extends Error {
  override readonly name = 'DwarfFormatError';

  constructor(
    readonly section: string,
    readonly offset: number,
    readonly fault: string,
  ) {
    super(`DwarfFormatError: ${section} at 0x${offset.toString(16)}: ${fault}`);
    // As ImageFormatError does: the message already names the class, so keep String(e) and the
    // stack's first line from repeating it.
    const frames = (this.stack ?? '').split('\n').slice(1);
    this.stack = [this.message, ...frames].join('\n');
  }

  override toString(): string {
    return this.message;
  }
}

export class DwarfReader {
  private readonly view: DataView;
  /** Reads must end at or before this offset (section-relative). */
  private limit: number;

  constructor(
    readonly section: string,
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.limit = bytes.length;
  }

  get end(): number {
    return this.limit;
  }

  get atEnd(): boolean {
    return this.pos >= this.limit;
  }

  fail(fault: string, at = this.pos): never {
    throw new DwarfFormatError(this.section, at, fault);
  }

  /**
   * Narrows reads to `pos .. pos + length` (a unit), checking it fits in the current limit. Returns
   * the previous limit for `restoreLimit`.
   */
  narrow(length: number | bigint, what: string): number {
    const len = BigInt(length);
    if (len > BigInt(this.limit - this.pos)) {
      this.fail(`${what} length 0x${len.toString(16)} runs past the end (0x${(this.limit - this.pos).toString(16)} bytes left)`);
    }
    const previous = this.limit;
    this.limit = this.pos + Number(len);
    return previous;
  }

  restoreLimit(previous: number): void {
    this.limit = previous;
  }

  private need(n: number, what: string): number {
    if (this.pos < 0 || n > this.limit - this.pos) this.fail(`truncated ${what}: needs ${n} bytes, ${Math.max(0, this.limit - this.pos)} left`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  skip(n: number | bigint, what: string): void {
    const len = BigInt(n);
    if (len > BigInt(this.limit - this.pos)) this.fail(`truncated ${what}: needs 0x${len.toString(16)} bytes, 0x${(this.limit - this.pos).toString(16)} left`);
    this.pos += Number(len);
  }

  u8(what: string): number {
    return this.view.getUint8(this.need(1, what));
  }

  i8(what: string): number {
    return this.view.getInt8(this.need(1, what));
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

  /** An unsigned little-endian value of 1, 2, 4 or 8 bytes (addresses, DW_FORM_dataN). */
  unsigned(size: number, what: string): bigint {
    switch (size) {
      case 1: return BigInt(this.u8(what));
      case 2: return BigInt(this.u16(what));
      case 4: return BigInt(this.u32(what));
      case 8: return this.u64(what);
      default: return this.fail(`unsupported ${size}-byte ${what}`);
    }
  }

  /** A section offset: 4 bytes in 32-bit DWARF, 8 in 64-bit DWARF. */
  offset(is64: boolean, what: string): bigint {
    return is64 ? this.u64(what) : BigInt(this.u32(what));
  }

  /** The unit length and format: 0xffffffff escapes to a 64-bit length (64-bit DWARF). */
  initialLength(what: string): { length: bigint; is64: boolean } {
    const start = this.pos;
    const first = this.u32(what);
    if (first === 0xffffffff) return { length: this.u64(what), is64: true };
    if (first >= 0xfffffff0) this.fail(`${what} 0x${first.toString(16)} is a reserved value`, start);
    return { length: BigInt(first), is64: false };
  }

  uleb(what: string): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.limit) this.fail(`truncated ULEB128 ${what}`, start);
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return result;
    }
  }

  sleb(what: string): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.limit) this.fail(`truncated SLEB128 ${what}`, start);
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return (b & 0x40) !== 0 ? result - (1n << shift) : result;
    }
  }

  /** A ULEB128 that must fit a JS number (counts, indices, line advances). */
  ulebNumber(what: string): number {
    const start = this.pos;
    const v = this.uleb(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} 0x${v.toString(16)} is too large`, start);
    return Number(v);
  }

  slebNumber(what: string): number {
    const start = this.pos;
    const v = this.sleb(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`${what} ${v} is too large`, start);
    return Number(v);
  }

  /** A NUL-terminated UTF-8 string inside the current limit. */
  cstring(what: string): string {
    const start = this.pos;
    const nul = this.bytes.indexOf(0, start);
    if (nul < 0 || nul >= this.limit) this.fail(`unterminated string (${what})`, start);
    this.pos = nul + 1;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, nul - start).toString('utf8');
  }

  /** `n` bytes as a view (not a copy). */
  block(n: number | bigint, what: string): Uint8Array {
    const start = this.pos;
    this.skip(n, what);
    return this.bytes.subarray(start, this.pos);
  }
}

/**
 * A NUL-terminated string at `offset` in a string section (.debug_str, .debug_line_str). Faults
 * are reported at the referencing form in `from`, which is where the lie is.
 */
export function stringAt(section: string, bytes: Uint8Array | undefined, offset: bigint, from: DwarfReader, at: number): string {
  if (bytes === undefined) from.fail(`string form refers to ${section}, which the file does not have`, at);
  if (offset >= BigInt(bytes.length)) from.fail(`string offset 0x${offset.toString(16)} is outside ${section} (0x${bytes.length.toString(16)} bytes)`, at);
  const start = Number(offset);
  const nul = bytes.indexOf(0, start);
  if (nul < 0) from.fail(`string at ${section} 0x${offset.toString(16)} is unterminated`, at);
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, nul - start).toString('utf8');
}
