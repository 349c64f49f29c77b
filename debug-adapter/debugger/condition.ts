// Conditions, hit conditions and log messages, compiled once (when the breakpoint or exception
// filter is set) and evaluated at every hit against a plain ExpressionEnvironment: a stopped frame
// for source breakpoints, a trap's fields (`id == 0x84000008`, `ec == 0x24`) for exception
// filters. Nothing here throws: a bad text is a compile message, a failing evaluation a message.

import { evaluateExpression, ExpressionError, truthy, type ExpressionEnvironment, type Value } from './expression-eval';
import { ExpressionSyntaxError, parseExpression, type Expr } from './expression-parse';

export type Result<T> = { ok: true; value: T } | { ok: false; message: string };

/** Any failure of parsing or evaluating as a message; other errors are bugs and propagate. */
function attempt<T>(body: () => T): Result<T> {
  try {
    return { ok: true, value: body() };
  } catch (e) {
    if (e instanceof ExpressionError || e instanceof ExpressionSyntaxError) return { ok: false, message: e.message };
    throw e;
  }
}

export class CompiledExpression {
  private constructor(readonly text: string, private readonly tree: Expr) {}

  static compile(text: string): Result<CompiledExpression> {
    return attempt(() => new CompiledExpression(text, parseExpression(text)));
  }

  evaluate(env: ExpressionEnvironment): Result<Value> {
    return attempt(() => evaluateExpression(this.tree, env));
  }
}

export class Condition {
  private constructor(private readonly expr: CompiledExpression) {}

  get text(): string {
    return this.expr.text;
  }

  static compile(text: string): Result<Condition> {
    const e = CompiledExpression.compile(text);
    return e.ok ? { ok: true, value: new Condition(e.value) } : { ok: false, message: `condition '${text}': ${e.message}` };
  }

  /** Whether the condition holds in `env`; an evaluation error is a message naming the condition. */
  test(env: ExpressionEnvironment): Result<boolean> {
    const v = this.expr.evaluate(env);
    if (!v.ok) return { ok: false, message: `condition '${this.text}': ${v.message}` };
    const t = attempt(() => truthy(v.value));
    return t.ok ? t : { ok: false, message: `condition '${this.text}': ${t.message}` };
  }
}

const HIT_OPERATORS = {
  '>=': (n: number, k: number) => n >= k,
  '>': (n: number, k: number) => n > k,
  '<=': (n: number, k: number) => n <= k,
  '<': (n: number, k: number) => n < k,
  '==': (n: number, k: number) => n === k,
  '=': (n: number, k: number) => n === k,
  '%': (n: number, k: number) => n % k === 0,
} as const;

/**
 * A hit condition: `>= 3`, `> 3`, `< 3`, `<= 3`, `== 5` (also `=`), `% 2` (every second hit), or a
 * bare `5`, which means the fifth hit only (as `== 5`; gdb's ignore counts differ, VS Code leaves
 * the syntax to the adapter).
 */
export class HitCondition {
  private constructor(readonly text: string, private readonly op: keyof typeof HIT_OPERATORS, private readonly count: number) {}

  static compile(text: string): Result<HitCondition> {
    const m = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/.exec(text);
    if (!m) return { ok: false, message: `hit condition '${text}': expected a count with an optional operator (5, >= 3, % 2, == 4, < 10)` };
    const op = (m[1] ?? '==') as keyof typeof HIT_OPERATORS;
    const count = Number(m[2]);
    if (op === '%' && count === 0) return { ok: false, message: `hit condition '${text}': % 0 never matches` };
    return { ok: true, value: new HitCondition(text, op, count) };
  }

  /** Whether the `hits`-th hit (1 for the first) stops. */
  matches(hits: number): boolean {
    return HIT_OPERATORS[this.op](hits, this.count);
  }
}

type Piece = string | CompiledExpression;

/** A logpoint message: text with `{expression}` parts; `{{` and `}}` are literal braces. */
export class LogMessage {
  private constructor(readonly text: string, private readonly pieces: Piece[]) {}

  static compile(text: string): Result<LogMessage> {
    const pieces: Piece[] = [];
    let literal = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if ((c === '{' || c === '}') && text[i + 1] === c) {
        literal += c;
        i++;
      } else if (c === '{') {
        const end = text.indexOf('}', i);
        if (end < 0) return { ok: false, message: `log message: '{' at column ${i + 1} has no closing '}'` };
        const e = CompiledExpression.compile(text.slice(i + 1, end));
        if (!e.ok) return { ok: false, message: `log message {${text.slice(i + 1, end)}}: ${e.message}` };
        if (literal) pieces.push(literal);
        literal = '';
        pieces.push(e.value);
        i = end;
      } else {
        literal += c;
      }
    }
    if (literal) pieces.push(literal);
    return { ok: true, value: new LogMessage(text, pieces) };
  }

  /** The message in `env`; a failing part shows as `<error: …>` so the rest still prints. */
  format(env: ExpressionEnvironment, show: (v: Value) => string = showValue): string {
    return this.pieces.map((p) => {
      if (typeof p === 'string') return p;
      const v = p.evaluate(env);
      return v.ok ? show(v.value) : `<error: ${v.message}>`;
    }).join('');
  }
}

/** A value in one line, without a type system: decimal integers, hex pointers, strings as is. */
export function showValue(v: Value): string {
  switch (v.kind) {
    case 'int': return v.pointer ? `0x${BigInt.asUintN(64, v.value).toString(16)}` : v.value.toString();
    case 'float': return String(v.value);
    case 'string': return v.value;
    case 'object': return `{${v.typeName}}`;
  }
}

/**
 * An environment of plain named fields (exception-filter conditions over a trap): numbers and
 * bigints are 64-bit unsigned integers, strings are strings. `dollars` are the `$name`s
 * (`{ persona: 'work' }` gives `$persona`).
 */
export function fieldEnvironment(fields: Record<string, bigint | number | string>, dollars: Record<string, bigint | number | string> = {}): ExpressionEnvironment {
  const value = (v: bigint | number | string | undefined): Value | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === 'string') return { kind: 'string', value: v };
    return { kind: 'int', value: BigInt.asUintN(64, BigInt(v)), signed: false, bytes: 8 };
  };
  return {
    name: (n) => (Object.hasOwn(fields, n) ? value(fields[n]) : undefined),
    dollar: (n) => (Object.hasOwn(dollars, n) ? value(dollars[n]) : undefined),
  };
}
