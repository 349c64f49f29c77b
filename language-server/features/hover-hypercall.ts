// Hover for `hvc #0` / `smc #0`: the trap, and the function id the block loads into w0, by name.
import { hypercall } from '../../emulator/hypervisor/hypercalls/table';
import type { AsmFacts } from '../parse/facts';
import { INSTRUCTION_TRAPS } from '../tables/instruction-traps';
import type { WorkspaceIndex } from '../workspace/index';
import { evaluate } from './expression';
import { describeId, findFunctionId } from './hypercall-id';

/** Resolves a constant's value through the workspace (`.equ`, `=`, `#define`), guarding against cycles. */
export function constantResolver(index: WorkspaceIndex): (name: string) => bigint | undefined {
  const visiting = new Set<string>();
  const resolve = (name: string): bigint | undefined => {
    if (visiting.has(name)) return undefined;
    const def = index.definitions(name).find((d) => d.value !== undefined && d.kind !== 'label' && d.kind !== 'linker');
    if (!def) return undefined;
    visiting.add(name);
    try {
      return evaluate(def.value!, resolve);
    } finally {
      visiting.delete(name);
    }
  };
  return resolve;
}

export function hypercallHover(facts: AsmFacts, callIndex: number, index: WorkspaceIndex): string {
  const st = facts.statements[callIndex]!;
  const name = st.op!.text.toLowerCase();
  const lines = [`**${name} ${st.operands.map((o) => o.text).join(', ')}** — ${name === 'hvc' ? 'hypervisor call' : 'secure monitor call'}`, '', `Under Persona: ${INSTRUCTION_TRAPS.get(name)}`, ''];
  const found = findFunctionId(facts, callIndex, constantResolver(index));
  if (found.id === undefined) {
    lines.push(`Function id: unknown (${found.reason})`);
    return lines.join('\n');
  }
  const d = describeId(found.id);
  lines.push(`Function id (w0, set at line ${found.line! + 1}): ${d.text}`);
  const entry = hypercall(found.id);
  if (entry) {
    lines.push('', `${entry.family}: ${entry.summary}`);
    entry.args.forEach((a, i) => lines.push(`- x${i + 1}: ${a}`));
    lines.push(`- returns: ${entry.returns}`);
  }
  return lines.join('\n');
}
