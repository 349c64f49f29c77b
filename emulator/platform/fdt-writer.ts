// A flattened device tree (DTB) writer: version 17, last compatible version 16, big-endian, as the
// Devicetree Specification v0.4 ch. 5 describes it. Build a tree of `FdtNode`s, give property
// values with the `fdtValue` helpers, then `serializeFdt` it:
//
//   header (40 bytes) | memory reservation block (8-aligned, 16-byte entries, zero-terminated)
//   | structure block (FDT_BEGIN_NODE / FDT_PROP / FDT_END_NODE ... FDT_END, 4-aligned tokens)
//   | strings block (NUL-terminated property names, each name stored once)

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;
export const FDT_HEADER_SIZE = 40;

const U32_MAX = 0xffff_ffffn;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

export interface FdtProperty {
  readonly name: string;
  readonly value: Uint8Array;
}

/** A node: its name (`unit@addr`, or "" for the root), its properties and children, in order. */
export class FdtNode {
  readonly properties: FdtProperty[] = [];
  readonly children: FdtNode[] = [];

  constructor(readonly name: string) {
    if (name.includes('/') || name.includes('\0')) throw new Error(`fdt: bad node name ${JSON.stringify(name)}`);
  }

  /** Sets (or replaces, keeping its position) a property. */
  set(name: string, value: Uint8Array): this {
    if (name.length === 0 || name.includes('\0')) throw new Error(`fdt: bad property name ${JSON.stringify(name)}`);
    const i = this.properties.findIndex((p) => p.name === name);
    if (i >= 0) this.properties[i] = { name, value };
    else this.properties.push({ name, value });
    return this;
  }

  setU32(name: string, ...cells: number[]): this {
    return this.set(name, fdtValue.u32(...cells));
  }
  setU64(name: string, ...values: bigint[]): this {
    return this.set(name, fdtValue.u64(...values));
  }
  setString(name: string, s: string): this {
    return this.set(name, fdtValue.string(s));
  }
  setStrings(name: string, ...list: string[]): this {
    return this.set(name, fdtValue.strings(...list));
  }
  setEmpty(name: string): this {
    return this.set(name, fdtValue.empty());
  }

  get(name: string): Uint8Array | undefined {
    return this.properties.find((p) => p.name === name)?.value;
  }

  /** Appends a child (a new one named `child`, or the node given) and returns it. */
  add(child: string | FdtNode): FdtNode {
    const node = typeof child === 'string' ? new FdtNode(child) : child;
    if (this.children.some((c) => c.name === node.name)) throw new Error(`fdt: duplicate node ${node.name} under ${this.name || '/'}`);
    this.children.push(node);
    return node;
  }

  child(name: string): FdtNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  /** The node at an absolute-style path relative to this one ("a/b" or "/a/b"). */
  find(path: string): FdtNode | undefined {
    let node: FdtNode | undefined = this;
    for (const part of path.split('/').filter((p) => p.length > 0)) {
      node = node.child(part);
      if (!node) return undefined;
    }
    return node;
  }
}

function checkU32(v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new Error(`fdt: cell out of range: ${v}`);
  return v;
}

/** Property value encoders (all big-endian). */
export const fdtValue = {
  /** One 32-bit cell per value. */
  u32(...cells: number[]): Uint8Array {
    const out = new Uint8Array(cells.length * 4);
    const dv = new DataView(out.buffer);
    cells.forEach((c, i) => dv.setUint32(i * 4, checkU32(c)));
    return out;
  },
  /** Each value as two cells (high, low). */
  u64(...values: bigint[]): Uint8Array {
    const out = new Uint8Array(values.length * 8);
    const dv = new DataView(out.buffer);
    values.forEach((v, i) => {
      if (v < 0n || v > U64_MAX) throw new Error(`fdt: u64 out of range: ${v}`);
      dv.setBigUint64(i * 8, v);
    });
    return out;
  },
  /**
   * A list of (value, cell count) pairs, e.g. a `reg` entry under #address-cells = 2,
   * #size-cells = 1: `sized([base, 2], [size, 1])`. Throws if a value does not fit its cells.
   */
  sized(...items: Array<readonly [bigint, number]>): Uint8Array {
    const cells: number[] = [];
    for (const [v, n] of items) {
      if (!Number.isInteger(n) || n < 0 || v < 0n || v >> BigInt(32 * n) !== 0n) {
        throw new Error(`fdt: ${v} does not fit in ${n} cell(s)`);
      }
      for (let i = n - 1; i >= 0; i--) cells.push(Number((v >> BigInt(32 * i)) & U32_MAX));
    }
    return fdtValue.u32(...cells);
  },
  /** A NUL-terminated UTF-8 string. */
  string(s: string): Uint8Array {
    return fdtValue.strings(s);
  },
  /** Several NUL-terminated strings back to back (a "stringlist", e.g. compatible). */
  strings(...list: string[]): Uint8Array {
    const parts = list.map((s) => {
      if (s.includes('\0')) throw new Error('fdt: string contains NUL');
      return Buffer.from(s + '\0', 'utf8');
    });
    return new Uint8Array(Buffer.concat(parts));
  },
  bytes(b: ArrayLike<number>): Uint8Array {
    return Uint8Array.from(b);
  },
  /** A zero-length (boolean) property, e.g. `interrupt-controller`. */
  empty(): Uint8Array {
    return new Uint8Array(0);
  },
  concat(...parts: Uint8Array[]): Uint8Array {
    return new Uint8Array(Buffer.concat(parts));
  },
} as const;

/** Hands out phandles in order and writes the `phandle` property on the node. */
export class PhandleAllocator {
  private nextValue: number;

  constructor(first = 1) {
    if (first < 1 || first >= 0xffff_ffff) throw new Error('fdt: phandles must lie in 1..0xfffffffe');
    this.nextValue = first;
  }

  next(): number {
    const v = this.nextValue++;
    if (v >= 0xffff_ffff) throw new Error('fdt: out of phandles');
    return v;
  }

  assign(node: FdtNode): number {
    const v = this.next();
    node.setU32('phandle', v);
    return v;
  }
}

export interface FdtReservation {
  readonly address: bigint;
  readonly size: bigint;
}

export interface FdtSerializeOptions {
  /** Entries for the memory reservation block (e.g. the DTB itself, firmware). */
  reservations?: readonly FdtReservation[];
  /** Header boot_cpuid_phys. Default 0. */
  bootCpuidPhys?: number;
  /** Extra zero bytes appended to totalsize (room for a guest/bootloader to edit in place). */
  padding?: number;
}

function align(n: number, a: number): number {
  return (n + a - 1) & ~(a - 1);
}

/** Serializes a tree rooted at `root` (its name is ignored: the root is always ""). */
export function serializeFdt(root: FdtNode, opts: FdtSerializeOptions = {}): Uint8Array {
  // Strings block: each distinct name once, in first-use order.
  const stringOffsets = new Map<string, number>();
  const stringParts: Buffer[] = [];
  let stringsSize = 0;
  const nameOffset = (name: string): number => {
    let off = stringOffsets.get(name);
    if (off === undefined) {
      off = stringsSize;
      stringOffsets.set(name, off);
      const b = Buffer.from(name + '\0', 'utf8');
      stringParts.push(b);
      stringsSize += b.length;
    }
    return off;
  };

  // Structure block, grown as a list of chunks.
  const chunks: Buffer[] = [];
  let structSize = 0;
  const push = (b: Buffer): void => {
    chunks.push(b);
    structSize += b.length;
  };
  const token = (t: number, ...extra: number[]): void => {
    const b = Buffer.alloc(4 * (1 + extra.length));
    b.writeUInt32BE(t, 0);
    extra.forEach((v, i) => b.writeUInt32BE(v, 4 + 4 * i));
    push(b);
  };
  const padded = (data: Uint8Array): void => {
    const b = Buffer.alloc(align(data.length, 4));
    b.set(data, 0);
    push(b);
  };
  const emit = (node: FdtNode, isRoot: boolean): void => {
    token(FDT_BEGIN_NODE);
    padded(Buffer.from((isRoot ? '' : node.name) + '\0', 'utf8'));
    for (const p of node.properties) {
      token(FDT_PROP, p.value.length, nameOffset(p.name));
      padded(p.value);
    }
    for (const c of node.children) emit(c, false);
    token(FDT_END_NODE);
  };
  emit(root, true);
  token(FDT_END);

  const reservations = opts.reservations ?? [];
  const offRsvmap = align(FDT_HEADER_SIZE, 8);
  const rsvSize = (reservations.length + 1) * 16;
  const offStruct = offRsvmap + rsvSize;
  const offStrings = offStruct + structSize;
  const totalSize = offStrings + stringsSize + (opts.padding ?? 0);

  const out = Buffer.alloc(totalSize);
  const header = [
    FDT_MAGIC,
    totalSize,
    offStruct,
    offStrings,
    offRsvmap,
    FDT_VERSION,
    FDT_LAST_COMP_VERSION,
    checkU32(opts.bootCpuidPhys ?? 0),
    stringsSize,
    structSize,
  ];
  header.forEach((v, i) => out.writeUInt32BE(v, i * 4));
  reservations.forEach((r, i) => {
    if (r.address < 0n || r.address > U64_MAX || r.size < 0n || r.size > U64_MAX) throw new Error('fdt: reservation out of range');
    out.writeBigUInt64BE(r.address, offRsvmap + i * 16);
    out.writeBigUInt64BE(r.size, offRsvmap + i * 16 + 8);
  });
  let pos = offStruct;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  for (const s of stringParts) {
    out.set(s, pos);
    pos += s.length;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
