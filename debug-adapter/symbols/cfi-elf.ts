// Call-frame information straight from an ELF file: picks .debug_frame and .eh_frame out of the
// section table (through the loader's section reader) and indexes them.

import { readSectionData } from '../../emulator/loader/elf-section-data';
import { CallFrameInfo } from './cfi';
import type { CfiSectionData } from './cfi-parse';

/** The CFI sections of an ELF file, .debug_frame first. Empty when it has neither. */
export function cfiSectionsOfElf(file: string, bytes: Uint8Array): CfiSectionData[] {
  const sections = readSectionData(file, bytes);
  const out: CfiSectionData[] = [];
  for (const name of ['.debug_frame', '.eh_frame'] as const) {
    const s = sections.get(name);
    if (s !== undefined) out.push({ name, bytes: s.data, address: s.header.addr });
  }
  return out;
}

export function callFrameInfoOfElf(file: string, bytes: Uint8Array): CallFrameInfo {
  return new CallFrameInfo(cfiSectionsOfElf(file, bytes));
}
