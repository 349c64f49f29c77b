// Evaluates a parsed expression (expression-parse.ts) against an environment with C's arithmetic:
// integers wrap at their width, the usual conversions pick signedness, pointers step by their
// element size. The environment is a plain interface: a breakpoint's stopped frame (DWARF
// variables, registers, memory), or a trap's fields for exception-filter conditions. Typed values
// (structs, lvalues in memory) are handles the environment owns; this file never looks inside.

import type { BinaryOp, Expr, TypeName } from './expression-parse';

export type Value =
  /** An integer, pointer, enum, bool or char. `handle` makes it an lvalue (assignable, addressable). */
  | { kind: 'int'; value: bigint; signed: boolean; bytes: number; pointer?: { stride: number }; typeName?: string; handle?: unknown }
  | { kind: 'float'; value: number; bytes: number; typeName?: string; handle?: unknown }
  | { kind: 'string'; value: string }
  /** A struct, union or array: only its environment can take it apart. */
  | { kind: 'object'; typeName: string; handle: unknown };

/** What an environment with a type system adds (member access, deref, casts to its types). */
export interface TypedOperations {
  member(object: Value, name: string): Value;
  deref(pointer: Value): Value;
  index(object: Value, index: bigint): Value;
  addressOf(lvalue: Value): Value;
  /** A cast to a type this file does not know (typedefs, structs, pointers); undefined: no such type. */
  cast(type: TypeName, v: Value): Value | undefined;
  sizeOf(type: TypeName | Value): bigint | undefined;
  /** An array as a pointer to its first element (C's decay), when it is in memory. */
  decay?(array: Value): Value | undefined;
  /** The C string a pointer points at, for `p == "text"`. */
  text?(pointer: Value): string | undefined;
}

export interface ExpressionEnvironment {
  /** A name: a variable in scope, a global, a trap field. */
  name(name: string): Value | undefined;
  /** `$name` (without the dollar): registers, `$persona`. */
  dollar(name: string): Value | undefined;
  typed?: TypedOperations;
}

/** An evaluation error the user can act on ("no symbol 'foo' in this frame"). */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

/** C scalar types every environment knows, by spelling: [bytes, signed]. */
const SCALARS: Record<string, [number, boolean]> = {
  char: [1, true], 'signed char': [1, true], 'unsigned char': [1, false], _Bool: [1, false], bool: [1, false],
  short: [2, true], 'short int': [2, true], 'unsigned short': [2, false], 'unsigned short int': [2, false],
  int: [4, true], signed: [4, true], 'signed int': [4, true], unsigned: [4, false], 'unsigned int': [4, false],
  long: [8, true], 'long int': [8, true], 'unsigned long': [8, false], 'unsigned long int': [8, false],
  'long long': [8, true], 'long long int': [8, true], 'unsigned long long': [8, false], 'unsigned long long int': [8, false],
  int8_t: [1, true], uint8_t: [1, false], int16_t: [2, true], uint16_t: [2, false], int32_t: [4, true], uint32_t: [4, false],
  int64_t: [8, true], uint64_t: [8, false], size_t: [8, false], uintptr_t: [8, false], intptr_t: [8, true],
  u8: [1, false], u16: [2, false], u32: [4, false], u64: [8, false], s8: [1, true], s16: [2, true], s32: [4, true], s64: [8, true],
};

export function wrap(value: bigint, bytes: number, signed: boolean): bigint {
  const bits = 8 * bytes;
  return signed ? BigInt.asIntN(bits, value) : BigInt.asUintN(bits, value);
}

export function intValue(value: bigint, bytes = 8, signed = false): Value {
  return { kind: 'int', value: wrap(value, bytes, signed), signed, bytes };
}

const INT = (value: bigint): Value => ({ kind: 'int', value, signed: true, bytes: 4 });

/** Evaluates `e`; errors are ExpressionErrors (callers turn them into messages). */
export function evaluateExpression(e: Expr, env: ExpressionEnvironment): Value {
  return new Evaluator(env).eval(e);
}

/** C truth: a non-zero number or a non-empty string. */
export function truthy(v: Value): boolean {
  switch (v.kind) {
    case 'int': return v.value !== 0n;
    case 'float': return v.value !== 0;
    case 'string': return v.value.length > 0;
    case 'object': throw new ExpressionError(`a ${v.typeName} is not a truth value`);
  }
}

class Evaluator {
  constructor(private readonly env: ExpressionEnvironment) {}

  eval(e: Expr): Value {
    switch (e.kind) {
      case 'int': {
        const fitsInt = e.value <= 0x7fff_ffffn && !e.long;
        const signed = !e.unsigned && (fitsInt || e.value <= 0x7fff_ffff_ffff_ffffn);
        if (e.value > 0xffff_ffff_ffff_ffffn) throw new ExpressionError(`the constant ${e.value} does not fit in 64 bits`);
        return { kind: 'int', value: e.value, signed, bytes: fitsInt && !e.unsigned ? 4 : e.value <= 0xffff_ffffn && !e.long ? 4 : 8 };
      }
      case 'float': return { kind: 'float', value: e.value, bytes: 8 };
      case 'char': return { kind: 'int', value: e.value, signed: true, bytes: 1, typeName: 'char' };
      case 'string': return { kind: 'string', value: e.value };
      case 'name': {
        const v = this.env.name(e.name);
        if (v === undefined) throw new ExpressionError(`no symbol '${e.name}' in this context`);
        return v;
      }
      case 'dollar': {
        const v = this.env.dollar(e.name);
        if (v === undefined) throw new ExpressionError(`no register or variable '$${e.name}'`);
        return v;
      }
      case 'unary': return this.unary(e.op, e.operand);
      case 'binary': return this.binary(e.op, this.decay(this.eval(e.left)), this.decay(this.eval(e.right)));
      case 'logical': {
        const left = truthy(this.eval(e.left));
        if (e.op === '&&' ? !left : left) return INT(left ? 1n : 0n);
        return INT(truthy(this.eval(e.right)) ? 1n : 0n);
      }
      case 'conditional': return truthy(this.eval(e.test)) ? this.eval(e.then) : this.eval(e.otherwise);
      case 'cast': return this.cast(e.type, this.eval(e.operand));
      case 'sizeof': {
        const target = e.type ?? this.eval(e.operand!);
        const scalar = 'base' in target && target.pointers === 0 ? SCALARS[target.base] : undefined;
        if (scalar) return intValue(BigInt(scalar[0]), 8, false);
        if ('base' in target && target.pointers > 0) return intValue(8n, 8, false);
        if (!('base' in target) && target.kind !== 'object' && target.kind !== 'string' && target.handle === undefined) return intValue(BigInt(target.bytes), 8, false);
        const n = this.env.typed?.sizeOf(target);
        if (n === undefined) throw new ExpressionError('sizeof: the size of that is unknown');
        return intValue(n, 8, false);
      }
      case 'member': {
        const typed = this.typed('member access');
        const object = e.arrow ? typed.deref(this.eval(e.object)) : this.eval(e.object);
        return typed.member(object, e.name);
      }
      case 'index': {
        const object = this.eval(e.object);
        const index = this.integer(this.eval(e.index), 'an index');
        return this.typed('indexing').index(object, index.signed ? index.value : BigInt.asIntN(64, index.value));
      }
    }
  }

  /** Arrays in arithmetic and comparisons are pointers to their first element. */
  private decay(v: Value): Value {
    return v.kind === 'object' ? this.env.typed?.decay?.(v) ?? v : v;
  }

  private typed(what: string): TypedOperations {
    if (!this.env.typed) throw new ExpressionError(`${what} needs typed variables, which this context has none of`);
    return this.env.typed;
  }

  private integer(v: Value, what: string): Extract<Value, { kind: 'int' }> {
    if (v.kind !== 'int') throw new ExpressionError(`${what} must be an integer, not ${describe(v)}`);
    return v;
  }

  private unary(op: string, operand: Expr): Value {
    if (op === '&') return this.typed('taking an address').addressOf(this.eval(operand));
    const v = this.eval(operand);
    if (op === '*') return this.typed('dereferencing').deref(v);
    if (op === '!') return INT(truthy(v) ? 0n : 1n);
    if (v.kind === 'float') {
      if (op === '~') throw new ExpressionError('~ needs an integer, not a floating-point value');
      return { kind: 'float', value: op === '-' ? -v.value : v.value, bytes: v.bytes };
    }
    const n = promote(this.integer(v, `the operand of ${op}`));
    const value = op === '-' ? -n.value : op === '~' ? ~n.value : n.value;
    return { kind: 'int', value: wrap(value, n.bytes, n.signed), signed: n.signed, bytes: n.bytes };
  }

  private binary(op: BinaryOp, a: Value, b: Value): Value {
    if (a.kind === 'string' || b.kind === 'string') return this.strings(op, a, b);
    if (a.kind === 'object' || b.kind === 'object') {
      throw new ExpressionError(`${op} cannot apply to ${describe(a.kind === 'object' ? a : b)}`);
    }
    if (a.kind === 'float' || b.kind === 'float') return floats(op, toNumber(a), toNumber(b));
    if ((op === '+' || op === '-') && (a.pointer || b.pointer)) return pointerArithmetic(op, a, b);
    if (op === '<<' || op === '>>') {
      const l = promote(a);
      const count = b.value;
      if (count < 0n || count >= BigInt(8 * l.bytes)) throw new ExpressionError(`shift count ${count} is out of range for a ${8 * l.bytes}-bit value`);
      const value = op === '<<' ? l.value << count : l.value >> count;
      return { kind: 'int', value: wrap(value, l.bytes, l.signed), signed: l.signed, bytes: l.bytes };
    }
    const { bytes, signed } = common(a, b);
    const x = wrap(a.value, bytes, signed);
    const y = wrap(b.value, bytes, signed);
    switch (op) {
      case '==': return INT(x === y ? 1n : 0n);
      case '!=': return INT(x !== y ? 1n : 0n);
      case '<': return INT(x < y ? 1n : 0n);
      case '<=': return INT(x <= y ? 1n : 0n);
      case '>': return INT(x > y ? 1n : 0n);
      case '>=': return INT(x >= y ? 1n : 0n);
      default: break;
    }
    if ((op === '/' || op === '%') && y === 0n) throw new ExpressionError('division by zero');
    const value = INTEGER_OPS[op](x, y);
    return { kind: 'int', value: wrap(value, bytes, signed), signed, bytes };
  }

  /** Strings compare for (in)equality, with each other or with a char pointer's text. */
  private strings(op: BinaryOp, a: Value, b: Value): Value {
    if (op !== '==' && op !== '!=') throw new ExpressionError(`${op} cannot apply to a string`);
    const text = (v: Value): string => {
      if (v.kind === 'string') return v.value;
      const t = v.kind === 'int' && v.pointer ? this.env.typed?.text?.(v) : undefined;
      if (t === undefined) throw new ExpressionError(`cannot compare a string with ${describe(v)}`);
      return t;
    };
    const equal = text(a) === text(b);
    return INT(equal === (op === '==') ? 1n : 0n);
  }

  private cast(type: TypeName, v: Value): Value {
    const scalar = type.pointers === 0 ? SCALARS[type.base] : undefined;
    if (scalar) {
      const [bytes, signed] = scalar;
      if (v.kind === 'float') return { kind: 'int', value: wrap(BigInt(Math.trunc(v.value)), bytes, signed), signed, bytes, typeName: type.base };
      const n = this.integer(v, `the operand of a cast to ${type.base}`);
      const value = type.base === '_Bool' || type.base === 'bool' ? (n.value !== 0n ? 1n : 0n) : wrap(n.value, bytes, signed);
      return { kind: 'int', value, signed, bytes, typeName: type.base };
    }
    if (type.pointers === 0 && (type.base === 'double' || type.base === 'float')) {
      return { kind: 'float', value: toNumber(this.numeric(v)), bytes: type.base === 'float' ? 4 : 8, typeName: type.base };
    }
    const typed = this.env.typed?.cast(type, v);
    if (typed !== undefined) return typed;
    if (type.pointers > 0 && v.kind === 'int') {
      // Without a type system a pointer cast keeps the number (void * and friends).
      const base = SCALARS[type.base];
      const stride = type.pointers > 1 ? 8 : base ? base[0] : 1;
      return { kind: 'int', value: wrap(v.value, 8, false), signed: false, bytes: 8, pointer: { stride }, typeName: `${type.base} ${'*'.repeat(type.pointers)}` };
    }
    throw new ExpressionError(`no type named '${type.base}'`);
  }

  private numeric(v: Value): Extract<Value, { kind: 'int' | 'float' }> {
    if (v.kind === 'int' || v.kind === 'float') return v;
    throw new ExpressionError(`${describe(v)} is not a number`);
  }
}

const INTEGER_OPS: Record<'*' | '/' | '%' | '+' | '-' | '&' | '^' | '|', (x: bigint, y: bigint) => bigint> = {
  '*': (x, y) => x * y, '/': (x, y) => x / y, '%': (x, y) => x % y, '+': (x, y) => x + y, '-': (x, y) => x - y,
  '&': (x, y) => x & y, '^': (x, y) => x ^ y, '|': (x, y) => x | y,
};

/** Integer promotion: anything narrower than int becomes int. */
function promote(v: Extract<Value, { kind: 'int' }>): { value: bigint; bytes: number; signed: boolean } {
  if (v.bytes < 4) return { value: v.value, bytes: 4, signed: true };
  return { value: v.value, bytes: v.bytes, signed: v.signed && !v.pointer };
}

/** The usual arithmetic conversions, for integers. */
function common(a: Extract<Value, { kind: 'int' }>, b: Extract<Value, { kind: 'int' }>): { bytes: number; signed: boolean } {
  const pa = promote(a);
  const pb = promote(b);
  const bytes = Math.max(pa.bytes, pb.bytes);
  const unsigned = (!pa.signed && pa.bytes === bytes) || (!pb.signed && pb.bytes === bytes);
  return { bytes, signed: !unsigned };
}

function pointerArithmetic(op: '+' | '-', a: Extract<Value, { kind: 'int' }>, b: Extract<Value, { kind: 'int' }>): Value {
  if (a.pointer && b.pointer) {
    if (op === '+') throw new ExpressionError('two pointers cannot be added');
    const stride = BigInt(a.pointer.stride || 1);
    return { kind: 'int', value: (BigInt.asIntN(64, a.value) - BigInt.asIntN(64, b.value)) / stride, signed: true, bytes: 8 };
  }
  const [p, n] = a.pointer ? [a, b] : [b, a];
  if (op === '-' && !a.pointer) throw new ExpressionError('a pointer cannot be subtracted from a number');
  const delta = (n.signed ? n.value : BigInt.asIntN(64, n.value)) * BigInt(p.pointer!.stride);
  return { kind: 'int', value: wrap(op === '+' ? p.value + delta : p.value - delta, 8, false), signed: false, bytes: 8, pointer: p.pointer, typeName: p.typeName };
}

function toNumber(v: Extract<Value, { kind: 'int' | 'float' }>): number {
  return v.kind === 'float' ? v.value : Number(v.value);
}

function floats(op: BinaryOp, x: number, y: number): Value {
  const cmp = (c: boolean): Value => INT(c ? 1n : 0n);
  switch (op) {
    case '==': return cmp(x === y);
    case '!=': return cmp(x !== y);
    case '<': return cmp(x < y);
    case '<=': return cmp(x <= y);
    case '>': return cmp(x > y);
    case '>=': return cmp(x >= y);
    case '+': return { kind: 'float', value: x + y, bytes: 8 };
    case '-': return { kind: 'float', value: x - y, bytes: 8 };
    case '*': return { kind: 'float', value: x * y, bytes: 8 };
    case '/': return { kind: 'float', value: x / y, bytes: 8 };
    default: throw new ExpressionError(`${op} needs integers, not floating-point values`);
  }
}

export function describe(v: Value): string {
  switch (v.kind) {
    case 'int': return v.typeName ? `a ${v.typeName}` : 'an integer';
    case 'float': return 'a floating-point value';
    case 'string': return 'a string';
    case 'object': return `a ${v.typeName}`;
  }
}
