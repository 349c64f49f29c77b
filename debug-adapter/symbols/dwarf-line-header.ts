// The header of one .debug_line unit, DWARF 2 to 5: the parameters of the line program and its
// directory and file tables. Version 5 describes its tables with (content type, form) pairs, so
// the entry reader below handles the forms DWARF 5 allows there.

import { posix } from 'node:path';
import { DwarfReader, stringAt } from './dwarf-reader';

export interface DwarfStrings {
  /** .debug_str, for DW_FORM_strp. */
  str?: Uint8Array;
  /** .debug_line_str, for DW_FORM_line_strp. */
  lineStr?: Uint8Array;
}

export interface LineFile {
  /** Directory joined with the name; relative only when the compilation directory is unknown. */
  path: string;
  /** DW_LNCT_MD5 as 32 hex digits, when the producer recorded it. */
  md5?: string;
}

export interface LineHeader {
  /** Offset of the unit in .debug_line (what DW_AT_stmt_list holds). */
  offset: number;
  version: number;
  is64: boolean;
  /** From the v5 header; 0 before v5 (then DW_LNE_set_address's operand size says). */
  addressSize: number;
  minInstLength: number;
  maxOpsPerInst: number;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  /** ULEB operand counts of standard opcodes 1 .. opcodeBase-1 (index 0 is opcode 1). */
  standardOpcodeLengths: number[];
  /** Resolved directories by DWARF index (before v5, index 0 is the compilation directory). */
  directories: string[];
  /** Files by DWARF index (before v5, index 0 is unused and undefined). */
  files: (LineFile | undefined)[];
  /** Where the line program starts and the unit ends (section offsets). */
  programStart: number;
  unitEnd: number;
}

const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;
const DW_LNCT_MD5 = 5;

const DW_FORM_block2 = 0x03;
const DW_FORM_block4 = 0x04;
const DW_FORM_data2 = 0x05;
const DW_FORM_data4 = 0x06;
const DW_FORM_data8 = 0x07;
const DW_FORM_string = 0x08;
const DW_FORM_block = 0x09;
const DW_FORM_block1 = 0x0a;
const DW_FORM_data1 = 0x0b;
const DW_FORM_sdata = 0x0d;
const DW_FORM_strp = 0x0e;
const DW_FORM_udata = 0x0f;
const DW_FORM_data16 = 0x1e;
const DW_FORM_line_strp = 0x1f;

type EntryValue = string | bigint | Uint8Array;

/**
 * Reads the header at `r.pos`, leaving `r` narrowed to the unit (restore with `r.restoreLimit`
 * using the returned `outerLimit`) and positioned at the start of the line program.
 * `compDir` (from the unit's DW_AT_comp_dir) stands for directory 0 before DWARF 5.
 */
export function readLineHeader(r: DwarfReader, strings: DwarfStrings, compDir?: string): { header: LineHeader; outerLimit: number } {
  const offset = r.pos;
  const { length, is64 } = r.initialLength('unit_length');
  const outerLimit = r.narrow(length, `line unit at 0x${offset.toString(16)}:`);
  const unitEnd = r.end;
  const versionAt = r.pos;
  const version = r.u16('version');
  if (version < 2 || version > 5) r.fail(`unsupported line table version ${version} (DWARF 2 to 5 are)`, versionAt);
  let addressSize = 0;
  if (version >= 5) {
    addressSize = r.u8('address_size');
    if (addressSize !== 4 && addressSize !== 8) r.fail(`address_size ${addressSize} is not 4 or 8`, r.pos - 1);
    const seg = r.u8('segment_selector_size');
    if (seg !== 0) r.fail(`segment_selector_size ${seg} is not supported (segmented addresses)`, r.pos - 1);
  }
  const headerLengthAt = r.pos;
  const headerLength = r.offset(is64, 'header_length');
  const headerStart = r.pos;
  if (headerLength > BigInt(unitEnd - headerStart)) r.fail(`header_length 0x${headerLength.toString(16)} runs past the unit`, headerLengthAt);
  const programStart = headerStart + Number(headerLength);

  const minInstLength = r.u8('minimum_instruction_length');
  const maxOpsPerInst = version >= 4 ? r.u8('maximum_operations_per_instruction') : 1;
  if (maxOpsPerInst === 0) r.fail('maximum_operations_per_instruction is 0', r.pos - 1);
  const defaultIsStmt = r.u8('default_is_stmt') !== 0;
  const lineBase = r.i8('line_base');
  const lineRange = r.u8('line_range');
  if (lineRange === 0) r.fail('line_range is 0 (special opcodes would divide by zero)', r.pos - 1);
  const opcodeBase = r.u8('opcode_base');
  if (opcodeBase === 0) r.fail('opcode_base is 0', r.pos - 1);
  const standardOpcodeLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(r.u8(`standard_opcode_lengths[${i}]`));

  // Reading the tables must not stray into the program: bound them by header_length.
  if (r.pos > programStart) r.fail(`header_length 0x${headerLength.toString(16)} ends inside the fixed header fields`, headerLengthAt);
  const unitLimit = r.narrow(programStart - r.pos, 'directory and file tables');
  let directories: string[];
  let files: (LineFile | undefined)[];
  if (version >= 5) {
    const dirEntries = readEntries(r, strings, is64, 'directory');
    const compDirectory = text(r, dirEntries[0]?.get(DW_LNCT_path) ?? '', 'directory 0 path');
    directories = dirEntries.map((e, i) => {
      const p = text(r, e.get(DW_LNCT_path), `directory ${i} path`);
      return i === 0 ? p : joinPath(compDirectory, p);
    });
    files = readEntries(r, strings, is64, 'file name').map((e, i) => {
      const name = text(r, e.get(DW_LNCT_path), `file ${i} path`);
      const dirIndex = Number(num(e.get(DW_LNCT_directory_index) ?? 0n));
      const dir = directories[dirIndex];
      if (dir === undefined) r.fail(`file ${i} (${name}) names directory ${dirIndex} of ${directories.length}`);
      const md5 = e.get(DW_LNCT_MD5);
      return { path: joinPath(dir, name), md5: md5 instanceof Uint8Array ? Buffer.from(md5).toString('hex') : undefined };
    });
  } else {
    directories = [compDir ?? ''];
    for (;;) {
      const d = r.cstring('include_directories entry');
      if (d === '') break;
      directories.push(joinPath(directories[0], d));
    }
    files = [undefined];
    for (;;) {
      const at = r.pos;
      const file = readLegacyFile(r, directories, at);
      if (file === undefined) break;
      files.push(file);
    }
  }
  r.restoreLimit(unitLimit);
  r.pos = programStart;
  const header: LineHeader = {
    offset, version, is64, addressSize, minInstLength, maxOpsPerInst, defaultIsStmt, lineBase, lineRange, opcodeBase,
    standardOpcodeLengths, directories, files, programStart, unitEnd,
  };
  return { header, outerLimit };
}

/**
 * A pre-v5 file entry (name, directory index, mtime, length), as in the header and in
 * DW_LNE_define_file. Undefined for the empty name that ends the header's list.
 */
export function readLegacyFile(r: DwarfReader, directories: string[], at: number): LineFile | undefined {
  const name = r.cstring('file_names entry');
  if (name === '') return undefined;
  const dirIndex = r.ulebNumber('directory index');
  r.uleb('modification time');
  r.uleb('file length');
  const dir = directories[dirIndex];
  if (dir === undefined) r.fail(`file ${name} names directory ${dirIndex} of ${directories.length}`, at);
  return { path: joinPath(dir, name) };
}

/** A v5 entry-format description followed by the entries it describes. */
function readEntries(r: DwarfReader, strings: DwarfStrings, is64: boolean, what: string): Map<number, EntryValue>[] {
  const formatCount = r.u8(`${what}_entry_format_count`);
  const format: { type: number; form: number }[] = [];
  for (let i = 0; i < formatCount; i++) {
    format.push({ type: r.ulebNumber(`${what} content type`), form: r.ulebNumber(`${what} form`) });
  }
  const count = r.ulebNumber(`${what}s_count`);
  // Every entry takes at least one byte per field: a huge count in a short header is a lie.
  if (formatCount > 0 && count > r.end - r.pos) r.fail(`${what}s_count ${count} does not fit in the header`);
  if (formatCount === 0 && count > 0) r.fail(`${count} ${what} entries but no entry format`);
  const out: Map<number, EntryValue>[] = [];
  for (let i = 0; i < count; i++) {
    const entry = new Map<number, EntryValue>();
    for (const f of format) entry.set(f.type, readForm(r, f.form, strings, is64));
    out.push(entry);
  }
  return out;
}

function readForm(r: DwarfReader, form: number, strings: DwarfStrings, is64: boolean): EntryValue {
  const at = r.pos;
  switch (form) {
    case DW_FORM_string: return r.cstring('DW_FORM_string');
    case DW_FORM_line_strp: return stringAt('.debug_line_str', strings.lineStr, r.offset(is64, 'DW_FORM_line_strp'), r, at);
    case DW_FORM_strp: return stringAt('.debug_str', strings.str, r.offset(is64, 'DW_FORM_strp'), r, at);
    case DW_FORM_udata: return r.uleb('DW_FORM_udata');
    case DW_FORM_sdata: return r.sleb('DW_FORM_sdata');
    case DW_FORM_data1: return r.unsigned(1, 'DW_FORM_data1');
    case DW_FORM_data2: return r.unsigned(2, 'DW_FORM_data2');
    case DW_FORM_data4: return r.unsigned(4, 'DW_FORM_data4');
    case DW_FORM_data8: return r.unsigned(8, 'DW_FORM_data8');
    case DW_FORM_data16: return r.block(16, 'DW_FORM_data16');
    case DW_FORM_block: return r.block(r.uleb('DW_FORM_block length'), 'DW_FORM_block');
    case DW_FORM_block1: return r.block(r.u8('DW_FORM_block1 length'), 'DW_FORM_block1');
    case DW_FORM_block2: return r.block(r.u16('DW_FORM_block2 length'), 'DW_FORM_block2');
    case DW_FORM_block4: return r.block(r.u32('DW_FORM_block4 length'), 'DW_FORM_block4');
    default:
      // strx forms need the CU's str_offsets_base, which a line table alone does not have.
      return r.fail(`form 0x${form.toString(16)} is not supported in a line table header`, at);
  }
}

function text(r: DwarfReader, v: EntryValue | undefined, what: string): string {
  if (typeof v !== 'string') r.fail(`${what} is ${v === undefined ? 'missing' : 'not a string form'}`);
  return v;
}

function num(v: EntryValue): bigint {
  return typeof v === 'bigint' ? v : -1n;
}

/**
 * `name` inside `dir`, unless `name` is already absolute (POSIX or a DOS drive/UNC path) or a
 * pseudo-file such as gcc's "<built-in>".
 */
export function joinPath(dir: string, name: string): string {
  if (name.startsWith('<')) return name;
  if (dir === '' || isAbsolute(name)) return normalize(name);
  return normalize(`${dir.replace(/[\\/]+$/, '')}/${name}`);
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(p);
}

/** Folds "sub/../b.h" as the compiler meant it; DOS-style paths are left as written. */
function normalize(p: string): string {
  return p.includes('\\') || /^[A-Za-z]:/.test(p) ? p : posix.normalize(p);
}
