// readMemory / writeMemory for the debugger: guest virtual addresses in the stopped vCPU's
// translation regime (its stage-1 tables when its MMU is on), page by page. A write goes into the
// persona's RAM and drops the translated code of that range on every vCPU of the persona (unicorn
// does not notice host writes), so patched instructions run as patched.

import type { Persona } from '../../emulator/hypervisor/persona';
import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import { DebuggerError } from './errors';

export interface MemoryRead {
  address: bigint;
  data: Uint8Array;
  /** Bytes after `data` that could not be read (unmapped in stage 1, or no RAM behind them). */
  unreadableBytes: number;
}

const PAGE = 0x1000n;
/** The most bytes one request may move (a hex editor asks for a few KiB at a time). */
export const MAX_MEMORY_REQUEST = 1 << 20;

function pageChunks(address: bigint, count: number): { va: bigint; offset: number; length: number }[] {
  const out: { va: bigint; offset: number; length: number }[] = [];
  for (let done = 0; done < count;) {
    const va = address + BigInt(done);
    const length = Math.min(count - done, Number(PAGE - (va & (PAGE - 1n))));
    out.push({ va, offset: done, length });
    done += length;
  }
  return out;
}

function checkRange(what: string, address: bigint, count: number): void {
  if (!Number.isInteger(count) || count < 0 || count > MAX_MEMORY_REQUEST) {
    throw new DebuggerError(`${what}: count ${count} is out of range (0..${MAX_MEMORY_REQUEST})`);
  }
  if (address < 0n || address + BigInt(count) > 1n << 64n) throw new DebuggerError(`${what}: 0x${address.toString(16)} + ${count} is outside the 64-bit address space`);
}

/** The readable bytes from `address` on, up to the first unreadable page. */
export function readGuestMemory(vcpu: Vcpu, address: bigint, count: number): MemoryRead {
  checkRange('readMemory', address, count);
  const data = new Uint8Array(count);
  let readable = 0;
  for (const c of pageChunks(address, count)) {
    const bytes = vcpu.guestBytes(c.va, c.length);
    if (!bytes) break;
    data.set(bytes, c.offset);
    readable += c.length;
  }
  return { address, data: data.subarray(0, readable), unreadableBytes: count - readable };
}

/**
 * Writes `data` at `address`. Without `allowPartial` nothing is written unless every byte is
 * writable. Returns how many bytes were written (from `address` on).
 */
export function writeGuestMemory(persona: Persona, vcpu: Vcpu, address: bigint, data: Uint8Array, allowPartial: boolean): number {
  checkRange('writeMemory', address, data.length);
  const targets: { bytes: Uint8Array; offset: number; length: number }[] = [];
  for (const c of pageChunks(address, data.length)) {
    const pa = vcpu.translate(c.va);
    const bytes = pa === undefined ? undefined : vcpu.physicalBytes(pa, c.length);
    if (!bytes) {
      if (!allowPartial) throw new DebuggerError(`writeMemory: 0x${c.va.toString(16)} is not mapped to guest RAM or flash (nothing was written)`);
      break;
    }
    targets.push({ bytes, offset: c.offset, length: c.length });
  }
  let written = 0;
  for (const t of targets) {
    t.bytes.set(data.subarray(t.offset, t.offset + t.length));
    written += t.length;
  }
  if (written > 0) {
    for (const v of persona.vcpus) v.engine.invalidateCode(address, address + BigInt(written));
  }
  return written;
}
