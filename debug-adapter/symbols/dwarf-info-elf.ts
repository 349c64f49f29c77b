// The entry point from an ELF file to its functions, variables and types: finds the .debug_*
// sections through the loader's section reader (which inflates zlib-compressed ones).

import { readSectionData } from '../../emulator/loader/elf-section-data';
import { readDebugInfoSections, type DebugInfo } from './dwarf-functions';

/**
 * The DWARF .debug_info of an ELF executable, or undefined when it has none (built without -g).
 * A broken ELF throws ImageFormatError; a broken DWARF section throws DwarfFormatError.
 */
export function readDebugInfo(elfBytes: Uint8Array, file: string): DebugInfo | undefined {
  const sections = readSectionData(file, elfBytes);
  const data = (name: string): Uint8Array | undefined => sections.get(name)?.data;
  const info = data('.debug_info');
  if (info === undefined) return undefined;
  return readDebugInfoSections({
    info,
    abbrev: data('.debug_abbrev'),
    str: data('.debug_str'),
    lineStr: data('.debug_line_str'),
    strOffsets: data('.debug_str_offsets'),
    addr: data('.debug_addr'),
    line: data('.debug_line'),
    loclists: data('.debug_loclists'),
    ranges: data('.debug_ranges'),
    rnglists: data('.debug_rnglists'),
  });
}
