// The trap log: a bounded ring of fixed-layout records in one (Shared)ArrayBuffer. The persona's
// worker appends (one writer); any thread holding the same buffer can read totals, per-class counts
// and records later, in batches. Memory is fixed at construction: a storm of traps overwrites the
// oldest records and bumps `dropped()`, it never allocates.
//
// Buffer layout (all offsets in bytes, little or big endian as the host is):
//   0    i32 magic 'TRAP'          4  i32 layout version      8  i32 capacity     12 i32 record bytes
//   16   i32 generation (seqlock: odd while the writer is inside an append or clear)
//   64   f64 total appended ever (= seq of the newest record)
//   72   f64 counts[COUNTER_SLOTS]   per trap class, every trap ever (overwritten ones too)
//   HEADER_BYTES + i * RECORD_BYTES: record slot i (record seq s lives in slot (s - 1) % capacity)
// Record (9 x u64):
//   +0 seq  +8 vtime  +16 persona u16, vcpu u16, el u8, class u8, 2 pad  +24 pc
//   +32 a0  +40 a1  +48 a2  +56 a3  +64 result

import { TRAP_CLASS_COUNT, type TrapClass } from './trap-class';

// What a0..a3 and result hold, per class (the formatter and the Chrome trace read them this way):
//   hypercall          a0 function id (w0), a1..a3 x1..x3, result x0 returned
//   semihosting        a0 operation (w0), a1 parameter block (x1), result x0 returned
//   svc, undefined, brk, instruction-abort, data-abort, unknown
//                      a0 ESR, a1 FAR (aborts), a2 vector address taken (0 if not reflected)
//   irq                a0 INTID
//   sysreg             a0 ESR (EC 0x18: which register, read or write), a1 value read or written
//   mmio               a0 device index, a1 register offset, a2 value, a3 access word (packAccess)
//   wfi                a0 ESR (TI: WFI/WFE), result ticks idled
//   isolation-violation a0 guest-physical address, a1 owning persona, a2 value, a3 access word
//   channel            a0 channel id, a1 direction (0 send, 1 receive), a2 payload, a3 peer persona
// result is 0 where the class has none.

/** The access word of mmio / isolation-violation records: bits 3:0 size in bytes, bit 8 write. */
export function packAccess(size: number, write: boolean): number {
  return (size & 0xf) | (write ? 0x100 : 0);
}

export function unpackAccess(word: number | bigint): { size: number; write: boolean } {
  const w = Number(BigInt.asUintN(16, BigInt(word)));
  return { size: w & 0xf, write: (w & 0x100) !== 0 };
}

/** What the dispatcher hands to `append`. 64-bit values may be numbers (exact up to 2^53; negative = two's complement) or bigints. */
export interface TrapRecordInput {
  /** Virtual time in counter ticks (CNTVCT, 62.5 MHz). */
  vtime: number | bigint;
  persona: number;
  vcpu: number;
  /** Exception level the trap came from (0..3). */
  el: number;
  class: TrapClass;
  pc: number | bigint;
  /** Class-specific: hypercall id / ESR / device index ... */
  a0?: number | bigint;
  /** Class-specific: first argument / FAR / register offset ... */
  a1?: number | bigint;
  a2?: number | bigint;
  a3?: number | bigint;
  result?: number | bigint;
}

/** A record as read back: 64-bit guest values as (unsigned) bigints. */
export interface TrapRecord {
  /** 1-based position in this log; `since(seq)` returns the records after it. */
  seq: number;
  vtime: bigint;
  persona: number;
  vcpu: number;
  el: number;
  class: TrapClass;
  pc: bigint;
  a0: bigint;
  a1: bigint;
  a2: bigint;
  a3: bigint;
  result: bigint;
}

/** Per-class counters, indexed by TrapClass. */
export type TrapCounts = readonly number[];

export const TRAP_LOG_DEFAULT_CAPACITY = 65536;
/** Counter slots reserved in the header (more than TRAP_CLASS_COUNT, so new classes keep the layout). */
export const TRAP_LOG_COUNTER_SLOTS = 32;
export const TRAP_LOG_HEADER_BYTES = 384;
export const TRAP_RECORD_BYTES = 72;

const MAGIC = 0x50415254; // 'TRAP' in little-endian bytes
const VERSION = 1;
// Int32 word indices.
const W_MAGIC = 0;
const W_VERSION = 1;
const W_CAPACITY = 2;
const W_RECORD_BYTES = 3;
const W_GEN = 4;
// Float64 indices.
const F_TOTAL = 8;
const F_COUNTS = 9;
// u64 words per record and the index of the first record word.
const RECORD_WORDS = TRAP_RECORD_BYTES / 8;
const FIRST_RECORD_WORD = TRAP_LOG_HEADER_BYTES / 8;
const TWO_32 = 4294967296;
// Which u32 half of a u64 holds the low bits on this host.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
/** Spins before a reader gives up waiting for an odd generation (a writer that died mid-append). */
const MAX_SPINS = 10000;

export class TrapLog {
  readonly capacity: number;
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  private readonly i32: Int32Array;
  private readonly u32: Uint32Array;
  private readonly u16: Uint16Array;
  private readonly u8: Uint8Array;
  private readonly f64: Float64Array;
  private readonly u64: BigUint64Array;

  /** Bytes of buffer a log of `capacity` records needs. */
  static byteLength(capacity: number): number {
    return TRAP_LOG_HEADER_BYTES + capacity * TRAP_RECORD_BYTES;
  }

  /** Open a log another thread created in `buffer` (capacity read from its header). */
  static attach(buffer: SharedArrayBuffer | ArrayBuffer): TrapLog {
    if (buffer.byteLength < TRAP_LOG_HEADER_BYTES) throw new RangeError(`TrapLog.attach: buffer of ${buffer.byteLength} bytes is smaller than the ${TRAP_LOG_HEADER_BYTES}-byte header`);
    const h = new Int32Array(buffer, 0, 4);
    if (h[W_MAGIC] !== MAGIC) throw new RangeError('TrapLog.attach: buffer holds no trap log (bad magic); create it with new TrapLog(capacity, buffer) first');
    return new TrapLog(h[W_CAPACITY]!, buffer);
  }

  /**
   * A new log of `capacity` records, in `buffer` when given (shared with other threads), else in a
   * new SharedArrayBuffer. A buffer that already holds a log of the same capacity is attached, not reset.
   */
  constructor(capacity: number = TRAP_LOG_DEFAULT_CAPACITY, buffer?: SharedArrayBuffer | ArrayBuffer) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 0x7fff_ffff) throw new RangeError(`TrapLog: capacity must be a positive integer, got ${capacity}`);
    const bytes = TrapLog.byteLength(capacity);
    if (buffer && buffer.byteLength < bytes) throw new RangeError(`TrapLog: a buffer of ${buffer.byteLength} bytes cannot hold ${capacity} records (needs ${bytes}; use TrapLog.byteLength)`);
    this.capacity = capacity;
    this.buffer = buffer ?? (typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.i32 = new Int32Array(this.buffer, 0, bytes >> 2);
    this.u32 = new Uint32Array(this.buffer, 0, bytes >> 2);
    this.u16 = new Uint16Array(this.buffer, 0, bytes >> 1);
    this.u8 = new Uint8Array(this.buffer, 0, bytes);
    this.f64 = new Float64Array(this.buffer, 0, bytes >> 3);
    this.u64 = new BigUint64Array(this.buffer, 0, bytes >> 3);
    if (this.i32[W_MAGIC] === MAGIC) {
      if (this.i32[W_CAPACITY] !== capacity) throw new RangeError(`TrapLog: buffer holds a log of capacity ${this.i32[W_CAPACITY]}, not ${capacity}`);
      if (this.i32[W_VERSION] !== VERSION) throw new RangeError(`TrapLog: buffer layout version ${this.i32[W_VERSION]}, expected ${VERSION}`);
    } else {
      this.i32[W_VERSION] = VERSION;
      this.i32[W_CAPACITY] = capacity;
      this.i32[W_RECORD_BYTES] = TRAP_RECORD_BYTES;
      Atomics.store(this.i32, W_MAGIC, MAGIC);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Writer side (one writer per log). Hot path: no allocation.

  append(r: TrapRecordInput): void {
    this.appendRaw(r.class, r.persona, r.vcpu, r.el, r.pc, r.vtime, r.a0 ?? 0, r.a1 ?? 0, r.a2 ?? 0, r.a3 ?? 0, r.result ?? 0);
  }

  /** `append` without the input object, for a dispatcher that wants no allocation at all. */
  appendRaw(
    cls: TrapClass,
    persona: number,
    vcpu: number,
    el: number,
    pc: number | bigint,
    vtime: number | bigint,
    a0: number | bigint,
    a1: number | bigint,
    a2: number | bigint,
    a3: number | bigint,
    result: number | bigint,
  ): void {
    const i32 = this.i32;
    const gen = i32[W_GEN]!;
    Atomics.store(i32, W_GEN, (gen + 1) | 0);
    const seq = this.f64[F_TOTAL]! + 1;
    const w = FIRST_RECORD_WORD + ((seq - 1) % this.capacity) * RECORD_WORDS;
    this.put(w, seq);
    this.put(w + 1, vtime);
    const meta = (w + 2) << 3;
    this.u16[meta >> 1] = persona;
    this.u16[(meta >> 1) + 1] = vcpu;
    this.u8[meta + 4] = el;
    this.u8[meta + 5] = cls;
    this.put(w + 3, pc);
    this.put(w + 4, a0);
    this.put(w + 5, a1);
    this.put(w + 6, a2);
    this.put(w + 7, a3);
    this.put(w + 8, result);
    this.f64[F_TOTAL] = seq;
    this.f64[F_COUNTS + (cls & (TRAP_LOG_COUNTER_SLOTS - 1))]! += 1;
    Atomics.store(i32, W_GEN, (gen + 2) | 0);
  }

  /** Forget every record and counter (writer side). */
  clear(): void {
    const gen = this.i32[W_GEN]!;
    Atomics.store(this.i32, W_GEN, (gen + 1) | 0);
    this.f64.fill(0, F_TOTAL, F_COUNTS + TRAP_LOG_COUNTER_SLOTS);
    this.u8.fill(0, TRAP_LOG_HEADER_BYTES);
    Atomics.store(this.i32, W_GEN, (gen + 2) | 0);
  }

  private put(word: number, v: number | bigint): void {
    if (typeof v === 'bigint') {
      this.u64[word] = v;
    } else {
      const i = word << 1;
      this.u32[i + LO] = v >>> 0;
      this.u32[i + HI] = Math.floor(v / TWO_32) >>> 0;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Reader side (any thread).

  /** Traps appended since creation (or the last clear), overwritten ones included. */
  get total(): number {
    return this.stable(() => this.f64[F_TOTAL]!).value;
  }

  /** How many records were overwritten (appended but no longer in the ring). */
  dropped(): number {
    return Math.max(0, this.total - this.capacity);
  }

  /** Fast path: the counter of one class, read straight from the shared header. */
  count(cls: TrapClass): number {
    return this.f64[F_COUNTS + (cls & (TRAP_LOG_COUNTER_SLOTS - 1))]!;
  }

  /** Per-class counters (every trap ever), indexed by TrapClass, consistent with each other. */
  counts(): number[] {
    return this.stable(() => Array.from(this.f64.subarray(F_COUNTS, F_COUNTS + TRAP_CLASS_COUNT))).value;
  }

  /** The newest `n` records still in the ring (all of them by default), oldest first. */
  recent(n: number = this.capacity): TrapRecord[] {
    const total = this.total;
    const count = Math.max(0, Math.min(n, this.capacity, total));
    return this.collect(total - count + 1, total);
  }

  /** Records with a seq greater than `seq` that are still in the ring, oldest first. */
  since(seq: number): TrapRecord[] {
    const total = this.total;
    return this.collect(Math.max(seq + 1, total - this.capacity + 1, 1), total);
  }

  /** The record with this seq, if still in the ring. */
  get(seq: number): TrapRecord | undefined {
    return this.collect(seq, seq)[0];
  }

  private collect(first: number, last: number): TrapRecord[] {
    const out: TrapRecord[] = [];
    if (last < first) return out;
    for (let s = first; s <= last; s++) out.push(this.decode(s));
    // Anything the writer overwrote (or is overwriting) while we copied is discarded.
    const after = this.stable(() => this.f64[F_TOTAL]!);
    const oldestValid = after.value - this.capacity + 1 + (after.writing ? 1 : 0);
    return out.filter((r, i) => r.seq === first + i && r.seq >= oldestValid && r.seq <= after.value);
  }

  private decode(seq: number): TrapRecord {
    const w = FIRST_RECORD_WORD + ((seq - 1) % this.capacity) * RECORD_WORDS;
    const u64 = this.u64;
    const meta = (w + 2) << 3;
    return {
      seq: Number(u64[w]!),
      vtime: u64[w + 1]!,
      persona: this.u16[meta >> 1]!,
      vcpu: this.u16[(meta >> 1) + 1]!,
      el: this.u8[meta + 4]!,
      class: this.u8[meta + 5]! as TrapClass,
      pc: u64[w + 3]!,
      a0: u64[w + 4]!,
      a1: u64[w + 5]!,
      a2: u64[w + 6]!,
      a3: u64[w + 7]!,
      result: u64[w + 8]!,
    };
  }

  /** Read header values under the generation seqlock; `writing` tells whether an append was in flight. */
  private stable<T>(read: () => T): { value: T; writing: boolean } {
    for (let spins = 0; ; spins++) {
      const g1 = Atomics.load(this.i32, W_GEN);
      const value = read();
      const g2 = Atomics.load(this.i32, W_GEN);
      if (g1 === g2 && (g1 & 1) === 0) return { value, writing: false };
      if (spins >= MAX_SPINS) return { value, writing: true };
    }
  }
}
