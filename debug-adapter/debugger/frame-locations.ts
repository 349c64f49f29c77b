// Where a frame's variables are: DWARF location expressions and lists evaluated against one
// unwound frame (its recovered registers, its CFA, its function's frame base) and guest memory.
// Entry values come from the frame itself at the function's first instruction, from the caller
// for callee-saved registers, or from the caller's call-site parameters (DW_AT_call_value).

import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import { A64 } from '../../emulator/engine/unicorn-constants';
import { callSiteValue, singleRegister } from '../symbols/dwarf-call-sites';
import { evaluateLocation, evaluateValue, LocationError, type ExpressionContext, type Location } from '../symbols/dwarf-expression';
import type { FunctionInfo, LocationDescription, VariableInfo } from '../symbols/dwarf-functions';
import { expressionAt, readLocationList, type LocationListEntry } from '../symbols/dwarf-loclists';
import { frameCfa, type Frame } from '../symbols/unwind';
import type { UnwoundFrame } from './exception-frames';
import type { GuestMemory } from './guest-memory';
import type { ProgramSymbols } from './program-symbols';

const SP = 31;
const AT_LOW_PC = 0x11;

/** One frame of a stopped vCPU, as the variable views need it. */
export interface FrameView {
  index: number;
  frame: Frame;
  /** The pc that names the frame's code: the call instruction for callers. */
  lookupPc: bigint;
  fn: FunctionInfo | undefined;
  caller: FrameView | undefined;
  /** The innermost frame: its registers are the vCPU's and can be read in full and written. */
  vcpu: Vcpu | undefined;
  /** The labelled frame of an exception entry (no function, no variables), and frames whose registers are guesses. */
  exception?: UnwoundFrame['exception'];
  approximate?: boolean;
}

/** Builds the views of unwound frames (innermost first), each linked to its caller. */
export function frameViews(frames: readonly UnwoundFrame[], symbols: ProgramSymbols, vcpu: Vcpu): FrameView[] {
  const views = frames.map((frame, index): FrameView => {
    const lookupPc = frame.pcIsReturnAddress ? frame.pc - 4n : frame.pc;
    const fn = frame.exception ? undefined : symbols.info?.functionAt(lookupPc);
    return { index, frame, lookupPc, fn, caller: undefined, vcpu: index === 0 ? vcpu : undefined, exception: frame.exception, approximate: frame.approximate };
  });
  // An exception entry is no call: the frame above it has no caller to take entry values from.
  views.forEach((v, i) => { v.caller = views[i + 1]?.exception ? undefined : views[i + 1]; });
  return views;
}

const listCache = new WeakMap<ProgramSymbols, Map<string, LocationListEntry[]>>();

export class FrameLocations {
  constructor(private readonly symbols: ProgramSymbols, private readonly memory: GuestMemory, readonly view: FrameView) {}

  /** A register of this frame by DWARF number; v0–v31 (64–95) give their low 64 bits, innermost frame only. */
  register(n: number): bigint | undefined {
    if (n >= 64 && n <= 95) {
      const bytes = this.view.vcpu?.engine.readReg128(A64.Q0 + n - 64);
      return bytes && new DataView(bytes.buffer, bytes.byteOffset, 16).getBigUint64(0, true);
    }
    return this.view.frame.registers.get(n);
  }

  context(): ExpressionContext {
    const fn = this.view.fn;
    return {
      addressSize: 8,
      register: (n) => this.register(n),
      readMemory: (a, size) => this.memory.read(a, size),
      frameBase: () => {
        if (fn?.frameBase === undefined) throw new LocationError(`${fn?.name ?? 'this function'} has no frame base`);
        const bytes = this.expression(fn.frameBase, fn.dieOffset);
        if (bytes === undefined) throw new LocationError('the frame base is not available at this pc');
        return evaluateValue(bytes, this.context());
      },
      cfa: () => (this.symbols.cfi ? frameCfa(this.view.frame, this.symbols.cfi) : undefined),
      entryValue: (sub) => this.entryValue(sub),
    };
  }

  /** Where `v` is now; a LocationError when it cannot be worked out (the reason is the message). */
  locate(v: VariableInfo): Location {
    const loc = v.location;
    if (loc === undefined) return [{ piece: { kind: 'unavailable', reason: 'optimized out' } }];
    if (loc.kind === 'constant') {
      const c = loc.value;
      if (c.kind === 'constant') return [{ piece: { kind: 'value', value: c.value } }];
      if (c.kind === 'block' || c.kind === 'exprloc' || c.kind === 'data16') return [{ piece: { kind: 'implicit', bytes: c.bytes } }];
      if (c.kind === 'string') return [{ piece: { kind: 'implicit', bytes: new TextEncoder().encode(`${c.value}\0`) } }];
      return [{ piece: { kind: 'unavailable', reason: 'optimized out' } }];
    }
    const bytes = this.expression(loc, v.dieOffset);
    if (bytes === undefined) return [{ piece: { kind: 'unavailable', reason: 'optimized out' } }];
    return evaluateLocation(bytes, this.context());
  }

  /** The expression in force at this frame's pc: the expression itself, or the list entry covering the pc. */
  private expression(loc: LocationDescription, dieOffset: number): Uint8Array | undefined {
    if (loc.kind === 'expression') return loc.bytes;
    if (loc.kind !== 'list') return undefined;
    if (loc.offset === undefined) throw new LocationError('the location list index cannot be resolved (no DW_AT_loclists_base)');
    let cache = listCache.get(this.symbols);
    if (!cache) listCache.set(this.symbols, cache = new Map());
    const key = `${loc.section}:${loc.offset}`;
    let entries = cache.get(key);
    if (entries === undefined) {
      const unit = this.symbols.info?.tree.die(dieOffset)?.unit;
      if (unit === undefined) throw new LocationError('the variable\'s unit is unknown');
      const low = unit.root?.attrs.get(AT_LOW_PC);
      entries = readLocationList(this.symbols.locationSections, loc.section, loc.offset, {
        version: unit.version, addressSize: unit.addressSize, base: low?.kind === 'address' ? low.value : 0n, addrBase: unit.addrBase,
      });
      cache.set(key, entries);
    }
    return expressionAt(entries, this.view.lookupPc);
  }

  /**
   * DW_OP_entry_value of a register: the register itself at the function's first instruction; the
   * caller's value for callee-saved registers and sp (the CFA); else the caller's call-site value.
   */
  private entryValue(sub: Uint8Array): bigint | undefined {
    const reg = singleRegister(sub);
    if (reg === undefined) return undefined;
    const { view } = this;
    if (!view.frame.pcIsReturnAddress && view.fn?.lowPc === view.frame.pc) return this.register(reg);
    if (reg === SP) return this.context().cfa?.();
    const caller = view.caller;
    if (caller === undefined) return undefined;
    if (reg >= 19 && reg <= 29) return caller.frame.registers.get(reg);
    if (caller.fn === undefined || this.symbols.info === undefined) return undefined;
    const expr = callSiteValue(this.symbols.info.tree, caller.fn.dieOffset, caller.frame.pc, reg);
    if (expr === undefined) return undefined;
    try {
      return evaluateValue(expr, new FrameLocations(this.symbols, this.memory, caller).context());
    } catch (e) {
      if (e instanceof LocationError) return undefined;
      throw e;
    }
  }
}

/** Whether a local is in scope at `pc` (lexical blocks), and how narrow its block is (for shadowing). */
export function scopeWidth(v: VariableInfo, pc: bigint): bigint | undefined {
  if (v.scope === undefined) return 1n << 64n;
  for (const r of v.scope) if (pc >= r.lowPc && pc < r.highPc) return r.highPc - r.lowPc;
  return undefined;
}

