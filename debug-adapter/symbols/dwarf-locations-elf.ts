// The sections a variable's location needs beyond .debug_info: location lists (.debug_loc before
// DWARF 5, .debug_loclists from 5) and the address table DW_OP_addrx and DW_LLE_*x index.

import { readSectionData } from '../../emulator/loader/elf-section-data';
import type { LocationSections } from './dwarf-loclists';

export function readLocationSections(elfBytes: Uint8Array, file: string): LocationSections {
  const sections = readSectionData(file, elfBytes);
  return { loc: sections.get('.debug_loc')?.data, loclists: sections.get('.debug_loclists')?.data, addr: sections.get('.debug_addr')?.data };
}
