// Which SMCCC function id an `hvc #0` / `smc #0` passes: the value left in w0/x0 by the nearest
// preceding mov/movz/movn/movk/`ldr =` in the same straight-line block (stopping at a label, an
// unconditional branch or a call). Names come from the hypervisor's own hypercall table.
import { describeFunctionId, OWNER_NAMES } from '../../emulator/hypervisor/hypercalls/smccc';
import { hypercall } from '../../emulator/hypervisor/hypercalls/table';
import type { Statement } from '../parse/asm-lexer';
import type { AsmFacts } from '../parse/facts';
import { evaluate } from './expression';

export interface FunctionIdResult {
  /** The id, when every write to w0/x0 in the block could be evaluated. */
  id?: number;
  /** Line (0-based) of the instruction that set w0/x0. */
  line?: number;
  /** Why the id is unknown. */
  reason?: string;
}

const X0 = /^[wx]0$/i;
/** Instructions after which the hypervisor call is not reached by falling through (or x0 is clobbered). */
const BLOCK_ENDS = new Set(['b', 'br', 'ret', 'eret', 'retaa', 'retab', 'braa', 'bl', 'blr', 'hvc', 'smc', 'svc']);
/** Instructions whose first operand is read, not written. */
const READS_FIRST = /^(st|cmp|cmn|tst|cb|tb|msr|ccm|prfm|b\.|dc|ic|at|tlbi)/;

function immediate(text: string | undefined, resolve: (n: string) => bigint | undefined): bigint | undefined {
  return text === undefined ? undefined : evaluate(text.replace(/^[#=]/, ''), resolve);
}

/** `lsl #16` in a third operand. */
function shiftOf(st: Statement): bigint {
  const m = /^lsl\s+#?(\d+)$/i.exec(st.operands[2]?.text ?? '');
  return m ? BigInt(m[1]!) : 0n;
}

export function findFunctionId(facts: AsmFacts, callIndex: number, resolve: (name: string) => bigint | undefined): FunctionIdResult {
  const movks: { value: bigint; shift: bigint }[] = [];
  for (let i = callIndex - 1; i >= 0; i--) {
    const st = facts.statements[i]!;
    const op = st.op && !st.assignment ? st.op.text.toLowerCase() : undefined;
    if (op && BLOCK_ENDS.has(op)) return { reason: `no write to w0 before the \`${op}\` at line ${st.line + 1}` };
    if (op && !op.startsWith('.') && X0.test(st.operands[0]?.text ?? '') && !READS_FIRST.test(op)) {
      const src = st.operands[1]?.text;
      let base: bigint | undefined;
      if (op === 'movk') {
        const v = immediate(src, resolve);
        if (v === undefined) return { line: st.line, reason: `movk operand \`${src}\` is not a constant` };
        movks.push({ value: v, shift: shiftOf(st) });
        continue;
      }
      if (op === 'mov' || op === 'movz') base = immediate(src, resolve);
      else if (op === 'movn') {
        const v = immediate(src, resolve);
        base = v === undefined ? undefined : ~(v << shiftOf(st));
      }
      else if (op === 'ldr' && src?.startsWith('=')) base = immediate(src, resolve);
      else return { line: st.line, reason: `w0 is computed by \`${op}\` at line ${st.line + 1}` };
      if (base === undefined) return { line: st.line, reason: `\`${src}\` at line ${st.line + 1} is not a constant the workspace defines` };
      if (op === 'movz') base <<= shiftOf(st);
      let value = base;
      for (const k of movks.reverse()) value = (value & ~(0xffffn << k.shift)) | ((k.value & 0xffffn) << k.shift);
      return { id: Number(BigInt.asUintN(32, value)), line: st.line };
    }
    if (st.labels.length > 0) return { reason: `no write to w0 between the label \`${st.labels[0]!.text}\` (line ${st.line + 1}) and the call` };
  }
  return { reason: 'no write to w0 before the call' };
}

/** "PSCI_CPU_ON", or what the id's anatomy says when the hypervisor does not answer it. */
export function describeId(id: number): { known: boolean; text: string } {
  const hex = `0x${(id >>> 0).toString(16).padStart(8, '0')}`;
  const entry = hypercall(id);
  if (entry) return { known: true, text: `\`${hex}\` **${entry.name}**` };
  const d = describeFunctionId(id);
  const owner = OWNER_NAMES[d.owner] ?? `owner ${d.owner}`;
  return { known: false, text: `\`${hex}\` unknown id: answers NOT_SUPPORTED (${owner}, ${d.fast ? 'fast' : 'yielding'} call, ${d.smc64 ? 'SMC64' : 'SMC32'})` };
}
