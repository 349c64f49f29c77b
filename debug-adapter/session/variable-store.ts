// variablesReferences handed out at a stop: each is a node with children (a scope, a struct, an
// array, a register with fields). Valid until the guest runs again, like frame ids; ids count on
// from the last stop's, so a stale reference from the client never finds a new node.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { VariableNode } from '../debugger/variable-nodes';
import { hex64 } from '../debugger/registers';

export class VariableStore {
  private nodes = new Map<number, VariableNode>();
  private next = 1_000_000; // apart from frame ids, which start at 1

  add(node: VariableNode): number {
    if (!node.children && !node.indexed) return 0;
    const id = this.next++;
    this.nodes.set(id, node);
    return id;
  }

  get(id: number): VariableNode | undefined {
    return this.nodes.get(id);
  }

  clear(): void {
    this.nodes = new Map();
  }

  /** The children of a container as DAP variables; arrays page by `start`/`count` (VS Code asks in chunks). */
  children(node: VariableNode, args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
    let list: VariableNode[] = [];
    if (node.indexed && args.filter !== 'named') list = node.indexed.page(args.start ?? 0, args.count ?? node.indexed.count);
    if (node.children && args.filter !== 'indexed') list = [...list, ...node.children()];
    return list.map((n) => this.variable(n));
  }

  variable(n: VariableNode): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = { name: n.name, value: n.value, variablesReference: this.add(n) };
    if (n.type !== undefined) v.type = n.type;
    if (n.evaluateName !== undefined) v.evaluateName = n.evaluateName;
    if (n.indexed) v.indexedVariables = n.indexed.count;
    if (n.memoryReference !== undefined) v.memoryReference = hex64(n.memoryReference);
    if (!n.set) v.presentationHint = { attributes: ['readOnly'] };
    return v;
  }
}
