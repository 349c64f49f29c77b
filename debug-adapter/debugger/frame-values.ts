// The variables of one stopped frame — arguments, locals in scope at its pc (inner blocks shadow
// outer ones), the globals of its compile unit and of the program — as typed values, and the
// expression environment over them (names, `$registers`, `$persona`, DWARF casts and members).

import { A64, xReg } from '../../emulator/engine/unicorn-constants';
import { LocationError } from '../symbols/dwarf-expression';
import type { GlobalVariable, VariableInfo } from '../symbols/dwarf-functions';
import { DwarfFormatError } from '../symbols/dwarf-reader';
import { ExpressionError, type ExpressionEnvironment, type TypedOperations, type Value } from './expression-eval';
import type { TypeName } from './expression-parse';
import { FrameLocations, scopeWidth, type FrameView } from './frame-locations';
import type { GuestMemory } from './guest-memory';
import type { ProgramSymbols } from './program-symbols';
import { RegisterFile } from './register-file';
import { storageOf, toLe, ValueError, type RegisterWriter, type TypedValue } from './typed-value';
import { ValueTypes } from './value-types';
import { ValueView } from './value-view';

export interface NamedValue {
  name: string;
  value: TypedValue;
}

const typesCache = new WeakMap<ProgramSymbols, ValueTypes>();

export function valueTypes(symbols: ProgramSymbols): ValueTypes {
  let t = typesCache.get(symbols);
  if (!t) typesCache.set(symbols, t = new ValueTypes(symbols.info));
  return t;
}

export class FrameValues {
  readonly view: ValueView;
  readonly types: ValueTypes;
  private readonly locations: FrameLocations;

  constructor(
    private readonly symbols: ProgramSymbols,
    readonly memory: GuestMemory,
    readonly frame: FrameView,
    private readonly registers: RegisterFile,
    private readonly persona: string,
  ) {
    this.types = valueTypes(symbols);
    this.view = new ValueView({ types: this.types, memory });
    this.locations = new FrameLocations(symbols, memory, frame);
  }

  arguments(): NamedValue[] {
    return (this.frame.fn?.params ?? []).map((p) => ({ name: p.name, value: this.variable(p) }));
  }

  /** Locals in scope at the frame's pc; a name declared in an inner block hides the outer one. */
  locals(): NamedValue[] {
    const pc = this.frame.lookupPc;
    const best = new Map<string, { v: VariableInfo; width: bigint }>();
    for (const v of this.frame.fn?.locals ?? []) {
      const width = scopeWidth(v, pc);
      if (width === undefined) continue;
      const prev = best.get(v.name);
      if (!prev || width < prev.width) best.set(v.name, { v, width });
    }
    return [...best.values()].map(({ v }) => ({ name: v.name, value: this.variable(v) }));
  }

  /** Globals of the frame's compile unit (file statics included), by name. */
  unitGlobals(): NamedValue[] {
    const unit = this.frame.fn && this.symbols.info?.tree.die(this.frame.fn.dieOffset)?.unit;
    const globals = this.symbols.info?.globals ?? [];
    const mine = unit ? globals.filter((g) => this.symbols.info!.tree.die(g.dieOffset)?.unit === unit) : globals;
    return mine.map((g) => ({ name: g.name, value: this.variable(g) }));
  }

  /** A variable as a typed value; a location that cannot be worked out becomes an unavailable value saying why. */
  variable(v: VariableInfo): TypedValue {
    try {
      const loc = this.locations.locate(v);
      return { type: v.type, storage: storageOf(this.view.ctx, loc, this.types.size(v.type) ?? 8, (n) => this.registerBytes(n), this.writer()) };
    } catch (e) {
      if (e instanceof LocationError || e instanceof DwarfFormatError) return { type: v.type, storage: { kind: 'unavailable', reason: e.message } };
      throw e;
    }
  }

  /** A register's full contents in this frame (x regs 8 bytes, v regs 16 in the innermost frame). */
  private registerBytes(n: number): Uint8Array | undefined {
    if (n >= 64 && n <= 95) return this.frame.vcpu ? this.registers.vector(n - 64) : undefined;
    const v = this.frame.frame.registers.get(n);
    return v === undefined ? undefined : toLe(v, 8);
  }

  /** Register write-back: the innermost frame writes the vCPU's registers; outer frames are read-only. */
  private writer(): RegisterWriter | undefined {
    if (!this.frame.vcpu) return undefined;
    const engine = this.frame.vcpu.engine;
    return {
      write: (n, bytes) => {
        if (n >= 64 && n <= 95) {
          const full = this.registers.vector(n - 64);
          full.set(bytes.subarray(0, 16));
          engine.writeReg128(A64.Q0 + n - 64, full);
        } else if (n <= 31) {
          let v = 0n;
          for (let i = Math.min(bytes.length, 8) - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
          engine.writeReg(n === 31 ? A64.SP : xReg(n), v);
          (this.frame.frame.registers as Map<number, bigint>).set(n, v);
        } else {
          throw new ValueError(`DWARF register ${n} cannot be written`);
        }
      },
    };
  }

  /** A name as the expression language sees it: locals, then arguments, then globals (this unit's first), then enumerators. */
  lookup(name: string): TypedValue | Value | undefined {
    const local = this.locals().find((l) => l.name === name) ?? this.arguments().find((a) => a.name === name);
    if (local) return local.value;
    const globals = this.symbols.info?.globals ?? [];
    const unitGlobal = this.unitGlobals().find((g) => g.name === name);
    if (unitGlobal) return unitGlobal.value;
    const g: GlobalVariable | undefined = globals.find((x) => x.name === name && x.external) ?? globals.find((x) => x.name === name);
    if (g) return this.variable(g);
    const e = this.types.enumerator(name);
    if (e) return { kind: 'int', value: e.value, signed: e.value < 0n, bytes: 4, typeName: this.types.name(e.type) };
    return undefined;
  }

  /** The expression environment of this frame. */
  environment(): ExpressionEnvironment {
    const view = this.view;
    const types = this.types;
    const typed: TypedOperations = {
      member: (o, name) => view.toValue(view.member(handleOf(o, `'.${name}'`), name)),
      deref: (p) => view.toValue(view.deref(this.typedOf(p, 'dereference'))),
      index: (o, i) => view.toValue(view.element(this.typedOf(o, 'index'), i)),
      addressOf: (v) => {
        const tv = handleOf(v, '&');
        const address = view.address(tv);
        if (address === undefined) throw new ExpressionError(tv.bits ? 'cannot take the address of a bitfield' : 'the value is not in memory (it lives in a register or was computed)');
        const type = types.pointerTo(tv.dimsUsed ? undefined : tv.type);
        return view.toValue({ type, storage: { kind: 'bytes', bytes: toLe(address, 8), readOnly: 'an address is a value, not a variable' } });
      },
      cast: (name: TypeName, v) => {
        const type = types.lookup(name);
        if (type === 'unknown') return undefined;
        const size = types.size(type);
        const t = types.resolved(type);
        if (v.kind === 'object') throw new ExpressionError(`a ${v.typeName} cannot be cast to ${name.base}${' *'.repeat(name.pointers)}`);
        if (v.kind === 'string') throw new ExpressionError('a string cannot be cast');
        if (t.kind === 'struct' || t.kind === 'union' || t.kind === 'array') throw new ExpressionError(`cannot cast a number to ${types.name(type)} (cast to a pointer and dereference)`);
        const n = v.kind === 'float' ? BigInt(Math.trunc(v.value)) : v.value;
        return view.toValue({ type, storage: { kind: 'bytes', bytes: toLe(n, size ?? 8), readOnly: 'the result of a cast is a value, not a variable' } });
      },
      sizeOf: (x) => {
        if ('base' in x) {
          const type = types.lookup(x);
          return type === 'unknown' ? undefined : BigInt(types.size(type) ?? 0);
        }
        const tv = x.kind === 'object' || (x.kind !== 'string' && x.handle) ? (x as { handle: TypedValue }).handle : undefined;
        const size = tv ? view.size(tv) : undefined;
        return size === undefined ? undefined : BigInt(size);
      },
      text: (p) => (p.kind === 'int' ? view.cString(p.value) : undefined),
      decay: (a) => {
        const tv = a.kind === 'object' ? (a.handle as TypedValue) : undefined;
        const shape = tv && view.arrayShape(tv);
        const address = tv && view.address(tv);
        if (!tv || !shape || address === undefined) return undefined;
        const element = view.element(tv, shape.dims[0]?.lowerBound ?? 0n);
        const type = types.pointerTo(element.dimsUsed ? undefined : element.type);
        return view.toValue({ type, storage: { kind: 'bytes', bytes: toLe(address, 8), readOnly: 'an address is a value, not a variable' } });
      },
    };
    return {
      name: (n) => {
        const v = this.lookup(n);
        if (v === undefined) return undefined;
        return 'storage' in v ? view.toValue(v) : v;
      },
      dollar: (n) => {
        if (n === 'persona') return { kind: 'string', value: this.persona };
        const v = this.registerValue(n);
        return v === undefined ? undefined : { kind: 'int', value: v, signed: false, bytes: 8 };
      },
      typed,
    };
  }

  /** `$name` in this frame: outer frames see their unwound x registers, sp and pc; the rest is the vCPU's now. */
  registerValue(name: string): bigint | undefined {
    const n = name.toLowerCase();
    if (!this.frame.vcpu) {
      if (n === 'pc') return this.frame.frame.pc;
      const m = /^([xw])(\d+)$/.exec(n);
      const col = m ? Number(m[2]) : n === 'sp' ? 31 : n === 'fp' ? 29 : n === 'lr' ? 30 : undefined;
      if (col !== undefined && col <= 31) {
        const v = this.frame.frame.registers.get(col);
        if (v === undefined) throw new ExpressionError(`$${name} is not known in this frame (not saved by the callee)`);
        return m?.[1] === 'w' ? BigInt.asUintN(32, v) : v;
      }
    }
    return this.registers.read(n);
  }

  /** A pointer value's typed handle, or for an untyped number a typed value of `void *`. */
  private typedOf(v: Value, what: string): TypedValue {
    if ((v.kind === 'int' || v.kind === 'object') && v.handle !== undefined) return v.handle as TypedValue;
    if (v.kind === 'int' && v.pointer) throw new ExpressionError(`cannot ${what} an untyped pointer (cast it to a pointer type first)`);
    throw new ExpressionError(`cannot ${what} ${v.kind === 'string' ? 'a string' : 'a plain number'} (cast it to a pointer type first)`);
  }
}

function handleOf(v: Value, what: string): TypedValue {
  if ((v.kind === 'int' || v.kind === 'float' || v.kind === 'object') && v.handle !== undefined) return v.handle as TypedValue;
  throw new ExpressionError(`${what} needs a variable, not a computed value`);
}
