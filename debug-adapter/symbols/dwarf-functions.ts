// Functions and variables from the DIE tree (DWARF 5 sections 3.3 and 4.1): what the debugger
// needs to name a frame (functionAt), find its arguments and locals, and list globals. Locations
// stay as DWARF expression bytes or location-list references: evaluating them needs registers and
// memory, which belong to the debugger engine, not to the symbols.

import type { AttributeValue, DwarfSections } from './dwarf-forms';
import { DW_UT_compile, DW_UT_partial, DW_UT_skeleton, readDieTree, type Die, type DieTree, type DwarfUnit } from './dwarf-info';
import { readLineHeader } from './dwarf-line-header';
import { readRanges, type PcRange } from './dwarf-ranges';
import { DwarfReader } from './dwarf-reader';
import { AT, TAG, TypeTable, attrNumber, attrString } from './dwarf-types';

const TAG_FN = { subprogram: 0x2e, variable: 0x34, lexicalBlock: 0x0b, inlinedSubroutine: 0x1d } as const;
const AT_FN = {
  location: 0x02, stmtList: 0x10, lowPc: 0x11, highPc: 0x12, compDir: 0x1b, abstractOrigin: 0x31, declFile: 0x3a,
  declLine: 0x3b, external: 0x3f, frameBase: 0x40, specification: 0x47, ranges: 0x55, linkageName: 0x6e,
} as const;
const DW_OP_addr = 0x03;
const DW_OP_addrx = 0xa1;
const DW_OP_GNU_addr_index = 0xfb;

/** Where a variable (or a frame base) lives. */
export type LocationDescription =
  /** A DWARF expression (DW_FORM_exprloc, or a block before DWARF 4). */
  | { kind: 'expression'; bytes: Uint8Array }
  /** A location list: .debug_loc before DWARF 5, .debug_loclists from 5. `offset` is unknown only for an unresolvable loclistx. */
  | { kind: 'list'; section: '.debug_loc' | '.debug_loclists'; offset?: bigint; index?: bigint }
  /** No storage: the compiler kept only the value (DW_AT_const_value). */
  | { kind: 'constant'; value: AttributeValue };

export interface SourcePosition {
  /** Path from the unit's line table; undefined when the unit has none. */
  file?: string;
  line?: number;
}

export interface VariableInfo {
  name: string;
  dieOffset: number;
  /** Type offset for `DebugInfo.types` (undefined: no type recorded). */
  type?: number;
  location?: LocationDescription;
  decl: SourcePosition;
  /** Locals in a lexical block: the pcs where they are in scope. */
  scope?: PcRange[];
  /** The static address when the location is exactly DW_OP_addr (or DW_OP_addrx): globals and static locals. */
  address?: bigint;
}

export interface GlobalVariable extends VariableInfo {
  external: boolean;
}

export interface FunctionInfo {
  name: string;
  linkageName?: string;
  dieOffset: number;
  /** [lowPc, highPc): high_pc is stored as an address or (DWARF 4+) as an offset from low_pc; both end here as addresses. */
  lowPc?: bigint;
  highPc?: bigint;
  /** Every range of code: [lowPc, highPc), or DW_AT_ranges for a function split into parts (hot/cold). */
  ranges: PcRange[];
  frameBase?: LocationDescription;
  decl: SourcePosition;
  returnType?: number;
  external: boolean;
  params: VariableInfo[];
  locals: VariableInfo[];
}

export class DebugInfo {
  /** Every function range, sorted by start, for functionAt's binary search. */
  private readonly byPc: { range: PcRange; fn: FunctionInfo }[];

  constructor(
    readonly tree: DieTree,
    readonly types: TypeTable,
    readonly functions: FunctionInfo[],
    readonly globals: GlobalVariable[],
  ) {
    this.byPc = functions.flatMap((fn) => fn.ranges.map((range) => ({ range, fn })))
      .sort((a, b) => (a.range.lowPc < b.range.lowPc ? -1 : a.range.lowPc > b.range.lowPc ? 1 : 0));
  }

  /** The function with a range holding `pc` (the last one starting at or before it). */
  functionAt(pc: bigint): FunctionInfo | undefined {
    let lo = 0;
    let hi = this.byPc.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.byPc[mid].range.lowPc <= pc) lo = mid + 1;
      else hi = mid;
    }
    const e = this.byPc[lo - 1];
    return e !== undefined && pc < e.range.highPc ? e.fn : undefined;
  }
}

/** Reads .debug_info into functions, globals and types. A broken section is a DwarfFormatError. */
export function readDebugInfoSections(s: DwarfSections): DebugInfo {
  const tree = readDieTree(s);
  const types = new TypeTable(tree);
  const functions: FunctionInfo[] = [];
  const globals: GlobalVariable[] = [];
  const files = new DeclFiles(s);
  for (const unit of tree.units) {
    if (unit.root === undefined || !(unit.unitType === DW_UT_compile || unit.unitType === DW_UT_partial || unit.unitType === DW_UT_skeleton)) continue;
    const low = unit.root.attrs.get(AT_FN.lowPc);
    const ctx: Context = { tree, types, unit, files: files.of(unit.root), s, base: low?.kind === 'address' ? low.value : 0n };
    collect(unit.root, ctx, functions, globals);
  }
  return new DebugInfo(tree, types, functions, globals);
}

interface Context {
  tree: DieTree;
  types: TypeTable;
  unit: DwarfUnit;
  files: (string | undefined)[];
  s: DwarfSections;
  /** The unit's DW_AT_low_pc: what range-list offsets are relative to. */
  base: bigint;
}

/** Functions and globals anywhere outside function bodies (namespaces too); iterative for deep trees. */
function collect(root: Die, ctx: Context, functions: FunctionInfo[], globals: GlobalVariable[]): void {
  const stack = [...root.children];
  for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
    if (d.tag === TAG_FN.subprogram) {
      const f = readFunction(d, ctx);
      if (f !== undefined) functions.push(f);
      // GNU C nested functions are subprograms inside a subprogram.
      for (const c of d.children) if (c.tag === TAG_FN.subprogram) stack.push(c);
    } else if (d.tag === TAG_FN.variable) {
      const g = readGlobal(d, ctx);
      if (g !== undefined) globals.push(g);
    } else {
      stack.push(...d.children);
    }
  }
}

function readFunction(d: Die, ctx: Context): FunctionInfo | undefined {
  const { lowPc, highPc } = pcRange(d);
  if (lowPc === undefined && !d.attrs.has(AT_FN.ranges)) return undefined; // a declaration or an abstract inline instance: no code
  const frameBase = d.attrs.get(AT_FN.frameBase);
  const f: FunctionInfo = {
    name: inherited(d, ctx.tree, (x) => attrString(x, AT.name)) ?? '',
    linkageName: inherited(d, ctx.tree, (x) => attrString(x, AT_FN.linkageName)),
    dieOffset: d.offset, lowPc, highPc, ranges: codeRanges(d, ctx) ?? [],
    frameBase: frameBase === undefined ? undefined : location(frameBase, ctx),
    decl: decl(d, ctx),
    returnType: inherited(d, ctx.tree, (x) => ctx.types.typeOf(x)),
    external: inherited(d, ctx.tree, (x) => (x.attrs.get(AT_FN.external)?.kind === 'flag' ? true : undefined)) ?? false,
    params: [], locals: [],
  };
  scopeVariables(d, ctx, f, undefined);
  return f;
}

/** Parameters and locals of a function body, descending into lexical blocks but not into inlined calls. */
function scopeVariables(scope: Die, ctx: Context, f: FunctionInfo, range: VariableInfo['scope']): void {
  for (const c of scope.children) {
    if (c.tag === TAG.formalParameter) f.params.push(variable(c, ctx, range));
    else if (c.tag === TAG_FN.variable) f.locals.push(variable(c, ctx, range));
    else if (c.tag === TAG_FN.lexicalBlock) scopeVariables(c, ctx, f, codeRanges(c, ctx) ?? range);
  }
}

function variable(d: Die, ctx: Context, scope: VariableInfo['scope']): VariableInfo {
  const loc = d.attrs.get(AT_FN.location) ?? d.attrs.get(AT.constValue);
  const v: VariableInfo = {
    name: inherited(d, ctx.tree, (x) => attrString(x, AT.name)) ?? '',
    dieOffset: d.offset,
    type: inherited(d, ctx.tree, (x) => ctx.types.typeOf(x)),
    location: loc === undefined ? undefined : d.attrs.has(AT_FN.location) ? location(loc, ctx) : { kind: 'constant', value: loc },
    decl: decl(d, ctx),
  };
  if (scope !== undefined) v.scope = scope;
  if (v.location?.kind === 'expression') {
    const address = staticAddress(v.location.bytes, ctx);
    if (address !== undefined) v.address = address;
  }
  return v;
}

/** A variable with a static location (an exprloc); declarations without storage are not globals. */
function readGlobal(d: Die, ctx: Context): GlobalVariable | undefined {
  const loc = d.attrs.get(AT_FN.location);
  if (loc === undefined || (loc.kind !== 'exprloc' && loc.kind !== 'block')) return undefined;
  return {
    ...variable(d, ctx, undefined),
    external: inherited(d, ctx.tree, (x) => (x.attrs.get(AT_FN.external)?.kind === 'flag' ? true : undefined)) ?? false,
  };
}

/** The DIE's code as ranges: DW_AT_ranges, or [low_pc, high_pc); undefined when it has neither. */
function codeRanges(d: Die, ctx: Context): PcRange[] | undefined {
  const ranges = d.attrs.get(AT_FN.ranges);
  if (ranges !== undefined) return readRanges(ranges, ctx.unit, ctx.s, ctx.base);
  const { lowPc, highPc } = pcRange(d);
  return lowPc !== undefined && highPc !== undefined ? (highPc > lowPc ? [{ lowPc, highPc }] : []) : undefined;
}

/** low_pc and high_pc as addresses: a constant-class high_pc (DWARF 4+) is an offset from low_pc. */
function pcRange(d: Die): { lowPc?: bigint; highPc?: bigint } {
  const low = d.attrs.get(AT_FN.lowPc);
  const high = d.attrs.get(AT_FN.highPc);
  const lowPc = low?.kind === 'address' ? low.value : undefined;
  if (lowPc === undefined || high === undefined) return { lowPc };
  if (high.kind === 'address') return { lowPc, highPc: high.value };
  if (high.kind === 'constant') return { lowPc, highPc: lowPc + high.value };
  return { lowPc };
}

function location(v: AttributeValue, ctx: Context): LocationDescription {
  const v5 = ctx.unit.version >= 5;
  switch (v.kind) {
    case 'exprloc': case 'block': return { kind: 'expression', bytes: v.bytes };
    case 'secOffset': return { kind: 'list', section: v5 ? '.debug_loclists' : '.debug_loc', offset: v.value };
    // DWARF 2/3 spelled location-list offsets as data4/data8.
    case 'constant': return { kind: 'list', section: '.debug_loc', offset: v.value };
    case 'loclistx': return { kind: 'list', section: '.debug_loclists', index: v.index, offset: listOffset(ctx, v.index) };
    default: return { kind: 'constant', value: v };
  }
}

/** A loclistx index through the unit's offset table at DW_AT_loclists_base (offsets are relative to the base). */
function listOffset(ctx: Context, index: bigint): bigint | undefined {
  const base = ctx.unit.loclistsBase;
  if (base === undefined || ctx.s.loclists === undefined) return undefined;
  const size = ctx.unit.is64 ? 8 : 4;
  const slot = base + index * BigInt(size);
  if (slot + BigInt(size) > BigInt(ctx.s.loclists.length)) return undefined;
  return base + new DwarfReader('.debug_loclists', ctx.s.loclists, Number(slot)).unsigned(size, 'location list offset');
}

/** DW_OP_addr A (or DW_OP_addrx I) and nothing else: a variable at a fixed address. */
function staticAddress(bytes: Uint8Array, ctx: Context): bigint | undefined {
  const size = ctx.unit.addressSize;
  const r = new DwarfReader('DW_AT_location expression', bytes, 1);
  if (bytes[0] === DW_OP_addr && bytes.length === 1 + size) return r.unsigned(size, 'DW_OP_addr operand');
  if ((bytes[0] === DW_OP_addrx || bytes[0] === DW_OP_GNU_addr_index) && bytes.length > 1) {
    const index = r.uleb('DW_OP_addrx operand');
    const base = ctx.unit.addrBase;
    if (!r.atEnd || base === undefined || ctx.s.addr === undefined) return undefined;
    const slot = base + index * BigInt(size);
    if (slot + BigInt(size) > BigInt(ctx.s.addr.length)) return undefined;
    return new DwarfReader('.debug_addr', ctx.s.addr, Number(slot)).unsigned(size, 'address');
  }
  return undefined;
}

function decl(d: Die, ctx: Context): SourcePosition {
  const fileIndex = inherited(d, ctx.tree, (x) => attrNumber(x, AT_FN.declFile));
  const line = inherited(d, ctx.tree, (x) => attrNumber(x, AT_FN.declLine));
  return { file: fileIndex === undefined ? undefined : ctx.files[fileIndex], line };
}

/**
 * An attribute from the DIE, or from the DIE it completes: an out-of-line instance names its
 * abstract origin, a definition its declaration (DW_AT_specification). Bounded against cycles.
 */
function inherited<T>(d: Die, tree: DieTree, get: (d: Die) => T | undefined): T | undefined {
  let cur: Die | undefined = d;
  for (let i = 0; cur !== undefined && i < 8; i++) {
    const v = get(cur);
    if (v !== undefined) return v;
    const next: AttributeValue | undefined = cur.attrs.get(AT_FN.abstractOrigin) ?? cur.attrs.get(AT_FN.specification);
    cur = next === undefined ? undefined : tree.target(next, cur, 'DW_AT_abstract_origin/specification');
  }
  return undefined;
}

/** decl_file indices → paths through each unit's line-table header (read once per stmt_list). */
class DeclFiles {
  private readonly cache = new Map<number, (string | undefined)[]>();

  constructor(private readonly s: DwarfSections) {}

  of(root: Die): (string | undefined)[] {
    const stmt = root.attrs.get(AT_FN.stmtList);
    const offset = stmt?.kind === 'secOffset' || stmt?.kind === 'constant' ? Number(stmt.value) : undefined;
    if (offset === undefined || this.s.line === undefined || offset >= this.s.line.length) return [];
    let files = this.cache.get(offset);
    if (files === undefined) {
      const r = new DwarfReader('.debug_line', this.s.line, offset);
      const { header } = readLineHeader(r, { str: this.s.str, lineStr: this.s.lineStr }, attrString(root, AT_FN.compDir));
      files = header.files.map((f) => f?.path);
      this.cache.set(offset, files);
    }
    return files;
  }
}
