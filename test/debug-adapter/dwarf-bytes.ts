// Builds DWARF bytes by hand for the tests: the encodings compilers do not emit here (DWARF 2
// tables, 64-bit DWARF, MD5s, define_file, vendor opcodes) and broken sections.

export class Bytes {
  private readonly out: number[] = [];

  get length(): number {
    return this.out.length;
  }

  u8(...values: number[]): this {
    for (const v of values) this.out.push(v & 0xff);
    return this;
  }

  u16(v: number): this {
    return this.u8(v, v >> 8);
  }

  u32(v: number): this {
    return this.u8(v, v >> 8, v >> 16, v >>> 24);
  }

  u64(v: bigint): this {
    for (let i = 0n; i < 8n; i++) this.u8(Number((v >> (8n * i)) & 0xffn));
    return this;
  }

  uleb(v: number | bigint): this {
    let n = BigInt(v);
    do {
      const b = Number(n & 0x7fn);
      n >>= 7n;
      this.u8(n === 0n ? b : b | 0x80);
    } while (n !== 0n);
    return this;
  }

  sleb(v: number | bigint): this {
    let n = BigInt(v);
    for (;;) {
      const b = Number(n & 0x7fn);
      n >>= 7n;
      const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
      this.u8(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  cstr(s: string): this {
    return this.u8(...Buffer.from(s, 'utf8'), 0);
  }

  raw(b: Uint8Array | Bytes): this {
    return this.u8(...(b instanceof Bytes ? b.out : b));
  }

  build(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/**
 * A whole line unit: unit_length, version, [v5 address/segment sizes], header_length, then
 * `params` (min_inst_length onwards, ending with the tables) and the line program.
 */
export function lineUnit(version: number, params: Bytes, program: Bytes, opts: { dwarf64?: boolean; addressSize?: number } = {}): Bytes {
  const afterLength = new Bytes().u16(version);
  if (version >= 5) afterLength.u8(opts.addressSize ?? 8, 0);
  if (opts.dwarf64) afterLength.u64(BigInt(params.length));
  else afterLength.u32(params.length);
  afterLength.raw(params).raw(program);
  const unit = new Bytes();
  if (opts.dwarf64) unit.u32(0xffffffff).u64(BigInt(afterLength.length));
  else unit.u32(afterLength.length);
  return unit.raw(afterLength);
}

/** The standard_opcode_lengths for opcode_base 13 (DWARF 3 to 5). */
export const STANDARD_LENGTHS = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];
