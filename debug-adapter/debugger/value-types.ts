// The program's DWARF types as the value views and the expression language use them: sizes,
// names, lookup by C spelling (`struct node`, `u32`, `unsigned int`) for casts, and pointer types
// the program never declared (`(struct node *)0x4000`, `&x`), which get negative ids here.

import type { DebugInfo } from '../symbols/dwarf-functions';
import { AT, TAG, attrString, type TypeDescription, type TypeTable } from '../symbols/dwarf-types';
import type { TypeName } from './expression-parse';

/** A type id: a .debug_info offset, or a negative id of a pointer type made here. undefined = void. */
export type TypeId = number | undefined;

const NAMED_TAGS: Record<number, string> = {
  [TAG.baseType]: '', [TAG.typedef]: '', [TAG.structureType]: 'struct ', [TAG.unionType]: 'union ', [TAG.enumerationType]: 'enum ', [TAG.classType]: 'class ',
};

export class ValueTypes {
  private readonly table: TypeTable | undefined;
  private readonly synthetic = new Map<number, TypeDescription>();
  private readonly pointers = new Map<string, number>();
  private byNameCache: Map<string, number> | undefined;
  private enumerators: Map<string, { value: bigint; type: number }> | undefined;

  constructor(private readonly info: DebugInfo | undefined) {
    this.table = info?.types;
  }

  describe(id: TypeId): TypeDescription {
    if (id === undefined) return { kind: 'void' };
    if (id < 0) return this.synthetic.get(id) ?? { kind: 'void' };
    return this.table?.describe(id) ?? { kind: 'void' };
  }

  /** Follows typedefs and qualifiers to the type that decides the layout. */
  strip(id: TypeId): TypeId {
    for (let i = 0; id !== undefined && i < 64; i++) {
      const t = this.describe(id);
      if (t.kind !== 'typedef' && t.kind !== 'const' && t.kind !== 'volatile' && t.kind !== 'restrict' && t.kind !== 'atomic') return id;
      id = t.target;
    }
    return id;
  }

  resolved(id: TypeId): TypeDescription {
    return this.describe(this.strip(id));
  }

  name(id: TypeId): string {
    if (id !== undefined && id < 0) {
      const t = this.describe(id);
      const target = t.kind === 'pointer' ? t.target : undefined;
      const inner = this.name(target);
      return `${inner}${inner.endsWith('*') ? '' : ' '}*`;
    }
    return this.table?.name(id) ?? 'void';
  }

  /** Bytes an object of the type takes; undefined for void, functions and incomplete arrays. */
  size(id: TypeId): number | undefined {
    const t = this.resolved(id);
    switch (t.kind) {
      case 'base': return t.byteSize;
      case 'pointer': case 'reference': return t.byteSize;
      case 'struct': case 'union': case 'class': return t.byteSize;
      case 'enum': return t.byteSize ?? 4;
      case 'array': {
        const element = this.size(t.element);
        if (element === undefined) return undefined;
        let n = BigInt(element);
        for (const d of t.dimensions) {
          if (d.count === undefined) return undefined;
          n *= d.count;
        }
        return Number(n);
      }
      default: return undefined;
    }
  }

  /** A pointer type to `target`: the program's own when it has one, else a made one. */
  pointerTo(target: TypeId): number {
    const key = String(target);
    let id = this.pointers.get(key);
    if (id === undefined) {
      id = -(this.synthetic.size + 1);
      this.synthetic.set(id, { kind: 'pointer', byteSize: 8, target });
      this.pointers.set(key, id);
    }
    return id;
  }

  /** The type a cast spells, or undefined when the program has no such type. */
  lookup(name: TypeName): TypeId | 'unknown' {
    const base = name.base === 'void' ? undefined : this.byName().get(name.base);
    if (base === undefined && name.base !== 'void') return 'unknown';
    let id: TypeId = base;
    for (let i = 0; i < name.pointers; i++) id = this.pointerTo(id);
    return id;
  }

  /** An enumeration constant by name (`GREEN`), with its enum type. */
  enumerator(name: string): { value: bigint; type: number } | undefined {
    if (!this.enumerators) {
      this.enumerators = new Map();
      for (const u of this.info?.tree.units ?? []) {
        const stack = u.root ? [u.root] : [];
        for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
          if (d.tag !== TAG.enumerationType) { stack.push(...d.children); continue; }
          const t = this.describe(d.offset);
          if (t.kind !== 'enum') continue;
          for (const e of t.enumerators) if (!this.enumerators.has(e.name)) this.enumerators.set(e.name, { value: e.value, type: d.offset });
        }
      }
    }
    return this.enumerators.get(name);
  }

  /** Named types by C spelling; the first definition wins over later declarations. */
  private byName(): Map<string, number> {
    if (this.byNameCache) return this.byNameCache;
    const map = new Map<string, number>();
    for (const u of this.info?.tree.units ?? []) {
      const stack = u.root ? [u.root] : [];
      for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
        stack.push(...d.children);
        const prefix = NAMED_TAGS[d.tag];
        const n = prefix === undefined ? undefined : attrString(d, AT.name);
        if (n === undefined) continue;
        const key = `${prefix}${n}`;
        const existing = map.get(key);
        const isDeclaration = d.attrs.get(AT.declaration)?.kind === 'flag';
        if (existing === undefined || (!isDeclaration && this.describe(existing).kind === 'struct' && (this.describe(existing) as { declaration: boolean }).declaration)) map.set(key, d.offset);
      }
    }
    return (this.byNameCache = map);
  }
}
