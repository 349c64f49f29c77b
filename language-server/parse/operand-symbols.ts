// Finds the symbol names in an instruction's or directive's operands, and says which of them must
// be addresses. Registers, shift/extend keywords, condition codes, barrier and prefetch options,
// relocation operators (`:lo12:`) and macro parameters (`\arg`) are not symbols.
import { CONDITIONS } from '../tables/mnemonics';
import { isPrefetchOp, isRegister, OPERAND_KEYWORDS } from '../tables/registers';
import { maskStrings, type Word } from './asm-lexer';
import type { SymbolRef } from './facts';

const IDENT = /(?<![\w.$\\%@])[A-Za-z_.$][\w.$]*/g;

/** Branches: the last operand is the target. */
const BRANCHES = new Set(['b', 'bl', 'cbz', 'cbnz', 'tbz', 'tbnz']);
/** Address-forming instructions: the second operand is the target. */
const ADDRESS_OF = new Set(['adr', 'adrp']);
/** Literal loads: `ldr x0, label` / `ldr x0, =sym`. */
const LITERAL_LOADS = new Set(['ldr', 'ldrsw', 'prfm']);
/** Instructions with a condition-code operand. */
const CONDITIONAL = new Set(['csel', 'csinc', 'csinv', 'csneg', 'cset', 'csetm', 'cinc', 'cinv', 'cneg', 'ccmp', 'ccmn', 'fcsel', 'fccmp', 'fccmpe']);
/** System instructions whose first operand is an operation name (`dc civac, x0`). */
const SYS_OPS = new Set(['ic', 'dc', 'at', 'tlbi', 'bti', 'dsb', 'dmb', 'isb', 'sys', 'sysl', 'mrs', 'msr']);

function isBranch(op: string): boolean {
  return BRANCHES.has(op) || op.startsWith('b.') || (op.length === 3 && op[0] === 'b' && CONDITIONS.has(op.slice(1)));
}

/** Which operand (index) must hold an address, or -1. */
function addressOperand(op: string, operands: readonly Word[]): number {
  if (isBranch(op)) return operands.length - 1;
  if (ADDRESS_OF.has(op)) return 1;
  if (LITERAL_LOADS.has(op) && operands.length === 2 && !operands[1]!.text.startsWith('[')) return 1;
  return -1;
}

function notASymbol(word: string, op: string): boolean {
  const lower = word.toLowerCase();
  if (word === '.' || isRegister(word) || OPERAND_KEYWORDS.has(lower) || isPrefetchOp(word)) return true;
  return CONDITIONAL.has(op) && CONDITIONS.has(lower);
}

/** Symbol references in the operands of one statement whose (lower-case) op is `op`. */
export function operandSymbols(op: string, operands: readonly Word[], directive: boolean): SymbolRef[] {
  const refs: SymbolRef[] = [];
  const target = directive ? -1 : addressOperand(op, operands);
  operands.forEach((operand, index) => {
    if (!directive && index === 0 && SYS_OPS.has(op)) return;
    if (!directive && (op === 'mrs' || op === 'msr') && index <= 1) return; // the system register (see sysregUses)
    const text = maskStrings(operand.text);
    for (const m of text.matchAll(IDENT)) {
      const name = m[0];
      const at = m.index;
      const end = at + name.length;
      if (text[at - 1] === ':' && text[end] === ':') continue; // :lo12: and friends
      if (text[end] === '\\' || notASymbol(name, op)) continue;
      const reloc = text[at - 1] === ':' && /:[a-z_0-9]+:$/i.test(text.slice(0, at));
      const literal = text[at - 1] === '=' && (text.slice(0, at - 1).trim() === '');
      const address = index === target || reloc || literal;
      refs.push({ name, address, word: { text: name, line: operand.line, start: operand.start + at, end: operand.start + end } });
    }
  });
  return refs;
}
