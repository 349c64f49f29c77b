// C-like expressions for watch, hover, the debug console, breakpoint conditions and exception-filter
// conditions: a tokenizer and a small Pratt parser into a syntax tree. Parsing needs no symbols,
// so a condition is parsed once and evaluated at every hit (expression-eval.ts). No npm library
// parses C expressions with casts, `->` and char literals (jsep and expr-eval parse JavaScript or
// arithmetic), hence this file.

/** A type as a cast spells it: `struct foo *` is { base: 'struct foo', pointers: 1 }. */
export interface TypeName {
  base: string;
  pointers: number;
}

export type BinaryOp = '*' | '/' | '%' | '+' | '-' | '<<' | '>>' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&' | '^' | '|';
export type UnaryOp = '-' | '+' | '!' | '~' | '*' | '&';

export type Expr =
  | { kind: 'int'; value: bigint; unsigned: boolean; long: boolean }
  | { kind: 'float'; value: number }
  | { kind: 'char'; value: bigint }
  | { kind: 'string'; value: string }
  | { kind: 'name'; name: string }
  /** `$x0`, `$pc`, `$sctlr_el1`, `$persona`: the name without the dollar. */
  | { kind: 'dollar'; name: string }
  | { kind: 'unary'; op: UnaryOp; operand: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'logical'; op: '&&' | '||'; left: Expr; right: Expr }
  | { kind: 'conditional'; test: Expr; then: Expr; otherwise: Expr }
  | { kind: 'cast'; type: TypeName; operand: Expr }
  | { kind: 'sizeof'; type?: TypeName; operand?: Expr }
  | { kind: 'member'; object: Expr; name: string; arrow: boolean }
  | { kind: 'index'; object: Expr; index: Expr };

/** A syntax error, with the column (0-based) it was found at. */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
  constructor(message: string, readonly column: number) {
    super(message);
  }
}

type TokenKind = 'int' | 'float' | 'char' | 'string' | 'ident' | 'dollar' | 'punct' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  at: number;
  value?: bigint | number | string;
}

const PUNCTUATORS = ['->', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '&', '^', '|', '!', '~', '(', ')', '[', ']', '.', '?', ':', ','];
const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };
/** Words that begin a type name inside parentheses (a cast) or sizeof. */
const TYPE_WORDS = new Set(['struct', 'union', 'enum', 'unsigned', 'signed', 'char', 'short', 'int', 'long', 'float', 'double', 'void', '_Bool', 'const', 'volatile']);
/** Typedef names so common that `(uint16_t)-1` is read as a cast without asking the program. */
const WELL_KNOWN_TYPEDEFS = /^(u?int(8|16|32|64|ptr)_t|size_t|ssize_t|bool|[us](8|16|32|64))$/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const at = i;
    const rest = text.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)([uU]?[lL]{0,2}[uU]?)(?![\w.])/.exec(rest))) {
      const digits = m[1]!;
      const value = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
      out.push({ kind: 'int', text: m[0], at, value });
      i += m[0].length;
    } else if ((m = /^(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?[fF]?/.exec(rest)) && /[.eE]/.test(m[0])) {
      out.push({ kind: 'float', text: m[0], at, value: Number(m[0].replace(/[fF]$/, '')) });
      i += m[0].length;
    } else if (/^\d/.test(rest)) {
      throw new ExpressionSyntaxError(`malformed number at column ${at + 1}`, at);
    } else if ((m = /^[A-Za-z_]\w*/.exec(rest))) {
      out.push({ kind: 'ident', text: m[0], at });
      i += m[0].length;
    } else if ((m = /^\$[A-Za-z_]\w*/.exec(rest))) {
      out.push({ kind: 'dollar', text: m[0], at, value: m[0].slice(1) });
      i += m[0].length;
    } else if (c === "'" || c === '"') {
      const [value, end] = quoted(text, i);
      if (c === "'") {
        if (value.length !== 1) throw new ExpressionSyntaxError(`a character literal holds one character (column ${at + 1})`, at);
        out.push({ kind: 'char', text: text.slice(i, end), at, value: BigInt(value.charCodeAt(0)) });
      } else {
        out.push({ kind: 'string', text: text.slice(i, end), at, value });
      }
      i = end;
    } else {
      const p = PUNCTUATORS.find((x) => rest.startsWith(x));
      if (p === undefined) throw new ExpressionSyntaxError(`unexpected '${c}' at column ${at + 1}`, at);
      out.push({ kind: 'punct', text: p, at });
      i += p.length;
    }
  }
  out.push({ kind: 'end', text: '', at: text.length });
  return out;
}

/** A quoted literal from `start` (the quote): its value and the index after the closing quote. */
function quoted(text: string, start: number): [string, number] {
  const q = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length && text[i] !== q) {
    if (text[i] === '\\') {
      const e = text[i + 1];
      if (e === 'x') {
        const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2));
        if (!m) throw new ExpressionSyntaxError(`\\x needs hex digits (column ${i + 1})`, i);
        value += String.fromCharCode(parseInt(m[0], 16));
        i += 2 + m[0].length;
        continue;
      }
      const code = e === undefined ? undefined : ESCAPES[e];
      if (code === undefined) throw new ExpressionSyntaxError(`unknown escape \\${e ?? ''} (column ${i + 1})`, i);
      value += String.fromCharCode(code);
      i += 2;
    } else {
      value += text[i];
      i++;
    }
  }
  if (i >= text.length) throw new ExpressionSyntaxError(`unterminated ${q === '"' ? 'string' : 'character'} literal (column ${start + 1})`, start);
  return [value, i + 1];
}

/** Binding powers of the binary operators (higher binds tighter), as C ranks them. */
const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};
const CONDITIONAL_POWER = 0.5;

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  private get peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private isPunct(text: string, offset = 0): boolean {
    const t = this.tokens[this.pos + offset];
    return t !== undefined && t.kind === 'punct' && t.text === text;
  }

  private expect(text: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text) throw new ExpressionSyntaxError(`expected '${text}' ${where(t)}`, t.at);
  }

  parseAll(): Expr {
    if (this.peek.kind === 'end') throw new ExpressionSyntaxError('empty expression', 0);
    const e = this.expression(0);
    const t = this.peek;
    if (t.kind !== 'end') throw new ExpressionSyntaxError(`unexpected '${t.text}' at column ${t.at + 1}`, t.at);
    return e;
  }

  private expression(minPower: number): Expr {
    let left = this.prefix();
    for (;;) {
      const t = this.peek;
      if (t.kind !== 'punct') break;
      if (t.text === '?' && CONDITIONAL_POWER >= minPower) {
        this.next();
        const then = this.expression(0);
        this.expect(':');
        const otherwise = this.expression(CONDITIONAL_POWER);
        left = { kind: 'conditional', test: left, then, otherwise };
        continue;
      }
      const power = BINARY[t.text];
      if (power === undefined || power <= minPower) break;
      this.next();
      const right = this.expression(power);
      left = t.text === '&&' || t.text === '||'
        ? { kind: 'logical', op: t.text, left, right }
        : { kind: 'binary', op: t.text as BinaryOp, left, right };
    }
    return left;
  }

  private prefix(): Expr {
    const t = this.peek;
    if (t.kind === 'punct' && ['-', '+', '!', '~', '*', '&'].includes(t.text)) {
      this.next();
      return { kind: 'unary', op: t.text as UnaryOp, operand: this.prefix() };
    }
    if (t.kind === 'ident' && t.text === 'sizeof') {
      this.next();
      if (this.isPunct('(') && this.startsTypeName(1)) {
        this.next();
        const type = this.typeName();
        this.expect(')');
        return { kind: 'sizeof', type };
      }
      return { kind: 'sizeof', operand: this.prefix() };
    }
    if (this.isPunct('(') && this.startsTypeName(1)) {
      this.next();
      const type = this.typeName();
      this.expect(')');
      return { kind: 'cast', type, operand: this.prefix() };
    }
    return this.postfix(this.primary());
  }

  /**
   * Whether a type name starts `offset` tokens ahead: a type word, or `name)` followed by something
   * that can only be an operand, or `name *...)`. `(x) - 1` stays a parenthesised expression.
   */
  private startsTypeName(offset: number): boolean {
    const t = this.tokens[this.pos + offset];
    if (t?.kind !== 'ident') return false;
    if (TYPE_WORDS.has(t.text) || (WELL_KNOWN_TYPEDEFS.test(t.text) && this.isPunct(')', offset + 1))) return true;
    let i = offset + 1;
    let stars = 0;
    while (this.isPunct('*', i)) { i++; stars++; }
    if (!this.isPunct(')', i)) return false;
    if (stars > 0) return true;
    const after = this.tokens[this.pos + i + 1];
    return after !== undefined && (['int', 'float', 'char', 'string', 'ident', 'dollar'].includes(after.kind) || (after.kind === 'punct' && after.text === '('));
  }

  private typeName(): TypeName {
    const words: string[] = [];
    while (this.peek.kind === 'ident') {
      const w = this.next().text;
      if (w === 'const' || w === 'volatile') continue;
      words.push(w);
      if (w === 'struct' || w === 'union' || w === 'enum') {
        const tag = this.next();
        if (tag.kind !== 'ident') throw new ExpressionSyntaxError(`expected a ${w} tag ${where(tag)}`, tag.at);
        words.push(tag.text);
        break;
      }
      if (!TYPE_WORDS.has(w)) break; // a typedef name is the whole base
    }
    let pointers = 0;
    for (;;) {
      if (this.isPunct('*')) { this.next(); pointers++; } else if (this.peek.kind === 'ident' && (this.peek.text === 'const' || this.peek.text === 'volatile')) this.next();
      else break;
    }
    return { base: words.join(' '), pointers };
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'int': {
        const suffix = t.text.replace(/^(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)/, '').toLowerCase();
        return { kind: 'int', value: t.value as bigint, unsigned: suffix.includes('u'), long: suffix.includes('l') };
      }
      case 'float': return { kind: 'float', value: t.value as number };
      case 'char': return { kind: 'char', value: t.value as bigint };
      case 'string': return { kind: 'string', value: t.value as string };
      case 'ident': return { kind: 'name', name: t.text };
      case 'dollar': return { kind: 'dollar', name: t.value as string };
      case 'punct':
        if (t.text === '(') {
          const e = this.expression(0);
          this.expect(')');
          return e;
        }
        break;
      case 'end':
        throw new ExpressionSyntaxError('the expression ends too early', t.at);
    }
    throw new ExpressionSyntaxError(`unexpected '${t.text}' at column ${t.at + 1}`, t.at);
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      if (this.isPunct('.') || this.isPunct('->')) {
        const arrow = this.next().text === '->';
        const name = this.next();
        if (name.kind !== 'ident') throw new ExpressionSyntaxError(`expected a member name ${where(name)}`, name.at);
        e = { kind: 'member', object: e, name: name.text, arrow };
      } else if (this.isPunct('[')) {
        this.next();
        const index = this.expression(0);
        this.expect(']');
        e = { kind: 'index', object: e, index };
      } else {
        return e;
      }
    }
  }
}

function where(t: Token): string {
  return t.kind === 'end' ? 'at the end' : `at column ${t.at + 1} (found '${t.text}')`;
}

/** Parses one expression; a syntax error is an ExpressionSyntaxError with a column. */
export function parseExpression(text: string): Expr {
  return new Parser(tokenize(text)).parseAll();
}
