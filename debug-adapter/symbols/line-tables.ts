// The entry point from an ELF file to its DWARF line tables: finds .debug_line and the string
// sections through the project's ELF reader, and .debug_info's comp_dirs for pre-v5 tables.

import { readSectionData } from '../../emulator/loader/elf-section-data';
import { readCompDirs } from './dwarf-comp-dirs';
import { readLineSection, type LineTable } from './dwarf-line';

/**
 * Every line table of an ELF executable (none when it has no .debug_line). A broken ELF throws
 * ImageFormatError; a broken DWARF section throws DwarfFormatError.
 */
export function readLineTables(elfBytes: Uint8Array, file: string): LineTable[] {
  const sections = readSectionData(file, elfBytes);
  const debugLine = sections.get('.debug_line')?.data;
  if (debugLine === undefined) return [];
  const strings = { str: sections.get('.debug_str')?.data, lineStr: sections.get('.debug_line_str')?.data };
  const info = sections.get('.debug_info')?.data;
  const compDirs = info === undefined ? undefined : readCompDirs(info, sections.get('.debug_abbrev')?.data, strings);
  return readLineSection(debugLine, strings, compDirs);
}
