// Data breakpoints: dataBreakpointInfo turns a global variable (by DWARF name, `&name` too) or an
// address (`0x…`, with `bytes`) into a dataId; setDataBreakpoints translates each through the
// stopped vCPU's stage-1 tables to guest-physical ranges and hands them to the persona, which
// watches them by stage-2 page permissions (emulator/arch/aarch64/watchpoints.ts): the guest stops
// before the access, from any vCPU and any exception level, and unwatched accesses run untouched.

import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import type { WatchAccess, Watchpoint, WatchHit } from '../../emulator/arch/aarch64/watchpoints';
import type { Persona } from '../../emulator/hypervisor/persona';
import { VIRT } from '../../emulator/platform/virt-map';
import type { DebugInfo } from '../symbols/dwarf-functions';
import { parseAddress } from './instruction-breakpoints';

export const DATA_ACCESS_TYPES: readonly WatchAccess[] = ['write', 'read', 'readWrite'];
/** Bytes watched for an address given without a size. */
const DEFAULT_BYTES = 8;
/** The largest range one data breakpoint may watch (every page of it faults into the hypervisor). */
const MAX_BYTES = 1 << 16;

export interface DataBreakpointInfo {
  dataId?: string;
  description: string;
}

export interface DataBreakpointResult {
  verified: boolean;
  message?: string;
}

interface Watched {
  va: bigint;
  length: number;
  access: WatchAccess;
  label: string;
  watch: Watchpoint;
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** A dataId: `0x<va>/<bytes>/<label>`. */
function dataId(va: bigint, bytes: number, label: string): string {
  return `${hex(va)}/${bytes}/${label}`;
}

export class DataBreakpoints {
  private watched: Watched[] = [];

  constructor(private readonly info: DebugInfo | undefined) {}

  /** The size of a DWARF type, following typedefs and qualifiers (arrays by their element). */
  private sizeOf(type: number | undefined, depth = 0): number | undefined {
    const types = this.info?.types;
    const t = types?.strip(type);
    if (!types || t === undefined || depth > 8) return undefined;
    const d = types.describe(t);
    if ('byteSize' in d && typeof d.byteSize === 'number') return d.byteSize;
    if (d.kind === 'array') {
      const each = this.sizeOf(d.element, depth + 1);
      const count = d.dimensions.reduce((n, dim) => (dim.count === undefined ? 0n : n * dim.count), 1n);
      return each === undefined || count === 0n ? undefined : each * Number(count);
    }
    return undefined;
  }

  /** DAP dataBreakpointInfo for a name (a global, `&global`) or an address (`asAddress`, or any `0x…`). */
  describe(name: string, asAddress: boolean, bytes: number | undefined, label?: string): DataBreakpointInfo {
    const text = name.trim();
    const address = parseAddress(text);
    if (address !== undefined || asAddress) {
      if (address === undefined) return { description: `"${name}" is not an address (0x… or decimal)` };
      const n = bytes ?? DEFAULT_BYTES;
      return { dataId: dataId(address, n, label ?? hex(address)), description: `${label ? `${label} (` : ''}${n} bytes at ${hex(address)}${label ? ')' : ''}` };
    }
    const bare = text.replace(/^&\s*/, '');
    const g = this.info?.globals.find((v) => v.name === bare && v.address !== undefined);
    if (!g || g.address === undefined) return { description: `no global variable "${bare}" with a static address (data breakpoints take globals or addresses)` };
    const n = bytes ?? this.sizeOf(g.type) ?? DEFAULT_BYTES;
    return { dataId: dataId(g.address, n, bare), description: `${bare} (${n} bytes at ${hex(g.address)})` };
  }

  /** Replaces the data breakpoints; ranges are translated to guest-physical by `vcpu`'s tables. */
  replace(persona: Persona, vcpu: Vcpu, requests: readonly { dataId: string; accessType?: string }[]): DataBreakpointResult[] {
    const next: (Watched | undefined)[] = [];
    const results = requests.map((r): DataBreakpointResult => {
      const m = /^(0x[0-9a-f]+)\/(\d+)\/(.*)$/i.exec(r.dataId);
      if (!m) return { verified: false, message: `"${r.dataId}" is not a dataId from dataBreakpointInfo` };
      const access = (r.accessType ?? 'write') as WatchAccess;
      if (!DATA_ACCESS_TYPES.includes(access)) return { verified: false, message: `unknown access type "${r.accessType}" (write, read or readWrite)` };
      const va = BigInt(m[1]!);
      const length = Number(m[2]);
      if (length < 1 || length > MAX_BYTES) return { verified: false, message: `${length} bytes: a data breakpoint watches 1 to ${MAX_BYTES} bytes` };
      const pa = vcpu.translate(va);
      const last = vcpu.translate(va + BigInt(length - 1));
      if (pa === undefined || last === undefined) return { verified: false, message: `${hex(va)} is not mapped in the guest now` };
      if (last - pa !== BigInt(length - 1)) return { verified: false, message: `${hex(va)}+${length} is not contiguous in guest-physical memory` };
      // Flash is a device whose stage-2 access follows its mode: only RAM (and channel memory) is watched.
      const inFlash = pa < VIRT.flash.base + VIRT.flash.size;
      if (inFlash || !vcpu.physicalBytes(pa, length)) return { verified: false, message: `${hex(va)} is not in guest RAM (devices and flash cannot be watched)` };
      const w: Watched = { va, length, access, label: m[3]!, watch: { ipa: pa, length, access } };
      next.push(w);
      return { verified: true };
    });
    const list = next.filter((w): w is Watched => w !== undefined);
    const failed = new Set(persona.setWatchpoints(list.map((w) => w.watch)));
    this.watched = list.filter((w) => !failed.has(w.watch));
    let k = 0;
    return results.map((r) => {
      if (!r.verified) return r;
      const w = list[k++]!;
      return failed.has(w.watch) ? { verified: false, message: `${hex(w.va)} cannot be watched: stage 2 has no page there or no spare table left` } : r;
    });
  }

  /** `write of 8 bytes to counter (0x40001000)`: what a watchpoint stop was for. */
  describeHit(hit: WatchHit): string {
    const end = hit.ipa + BigInt(hit.size || 1);
    const w = this.watched.find((x) => hit.ipa < x.watch.ipa + BigInt(x.length) && x.watch.ipa < end);
    const what = `${hit.write ? 'write' : 'read'}${hit.size ? ` of ${hit.size} bytes` : ''}`;
    if (!w) return `${what} at physical ${hex(hit.ipa)}`;
    const va = w.va + (hit.ipa - w.watch.ipa);
    return `${what} ${hit.write ? 'to' : 'from'} ${w.label}${w.label.startsWith('0x') ? '' : ` (${hex(va)})`}`;
  }
}
