// The expression language on its own: parsing (precedence, casts, literals, errors with columns),
// C arithmetic (widths, signedness, pointers), and the compile-once condition, hit-condition and
// log-message forms over a plain field environment (what exception-filter conditions use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledExpression, Condition, HitCondition, LogMessage, fieldEnvironment, showValue } from '../../debug-adapter/debugger/condition';
import { parseExpression } from '../../debug-adapter/debugger/expression-parse';
import type { ExpressionEnvironment } from '../../debug-adapter/debugger/expression-eval';

function run(text: string, env: ExpressionEnvironment = fieldEnvironment({})): string {
  const c = CompiledExpression.compile(text);
  if (!c.ok) return `syntax: ${c.message}`;
  const v = c.value.evaluate(env);
  return v.ok ? showValue(v.value) : `error: ${v.message}`;
}

test('precedence and associativity follow C', () => {
  assert.equal(run('1 + 2 * 3'), '7');
  assert.equal(run('(1 + 2) * 3'), '9');
  assert.equal(run('10 - 3 - 2'), '5');
  assert.equal(run('1 << 4 | 1'), '17');
  assert.equal(run('1 | 2 == 2'), '1', '== binds tighter than |');
  assert.equal(run('-5 / 2'), '-2', 'division truncates toward zero');
  assert.equal(run('-5 % 3'), '-2');
  assert.equal(run('!0 + !7'), '1');
  assert.equal(run('~0'), '-1');
  assert.equal(run('1 ? 2 : 3'), '2');
  assert.equal(run('0 ? 2 : 0 ? 3 : 4'), '4');
  assert.equal(run('0 && (1 / 0)'), '0', '&& short-circuits');
  assert.equal(run('1 || (1 / 0)'), '1');
});

test('literals: hex, octal, binary, char with escapes, suffixes, strings', () => {
  assert.equal(run('0x10 + 010 + 0b11'), String(16 + 8 + 3));
  assert.equal(run("'A'"), '65');
  assert.equal(run("'\\n' + '\\x41'"), String(10 + 65));
  assert.equal(run('"a\\tb"'), 'a\tb');
  assert.equal(run('0xffffffff + 1'), '0', 'an unsigned 32-bit hex constant wraps at 32 bits');
  assert.equal(run('0xffffffffUL + 1'), String(0x1_0000_0000));
  assert.equal(run('2147483647 + 1'), '-2147483648', 'int overflow wraps like the guest would');
  assert.equal(run('0xffffffffffffffff'), '18446744073709551615');
  assert.equal(run('1.5 * 2'), '3');
});

test('casts narrow and sign-extend; pointer arithmetic steps by element size', () => {
  assert.equal(run('(unsigned char)0x1ff'), '255');
  assert.equal(run('(signed char)0xff'), '-1');
  assert.equal(run('(uint16_t)-1'), '65535');
  assert.equal(run('(int)3.9'), '3');
  assert.equal(run('(_Bool)42'), '1');
  assert.equal(run('(unsigned)-1 > 0'), '1', 'unsigned comparison');
  assert.equal(run('-1 < 0u'), '0', 'the usual conversions make -1 unsigned');
  assert.equal(run('(uint32_t *)0x1000 + 2'), '0x1008');
  assert.equal(run('(uint64_t *)0x1000 - (uint64_t *)0xff0'), '2');
  assert.equal(run('(char **)0x1000 + 1'), '0x1008');
});

test('a plain field environment: names, $-names, string comparison', () => {
  const env = fieldEnvironment({ id: 0x84000008n, ec: 0x16, far: 0xffff_0000_0000_1000n }, { persona: 'work' });
  assert.equal(run('id == 0x84000008', env), '1');
  assert.equal(run('ec == 0x24', env), '0');
  assert.equal(run('far >> 48', env), String(0xffff));
  assert.equal(run('$persona == "work"', env), '1');
  assert.equal(run('$persona != "work" || ec == 0x16', env), '1');
  assert.equal(run('nope + 1', env), "error: no symbol 'nope' in this context");
  assert.equal(run('$x0', env), "error: no register or variable '$x0'");
  assert.equal(run('$persona < "a"', env), 'error: < cannot apply to a string');
  assert.equal(run('id.x', env), 'error: member access needs typed variables, which this context has none of');
  assert.equal(run('1 / (ec - 0x16)', env), 'error: division by zero');
});

test('syntax errors name the column; none is an exception', () => {
  assert.match(run('1 +'), /^syntax: the expression ends too early/);
  assert.match(run('(1 + 2'), /^syntax: expected '\)' at the end/);
  assert.match(run('1 @ 2'), /^syntax: unexpected '@' at column 3/);
  assert.match(run("'ab'"), /one character/);
  assert.match(run('"abc'), /unterminated string/);
  assert.match(run(''), /empty expression/);
  assert.match(run('a.'), /expected a member name at the end/);
});

test('the parser tells casts from parenthesised names', () => {
  assert.deepEqual(parseExpression('(struct foo *)0x40001000'), { kind: 'cast', type: { base: 'struct foo', pointers: 1 }, operand: { kind: 'int', value: 0x40001000n, unsigned: false, long: false } });
  assert.equal(parseExpression('(my_t)x').kind, 'cast');
  assert.equal(parseExpression('(x) - 1').kind, 'binary');
  assert.equal(parseExpression('(unsigned long)p').kind, 'cast');
  const e = parseExpression('*p->next[2].v');
  assert.equal(e.kind, 'unary', 'postfix operators bind tighter than *');
  assert.equal(parseExpression('sizeof(int)').kind, 'sizeof');
});

test('conditions compile once and test many times; errors are messages', () => {
  const c = Condition.compile('id == 0x84000008 && vcpu == 1');
  assert.ok(c.ok);
  assert.deepEqual(c.value.test(fieldEnvironment({ id: 0x84000008, vcpu: 1 })), { ok: true, value: true });
  assert.deepEqual(c.value.test(fieldEnvironment({ id: 0x84000008, vcpu: 0 })), { ok: true, value: false });
  assert.deepEqual(c.value.test(fieldEnvironment({ id: 0x84000008 })), { ok: false, message: "condition 'id == 0x84000008 && vcpu == 1': no symbol 'vcpu' in this context" });
  const bad = Condition.compile('id ==');
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.message, /^condition 'id ==': the expression ends too early/);
});

test('hit conditions: bare count, comparisons, modulo', () => {
  const hits = (text: string): number[] => {
    const h = HitCondition.compile(text);
    assert.ok(h.ok, text);
    return [1, 2, 3, 4, 5, 6].filter((n) => h.value.matches(n));
  };
  assert.deepEqual(hits('5'), [5]);
  assert.deepEqual(hits('>= 3'), [3, 4, 5, 6]);
  assert.deepEqual(hits('>3'), [4, 5, 6]);
  assert.deepEqual(hits('< 3'), [1, 2]);
  assert.deepEqual(hits('% 2'), [2, 4, 6]);
  assert.deepEqual(hits('== 4'), [4]);
  assert.equal(HitCondition.compile('often').ok, false);
  assert.equal(HitCondition.compile('% 0').ok, false);
});

test('log messages interpolate {expressions}; a failing part does not hide the rest', () => {
  const m = LogMessage.compile('id={id} twice={id * 2} {{literal}} bad={nope}!');
  assert.ok(m.ok);
  assert.equal(m.value.format(fieldEnvironment({ id: 21 })), "id=21 twice=42 {literal} bad=<error: no symbol 'nope' in this context>!");
  assert.equal(LogMessage.compile('x={x').ok, false);
  assert.equal(LogMessage.compile('x={1 +}').ok, false);
});
