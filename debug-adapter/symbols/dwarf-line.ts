// The .debug_line program (DWARF 2 to 5, section 6.2 of the DWARF 5 standard): runs each unit's
// line-number state machine and returns its rows. Operands are read through DwarfReader, so a
// truncated or lying unit raises DwarfFormatError naming .debug_line and the offset.

import { readLegacyFile, readLineHeader, type DwarfStrings, type LineFile, type LineHeader } from './dwarf-line-header';
import { DwarfReader } from './dwarf-reader';

export interface LineRow {
  address: bigint;
  /** The file's path (directory joined with name). */
  file: string;
  line: number;
  /** 0 means "no column". */
  column: number;
  isStmt: boolean;
  /** The first address after a sequence: it covers no code itself. */
  endSequence: boolean;
}

export interface LineTable {
  /** Offset of the unit in .debug_line. */
  offset: number;
  version: number;
  directories: string[];
  /** By DWARF file index; includes files added by DW_LNE_define_file. */
  files: (LineFile | undefined)[];
  /** In program order: each sequence ends with an endSequence row. */
  rows: LineRow[];
}

const DW_LNS_copy = 1;
const DW_LNS_advance_pc = 2;
const DW_LNS_advance_line = 3;
const DW_LNS_set_file = 4;
const DW_LNS_set_column = 5;
const DW_LNS_negate_stmt = 6;
const DW_LNS_set_basic_block = 7;
const DW_LNS_const_add_pc = 8;
const DW_LNS_fixed_advance_pc = 9;
const DW_LNS_set_prologue_end = 10;
const DW_LNS_set_epilogue_begin = 11;
const DW_LNS_set_isa = 12;

const DW_LNE_end_sequence = 1;
const DW_LNE_set_address = 2;
const DW_LNE_define_file = 3;
const DW_LNE_set_discriminator = 4;

const ADDRESS_MASK = (1n << 64n) - 1n;

/**
 * Every line table in a .debug_line section. `compDirs` maps a unit's offset to its CU's
 * DW_AT_comp_dir, which stands for directory 0 before DWARF 5 (v5 tables carry it themselves).
 */
export function readLineSection(debugLine: Uint8Array, strings: DwarfStrings, compDirs?: ReadonlyMap<number, string>): LineTable[] {
  const r = new DwarfReader('.debug_line', debugLine);
  const tables: LineTable[] = [];
  while (!r.atEnd) {
    const { header, outerLimit } = readLineHeader(r, strings, compDirs?.get(r.pos));
    tables.push({ offset: header.offset, version: header.version, directories: header.directories, files: header.files, rows: runProgram(r, header) });
    r.restoreLimit(outerLimit);
    r.pos = header.unitEnd;
  }
  return tables;
}

/** The state-machine registers that rows are made of (basic_block, prologue_end, isa: not kept). */
interface Registers {
  address: bigint;
  opIndex: number;
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
}

function runProgram(r: DwarfReader, h: LineHeader): LineRow[] {
  const rows: LineRow[] = [];
  const fresh = (): Registers => ({ address: 0n, opIndex: 0, file: 1, line: 1, column: 0, isStmt: h.defaultIsStmt });
  let s = fresh();
  let opAt = r.pos;
  const emit = (endSequence: boolean): void => {
    const file = h.files[s.file];
    if (file === undefined) r.fail(`row uses file ${s.file}, which the table does not define (${h.files.length} entries)`, opAt);
    rows.push({ address: s.address, file: file.path, line: s.line, column: s.column, isStmt: s.isStmt, endSequence });
  };
  // "operation advance" (DWARF 5 6.2.5.1): VLIW-aware; with max_ops 1 it is adv * min_inst_length.
  const advance = (operations: bigint): void => {
    const max = BigInt(h.maxOpsPerInst);
    const total = BigInt(s.opIndex) + operations;
    s.address = (s.address + BigInt(h.minInstLength) * (total / max)) & ADDRESS_MASK;
    s.opIndex = Number(total % max);
  };

  while (!r.atEnd) {
    opAt = r.pos;
    const op = r.u8('opcode');
    if (op >= h.opcodeBase) {
      const adjusted = op - h.opcodeBase;
      advance(BigInt(Math.floor(adjusted / h.lineRange)));
      s.line += h.lineBase + (adjusted % h.lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: {
        const len = r.uleb('extended opcode length');
        if (len === 0n) r.fail('extended opcode of length 0', opAt);
        const outer = r.narrow(len, 'extended opcode');
        const end = r.end;
        const sub = r.u8('extended opcode');
        if (sub === DW_LNE_end_sequence) {
          emit(true);
          s = fresh();
        } else if (sub === DW_LNE_set_address) {
          const size = end - r.pos;
          if (h.addressSize !== 0 && size !== h.addressSize) r.fail(`DW_LNE_set_address operand is ${size} bytes, address_size is ${h.addressSize}`, opAt);
          s.address = r.unsigned(size, 'DW_LNE_set_address operand');
          s.opIndex = 0;
        } else if (sub === DW_LNE_define_file) {
          const file = readLegacyFile(r, h.directories, r.pos);
          if (file === undefined) r.fail('DW_LNE_define_file with an empty name', opAt);
          h.files.push(file);
        } else if (sub === DW_LNE_set_discriminator) {
          r.uleb('discriminator');
        }
        // Unknown (vendor) extended opcodes, and any trailing operand bytes, are skipped by length.
        r.restoreLimit(outer);
        r.pos = end;
        break;
      }
      case DW_LNS_copy:
        emit(false);
        break;
      case DW_LNS_advance_pc:
        advance(r.uleb('DW_LNS_advance_pc operand'));
        break;
      case DW_LNS_advance_line:
        s.line += r.slebNumber('DW_LNS_advance_line operand');
        break;
      case DW_LNS_set_file:
        s.file = r.ulebNumber('DW_LNS_set_file operand');
        break;
      case DW_LNS_set_column:
        s.column = r.ulebNumber('DW_LNS_set_column operand');
        break;
      case DW_LNS_negate_stmt:
        s.isStmt = !s.isStmt;
        break;
      case DW_LNS_const_add_pc:
        advance(BigInt(Math.floor((255 - h.opcodeBase) / h.lineRange)));
        break;
      case DW_LNS_fixed_advance_pc:
        s.address = (s.address + BigInt(r.u16('DW_LNS_fixed_advance_pc operand'))) & ADDRESS_MASK;
        s.opIndex = 0;
        break;
      case DW_LNS_set_basic_block:
      case DW_LNS_set_prologue_end:
      case DW_LNS_set_epilogue_begin:
        break;
      case DW_LNS_set_isa:
        r.uleb('DW_LNS_set_isa operand');
        break;
      default:
        // An opcode this reader does not know, below opcode_base: the header says how many
        // ULEB operands it takes, which is exactly what makes skipping it safe.
        for (let i = 0; i < h.standardOpcodeLengths[op - 1]; i++) r.uleb(`operand ${i} of standard opcode ${op}`);
    }
  }
  return rows;
}
