// The variables views as a tree of nodes, free of DAP: each node has its one-line value, maybe
// children (computed when expanded), maybe a memory address, maybe a setter. The session hands out
// variablesReferences for nodes with children; typed values, registers and expression results all
// become nodes here or in register-views.ts.

import { CompiledExpression } from './condition';
import { ExpressionError, type ExpressionEnvironment, type Value } from './expression-eval';
import { ValueError, type TypedValue } from './typed-value';
import type { ValueView } from './value-view';

export interface VariableNode {
  name: string;
  value: string;
  type?: string;
  /** Named children (members, register fields, groups). */
  children?: () => VariableNode[];
  /** Indexed children (array elements): how many, and a page of them. */
  indexed?: { count: number; page: (start: number, count: number) => VariableNode[] };
  memoryReference?: bigint;
  /** An expression that evaluates to this node (for watch and copy-as-expression). */
  evaluateName?: string;
  /** Assigns the text (an expression) and returns the node as it is now; throws ValueError/ExpressionError. */
  set?: (text: string) => VariableNode;
  readOnly?: boolean;
}

/** Nodes for DWARF-typed values, with expressions evaluated in one frame for setVariable. */
export class TypedNodes {
  constructor(private readonly view: ValueView, private readonly env: ExpressionEnvironment) {}

  node(name: string, v: TypedValue, evaluateName: string | undefined): VariableNode {
    const view = this.view;
    const n: VariableNode = { name, value: view.format(v), type: view.typeName(v), evaluateName };
    const shape = view.arrayShape(v);
    const t = view.ctx.types.resolved(v.type);
    if (v.storage.kind !== 'unavailable') {
      if (shape) {
        const count = view.elementCount(v);
        const lower = shape.dims[0]?.lowerBound ?? 0n;
        if (count !== undefined && count > 0n) {
          n.indexed = {
            count: Number(count),
            page: (start, size) => {
              const out: VariableNode[] = [];
              for (let i = start; i < Math.min(Number(count), start + size); i++) {
                const index = lower + BigInt(i);
                out.push(this.node(`[${index}]`, view.element(v, index), evaluateName && `${evaluateName}[${index}]`));
              }
              return out;
            },
          };
        }
        n.memoryReference = view.address(v);
      } else if (t.kind === 'struct' || t.kind === 'union' || t.kind === 'class') {
        n.children = () => view.children(v).map((c) => this.node(c.name, c.value, evaluateName && `${paren(evaluateName)}.${c.name}`));
      } else if (t.kind === 'pointer' || t.kind === 'reference') {
        const x = safe(() => view.toValue(v));
        if (x?.kind === 'int') n.memoryReference = BigInt.asUintN(64, x.value);
        if (x?.kind === 'int' && x.value !== 0n && view.hasTarget(t.target)) {
          n.children = () => [this.node(`*${name}`, view.deref(v), evaluateName && `*${paren(evaluateName)}`)];
        }
      }
      if (!shape && t.kind !== 'struct' && t.kind !== 'union' && t.kind !== 'class') {
        n.set = (text) => {
          view.assign(v, this.evaluate(text));
          return this.node(name, v, evaluateName);
        };
      }
    }
    return n;
  }

  /** A value as the expression language gives it: typed values as their nodes, plain numbers and strings as leaves. */
  valueNode(name: string, x: Value, evaluateName: string | undefined): VariableNode {
    if ((x.kind === 'int' || x.kind === 'float' || x.kind === 'object') && x.handle !== undefined) return this.node(name, x.handle as TypedValue, evaluateName);
    switch (x.kind) {
      case 'string': return { name, value: JSON.stringify(x.value), type: 'string' };
      case 'float': return { name, value: String(x.value), type: 'double' };
      case 'object': return { name, value: `{${x.typeName}}`, type: x.typeName };
      case 'int': {
        return { name, value: x.pointer ? `0x${BigInt.asUintN(64, x.value).toString(16)}` : `${x.value}`, type: x.typeName ?? (x.signed ? 'int' : 'unsigned'), memoryReference: x.pointer ? x.value : undefined };
      }
    }
  }

  /** Evaluates `text` in the frame; errors are ExpressionErrors with the message. */
  evaluate(text: string): Value {
    const c = CompiledExpression.compile(text);
    if (!c.ok) throw new ExpressionError(c.message);
    const v = c.value.evaluate(this.env);
    if (!v.ok) throw new ExpressionError(v.message);
    return v.value;
  }
}

function paren(e: string): string {
  return /^[\w$.[\]>-]+$/.test(e) ? e : `(${e})`;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof ValueError || e instanceof ExpressionError) return undefined;
    throw e;
  }
}
