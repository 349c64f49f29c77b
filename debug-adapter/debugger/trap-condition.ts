// Conditions of exception breakpoint filters: C-like comparisons over a trap's fields, compiled
// once when the filter is set and evaluated per matching trap without allocation-heavy parsing.
// Grammar (lowest precedence first): `||`, `&&`, `==` `!=`, `<` `<=` `>` `>=`, `|`, `&`, unary `!`,
// then numbers (decimal or 0x hex), strings ("..." or '...'), field names and parentheses.
// This is the minimal form the brief allows until the shared condition compiler lands.

import { DebuggerError } from './errors';

export type ConditionValue = bigint | string | boolean;
/** Field values by name (`id`, `ec`, `$persona`...); undefined for a field the trap does not have. */
export type ConditionEnvironment = (name: string) => ConditionValue | undefined;
export type CompiledCondition = (env: ConditionEnvironment) => boolean;
type Node = (env: ConditionEnvironment) => ConditionValue;

const TOKEN = /\s*(0x[0-9a-fA-F]+|[0-9]+|"[^"]*"|'[^']*'|\$?[A-Za-z_][A-Za-z0-9_]*|\|\||&&|==|!=|<=|>=|[<>()!|&])/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new DebuggerError(`condition "${text}": cannot read "${text.slice(at).trim()}"`);
    out.push(m[1]!);
  }
  return out;
}

const truthy = (v: ConditionValue): boolean => (typeof v === 'boolean' ? v : typeof v === 'bigint' ? v !== 0n : v.length > 0);

function compare(op: string, a: ConditionValue, b: ConditionValue): boolean {
  if (typeof a === 'boolean') a = a ? 1n : 0n;
  if (typeof b === 'boolean') b = b ? 1n : 0n;
  if (typeof a !== typeof b) return op === '!=';
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    default: return a >= b;
  }
}

const LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['|'], ['&']];

/** Compiles `text` once; an unknown field or a syntax error is a DebuggerError naming it. */
export function compileCondition(text: string, fields: ReadonlySet<string>): CompiledCondition {
  const tokens = tokenize(text);
  let i = 0;
  const fail = (why: string): never => { throw new DebuggerError(`condition "${text}": ${why}`); };

  const primary = (): Node => {
    const t = tokens[i++];
    if (t === undefined) return fail('it ends too early');
    if (t === '(') {
      const e = level(0);
      if (tokens[i++] !== ')') fail('a ")" is missing');
      return e;
    }
    if (t === '!') {
      const e = primary();
      return (env) => !truthy(e(env));
    }
    if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) {
      const v = BigInt(t);
      return () => v;
    }
    if (t.startsWith('"') || t.startsWith("'")) {
      const v = t.slice(1, -1);
      return () => v;
    }
    if (/^\$?[A-Za-z_]/.test(t)) {
      if (!fields.has(t)) fail(`unknown name "${t}" (known: ${[...fields].join(', ')})`);
      return (env) => env(t) ?? false;
    }
    return fail(`unexpected "${t}"`);
  };

  const level = (n: number): Node => {
    if (n === LEVELS.length) return primary();
    let left = level(n + 1);
    while (i < tokens.length && LEVELS[n]!.includes(tokens[i]!)) {
      const op = tokens[i++]!;
      const right = level(n + 1);
      const l = left;
      if (op === '||') left = (env) => truthy(l(env)) || truthy(right(env));
      else if (op === '&&') left = (env) => truthy(l(env)) && truthy(right(env));
      else if (op === '|' || op === '&') {
        left = (env) => {
          const a = l(env);
          const b = right(env);
          if (typeof a !== 'bigint' || typeof b !== 'bigint') return false;
          return op === '|' ? a | b : a & b;
        };
      } else left = (env) => compare(op, l(env), right(env));
    }
    return left;
  };

  if (tokens.length === 0) fail('it is empty');
  const root = level(0);
  if (i < tokens.length) fail(`unexpected "${tokens[i]}"`);
  return (env) => truthy(root(env));
}
