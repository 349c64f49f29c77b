// Capstone 5 (Debian trixie's libcapstone5, unpacked into .native/ by scripts/setup.mjs) through
// koffi: the disassembler of the debugger and of anything else that shows guest code. Bookworm's
// capstone 4 misdecodes what kernels use (LSE atomics, PAC, BTI), hence 5. Only the four calls the
// engine notes verified are bound; cs_insn is read from its C layout (248 bytes in capstone 5).
import { existsSync } from 'node:fs';
import * as koffi from 'koffi';
import { NativeLibraryError } from './errors';
import { bundledLibraryPath } from './native-library';

const CS_ARCH_ARM64 = 1;
const CS_MODE_ARM = 0;
const CS_OPT_SKIPDATA = 5;
const CS_OPT_ON = 3;
/** struct cs_insn in capstone 5: id@0, address@8, size@16, bytes@18, mnemonic[32]@42, op_str[160]@74. */
const INSN_BYTES = 248;
const AT = { address: 8, size: 16, mnemonic: 42, opStr: 74 } as const;

export interface DecodedInstruction {
  address: bigint;
  size: number;
  mnemonic: string;
  operands: string;
}

interface CapstoneFfi {
  open: (...a: unknown[]) => unknown;
  option: (...a: unknown[]) => unknown;
  disasm: (...a: unknown[]) => unknown;
  free: (...a: unknown[]) => unknown;
}

let ffi: CapstoneFfi | undefined;

function bind(): CapstoneFfi {
  if (ffi) return ffi;
  const path = process.env.PERSONA_LIBCAPSTONE || bundledLibraryPath('libcapstone.so.5');
  const fix = 'run `npm run setup` in the Persona folder (it fetches capstone 5 from Debian trixie into .native/), '
    + 'or set PERSONA_LIBCAPSTONE=/path/to/libcapstone.so.5';
  if (!existsSync(path)) throw new NativeLibraryError(`capstone 5 is not installed (looked for ${path})`, fix);
  let lib: koffi.LibraryHandle;
  try {
    lib = koffi.load(path);
  } catch (e) {
    throw new NativeLibraryError(`cannot load ${path}: ${(e as Error).message}`, fix);
  }
  ffi = {
    open: lib.func('int cs_open(int arch, int mode, _Out_ size_t *handle)'),
    option: lib.func('int cs_option(size_t handle, int type, size_t value)'),
    disasm: lib.func('size_t cs_disasm(size_t handle, const uint8_t *code, size_t size, uint64_t address, size_t count, _Out_ void **insn)'),
    free: lib.func('void cs_free(void *insn, size_t count)'),
  };
  return ffi;
}

function cString(view: Uint8Array, offset: number, max: number): string {
  let end = offset;
  while (end < offset + max && view[end] !== 0) end++;
  return Buffer.from(view.buffer, view.byteOffset + offset, end - offset).toString('latin1');
}

/** An AArch64 disassembler. Words that are not instructions come back as `.byte` rows (SKIPDATA). */
export class A64Disassembler {
  private readonly f = bind();
  private readonly handle: unknown;

  constructor() {
    const out: unknown[] = [0];
    const rc = this.f.open(CS_ARCH_ARM64, CS_MODE_ARM, out) as number;
    if (rc !== 0) throw new NativeLibraryError(`cs_open(ARM64) failed with capstone error ${rc}`, 'reinstall capstone 5 (`npm run setup`)');
    this.handle = out[0];
    this.f.option(this.handle, CS_OPT_SKIPDATA, CS_OPT_ON);
  }

  /** Decodes `code` as if loaded at `address`. */
  disassemble(code: Uint8Array, address: bigint): DecodedInstruction[] {
    if (code.length === 0) return [];
    const out: unknown[] = [null];
    const n = Number(this.f.disasm(this.handle, code, code.length, address, 0, out) as number | bigint);
    if (n === 0 || !out[0]) return [];
    try {
      const raw = new Uint8Array(koffi.view(out[0], n * INSN_BYTES));
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const result: DecodedInstruction[] = [];
      for (let i = 0; i < n; i++) {
        const base = i * INSN_BYTES;
        result.push({
          address: dv.getBigUint64(base + AT.address, true),
          size: dv.getUint16(base + AT.size, true),
          mnemonic: cString(raw, base + AT.mnemonic, 32),
          operands: cString(raw, base + AT.opStr, 160),
        });
      }
      return result;
    } finally {
      this.f.free(out[0], n);
    }
  }
}
