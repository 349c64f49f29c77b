// The .debug_info reader against the toolchain: a C program with structs (bitfields too), unions,
// arrays, enums, pointers, typedefs, globals and functions with parameters and locals, compiled by
// aarch64-linux-gnu-gcc for DWARF 5 and 4 (and -O2), and the kernel guest, each decoded here and
// by llvm-dwarfdump --debug-info. Every subprogram, variable, member and enumerator must agree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDebugInfo } from '../../debug-adapter/symbols/dwarf-info-elf';
import { readDebugInfoSections, type DebugInfo, type VariableInfo } from '../../debug-adapter/symbols/dwarf-functions';
import { DwarfFormatError } from '../../debug-adapter/symbols/dwarf-reader';
import { readSectionData } from '../../emulator/loader/elf-section-data';
import { loadGuestImage } from '../../emulator/loader/image';
import { guest, haveTool } from '../helpers/project';

const GCC = 'aarch64-linux-gnu-gcc';
const DWARFDUMP = 'llvm-dwarfdump';


const haveTools = haveTool(GCC) && haveTool(DWARFDUMP);

const PROGRAM = `typedef unsigned int u32;
enum color { RED, GREEN = 5, BLUE = -3 };
enum big { HUGE_VALUE = 0x80000000u };
struct flags { unsigned a : 3; unsigned b : 5; int c : 7; u32 d; unsigned long e : 40; };
struct point { int x, y; struct point *next; };
union word { u32 w; unsigned char b[4]; };
struct tail { int n; char data[]; };
typedef struct point point_t;
int table[4][3];
const char *message = "hi";
char *const fixed = 0;
volatile u32 ticks;
struct flags g_flags;
enum color g_color = GREEN;
enum big g_big;
union word g_word;
point_t origin;
struct tail *g_tail;
int (*handler)(int, char);
void (*callbacks[2])(void);
static double ratio = 1.5;
_Bool ready;
extern int declared_only;

static int add(int a, int b) { int sum = a + b; return sum; }
int walk(point_t *p, enum color c) {
  int n = 0;
  for (struct point *q = p; q; q = q->next) { long k = q->x; n += (int)k; }
  static int calls;
  calls++;
  return n + (int)c;
}
void _start(void) {
  struct flags f = { 1, 2, -3, 4, 5 };
  char buf[16];
  buf[0] = (char)f.a;
  ticks = add(1, 2) + walk(&origin, BLUE) + buf[0] + (int)ratio;
  for (;;) __asm__ volatile("wfi");
}
`;

/** One DIE as llvm-dwarfdump prints it: attribute values are the text inside the parentheses. */
interface DumpDie {
  offset: number;
  depth: number;
  tag: string;
  attrs: Map<string, string>;
  /** Ranges printed under a multi-line DW_AT_ranges, as "lo-hi" in hex (empty ones left out). */
  ranges?: string[];
  parent?: DumpDie;
}

function dumpDies(elf: string): DumpDie[] {
  const text = execFileSync(DWARFDUMP, ['--debug-info', elf], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const dies: DumpDie[] = [];
  const open: DumpDie[] = [];
  let continued: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^0x([0-9a-f]+):( +)(DW_TAG_\w+|NULL)/.exec(line);
    if (head !== null) {
      const depth = (head[2].length - 1) / 2;
      open.length = depth;
      if (head[3] === 'NULL') continue;
      const die: DumpDie = { offset: parseInt(head[1], 16), depth, tag: head[3], attrs: new Map(), parent: open[depth - 1] };
      open[depth] = die;
      dies.push(die);
      continue;
    }
    const attr = /^\s+(DW_AT_\w+)\t\((.*)$/.exec(line);
    const die = dies.at(-1);
    if (attr !== null && die !== undefined) {
      // A value ending in ")" is whole; otherwise (location and range lists) lines follow.
      const whole = attr[2].endsWith(')');
      die.attrs.set(attr[1], whole ? attr[2].slice(0, -1) : attr[2].trim());
      continued = whole ? undefined : attr[1];
      continue;
    }
    const range = /^\s+\[0x([0-9a-f]+), 0x([0-9a-f]+)\)/.exec(line);
    if (range !== null && continued === 'DW_AT_ranges' && die !== undefined && range[1] !== range[2]) {
      (die.ranges ??= []).push(`${BigInt(`0x${range[1]}`).toString(16)}-${BigInt(`0x${range[2]}`).toString(16)}`);
    }
  }
  return dies;
}

const unquote = (s: string | undefined): string | undefined => (s === undefined ? undefined : /^"(.*)"$/.exec(s)?.[1]);
/** `0x0000006b "int"` → the quoted type name. */
const typeName = (s: string | undefined): string | undefined => (s === undefined ? undefined : /"(.*)"$/.exec(s)?.[1]);

/**
 * Compares a type spelling with llvm-dwarfdump 14's, which writes a prototyped empty parameter list
 * as "()" where C says "(void)", and drops the tail of an array of function pointers
 * ("void (*[2]"): such spellings are compared up to what it printed.
 */
function assertTypeName(mine: string, dumped: string | undefined, what: string): void {
  assert.ok(dumped !== undefined, `${what}: the dump has a type name`);
  const ours = mine.replaceAll('(void)', '()');
  const balanced = dumped.split('(').length === dumped.split(')').length;
  if (balanced) assert.equal(ours, dumped, what);
  else assert.ok(ours.startsWith(dumped), `${what}: ${mine} vs ${dumped}`);
}
const num = (s: string | undefined): bigint | undefined => (s === undefined ? undefined : BigInt(s));

/** An attribute of the DIE or of the DIE it completes (DW_AT_abstract_origin, DW_AT_specification). */
function inheritedAttr(d: DumpDie, attr: string, byOffset: Map<number, DumpDie>): string | undefined {
  for (let cur: DumpDie | undefined = d, i = 0; cur !== undefined && i < 8; i++) {
    const v = cur.attrs.get(attr);
    if (v !== undefined) return v;
    const ref: string | undefined = cur.attrs.get('DW_AT_abstract_origin') ?? cur.attrs.get('DW_AT_specification');
    cur = ref === undefined ? undefined : byOffset.get(parseInt(ref, 16));
  }
  return undefined;
}

/** Subprograms with code: name (from this DIE or its origin/specification), low_pc and high_pc. */
function checkFunctions(info: DebugInfo, dies: DumpDie[]): void {
  const byOffset = new Map(dies.map((d) => [d.offset, d]));
  const nameOf = (d: DumpDie): string | undefined => unquote(inheritedAttr(d, 'DW_AT_name', byOffset));
  const expected = dies.filter((d) => d.tag === 'DW_TAG_subprogram' && d.attrs.has('DW_AT_low_pc'))
    .map((d) => `${d.offset.toString(16)} ${nameOf(d)} ${num(d.attrs.get('DW_AT_low_pc'))!.toString(16)}-${num(d.attrs.get('DW_AT_high_pc'))!.toString(16)}`);
  const mine = info.functions.filter((f) => f.lowPc !== undefined)
    .map((f) => `${f.dieOffset.toString(16)} ${f.name} ${f.lowPc!.toString(16)}-${f.highPc!.toString(16)}`);
  assert.ok(expected.length > 0);
  assert.deepEqual(mine.sort(), expected.sort());
}

/** Every named variable and parameter inside a function: name, type spelling, decl file and line, fbreg location. */
function checkVariables(info: DebugInfo, dies: DumpDie[]): { checked: number; lists: number; rangedScopes: number } {
  const mine = new Map<number, VariableInfo>();
  for (const f of info.functions) for (const v of [...f.params, ...f.locals]) mine.set(v.dieOffset, v);
  for (const g of info.globals) mine.set(g.dieOffset, g);
  let checked = 0;
  let lists = 0;
  let rangedScopes = 0;
  const byOffset = new Map(dies.map((x) => [x.offset, x]));
  for (const d of dies) {
    const attr = (a: string): string | undefined => inheritedAttr(d, a, byOffset);
    if (d.tag !== 'DW_TAG_variable' && d.tag !== 'DW_TAG_formal_parameter') continue;
    if (d.parent?.tag === 'DW_TAG_subroutine_type') continue;
    const loc = d.attrs.get('DW_AT_location');
    let scope = d.parent;
    while (scope !== undefined && scope.tag !== 'DW_TAG_subprogram' && scope.tag !== 'DW_TAG_inlined_subroutine') scope = scope.parent;
    // Not read (yet): the variables of inlined calls, and parameters of prototypes and abstract inline instances.
    if (scope?.tag === 'DW_TAG_inlined_subroutine' || (scope !== undefined && !scope.attrs.has('DW_AT_low_pc'))) continue;
    if (scope === undefined && loc === undefined) {
      assert.ok(!mine.has(d.offset), `declaration ${d.attrs.get('DW_AT_name')} is not a global`);
      continue;
    }
    const v = mine.get(d.offset);
    assert.ok(v, `variable at 0x${d.offset.toString(16)} ${d.attrs.get('DW_AT_name')} was read`);
    assert.equal(v.name, unquote(attr('DW_AT_name')) ?? '');
    if (attr('DW_AT_type') !== undefined) assertTypeName(info.types.name(v.type), typeName(attr('DW_AT_type')), `type of ${v.name}`);
    const file = unquote(attr('DW_AT_decl_file'));
    if (file !== undefined) assert.equal(v.decl.file, file, `decl file of ${v.name}`);
    const line = attr('DW_AT_decl_line');
    assert.equal(v.decl.line, line === undefined ? undefined : Number(line));
    const addr = loc === undefined ? null : /^DW_OP_addr (0x[0-9a-f]+)$/.exec(loc);
    if (addr !== null) assert.equal(v.address, BigInt(addr[1]), `address of ${v.name}`);
    if (loc !== undefined && /^DW_OP_/.test(loc)) assert.equal(v.location?.kind, 'expression');
    const list = loc === undefined ? null : /^0x([0-9a-f]+):$/.exec(loc);
    const block = d.parent?.tag === 'DW_TAG_lexical_block' ? d.parent : undefined;
    if (block?.ranges !== undefined) {
      assert.deepEqual(v.scope?.map((r) => `${r.lowPc.toString(16)}-${r.highPc.toString(16)}`), block.ranges, `scope of ${v.name}`);
      rangedScopes++;
    }
    if (list !== null) {
      lists++;
      assert.equal(v.location?.kind, 'list', `${v.name} has a location list`);
      assert.equal(v.location.offset, BigInt(`0x${list[1]}`));
    }
    checked++;
  }
  return { checked, lists, rangedScopes };
}

/** Struct members (offsets, bitfields), enumerators and array bounds against the dump. */
function checkTypes(info: DebugInfo, dies: DumpDie[]): void {
  for (const d of dies) {
    if (d.tag === 'DW_TAG_member' && (d.parent?.tag === 'DW_TAG_structure_type' || d.parent?.tag === 'DW_TAG_union_type')) {
      const t = info.types.describe(d.parent.offset);
      assert.ok(t.kind === 'struct' || t.kind === 'union');
      const m = t.members.find((x) => x.name === unquote(d.attrs.get('DW_AT_name')));
      assert.ok(m, `member ${d.attrs.get('DW_AT_name')}`);
      assertTypeName(info.types.name(m.type), typeName(d.attrs.get('DW_AT_type')), `type of member ${m.name}`);
      const expectNum = (attr: string): number | undefined => (d.attrs.has(attr) ? Number(d.attrs.get(attr)) : undefined);
      assert.equal(m.bitSize, expectNum('DW_AT_bit_size'), `bit_size of ${m.name}`);
      assert.equal(m.dataBitOffset, expectNum('DW_AT_data_bit_offset'), `data_bit_offset of ${m.name}`);
      assert.equal(m.bitOffset, expectNum('DW_AT_bit_offset'), `bit_offset of ${m.name}`);
      if (d.attrs.has('DW_AT_data_member_location')) assert.equal(m.offset, expectNum('DW_AT_data_member_location'), `offset of ${m.name}`);
    }
    if (d.tag === 'DW_TAG_enumerator' && d.parent !== undefined) {
      const t = info.types.describe(d.parent.offset);
      assert.equal(t.kind, 'enum');
      const e = t.kind === 'enum' ? t.enumerators.find((x) => x.name === unquote(d.attrs.get('DW_AT_name'))) : undefined;
      const raw = d.attrs.get('DW_AT_const_value')!;
      assert.equal(e?.value, BigInt(raw), `enumerator ${e?.name}`);
    }
    if ((d.tag === 'DW_TAG_structure_type' || d.tag === 'DW_TAG_base_type') && d.attrs.has('DW_AT_byte_size')) {
      const t = info.types.describe(d.offset);
      assert.ok(t.kind === 'struct' || t.kind === 'base');
      assert.equal(t.byteSize, Number(d.attrs.get('DW_AT_byte_size')));
    }
  }
}

function withProgram(flags: string[], body: (elf: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'persona-dwarf-info-'));
  try {
    writeFileSync(join(dir, 't.c'), PROGRAM);
    const elf = join(dir, 'prog.elf');
    execFileSync(GCC, [...flags, '-ffreestanding', '-nostdlib', '-static', '-no-pie', '-Wl,-Ttext=0x40080000', '-o', elf, 't.c'], { cwd: dir });
    body(elf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [name, flags] of [['DWARF 5 -O0', ['-g', '-O0']], ['DWARF 4 -O0', ['-gdwarf-4', '-O0']], ['DWARF 5 -O2', ['-g', '-O2']], ['DWARF 4 -O2', ['-gdwarf-4', '-O2']]] as const) {
  test(`${name}: functions, variables and types match llvm-dwarfdump`, { skip: haveTools ? false : `${GCC} or ${DWARFDUMP} not installed` }, (t) => {
    withProgram([...flags], (elf) => {
      const info = readDebugInfo(new Uint8Array(readFileSync(elf)), elf);
      assert.ok(info);
      const dies = dumpDies(elf);
      checkFunctions(info, dies);
      const { checked, lists, rangedScopes } = checkVariables(info, dies);
      t.diagnostic(`${info.functions.length} functions, ${checked} variables (${lists} with location lists, ${rangedScopes} in DW_AT_ranges blocks)`);
      checkTypes(info, dies);
      assert.ok(checked >= 10, `${checked} variables checked`);
      if (flags[1] === '-O2') {
        assert.ok(lists > 0, 'some -O2 variables have location lists');
        assert.ok(rangedScopes > 0, 'some -O2 locals live in DW_AT_ranges blocks');
      }
      if (flags[1] === '-O0') checkO0Program(info);
    });
  });
}

/** What the debugger will ask of the -O0 program, spelled out. */
function checkO0Program(info: DebugInfo): void {
  const walk = info.functions.find((f) => f.name === 'walk');
  assert.ok(walk && walk.lowPc !== undefined && walk.highPc !== undefined);
  assert.equal(info.functionAt(walk.lowPc)?.name, 'walk');
  assert.equal(info.functionAt(walk.highPc - 4n)?.name, 'walk');
  assert.notEqual(info.functionAt(walk.highPc)?.name, 'walk');
  assert.equal(info.functionAt(0x1000n), undefined);
  assert.deepEqual(walk.params.map((p) => [p.name, info.types.name(p.type)]), [['p', 'point_t *'], ['c', 'color']]);
  assert.deepEqual(walk.locals.map((v) => v.name).sort(), ['calls', 'k', 'n', 'q']);
  assert.ok(walk.locals.find((v) => v.name === 'q')?.scope, 'q lives in the for block');
  assert.equal(walk.frameBase?.kind, 'expression');
  assert.equal(walk.external, true);
  assert.equal(walk.decl.line, 26);
  assert.equal(info.types.name(walk.returnType), 'int');
  assert.equal(info.functions.find((f) => f.name === 'add')?.external, false);

  const flags = info.globals.find((g) => g.name === 'g_flags');
  const t = info.types.describe(info.types.strip(flags?.type)!);
  assert.ok(t.kind === 'struct');
  assert.equal(t.name, 'flags');
  assert.deepEqual(t.members.map((m) => [m.name, m.bitSize ?? 0]), [['a', 3], ['b', 5], ['c', 7], ['d', 0], ['e', 40]]);
  const color = info.types.describe(info.types.strip(info.globals.find((g) => g.name === 'g_color')?.type)!);
  assert.ok(color.kind === 'enum');
  assert.deepEqual(color.enumerators.map((e) => [e.name, e.value]), [['RED', 0n], ['GREEN', 5n], ['BLUE', -3n]]);
  const big = info.types.describe(info.types.strip(info.globals.find((g) => g.name === 'g_big')?.type)!);
  assert.ok(big.kind === 'enum');
  assert.equal(big.enumerators[0].value, 0x80000000n);
  const table = info.types.describe(info.globals.find((g) => g.name === 'table')!.type!);
  assert.ok(table.kind === 'array');
  assert.deepEqual(table.dimensions.map((d) => d.count), [4n, 3n]);
  const tail = info.types.describe(info.types.strip(info.globals.find((g) => g.name === 'g_tail')?.type)!);
  assert.ok(tail.kind === 'pointer' && tail.target !== undefined);
  const tailStruct = info.types.describe(tail.target);
  assert.ok(tailStruct.kind === 'struct');
  const data = info.types.describe(tailStruct.members[1].type!);
  assert.ok(data.kind === 'array');
  assert.equal(data.dimensions[0].count, undefined, 'a flexible array member has no count');
  const handler = info.types.describe(info.types.strip(info.globals.find((g) => g.name === 'handler')?.type)!);
  assert.ok(handler.kind === 'pointer');
  const fn = info.types.describe(handler.target!);
  assert.ok(fn.kind === 'function');
  assert.deepEqual(fn.params.map((p) => info.types.name(p)), ['int', 'char']);
  assert.equal(info.types.name(info.globals.find((g) => g.name === 'callbacks')?.type), 'void (*[2])(void)');
  const ratio = info.globals.find((g) => g.name === 'ratio');
  assert.equal(ratio?.external, false);
  const base = info.types.describe(ratio!.type!);
  assert.deepEqual(base, { kind: 'base', name: 'double', byteSize: 8, encoding: 'float' });
  assert.equal(info.globals.some((g) => g.name === 'declared_only'), false);
}

test('the kernel guest: functionAt(main) is main, and every function and variable matches llvm-dwarfdump', (t) => {
  const elf = guest('kernel');
  if (!existsSync(elf)) {
    t.skip(`${elf} not built (node scripts/build-guests.mjs kernel)`);
    return;
  }
  const bytes = new Uint8Array(readFileSync(elf));
  const info = readDebugInfo(bytes, elf);
  assert.ok(info);
  const image = loadGuestImage(elf, bytes, { regions: [{ name: 'ram', base: 0x4000_0000n, size: 128n << 20n }] });
  const main = image.symbols.find((s) => s.name === 'main' && s.kind === 'func');
  assert.ok(main);
  assert.equal(info.functionAt(main.value)?.name, 'main');
  assert.equal(info.functionAt(main.value + main.size - 1n)?.name, 'main');
  for (const s of image.symbols.filter((x) => x.kind === 'func' && x.size > 0n)) {
    const f = info.functionAt(s.value);
    // Assembly routines have no DIE; every C function does.
    if (f !== undefined) assert.equal(f.name, s.name);
  }
  if (haveTools) {
    const dies = dumpDies(elf);
    checkFunctions(info, dies);
    const { checked, lists, rangedScopes } = checkVariables(info, dies);
    checkTypes(info, dies);
    t.diagnostic(`kernel: ${info.functions.length} functions, ${checked} variables (${lists} with location lists, ${rangedScopes} in DW_AT_ranges blocks)`);
  }
});

test('a truncated .debug_info is a DwarfFormatError naming the section and offset', (t) => {
  const elf = guest('kernel');
  if (!existsSync(elf)) {
    t.skip(`${elf} not built`);
    return;
  }
  const sections = readSectionData(elf, new Uint8Array(readFileSync(elf)));
  const data = (n: string): Uint8Array | undefined => sections.get(n)?.data;
  const info = data('.debug_info')!;
  for (const cut of [3, 11, Math.floor(info.length / 2), info.length - 1]) {
    assert.throws(
      () => readDebugInfoSections({ info: info.subarray(0, cut), abbrev: data('.debug_abbrev'), str: data('.debug_str'), lineStr: data('.debug_line_str'), line: data('.debug_line') }),
      (e: unknown) => e instanceof DwarfFormatError && e.section === '.debug_info' && e.offset <= cut && e.message.startsWith('DwarfFormatError: .debug_info at 0x'),
      `cut at ${cut}`,
    );
  }
});
