import { test } from 'node:test';
import { loadGuestImage } from '../../emulator/loader/image';
import { buildElf, EH32, EH64, PH64, SH64, setU16, setU32, setU64, type BuildOptions } from './elf-builder';
import { LAYOUT, RAM_BASE, code, expectFault } from './helpers';

const TEXT = 0x4008_0000n;
const F = 'broken.elf';

function base(): BuildOptions {
  return {
    entry: TEXT,
    segments: [{ paddr: TEXT, data: code(0x100) }],
    symbols: [{ name: '_start', value: TEXT, size: 4n, type: 2, bind: 1 }],
  };
}

const load = (bytes: Uint8Array) => () => loadGuestImage(F, bytes, LAYOUT, { format: 'elf' });
const sectionHeader = (e: ReturnType<typeof buildElf>, index: number): number => e.shoff + index * e.shentsize;

test('file too short for e_ident', () => {
  expectFault(load(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1])), F, 'file too short for an ELF identification (6 bytes, need 16)');
});

test('truncated ELF64 header', () => {
  expectFault(load(buildElf(base()).bytes.subarray(0, 40)), F, 'file too short for an ELF64 header (40 bytes, need 64)');
});

test('bad magic', () => {
  const b = buildElf(base()).bytes;
  b[1] = 0x46;
  expectFault(load(b), F, 'bad ELF magic: 7f 46 4c 46');
});

test('wrong class', () => {
  const b = buildElf(base()).bytes;
  b[4] = 3;
  expectFault(load(b), F, 'wrong ELF class 3');
});

test('bad byte order byte', () => {
  const b = buildElf(base()).bytes;
  b[5] = 0;
  expectFault(load(b), F, 'bad ELF byte order 0');
});

test('big-endian ELF is rejected with the machine named', () => {
  expectFault(load(buildElf({ ...base(), bigEndian: true }).bytes), F, 'wrong endianness: big-endian ELF64 for AArch64 (183)');
});

test('wrong machine: x86-64', () => {
  expectFault(load(buildElf({ ...base(), machine: 62 }).bytes), F, 'wrong machine: x86-64 (62), expected AArch64 (183) or ARM (40)');
});

test('wrong machine: ARM in ELF64 and AArch64 in ELF32', () => {
  expectFault(load(buildElf({ ...base(), machine: 40 }).bytes), F, 'wrong machine: ARM (40) in an ELF64 file');
  expectFault(load(buildElf({ ...base(), is64: false, machine: 183 }).bytes), F, 'wrong machine: AArch64 (183) in an ELF32 file');
});

test('bad e_version', () => {
  const b = buildElf(base()).bytes;
  setU32(b, EH64.version, 2);
  expectFault(load(b), F, 'bad ELF version 2 in e_version');
});

test('not an executable: ET_REL, ET_CORE, and ET_DYN (PIE) unsupported', () => {
  expectFault(load(buildElf({ ...base(), type: 1 }).bytes), F, 'not an executable: e_type ET_REL');
  expectFault(load(buildElf({ ...base(), type: 4 }).bytes), F, 'ET_CORE');
  expectFault(load(buildElf({ ...base(), type: 3 }).bytes), F, 'ET_DYN (PIE or shared object) is not supported');
});

test('program header table past end of file', () => {
  const b = buildElf(base()).bytes;
  setU64(b, EH64.phoff, BigInt(b.length - 8));
  expectFault(load(b), F, 'program header table (1 entries of 56 bytes) points past end of file');
});

test('e_phentsize wrong', () => {
  const b = buildElf(base()).bytes;
  setU16(b, EH64.phentsize, 32);
  expectFault(load(b), F, 'e_phentsize is 32, expected 56 for ELF64');
});

test('e_phnum 0 and e_phnum huge', () => {
  const b = buildElf(base()).bytes;
  setU16(b, EH64.phnum, 0);
  expectFault(load(b), F, 'no program headers (e_phnum is 0)');
  setU16(b, EH64.phnum, 0xfff0);
  expectFault(load(b), F, 'e_phnum 65520 is absurd');
});

test('segment file range past end of file (incl. a 2^63 offset)', () => {
  const e = buildElf(base());
  const b = e.bytes.slice();
  setU64(b, e.phoff + PH64.filesz, 0x100000n);
  setU64(b, e.phoff + PH64.memsz, 0x100000n);
  expectFault(load(b), F, /^program header 0 \(PT_LOAD\) points past end of file \(offset 0x[0-9a-f]+ \+ 0x100000 > 0x[0-9a-f]+\)$/);
  const c = e.bytes.slice();
  setU64(c, e.phoff + PH64.offset, 1n << 63n);
  expectFault(load(c), F, 'program header 0 (PT_LOAD) points past end of file (offset 0x8000000000000000');
});

test('p_filesz larger than p_memsz', () => {
  const e = buildElf(base());
  setU64(e.bytes, e.phoff + PH64.memsz, 0x80n);
  expectFault(load(e.bytes), F, 'program header 0 (PT_LOAD): p_filesz 0x100 is larger than p_memsz 0x80');
});

test('absurd p_memsz: over 4 GiB, and larger than any region', () => {
  expectFault(load(buildElf({ ...base(), segments: [{ paddr: TEXT, data: code(16), memSize: 1n << 40n }] }).bytes), F, 'is absurd (more than 4 GiB)');
  expectFault(
    load(buildElf({ ...base(), segments: [{ paddr: TEXT, data: code(16), memSize: 0x1000_0000n }] }).bytes),
    F,
    'is absurd (larger than the largest memory region, flash, 0x8000000 bytes)',
  );
});

test('segment outside every memory region names the segment and its range', () => {
  const o = base();
  o.entry = 0x2000_0000n;
  o.segments = [{ paddr: TEXT, data: code(16) }, { paddr: 0x2000_0000n, data: code(0x100) }];
  expectFault(
    load(buildElf(o).bytes),
    F,
    'program header 1 (PT_LOAD) [0x20000000-0x20000100) lies outside every memory region (flash [0x0-0x8000000), ram [0x40000000-0x48000000))',
  );
});

test('segment running past the end of its region', () => {
  const o = base();
  o.segments = [{ paddr: TEXT, data: code(16) }, { paddr: RAM_BASE + 0x7ff_f000n, data: code(16), memSize: 0x2000n }];
  expectFault(load(buildElf(o).bytes), F, 'program header 1 (PT_LOAD) [0x47fff000-0x48001000) runs past the end of memory region ram');
});

test('two PT_LOAD segments overlapping', () => {
  const o = base();
  o.segments = [{ paddr: TEXT, data: code(0x100) }, { paddr: TEXT + 0x80n, data: code(0x100) }];
  expectFault(load(buildElf(o).bytes), F, 'program header 0 (PT_LOAD) [0x40080000-0x40080100) overlaps program header 1 (PT_LOAD) [0x40080080-0x40080180)');
});

test('entry point outside every loaded segment', () => {
  expectFault(load(buildElf({ ...base(), entry: 0x4100_0000n }).bytes), F, 'entry point 0x41000000 is outside every loaded segment ([0x40080000-0x40080100))');
});

test('no PT_LOAD at all / only empty PT_LOADs', () => {
  expectFault(load(buildElf({ ...base(), segments: [{ paddr: TEXT, data: code(16), type: 4 }] }).bytes), F, 'no PT_LOAD segment among 1 program headers');
  expectFault(load(buildElf({ ...base(), segments: [{ paddr: TEXT, data: new Uint8Array(0) }] }).bytes), F, 'every PT_LOAD segment is empty');
});

test('section header table past end of file, and e_shentsize wrong', () => {
  const e = buildElf(base());
  const b = e.bytes.slice();
  setU16(b, EH64.shnum, 200);
  expectFault(load(b), F, 'section header table (200 entries of 64 bytes) points past end of file');
  const c = e.bytes.slice();
  setU16(c, EH64.shentsize, 40);
  expectFault(load(c), F, 'e_shentsize is 40, expected 64 for ELF64');
});

test('section name string table: index out of range, or past end of file', () => {
  const e = buildElf(base());
  const b = e.bytes.slice();
  setU16(b, EH64.shstrndx, 9);
  expectFault(load(b), F, 'e_shstrndx 9 is out of range (5 sections)');
  const c = e.bytes.slice();
  setU64(c, sectionHeader(e, e.shstrndx) + SH64.offset, 0x10_0000n);
  expectFault(load(c), F, 'section name string table (section 4) points past end of file');
});

test('symbol table past end of file names the section', () => {
  const e = buildElf(base());
  setU64(e.bytes, sectionHeader(e, e.symtabIndex) + SH64.size, 0x18n * 1000n);
  expectFault(load(e.bytes), F, 'symbol table .symtab (section 2) points past end of file');
});

test('symbol string table past end of file, or not a string table', () => {
  const e = buildElf(base());
  const b = e.bytes.slice();
  setU64(b, sectionHeader(e, e.strtabIndex) + SH64.size, 0x10_0000n);
  expectFault(load(b), F, 'string table .strtab (section 3) of symbol table .symtab (section 2) points past end of file');
  const c = e.bytes.slice();
  setU32(c, sectionHeader(e, e.symtabIndex) + SH64.link, 1);
  expectFault(load(c), F, 'symbol table .symtab (section 2) links to .text (section 1), which is not a string table');
  const d = e.bytes.slice();
  setU32(d, sectionHeader(e, e.symtabIndex) + SH64.link, 77);
  expectFault(load(d), F, 'links to string table section 77, which does not exist (5 sections)');
});

test('symbol table with a wrong sh_entsize or a name outside the string table', () => {
  const e = buildElf(base());
  const b = e.bytes.slice();
  setU64(b, sectionHeader(e, e.symtabIndex) + SH64.entsize, 16n);
  expectFault(load(b), F, 'symbol table .symtab (section 2) has sh_entsize 16, expected 24');
  const c = e.bytes.slice();
  setU32(c, e.symtabOffset + 24, 0x9999);
  expectFault(load(c), F, 'symbol 1 of symbol table .symtab (section 2): name offset 0x9999 is outside string table .strtab');
});

test('ELF32 faults use ELF32 sizes', () => {
  const e = buildElf({ ...base(), is64: false });
  const b = e.bytes.slice();
  setU16(b, EH32.phentsize, 56);
  expectFault(load(b), F, 'e_phentsize is 56, expected 32 for ELF32');
  expectFault(load(e.bytes.subarray(0, 50)), F, 'file too short for an ELF32 header (50 bytes, need 52)');
});

test('auto-detection: a file starting with \\x7fELF is an ELF, broken or not', () => {
  const b = buildElf(base()).bytes.subarray(0, 20);
  expectFault(() => loadGuestImage('x.elf', b, LAYOUT), 'x.elf', 'file too short for an ELF64 header');
});
