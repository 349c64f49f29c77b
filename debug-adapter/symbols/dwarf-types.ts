// Type DIEs as descriptions the debugger formats values with (DWARF 5 chapter 5). A type is named
// by its DIE's .debug_info offset: descriptions refer to other types by offset, so recursive
// types (a list node pointing at itself) need no cycle handling, and each DIE is described once.

import type { AttributeValue } from './dwarf-forms';
import type { Die, DieTree } from './dwarf-info';
import { DwarfFormatError } from './dwarf-reader';

export const TAG = {
  arrayType: 0x01, classType: 0x02, enumerationType: 0x04, member: 0x0d, pointerType: 0x0f, referenceType: 0x10,
  structureType: 0x13, subroutineType: 0x15, typedef: 0x16, unionType: 0x17, unspecifiedParameters: 0x18,
  formalParameter: 0x05, subrangeType: 0x21, baseType: 0x24, constType: 0x26, enumerator: 0x28, volatileType: 0x35,
  restrictType: 0x37, unspecifiedType: 0x3b, rvalueReferenceType: 0x42, atomicType: 0x47,
} as const;

export const AT = {
  name: 0x03, byteSize: 0x0b, bitOffset: 0x0c, bitSize: 0x0d, constValue: 0x1c, lowerBound: 0x22, prototyped: 0x27,
  upperBound: 0x2f, count: 0x37, dataMemberLocation: 0x38, declaration: 0x3c, encoding: 0x3e, type: 0x49, dataBitOffset: 0x6b,
} as const;

/** DW_ATE_* folded into what a value formatter needs to choose. */
export type BaseEncoding = 'signed' | 'unsigned' | 'float' | 'bool' | 'char' | 'address' | 'other';

export interface StructMember {
  name?: string;
  /** Type offset; undefined only in broken input. */
  type?: number;
  /** Byte offset from DW_AT_data_member_location (a constant, or DW_OP_plus_uconst before DWARF 3 constants). */
  offset?: number;
  /** The location when it is an expression other than DW_OP_plus_uconst (virtual bases). */
  offsetExpression?: Uint8Array;
  bitSize?: number;
  /** DWARF 4+: bit offset from the start of the containing struct. */
  dataBitOffset?: number;
  /** DWARF 2/3 (and gcc -gdwarf-4): bits from the storage unit's most significant bit. */
  bitOffset?: number;
}

export interface ArrayDimension {
  lowerBound: bigint;
  /** Undefined for a flexible or variable-length dimension. */
  count?: bigint;
}

export type TypeDescription =
  | { kind: 'base'; name: string; byteSize: number; encoding: BaseEncoding }
  | { kind: 'pointer' | 'reference'; byteSize: number; target?: number }
  | { kind: 'const' | 'volatile' | 'restrict' | 'atomic'; target?: number }
  | { kind: 'typedef'; name: string; target?: number }
  | { kind: 'struct' | 'union' | 'class'; name?: string; byteSize?: number; declaration: boolean; members: StructMember[] }
  | { kind: 'array'; element?: number; dimensions: ArrayDimension[] }
  | { kind: 'enum'; name?: string; byteSize?: number; underlying?: number; enumerators: { name: string; value: bigint }[] }
  | { kind: 'function'; returnType?: number; params: (number | undefined)[]; variadic: boolean; prototyped: boolean }
  | { kind: 'void' }
  | { kind: 'unknown'; tag: number };

const ENCODINGS: Record<number, BaseEncoding> = { 1: 'address', 2: 'bool', 4: 'float', 5: 'signed', 6: 'char', 7: 'unsigned', 8: 'char', 0x10: 'char' };
const QUALIFIERS: Record<number, 'const' | 'volatile' | 'restrict' | 'atomic'> = {
  [TAG.constType]: 'const', [TAG.volatileType]: 'volatile', [TAG.restrictType]: 'restrict', [TAG.atomicType]: 'atomic',
};
const DW_OP_plus_uconst = 0x23;

export function attrString(d: Die, attr: number): string | undefined {
  const v = d.attrs.get(attr);
  return v?.kind === 'string' ? v.value : undefined;
}

export function attrNumber(d: Die, attr: number): number | undefined {
  const v = d.attrs.get(attr);
  return v?.kind === 'constant' ? Number(v.value) : undefined;
}

/** Resolves type offsets to descriptions, lazily and once each. */
export class TypeTable {
  private readonly cache = new Map<number, TypeDescription>();

  constructor(private readonly tree: DieTree) {}

  /** The type at `offset`; a DIE that is not a type, or no DIE at all, is a DwarfFormatError. */
  describe(offset: number): TypeDescription {
    let t = this.cache.get(offset);
    if (t === undefined) {
      const d = this.tree.die(offset);
      if (d === undefined) throw new DwarfFormatError('.debug_info', offset, 'a type reference points here, but no DIE starts here');
      t = this.build(d);
      this.cache.set(offset, t);
    }
    return t;
  }

  /** The offset of a DIE's DW_AT_type (undefined means void). */
  typeOf(d: Die): number | undefined {
    const v = d.attrs.get(AT.type);
    return v === undefined ? undefined : this.tree.target(v, d, 'DW_AT_type')?.offset;
  }

  /** Follows typedefs and qualifiers to the type that decides the layout. */
  strip(offset: number | undefined): number | undefined {
    for (let i = 0; offset !== undefined && i < 64; i++) {
      const t = this.describe(offset);
      if (t.kind !== 'typedef' && t.kind !== 'const' && t.kind !== 'volatile' && t.kind !== 'restrict' && t.kind !== 'atomic') return offset;
      offset = t.target;
    }
    return offset;
  }

  /** A C spelling of the type, as llvm-dwarfdump prints it ("const char *", "int (*)(int, char)", "int[4][3]"). */
  name(offset: number | undefined): string {
    const [before, after] = this.spell(offset, 0);
    return `${before}${after}`;
  }

  private build(d: Die): TypeDescription {
    const name = attrString(d, AT.name);
    const byteSize = attrNumber(d, AT.byteSize);
    const target = this.typeOf(d);
    const qualifier = QUALIFIERS[d.tag];
    if (qualifier !== undefined) return { kind: qualifier, target };
    switch (d.tag) {
      case TAG.baseType:
        return { kind: 'base', name: name ?? '', byteSize: byteSize ?? 0, encoding: ENCODINGS[attrNumber(d, AT.encoding) ?? 0] ?? 'other' };
      case TAG.unspecifiedType:
        return name === undefined || name === 'void' ? { kind: 'void' } : { kind: 'base', name, byteSize: byteSize ?? 0, encoding: 'other' };
      case TAG.pointerType: case TAG.referenceType: case TAG.rvalueReferenceType:
        return { kind: d.tag === TAG.pointerType ? 'pointer' : 'reference', byteSize: byteSize ?? d.unit.addressSize, target };
      case TAG.typedef:
        return { kind: 'typedef', name: name ?? '', target };
      case TAG.structureType: case TAG.unionType: case TAG.classType: {
        const kind = d.tag === TAG.structureType ? 'struct' : d.tag === TAG.unionType ? 'union' : 'class';
        const members = d.children.filter((c) => c.tag === TAG.member).map((c) => this.member(c));
        return { kind, name, byteSize, declaration: d.attrs.get(AT.declaration)?.kind === 'flag', members };
      }
      case TAG.arrayType:
        return { kind: 'array', element: target, dimensions: d.children.filter((c) => c.tag === TAG.subrangeType).map((c) => dimension(c)) };
      case TAG.enumerationType: {
        const signed = this.isSigned(target);
        const enumerators = d.children.filter((c) => c.tag === TAG.enumerator).map((c) => ({ name: attrString(c, AT.name) ?? '', value: enumValue(c, byteSize, signed) }));
        return { kind: 'enum', name, byteSize, underlying: target, enumerators };
      }
      case TAG.subroutineType:
        return {
          kind: 'function', returnType: target, prototyped: d.attrs.get(AT.prototyped)?.kind === 'flag',
          params: d.children.filter((c) => c.tag === TAG.formalParameter).map((c) => this.typeOf(c)),
          variadic: d.children.some((c) => c.tag === TAG.unspecifiedParameters),
        };
      default:
        return { kind: 'unknown', tag: d.tag };
    }
  }

  private member(c: Die): StructMember {
    const m: StructMember = { name: attrString(c, AT.name), type: this.typeOf(c), bitSize: attrNumber(c, AT.bitSize) };
    const loc = c.attrs.get(AT.dataMemberLocation);
    if (loc?.kind === 'constant') m.offset = Number(loc.value);
    else if (loc?.kind === 'exprloc' || loc?.kind === 'block') {
      const plus = plusUconst(loc.bytes);
      if (plus === undefined) m.offsetExpression = loc.bytes;
      else m.offset = plus;
    }
    m.dataBitOffset = attrNumber(c, AT.dataBitOffset);
    m.bitOffset = attrNumber(c, AT.bitOffset);
    if (m.offset === undefined && m.offsetExpression === undefined && m.dataBitOffset === undefined) m.offset = 0; // union members
    return m;
  }

  private isSigned(offset: number | undefined): boolean {
    const base = this.strip(offset);
    if (base === undefined) return true; // C enums without DW_AT_type: int
    const t = this.describe(base);
    return t.kind === 'base' && t.encoding === 'signed';
  }

  /** [text before the declarator, text after it]: pointers and arrays wrap around a name like C's declarators. */
  private spell(offset: number | undefined, depth: number): [string, string] {
    if (offset === undefined) return ['void', ''];
    if (depth > 32) return ['...', ''];
    const t = this.describe(offset);
    switch (t.kind) {
      case 'base': case 'typedef': return [t.name, ''];
      case 'struct': case 'union': case 'class': case 'enum': return [t.name ?? `(anonymous ${t.kind})`, ''];
      case 'void': return ['void', ''];
      case 'unknown': return [`(tag 0x${t.tag.toString(16)})`, ''];
      case 'pointer': case 'reference': {
        const sigil = t.kind === 'pointer' ? '*' : '&';
        const inner = t.target === undefined ? undefined : this.describe(t.target);
        const [b, a] = this.spell(t.target, depth + 1);
        if (inner?.kind === 'function' || inner?.kind === 'array') return [`${b}(${sigil}`, `)${a}`];
        return [`${b}${/\w$/.test(b) ? ' ' : ''}${sigil}`, a];
      }
      case 'const': case 'volatile': case 'restrict': case 'atomic': {
        const inner = t.target === undefined ? undefined : this.describe(t.target);
        const [b, a] = this.spell(t.target, depth + 1);
        // "char *const" binds to the pointer; "const char" reads better with the qualifier first.
        if (inner?.kind === 'pointer' || inner?.kind === 'reference') return [`${b}${t.kind}`, a];
        return [`${t.kind} ${b}`, a];
      }
      case 'array': {
        const [b, a] = this.spell(t.element, depth + 1);
        return [b, t.dimensions.map((d) => `[${d.count ?? ''}]`).join('') + a];
      }
      case 'function': {
        const [b, a] = this.spell(t.returnType, depth + 1);
        const params = t.params.map((p) => this.name(p));
        if (t.variadic) params.push('...');
        else if (params.length === 0 && t.prototyped) params.push('void');
        return [`${b}${a} `, `(${params.join(', ')})`];
      }
    }
  }
}

function dimension(c: Die): ArrayDimension {
  const lower = c.attrs.get(AT.lowerBound);
  const lowerBound = lower?.kind === 'constant' ? lower.value : 0n;
  const count = c.attrs.get(AT.count);
  if (count?.kind === 'constant') return { lowerBound, count: count.value };
  const upper = c.attrs.get(AT.upperBound);
  // gcc writes upper_bound 0xffffffffffffffff (as data8) or -1 for a flexible array member.
  if (upper?.kind === 'constant' && !(upper.signed && upper.value < 0n) && upper.value !== (1n << 64n) - 1n) {
    return { lowerBound, count: upper.value - lowerBound + 1n };
  }
  return { lowerBound };
}

/**
 * dataN constants are bare bits: an enumerator of a signed enum with its type's top bit set is
 * negative (producers mostly use sdata for those; this catches data4/data8 spellings).
 */
function enumValue(c: Die, byteSize: number | undefined, signed: boolean): bigint {
  const v: AttributeValue | undefined = c.attrs.get(AT.constValue);
  if (v?.kind !== 'constant') return 0n;
  if (v.signed || !signed) return v.value;
  const bits = BigInt(8 * Math.min(byteSize ?? 8, 8));
  return BigInt.asIntN(Number(bits), v.value);
}

/** The operand of an expression that is exactly DW_OP_plus_uconst N. */
function plusUconst(bytes: Uint8Array): number | undefined {
  if (bytes.length < 2 || bytes[0] !== DW_OP_plus_uconst) return undefined;
  let value = 0;
  let scale = 1;
  for (let i = 1; i < bytes.length; i++) {
    value += (bytes[i] & 0x7f) * scale;
    scale *= 128;
    if ((bytes[i] & 0x80) === 0) return i === bytes.length - 1 ? value : undefined;
  }
  return undefined;
}
