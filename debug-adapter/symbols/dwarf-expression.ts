// DWARF expressions as locations (DWARF 5 section 2.5–2.6): the DW_OP stack machine over a frame's
// registers and guest memory, giving where a variable lives — memory, a register, a computed value
// (DW_OP_stack_value, implicit_value) or several pieces of those. Registers, memory, the frame base,
// the CFA and entry values come through a context, so the same code serves a live vCPU or a test.

import { DwarfReader } from './dwarf-reader';

export type LocationPiece =
  | { kind: 'memory'; address: bigint }
  /** A DWARF register number (AArch64: 0–30 x, 31 sp, 64–95 v). */
  | { kind: 'register'; register: number }
  | { kind: 'value'; value: bigint }
  | { kind: 'implicit'; bytes: Uint8Array }
  /** The compiler kept no location here (an empty piece, an implicit pointer, a range no list entry covers). */
  | { kind: 'unavailable'; reason: string };

/** One part of a location; `sizeBits` is undefined for a location made of one piece. */
export interface LocationPart {
  piece: LocationPiece;
  sizeBits?: number;
  /** DW_OP_bit_piece's offset into the piece. */
  offsetBits?: number;
}

export type Location = LocationPart[];

export interface ExpressionContext {
  addressSize: number;
  /** A register's value in this frame, undefined when the unwinder could not recover it. */
  register(n: number): bigint | undefined;
  readMemory(address: bigint, size: number): Uint8Array | undefined;
  /** DW_OP_fbreg's base (the function's DW_AT_frame_base, evaluated). */
  frameBase?(): bigint;
  /** DW_OP_call_frame_cfa. */
  cfa?(): bigint | undefined;
  /** DW_OP_entry_value: evaluates a sub-expression as at the function's entry; undefined when unknowable. */
  entryValue?(expression: Uint8Array): bigint | undefined;
  /** DW_OP_addrx and DW_OP_constx: the unit's .debug_addr entry. */
  addressIndex?(index: bigint): bigint | undefined;
}

/** A location that cannot be computed now, with the reason (an unrecoverable register, unreadable memory). */
export class LocationError extends Error {
  override readonly name = 'LocationError';
}

const OP = {
  addr: 0x03, deref: 0x06, const1u: 0x08, const1s: 0x09, const2u: 0x0a, const2s: 0x0b, const4u: 0x0c, const4s: 0x0d,
  const8u: 0x0e, const8s: 0x0f, constu: 0x10, consts: 0x11, dup: 0x12, drop: 0x13, over: 0x14, pick: 0x15, swap: 0x16,
  rot: 0x17, abs: 0x19, and: 0x1a, div: 0x1b, minus: 0x1c, mod: 0x1d, mul: 0x1e, neg: 0x1f, not: 0x20, or: 0x21,
  plus: 0x22, plusUconst: 0x23, shl: 0x24, shr: 0x25, shra: 0x26, xor: 0x27, bra: 0x28, eq: 0x29, ge: 0x2a, gt: 0x2b,
  le: 0x2c, lt: 0x2d, ne: 0x2e, skip: 0x2f, lit0: 0x30, lit31: 0x4f, reg0: 0x50, reg31: 0x6f, breg0: 0x70, breg31: 0x8f,
  regx: 0x90, fbreg: 0x91, bregx: 0x92, piece: 0x93, derefSize: 0x94, nop: 0x96, callFrameCfa: 0x9c, bitPiece: 0x9d,
  implicitValue: 0x9e, stackValue: 0x9f, implicitPointer: 0xa0, addrx: 0xa1, constx: 0xa2, entryValue: 0xa3,
  constType: 0xa4, regvalType: 0xa5, derefType: 0xa6, convert: 0xa8, reinterpret: 0xa9,
  gnuImplicitPointer: 0xf2, gnuEntryValue: 0xf3, gnuRegvalType: 0xf5, gnuConstType: 0xf4, gnuDerefType: 0xf6,
  gnuConvert: 0xf7, gnuReinterpret: 0xf9, gnuAddrIndex: 0xfb, gnuConstIndex: 0xfc,
} as const;

const MASK = (1n << 64n) - 1n;
const MAX_STEPS = 10_000;

/** Binary operators on the two top entries (second-from-top `a`, top `b`), 64-bit generic type. */
const BINARY: Record<number, (a: bigint, b: bigint) => bigint> = {
  [OP.and]: (a, b) => a & b,
  [OP.minus]: (a, b) => a - b,
  [OP.mul]: (a, b) => a * b,
  [OP.or]: (a, b) => a | b,
  [OP.plus]: (a, b) => a + b,
  [OP.shl]: (a, b) => (b >= 64n ? 0n : a << b),
  [OP.shr]: (a, b) => (b >= 64n ? 0n : a >> b),
  [OP.shra]: (a, b) => BigInt.asIntN(64, a) >> (b >= 64n ? 63n : b),
  [OP.xor]: (a, b) => a ^ b,
  [OP.eq]: (a, b) => (a === b ? 1n : 0n),
  [OP.ne]: (a, b) => (a !== b ? 1n : 0n),
  [OP.ge]: (a, b) => (BigInt.asIntN(64, a) >= BigInt.asIntN(64, b) ? 1n : 0n),
  [OP.gt]: (a, b) => (BigInt.asIntN(64, a) > BigInt.asIntN(64, b) ? 1n : 0n),
  [OP.le]: (a, b) => (BigInt.asIntN(64, a) <= BigInt.asIntN(64, b) ? 1n : 0n),
  [OP.lt]: (a, b) => (BigInt.asIntN(64, a) < BigInt.asIntN(64, b) ? 1n : 0n),
};

/**
 * Where the expression says the object is. An empty expression is "optimised out". A broken
 * expression or a missing input (register, memory, frame base) is a LocationError.
 */
export function evaluateLocation(bytes: Uint8Array, ctx: ExpressionContext): Location {
  if (bytes.length === 0) return [{ piece: { kind: 'unavailable', reason: 'optimized out' } }];
  return new Machine(bytes, ctx).run();
}

/** The value an expression computes (a frame base, an entry value): the top of the stack. */
export function evaluateValue(bytes: Uint8Array, ctx: ExpressionContext): bigint {
  const loc = evaluateLocation(bytes, ctx);
  const p = loc.length === 1 ? loc[0]!.piece : undefined;
  if (p?.kind === 'memory') return p.address;
  if (p?.kind === 'value') return p.value;
  if (p?.kind === 'register') {
    const v = ctx.register(p.register);
    if (v === undefined) throw new LocationError(`register ${registerName(p.register)} is not known in this frame`);
    return v;
  }
  throw new LocationError('the expression does not compute a single value');
}

export function registerName(n: number): string {
  if (n <= 30) return `x${n}`;
  if (n === 31) return 'sp';
  if (n >= 64 && n <= 95) return `v${n - 64}`;
  return `DWARF register ${n}`;
}

class Machine {
  private readonly stack: bigint[] = [];
  private readonly parts: LocationPart[] = [];
  private readonly r: DwarfReader;
  /** The location the ops since the last piece describe, when not the stack top (a memory address). */
  private pending: LocationPiece | undefined;

  constructor(bytes: Uint8Array, private readonly ctx: ExpressionContext) {
    this.r = new DwarfReader('location expression', bytes);
  }

  private push(v: bigint): void {
    if (this.stack.length > 1000) throw new LocationError('the expression stack grew past 1000 entries');
    this.stack.push(v & MASK);
  }

  private pop(): bigint {
    const v = this.stack.pop();
    if (v === undefined) throw new LocationError(`stack underflow at byte ${this.r.pos}`);
    return v;
  }

  private register(n: number): bigint {
    const v = this.ctx.register(n);
    if (v === undefined) throw new LocationError(`register ${registerName(n)} is not known in this frame`);
    return v;
  }

  private read(address: bigint, size: number): bigint {
    const b = this.ctx.readMemory(address, size);
    if (b === undefined || b.length < size) throw new LocationError(`memory at 0x${address.toString(16)} is not readable`);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return v;
  }

  run(): Location {
    const r = this.r;
    for (let steps = 0; !r.atEnd; steps++) {
      if (steps > MAX_STEPS) throw new LocationError('the expression runs too long (a loop?)');
      const at = r.pos;
      const op = r.u8('opcode');
      if (op >= OP.lit0 && op <= OP.lit31) { this.push(BigInt(op - OP.lit0)); continue; }
      if (op >= OP.reg0 && op <= OP.reg31) { this.pending = { kind: 'register', register: op - OP.reg0 }; continue; }
      if (op >= OP.breg0 && op <= OP.breg31) { this.push(this.register(op - OP.breg0) + r.sleb('breg offset')); continue; }
      const binary = BINARY[op];
      if (binary) {
        const b = this.pop();
        const a = this.pop();
        this.push(binary(a, b));
        continue;
      }
      this.step(op, at);
    }
    return this.finish();
  }

  private step(op: number, at: number): void {
    const r = this.r;
    const size = this.ctx.addressSize;
    switch (op) {
      case OP.addr: return this.push(r.unsigned(size, 'DW_OP_addr'));
      case OP.const1u: return this.push(BigInt(r.u8('const')));
      case OP.const1s: return this.push(BigInt(r.i8('const')));
      case OP.const2u: return this.push(BigInt(r.u16('const')));
      case OP.const2s: return this.push(BigInt.asIntN(16, BigInt(r.u16('const'))));
      case OP.const4u: return this.push(BigInt(r.u32('const')));
      case OP.const4s: return this.push(BigInt.asIntN(32, BigInt(r.u32('const'))));
      case OP.const8u: case OP.const8s: return this.push(r.u64('const'));
      case OP.constu: return this.push(r.uleb('const'));
      case OP.consts: return this.push(r.sleb('const'));
      case OP.dup: { const v = this.pop(); this.push(v); return this.push(v); }
      case OP.drop: this.pop(); return;
      case OP.over: { const i = this.stack.length - 2; if (i < 0) throw new LocationError('DW_OP_over on a short stack'); return this.push(this.stack[i]!); }
      case OP.pick: {
        const n = r.u8('pick index');
        const v = this.stack[this.stack.length - 1 - n];
        if (v === undefined) throw new LocationError(`DW_OP_pick ${n} past the stack`);
        return this.push(v);
      }
      case OP.swap: { const b = this.pop(); const a = this.pop(); this.push(b); return this.push(a); }
      case OP.rot: { const c = this.pop(); const b = this.pop(); const a = this.pop(); this.push(c); this.push(a); return this.push(b); }
      case OP.abs: { const v = BigInt.asIntN(64, this.pop()); return this.push(v < 0n ? -v : v); }
      case OP.neg: return this.push(-this.pop());
      case OP.not: return this.push(~this.pop());
      case OP.div: case OP.mod: {
        const b = BigInt.asIntN(64, this.pop());
        const a = BigInt.asIntN(64, this.pop());
        if (b === 0n) throw new LocationError('division by zero in a location expression');
        return this.push(op === OP.div ? a / b : BigInt.asUintN(64, a) % BigInt.asUintN(64, b));
      }
      case OP.plusUconst: return this.push(this.pop() + r.uleb('plus_uconst'));
      case OP.skip: return this.jump(r.u16('skip'));
      case OP.bra: { const off = r.u16('bra'); if (this.pop() !== 0n) this.jump(off); return; }
      case OP.regx: this.pending = { kind: 'register', register: r.ulebNumber('regx') }; return;
      case OP.bregx: { const reg = r.ulebNumber('bregx register'); return this.push(this.register(reg) + r.sleb('bregx offset')); }
      case OP.fbreg: {
        const offset = r.sleb('fbreg offset');
        if (!this.ctx.frameBase) throw new LocationError('DW_OP_fbreg outside a function with a frame base');
        return this.push(this.ctx.frameBase() + offset);
      }
      case OP.callFrameCfa: {
        const cfa = this.ctx.cfa?.();
        if (cfa === undefined) throw new LocationError('the call frame address is unknown here (no CFI for this pc)');
        return this.push(cfa);
      }
      case OP.deref: return this.push(this.read(this.pop(), size));
      case OP.derefSize: { const n = r.u8('deref size'); return this.push(this.read(this.pop(), n)); }
      case OP.derefType: case OP.gnuDerefType: { const n = r.u8('deref size'); r.uleb('type'); return this.push(this.read(this.pop(), n)); }
      case OP.nop: return;
      case OP.piece: return this.piece(r.ulebNumber('piece size') * 8, undefined);
      case OP.bitPiece: { const bits = r.ulebNumber('bit_piece size'); return this.piece(bits, r.ulebNumber('bit_piece offset')); }
      case OP.implicitValue: { const n = r.uleb('implicit_value length'); this.pending = { kind: 'implicit', bytes: r.block(n, 'implicit_value') }; return; }
      case OP.stackValue: this.pending = { kind: 'value', value: this.pop() }; return;
      case OP.implicitPointer: case OP.gnuImplicitPointer:
        r.skip(4, 'implicit_pointer reference'); // 32-bit DWARF: a 4-byte .debug_info offset
        r.sleb('implicit_pointer offset');
        this.pending = { kind: 'unavailable', reason: 'optimized out (implicit pointer)' };
        return;
      case OP.addrx: case OP.constx: case OP.gnuAddrIndex: case OP.gnuConstIndex: {
        const index = r.uleb('index');
        const v = this.ctx.addressIndex?.(index);
        if (v === undefined) throw new LocationError(`.debug_addr entry ${index} is not available`);
        return this.push(v);
      }
      case OP.entryValue: case OP.gnuEntryValue: {
        const n = r.uleb('entry_value length');
        const sub = r.block(n, 'entry_value expression');
        const v = this.ctx.entryValue?.(sub);
        if (v === undefined) throw new LocationError('optimized out (the value at function entry is not recoverable here)');
        return this.push(v);
      }
      case OP.constType: case OP.gnuConstType: {
        r.uleb('type');
        const n = r.u8('const_type size');
        const b = r.block(n, 'const_type value');
        let v = 0n;
        for (let i = Math.min(n, 8) - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        return this.push(v);
      }
      case OP.regvalType: case OP.gnuRegvalType: { const reg = r.ulebNumber('register'); r.uleb('type'); return this.push(this.register(reg)); }
      case OP.convert: case OP.gnuConvert: case OP.reinterpret: case OP.gnuReinterpret: r.uleb('type'); return;
      default:
        throw new LocationError(`unsupported DWARF operation 0x${op.toString(16)} at byte ${at}`);
    }
  }

  private jump(offset: number): void {
    const target = this.r.pos + ((offset << 16) >> 16); // a signed 2-byte offset
    if (target < 0 || target > this.r.bytes.length) throw new LocationError(`a branch leaves the expression (to byte ${target})`);
    this.r.pos = target;
  }

  /** The location so far: a pending register/value/implicit piece, else the stack top as an address. */
  private current(): LocationPiece {
    if (this.pending !== undefined) {
      const p = this.pending;
      this.pending = undefined;
      return p;
    }
    const v = this.stack.pop();
    return v === undefined ? { kind: 'unavailable', reason: 'optimized out' } : { kind: 'memory', address: v };
  }

  private piece(sizeBits: number, offsetBits: number | undefined): void {
    const piece = this.current();
    this.parts.push(offsetBits === undefined ? { piece, sizeBits } : { piece, sizeBits, offsetBits });
    this.stack.length = 0;
  }

  private finish(): Location {
    if (this.parts.length > 0) {
      if (this.pending !== undefined || this.stack.length > 0) this.parts.push({ piece: this.current() });
      return this.parts;
    }
    return [{ piece: this.current() }];
  }
}
