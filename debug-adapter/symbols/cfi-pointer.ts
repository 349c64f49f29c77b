// DW_EH_PE_* pointer encodings used by .eh_frame (LSB "Exception Frames"): a value format in the low
// nibble and how it is applied in the high nibble. Only pc-relative and absolute can be resolved
// from the section alone; text/data/function-relative bases are unknown here and fail if used for
// an address we need (a personality pointer we merely skip may use any of them).

import type { CfiReader } from './cfi-reader';

export const DW_EH_PE_absptr = 0x00;
export const DW_EH_PE_omit = 0xff;
const DW_EH_PE_pcrel = 0x10;
const DW_EH_PE_aligned = 0x50;
const DW_EH_PE_indirect = 0x80;

const MASK64 = (1n << 64n) - 1n;

/** Reads just the stored value of format `enc & 0x0f` (no base applied), as an unsigned or signed bigint. */
export function readEncodedValue(r: CfiReader, enc: number, what: string): bigint {
  switch (enc & 0x0f) {
    case 0x00:
      return r.u64(what); // absptr: an 8-byte address on AArch64
    case 0x01:
      return r.uleb(what);
    case 0x02:
      return BigInt(r.u16(what));
    case 0x03:
      return BigInt(r.u32(what));
    case 0x04:
      return r.u64(what);
    case 0x09:
      return r.sleb(what);
    case 0x0a:
      return BigInt(r.i16(what));
    case 0x0b:
      return BigInt(r.i32(what));
    case 0x0c:
      return r.i64(what);
    default:
      return r.fail(`${what}: unknown pointer format 0x${enc.toString(16)}`);
  }
}

/**
 * Reads a pointer with encoding `enc` and resolves it to an address. `skipOnly` reads past a value
 * whose base we cannot know (personality routines) without failing.
 */
export function readEncodedPointer(r: CfiReader, enc: number, what: string, skipOnly = false): bigint {
  const at = r.pos;
  if ((enc & 0x70) === DW_EH_PE_aligned) {
    r.pos = (r.pos + 7) & ~7; // aligned: natural alignment of an 8-byte absptr
    return readEncodedValue(r, DW_EH_PE_absptr, what);
  }
  const raw = readEncodedValue(r, enc, what);
  if ((enc & DW_EH_PE_indirect) !== 0 && !skipOnly) r.fail(`${what}: indirect pointer encoding 0x${enc.toString(16)} needs memory`, at);
  switch (enc & 0x70) {
    case 0x00:
      return raw & MASK64;
    case DW_EH_PE_pcrel:
      return (r.address + BigInt(at) + raw) & MASK64;
    default:
      if (skipOnly) return 0n;
      return r.fail(`${what}: pointer encoding 0x${enc.toString(16)} is relative to a base this reader does not know`, at);
  }
}
