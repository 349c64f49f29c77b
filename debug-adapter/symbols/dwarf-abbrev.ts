// .debug_abbrev (DWARF 5 section 7.5.3): each unit names one abbreviation table, a list of
// (code → tag, has-children, attribute specs). Many units share a table (the linker merges
// identical ones), so tables are parsed once per offset and cached.

import { DwarfReader } from './dwarf-reader';

export const DW_FORM_implicit_const = 0x21;

export interface AttributeSpec {
  attr: number;
  form: number;
  /** The value of a DW_FORM_implicit_const attribute, which lives here and not in the DIE. */
  implicitConst: bigint;
}

export interface Abbreviation {
  code: number;
  tag: number;
  hasChildren: boolean;
  specs: AttributeSpec[];
}

/** Abbreviation tables by offset in .debug_abbrev, parsed on first use. */
export class AbbreviationTables {
  private readonly tables = new Map<number, Map<number, Abbreviation>>();

  constructor(private readonly debugAbbrev: Uint8Array | undefined) {}

  /**
   * The table at `offset`. `from` and `at` name the unit header that points here, so a missing
   * section or an offset outside it is reported where the lie is (.debug_info), while a broken
   * table is reported in .debug_abbrev.
   */
  table(offset: bigint, from: DwarfReader, at: number): Map<number, Abbreviation> {
    if (this.debugAbbrev === undefined) from.fail('the file has .debug_info but no .debug_abbrev', at);
    if (offset >= BigInt(this.debugAbbrev.length)) {
      from.fail(`debug_abbrev_offset 0x${offset.toString(16)} is outside .debug_abbrev (0x${this.debugAbbrev.length.toString(16)} bytes)`, at);
    }
    const key = Number(offset);
    let table = this.tables.get(key);
    if (table === undefined) {
      table = parseTable(new DwarfReader('.debug_abbrev', this.debugAbbrev, key));
      this.tables.set(key, table);
    }
    return table;
  }
}

/** One table: abbreviations up to the terminating code 0 (or the section's end, which binutils tolerates). */
function parseTable(a: DwarfReader): Map<number, Abbreviation> {
  const table = new Map<number, Abbreviation>();
  while (!a.atEnd) {
    const codeAt = a.pos;
    const code = a.ulebNumber('abbreviation code');
    if (code === 0) break;
    if (table.has(code)) a.fail(`abbreviation code ${code} is defined twice in one table`, codeAt);
    const tag = a.ulebNumber('tag');
    const childrenAt = a.pos;
    const children = a.u8('children flag');
    if (children > 1) a.fail(`children flag ${children} is neither DW_CHILDREN_no nor DW_CHILDREN_yes`, childrenAt);
    const specs: AttributeSpec[] = [];
    for (;;) {
      const attr = a.ulebNumber('attribute');
      const form = a.ulebNumber('form');
      if (attr === 0 && form === 0) break;
      specs.push({ attr, form, implicitConst: form === DW_FORM_implicit_const ? a.sleb('implicit_const') : 0n });
    }
    table.set(code, { code, tag, hasChildren: children === 1, specs });
  }
  return table;
}
