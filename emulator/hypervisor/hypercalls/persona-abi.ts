// The Persona hypercall ABI: Persona's own calls in the SMCCC vendor-specific hypervisor range
// (owner 6, 64-bit fast calls: 0xC600_xxxx). Guests make them with `hvc #0`, function id in w0,
// arguments in x1..x3; results come back in x0 (a status, or a value) and x1..x3.
// This file is the source of truth: examples/include/persona-hypercalls.h and docs/hypercalls.md
// are generated from the whole hypercall table (scripts/gen-abi.ts) and a test fails when stale.

export const PERSONA_ABI_VERSION = 0x1_0000n; // 1.0

export const PERSONA_HVC = {
  ABI_VERSION: 0xc600_0000,
  WHOAMI: 0xc600_0001,
  CHANNEL_INFO: 0xc600_0002,
  CHANNEL_NOTIFY: 0xc600_0003,
  CONSOLE_WRITE: 0xc600_0004,
  YIELD: 0xc600_0005,
  VTIME: 0xc600_0006,
} as const;

/** Status codes of Persona calls: SMCCC's, extended the PSCI way. */
export const PERSONA_RET = {
  SUCCESS: 0n,
  NOT_SUPPORTED: -1n,
  INVALID_PARAMETERS: -2n,
  DENIED: -3n,
} as const;

/** Longest console write a call may make (bytes). */
export const CONSOLE_WRITE_MAX = 4096;

/** What a channel looks like from one of its two ends. */
export interface ChannelEnd {
  /** Channel id, the same at both ends (the index in the device manifest). */
  id: number;
  /** Guest-physical base and size of the shared segment in this persona. */
  base: bigint;
  size: bigint;
  /** The doorbell interrupt (INTID) this persona receives. */
  intid: number;
  /** The persona at the other end. */
  peer: number;
}

/** What Persona's calls may do; implemented by the persona (and its device). */
export interface PersonaServices {
  readonly personaId: number;
  readonly personaName: string;
  /** This persona's end of channel `index` (its n-th granted channel), if granted. */
  channel(index: number): ChannelEnd | undefined;
  /** Rings the peer's doorbell with a 32-bit payload; false if the peer cannot be reached. */
  notify(channel: ChannelEnd, payload: number): boolean;
  /** Reads guest memory at a guest virtual address, or undefined where nothing is mapped. */
  readGuest(va: bigint, length: number): Uint8Array | undefined;
  console(bytes: Uint8Array): void;
  /** Ends the calling vCPU's time slice. */
  yieldCpu(caller: number): void;
  /** This persona's virtual time, in counter ticks (62.5 MHz). */
  virtualTime(): bigint;
}

/** The first 16 bytes of the name as two little-endian words (x2, x3). */
export function packName(name: string): [bigint, bigint] {
  const b = new Uint8Array(16);
  b.set(new TextEncoder().encode(name).subarray(0, 16));
  const v = new DataView(b.buffer);
  return [v.getBigUint64(0, true), v.getBigUint64(8, true)];
}
