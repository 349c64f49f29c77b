// Errors and shape checks for restoring persona snapshots. A snapshot is JSON read back from a
// file, so every device's restoreState() checks the shape of what it is given before touching
// itself and reports a problem as a SnapshotStateError naming the device and the field, never as
// a TypeError from deep inside the device.

/** A snapshot's state for one component is missing a field or holds a value of the wrong kind. */
export class SnapshotStateError extends Error {
  override readonly name = 'SnapshotStateError';
  constructor(
    /** The component whose state is bad ("pl011", "gicv2", "register-block vault", ...). */
    readonly device: string,
    /** The field, as a path inside that component's state ("cpus[1].pmr"); "" for the whole state. */
    readonly field: string,
    problem: string,
  ) {
    super(`${device} snapshot state: ${field === '' ? 'the state' : `field "${field}"`} ${problem}`);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads fields of one component's saved state, checking each one. Every getter throws a
 * SnapshotStateError naming the device and the field's path when the value is absent or wrong.
 */
export class StateReader {
  private readonly obj: Record<string, unknown>;

  constructor(readonly device: string, state: unknown, readonly path = '') {
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      throw new SnapshotStateError(device, path, `must be an object, not ${describe(state)}`);
    }
    this.obj = state as Record<string, unknown>;
  }

  /** Path of `key` inside this component's state. */
  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  fail(key: string, problem: string): never {
    throw new SnapshotStateError(this.device, this.at(key), problem);
  }

  private get(key: string): unknown {
    if (!Object.prototype.hasOwnProperty.call(this.obj, key) || this.obj[key] === undefined) this.fail(key, 'is missing');
    return this.obj[key];
  }

  /** An integer in [0, max]. */
  uint(key: string, max: number, min = 0): number {
    const v = this.get(key);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(key, `must be an integer in [${min}, ${max}], not ${describe(v)}`);
    }
    return v;
  }

  bool(key: string): boolean {
    const v = this.get(key);
    if (typeof v !== 'boolean') this.fail(key, `must be true or false, not ${describe(v)}`);
    return v;
  }

  /** A bigint saved as a decimal string, in [0, 2^bits). */
  bigUint(key: string, bits: number): bigint {
    const v = this.get(key);
    if (typeof v !== 'string' || !/^[0-9]+$/.test(v)) this.fail(key, `must be a decimal string, not ${describe(v)}`);
    const n = BigInt(v);
    if (n >= 1n << BigInt(bits)) this.fail(key, `must be below 2^${bits}, not ${v}`);
    return n;
  }

  /** An array of `length` integers in [0, max] (any length when `length` is undefined). */
  uintArray(key: string, length: number | undefined, max: number): number[] {
    const v = this.get(key);
    if (!Array.isArray(v)) this.fail(key, `must be an array, not ${describe(v)}`);
    if (length !== undefined && v.length !== length) this.fail(key, `must have ${length} entries, not ${v.length}`);
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      if (typeof e !== 'number' || !Number.isInteger(e) || e < 0 || e > max) {
        this.fail(`${key}[${i}]`, `must be an integer in [0, ${max}], not ${describe(e)}`);
      }
    }
    return v as number[];
  }

  /** Bytes saved as a base64 string; `maxLength` bounds the decoded size, `length` fixes it. */
  bytes(key: string, opts: { length?: number; maxLength?: number }): Uint8Array {
    const v = this.get(key);
    if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) this.fail(key, `must be a base64 string, not ${describe(v)}`);
    const b = new Uint8Array(Buffer.from(v, 'base64'));
    if (opts.length !== undefined && b.length !== opts.length) this.fail(key, `must decode to ${opts.length} bytes, not ${b.length}`);
    if (opts.maxLength !== undefined && b.length > opts.maxLength) this.fail(key, `must decode to at most ${opts.maxLength} bytes, not ${b.length}`);
    return b;
  }

  /** A nested object, read with its own StateReader. */
  object(key: string): StateReader {
    return new StateReader(this.device, this.get(key), this.at(key));
  }

  /** An array of `length` nested objects. */
  objects(key: string, length: number): StateReader[] {
    const v = this.get(key);
    if (!Array.isArray(v)) this.fail(key, `must be an array, not ${describe(v)}`);
    if (v.length !== length) this.fail(key, `must have ${length} entries, not ${v.length}`);
    return v.map((e: unknown, i) => new StateReader(this.device, e, `${this.at(key)}[${i}]`));
  }
}

/** Bytes as base64, for saving byte buffers in JSON. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a ${v.length}-character string` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}
