// The ELF file header (ELF32 and ELF64): identification, class, byte order, type and machine checks.

import { ImageFormatError, hex } from './errors';
import { ByteReader } from './reader';

export const EM_ARM = 40;
export const EM_AARCH64 = 183;

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

const MACHINE_NAMES: Record<number, string> = {
  0: 'none',
  2: 'SPARC',
  3: 'x86 (i386)',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'S/390',
  40: 'ARM',
  42: 'SuperH',
  50: 'IA-64',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  247: 'BPF',
  258: 'LoongArch',
};

export function machineName(m: number): string {
  return `${MACHINE_NAMES[m] ?? 'unknown machine'} (${m})`;
}

export interface ElfHeader {
  is64: boolean;
  type: number;
  machine: number;
  entry: bigint;
  phoff: bigint;
  shoff: bigint;
  flags: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export const EHDR64_SIZE = 64;
export const EHDR32_SIZE = 52;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Parses and validates e_ident and the rest of the file header. Returns a little-endian reader. */
export function parseElfHeader(file: string, bytes: Uint8Array): { reader: ByteReader; header: ElfHeader } {
  const fail = (fault: string): never => {
    throw new ImageFormatError(file, fault);
  };
  if (bytes.length < 16) fail(`file too short for an ELF identification (${bytes.length} bytes, need 16)`);
  if (!isElf(bytes)) {
    const got = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    fail(`bad ELF magic: ${got}, expected 7f 45 4c 46`);
  }
  const cls = bytes[4];
  if (cls !== 1 && cls !== 2) fail(`wrong ELF class ${cls} (EI_CLASS must be 1 for ELF32 or 2 for ELF64)`);
  const is64 = cls === 2;
  const size = is64 ? EHDR64_SIZE : EHDR32_SIZE;
  const kind = is64 ? 'ELF64' : 'ELF32';
  const data = bytes[5];
  if (data !== 1 && data !== 2) fail(`bad ELF byte order ${data} (EI_DATA must be 1 little-endian or 2 big-endian)`);
  if (bytes.length < size) fail(`file too short for an ${kind} header (${bytes.length} bytes, need ${size})`);
  const reader = new ByteReader(file, bytes, data === 1);
  const machine = reader.u16(18, 'e_machine');
  if (data === 2) {
    fail(`wrong endianness: big-endian ${kind} for ${machineName(machine)}; ARM targets here are little-endian`);
  }
  if (bytes[6] !== 1) fail(`bad ELF version ${bytes[6]} in e_ident (EI_VERSION must be 1)`);

  if (is64 && machine !== EM_AARCH64) {
    fail(
      machine === EM_ARM
        ? `wrong machine: ARM (40) in an ELF64 file, expected AArch64 (183) for ELF64`
        : `wrong machine: ${machineName(machine)}, expected AArch64 (183) or ARM (40)`,
    );
  }
  if (!is64 && machine !== EM_ARM) {
    fail(
      machine === EM_AARCH64
        ? `wrong machine: AArch64 (183) in an ELF32 file (ILP32 is not supported), expected ARM (40) for ELF32`
        : `wrong machine: ${machineName(machine)}, expected AArch64 (183) or ARM (40)`,
    );
  }

  const type = reader.u16(16, 'e_type');
  if (type !== ET_EXEC) {
    if (type === ET_DYN) {
      fail('not a fixed-address executable: ET_DYN (PIE or shared object) is not supported; link with -no-pie (ET_EXEC)');
    }
    const names: Record<number, string> = { 0: 'ET_NONE', [ET_REL]: 'ET_REL (relocatable object: a .o, not linked)', [ET_CORE]: 'ET_CORE (core dump)' };
    fail(`not an executable: e_type ${names[type] ?? hex(type)}, expected ET_EXEC`);
  }

  const w = (off32: number, off64: number, what: string): bigint => reader.word(is64 ? off64 : off32, is64, what);
  const h = (off32: number, off64: number, what: string): number => reader.u16(is64 ? off64 : off32, what);
  const header: ElfHeader = {
    is64,
    type,
    machine,
    entry: w(24, 24, 'e_entry'),
    phoff: w(28, 32, 'e_phoff'),
    shoff: w(32, 40, 'e_shoff'),
    flags: reader.u32(is64 ? 48 : 36, 'e_flags'),
    ehsize: h(40, 52, 'e_ehsize'),
    phentsize: h(42, 54, 'e_phentsize'),
    phnum: h(44, 56, 'e_phnum'),
    shentsize: h(46, 58, 'e_shentsize'),
    shnum: h(48, 60, 'e_shnum'),
    shstrndx: h(50, 62, 'e_shstrndx'),
  };
  const version = reader.u32(20, 'e_version');
  if (version !== 1) fail(`bad ELF version ${version} in e_version (must be 1)`);
  return { reader, header };
}
