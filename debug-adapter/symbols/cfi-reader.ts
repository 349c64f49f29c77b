// Bounds-checked little-endian reads over one CFI section (.debug_frame or .eh_frame): the DWARF
// reader's, with every failure a CfiFormatError naming the section and the byte offset, never a
// DataView RangeError.
import { DwarfReader } from './dwarf-reader';

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

/**
 * The line tables' bounded reader with CFI's error type, the section's load address (for
 * DW_EH_PE_pcrel) and the few reads CFI needs beyond it.
 */
export class CfiReader extends DwarfReader {
  constructor(
    section: string,
    bytes: Uint8Array,
    /** Where the section is loaded (sh_addr), for DW_EH_PE_pcrel; 0 for .debug_frame. */
    readonly address: bigint = 0n,
  ) {
    super(section, bytes);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  override fail(fault: string, at: number = this.pos): never {
    throw new CfiFormatError(this.section, at, fault);
  }

  i16(what: string): number {
    return (this.u16(what) << 16) >> 16;
  }

  i32(what: string): number {
    return this.u32(what) | 0;
  }

  i64(what: string): bigint {
    return BigInt.asIntN(64, this.u64(what));
  }

  take(n: number, what: string): Uint8Array {
    return this.block(n, what);
  }

  /** NUL-terminated ASCII (augmentation strings), with CFI's own wording for a missing NUL. */
  override cstring(what: string): string {
    if (this.bytes.indexOf(0, this.pos) < 0) this.fail(`unterminated ${what}`);
    return super.cstring(what);
  }
}
