// Typed values as a debugger shows them: one-line text by DWARF type (enums by name, char * as a
// string, bitfields, structs and arrays summarised), their children (members, elements, a pointer's
// target), expression values for the expression language, and assignment by the type's size.

import type { ArrayDimension, TypeDescription } from '../symbols/dwarf-types';
import { ExpressionError, type Value } from './expression-eval';
import {
  offsetStorage, pointee, readRaw, readStorage, ValueError, writeRaw, writeStorage, type TypedValue, type ValueContext,
} from './typed-value';
import type { TypeId } from './value-types';

const MAX_STRING = 200;
const SUMMARY_ELEMENTS = 8;
const SUMMARY_LENGTH = 160;

export interface Child {
  name: string;
  value: TypedValue;
}

interface ArrayShape {
  element: TypeId;
  dims: ArrayDimension[];
}

export class ValueView {
  constructor(readonly ctx: ValueContext) {}

  private get types() {
    return this.ctx.types;
  }

  typeName(v: TypedValue): string {
    const shape = this.arrayShape(v);
    if (shape && (v.dimsUsed ?? 0) > 0) return `${this.types.name(shape.element)}${shape.dims.map((d) => `[${d.count ?? ''}]`).join('')}`;
    return this.types.name(v.type);
  }

  /** The array's element type and the dimensions left (after `dimsUsed`), or undefined for a non-array. */
  arrayShape(v: TypedValue): ArrayShape | undefined {
    const t = this.types.resolved(v.type);
    if (t.kind !== 'array') return undefined;
    return { element: t.element, dims: t.dimensions.slice(v.dimsUsed ?? 0) };
  }

  /** Bytes of the value (arrays with their remaining dimensions). */
  size(v: TypedValue): number | undefined {
    const shape = this.arrayShape(v);
    if (!shape) return this.types.size(v.type);
    const element = this.types.size(shape.element);
    if (element === undefined) return undefined;
    let n = element;
    for (const d of shape.dims) {
      if (d.count === undefined) return undefined;
      n *= Number(d.count);
    }
    return n;
  }

  /** The value for the expression language: scalars as numbers (with the typed value as handle), aggregates as objects. */
  toValue(v: TypedValue): Value {
    const t = this.types.resolved(v.type);
    const typeName = this.typeName(v);
    if (this.arrayShape(v) || t.kind === 'struct' || t.kind === 'union' || t.kind === 'class' || t.kind === 'function') {
      return { kind: 'object', typeName, handle: v };
    }
    const scalar = scalarKind(t);
    if (scalar === undefined) throw new ExpressionError(`a value of type ${typeName} cannot be used here`);
    if (scalar.float) {
      const bytes = readStorage(this.ctx, v.storage, 0, scalar.size);
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return { kind: 'float', value: scalar.size === 4 ? dv.getFloat32(0, true) : dv.getFloat64(0, true), bytes: scalar.size, typeName, handle: v };
    }
    const value = readRaw(this.ctx, v, scalar.size, scalar.signed);
    const pointer = t.kind === 'pointer' ? { stride: this.types.size(t.target) ?? 1 } : undefined;
    return { kind: 'int', value, signed: scalar.signed, bytes: scalar.size, typeName, handle: v, ...(pointer ? { pointer } : {}) };
  }

  /** One line of text; a value that cannot be read shows why, in angle brackets. */
  format(v: TypedValue, depth = 0): string {
    try {
      return this.formatUnsafe(v, depth);
    } catch (e) {
      if (e instanceof ValueError || e instanceof ExpressionError) return `<${e.message}>`;
      throw e;
    }
  }

  private formatUnsafe(v: TypedValue, depth: number): string {
    if (v.storage.kind === 'unavailable') return `<${v.storage.reason}>`;
    const t = this.types.resolved(v.type);
    const shape = this.arrayShape(v);
    if (shape) return this.formatArray(v, shape, depth);
    switch (t.kind) {
      case 'struct': case 'union': case 'class': {
        if (depth > 0) return '{…}';
        const parts: string[] = [];
        for (const c of this.children(v)) {
          parts.push(`${c.name}: ${this.format(c.value, depth + 1)}`);
          if (parts.join(', ').length > SUMMARY_LENGTH) { parts.push('…'); break; }
        }
        return `{${parts.join(', ')}}`;
      }
      case 'function': return `<function ${this.types.name(v.type)}>`;
      case 'void': return '<void>';
      case 'unknown': return '<a value of an unknown type>';
      default: break;
    }
    const x = this.toValue(v);
    if (x.kind === 'float') return String(x.value);
    if (x.kind !== 'int') return '';
    if (t.kind === 'pointer' || t.kind === 'reference') {
      const hex = `0x${BigInt.asUintN(64, x.value).toString(16)}`;
      const s = this.isCharType(t.target) ? this.cString(x.value) : undefined;
      return s === undefined ? hex : `${hex} ${JSON.stringify(s)}`;
    }
    if (t.kind === 'enum') {
      const names = t.enumerators.filter((e) => e.value === x.value).map((e) => e.name);
      return names.length > 0 ? names[0]! : `${x.value}`;
    }
    if (t.kind === 'base' && t.encoding === 'bool') return x.value === 0n ? 'false' : 'true';
    if (t.kind === 'base' && this.isCharType(v.type)) return `${x.value} ${charLiteral(Number(BigInt.asUintN(8, x.value)))}`;
    return x.value.toString();
  }

  private formatArray(v: TypedValue, shape: ArrayShape, depth: number): string {
    const count = shape.dims[0]?.count;
    if (shape.dims.length === 1 && this.isCharType(shape.element) && count !== undefined && v.storage.kind !== 'unavailable') {
      const n = Number(count < BigInt(MAX_STRING) ? count : BigInt(MAX_STRING));
      const bytes = readStorage(this.ctx, v.storage, 0, n);
      const end = bytes.indexOf(0);
      return JSON.stringify(latin1(bytes.subarray(0, end < 0 ? n : end)));
    }
    if (depth > 1) return '[…]';
    const n = count === undefined ? 0 : Number(count < BigInt(SUMMARY_ELEMENTS) ? count : BigInt(SUMMARY_ELEMENTS));
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(this.format(this.element(v, BigInt(i)), depth + 1));
    if (count === undefined || count > BigInt(n)) parts.push('…');
    return `[${parts.join(', ')}]`;
  }

  /** Plain and signed char are text; unsigned char (u8, uint8_t) is bytes, shown as numbers. */
  private isCharType(id: TypeId): boolean {
    const t = this.types.resolved(id);
    return t.kind === 'base' && t.encoding === 'char' && t.byteSize === 1 && !t.name.includes('unsigned');
  }

  /** The NUL-terminated string at `address` (at most 200 bytes), or undefined when unreadable. */
  cString(address: bigint): string | undefined {
    if (address === 0n) return undefined;
    const out: number[] = [];
    for (let a = address; out.length < MAX_STRING; a += 16n) {
      const chunk = this.ctx.memory.read(a, 16) ?? this.ctx.memory.read(a, 1);
      if (chunk === undefined) return out.length > 0 ? latin1(Uint8Array.from(out)) : undefined;
      for (const b of chunk) {
        if (b === 0) return latin1(Uint8Array.from(out));
        out.push(b);
      }
    }
    return `${latin1(Uint8Array.from(out))}…`;
  }

  /** Members of a struct or union (anonymous ones as one child), or a pointer's target. Arrays use element(). */
  children(v: TypedValue): Child[] {
    const t = this.types.resolved(v.type);
    if (t.kind === 'struct' || t.kind === 'union' || t.kind === 'class') {
      return t.members.map((m, i) => ({ name: m.name ?? `<anonymous ${i}>`, value: this.memberAt(v, t, i) }));
    }
    if ((t.kind === 'pointer' || t.kind === 'reference') && this.hasTarget(t.target)) {
      return [{ name: `*${''}`, value: this.deref(v) }];
    }
    return [];
  }

  /** Whether a pointer's target can be shown (not void, not a function, a complete type). */
  hasTarget(target: TypeId): boolean {
    const t = this.types.resolved(target);
    return !(t.kind === 'void' || t.kind === 'function' || t.kind === 'unknown' || ((t.kind === 'struct' || t.kind === 'union') && t.declaration));
  }

  /** How many elements the first remaining dimension has (undefined for a flexible array). */
  elementCount(v: TypedValue): bigint | undefined {
    return this.arrayShape(v)?.dims[0]?.count;
  }

  element(v: TypedValue, index: bigint): TypedValue {
    const shape = this.arrayShape(v);
    if (!shape) {
      const t = this.types.resolved(v.type);
      if (t.kind !== 'pointer') throw new ExpressionError(`${this.typeName(v)} cannot be indexed`);
      const base = this.toValue(v);
      if (base.kind !== 'int') throw new ExpressionError('a pointer that is not a number');
      const size = this.types.size(t.target);
      if (size === undefined) throw new ExpressionError(`${this.types.name(v.type)} points at something without a size`);
      return pointee(this.types, v.type, base.value + index * BigInt(size));
    }
    const lower = shape.dims[0]?.lowerBound ?? 0n;
    const i = index - lower;
    const count = shape.dims[0]?.count;
    if (i < 0n || (count !== undefined && i >= count)) throw new ExpressionError(`index ${index} is out of bounds (0..${count === undefined ? '?' : count - 1n})`);
    const rest: TypedValue = shape.dims.length > 1 ? { type: v.type, storage: v.storage, dimsUsed: (v.dimsUsed ?? 0) + 1 } : { type: shape.element, storage: v.storage };
    const size = this.size(rest);
    if (size === undefined) throw new ExpressionError('the element size is unknown');
    return { ...rest, storage: offsetStorage(v.storage, Number(i) * size, size) };
  }

  member(v: TypedValue, name: string): TypedValue {
    const t = this.types.resolved(v.type);
    if (t.kind !== 'struct' && t.kind !== 'union' && t.kind !== 'class') throw new ExpressionError(`${this.typeName(v)} has no members (looking for '${name}')`);
    const found = this.findMember(v, t, name, 0);
    if (!found) throw new ExpressionError(`${this.typeName(v)} has no member '${name}'`);
    return found;
  }

  private findMember(v: TypedValue, t: Extract<TypeDescription, { kind: 'struct' | 'union' | 'class' }>, name: string, depth: number): TypedValue | undefined {
    for (let i = 0; i < t.members.length; i++) {
      const m = t.members[i]!;
      if (m.name === name) return this.memberAt(v, t, i);
      if (m.name === undefined && depth < 8) {
        const inner = this.types.resolved(m.type);
        if (inner.kind === 'struct' || inner.kind === 'union') {
          const found = this.findMember(this.memberAt(v, t, i), inner, name, depth + 1);
          if (found) return found;
        }
      }
    }
    return undefined;
  }

  private memberAt(v: TypedValue, t: Extract<TypeDescription, { kind: 'struct' | 'union' | 'class' }>, i: number): TypedValue {
    const m = t.members[i]!;
    const size = this.types.size(m.type) ?? 0;
    if (m.bitSize !== undefined) {
      // DWARF 4+: bits from the struct's start; DWARF 2/3: from the storage unit's top bit (little-endian here).
      const offset = m.dataBitOffset !== undefined
        ? m.dataBitOffset
        : (m.offset ?? 0) * 8 + (m.bitOffset !== undefined ? size * 8 - m.bitOffset - m.bitSize : 0);
      return { type: m.type, storage: v.storage, bits: { offset, size: m.bitSize } };
    }
    if (m.offset === undefined) return { type: m.type, storage: { kind: 'unavailable', reason: 'member at a computed offset (virtual base)' } };
    return { type: m.type, storage: offsetStorage(v.storage, m.offset, size) };
  }

  deref(v: TypedValue): TypedValue {
    const shape = this.arrayShape(v);
    if (shape) return this.element(v, shape.dims[0]?.lowerBound ?? 0n);
    const t = this.types.resolved(v.type);
    if (t.kind !== 'pointer' && t.kind !== 'reference') throw new ExpressionError(`${this.typeName(v)} is not a pointer`);
    const x = this.toValue(v);
    if (x.kind !== 'int') throw new ExpressionError('a pointer that is not a number');
    if (!this.hasTarget(t.target)) throw new ExpressionError(`${this.typeName(v)} cannot be dereferenced`);
    return pointee(this.types, v.type, x.value);
  }

  /** Where the value is in guest memory (for memoryReference): arrays and pointed-at objects. */
  address(v: TypedValue): bigint | undefined {
    return v.storage.kind === 'memory' && !v.bits ? v.storage.address : undefined;
  }

  /** Assigns an expression value, converted to the value's type and written in its size. */
  assign(v: TypedValue, x: Value): void {
    const t = this.types.resolved(v.type);
    const scalar = scalarKind(t);
    if (scalar === undefined || this.arrayShape(v)) throw new ValueError(`a ${this.typeName(v)} cannot be assigned as a whole (set its members or elements)`);
    if (scalar.float) {
      const n = x.kind === 'float' ? x.value : x.kind === 'int' ? Number(x.value) : NaN;
      if (x.kind !== 'float' && x.kind !== 'int') throw new ValueError(`cannot assign ${x.kind === 'string' ? 'a string' : x.typeName} to a ${this.typeName(v)}`);
      const bytes = new Uint8Array(scalar.size);
      const dv = new DataView(bytes.buffer);
      if (scalar.size === 4) dv.setFloat32(0, n, true);
      else dv.setFloat64(0, n, true);
      writeStorage(v.storage, bytes, this.ctx);
      return;
    }
    let n: bigint;
    if (x.kind === 'int') n = x.value;
    else if (x.kind === 'float') n = BigInt(Math.trunc(x.value));
    else throw new ValueError(`cannot assign ${x.kind === 'string' ? 'a string' : `a ${x.typeName}`} to a ${this.typeName(v)}`);
    if (t.kind === 'base' && t.encoding === 'bool') n = n !== 0n ? 1n : 0n;
    writeRaw(this.ctx, v, scalar.size, n);
  }
}

/** Size and signedness of a scalar type, or undefined for aggregates. */
function scalarKind(t: TypeDescription): { size: number; signed: boolean; float: boolean } | undefined {
  switch (t.kind) {
    case 'base':
      if (t.encoding === 'float') return t.byteSize === 4 || t.byteSize === 8 ? { size: t.byteSize, signed: true, float: true } : undefined;
      return { size: Math.min(t.byteSize, 8), signed: t.encoding === 'signed' || (t.encoding === 'char' && /^signed/.test(t.name)), float: false };
    case 'pointer': case 'reference': return { size: t.byteSize, signed: false, float: false };
    case 'enum': return { size: t.byteSize ?? 4, signed: t.enumerators.some((e) => e.value < 0n), float: false };
    default: return undefined;
  }
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function charLiteral(c: number): string {
  const escapes: Record<number, string> = { 0: '\\0', 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 39: "\\'", 92: '\\\\' };
  if (escapes[c] !== undefined) return `'${escapes[c]}'`;
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `'\\x${c.toString(16).padStart(2, '0')}'`;
}
