// A small constant-expression evaluator (GNU as / C syntax) over bigint, enough to turn
// `#(PSCI_BASE + 3)` or `0x84000000 | 8` into a number. Names resolve through a callback, so
// `.equ` constants and `#define`s from the workspace take part. Anything else: undefined.

type Resolve = (name: string) => bigint | undefined;

const BINARY: readonly (readonly [string, number, (a: bigint, b: bigint) => bigint | undefined])[] = [
  ['|', 1, (a, b) => a | b], ['^', 2, (a, b) => a ^ b], ['&', 3, (a, b) => a & b],
  ['<<', 4, (a, b) => (b < 0n || b > 64n ? undefined : a << b)], ['>>', 4, (a, b) => (b < 0n || b > 64n ? undefined : a >> b)],
  ['+', 5, (a, b) => a + b], ['-', 5, (a, b) => a - b],
  ['*', 6, (a, b) => a * b], ['/', 6, (a, b) => (b === 0n ? undefined : a / b)], ['%', 6, (a, b) => (b === 0n ? undefined : a % b)],
];
const OPS = new Map(BINARY.map(([op, prec, fn]) => [op, { prec, fn }]));
const TOKEN = /\s*(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+|[A-Za-z_.$][\w.$]*|<<|>>|[-+*/%&|^~()])/y;

function tokenize(text: string): string[] | undefined {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) return undefined;
    out.push(m[1]!);
    at = TOKEN.lastIndex;
    // C integer suffixes (0x84000000UL in headers).
    const suffix = /^[uUlL]+/.exec(text.slice(at));
    if (suffix && /^\d|^0x/i.test(m[1]!)) at += suffix[0].length;
  }
  return out;
}

export function evaluate(text: string, resolve: Resolve): bigint | undefined {
  const tokens = tokenize(text.replace(/^#/, ''));
  if (!tokens || tokens.length === 0) return undefined;
  let i = 0;
  const primary = (): bigint | undefined => {
    const t = tokens[i++];
    if (t === undefined) return undefined;
    if (t === '(') {
      const v = binary(0);
      return tokens[i++] === ')' ? v : undefined;
    }
    if (t === '-' || t === '~' || t === '+') {
      const v = primary();
      if (v === undefined) return undefined;
      return t === '-' ? -v : t === '~' ? ~v : v;
    }
    if (/^\d/.test(t)) return BigInt(t);
    return resolve(t);
  };
  const binary = (minPrec: number): bigint | undefined => {
    let left = primary();
    for (;;) {
      const op = OPS.get(tokens[i] ?? '');
      if (left === undefined || !op || op.prec < minPrec) return left;
      i++;
      const right = binary(op.prec + 1);
      if (right === undefined) return undefined;
      left = op.fn(left, right);
    }
  };
  const v = binary(0);
  return i === tokens.length ? v : undefined;
}
