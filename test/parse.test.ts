// Parsing: precedence, coefficients, `**`, scientific notation, Unicode names, programs; and syntax errors.
import { describe, expect, it } from 'vitest';
import { parse } from '../src/parser/parse.js';
import type { Expr, Statement } from '../src/parser/ast.js';
import { AdiffError, lineColumn } from '../src/diagnostics.js';

/** A test-local s-expression view of the AST (independent of the library's printer). */
function sexp(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'name':
      return e.name;
    case 'unary':
      return `(${e.op === '-' ? 'neg' : 'pos'} ${sexp(e.arg)})`;
    case 'binary':
      return `(${e.op} ${sexp(e.left)} ${sexp(e.right)})`;
    case 'call':
      return `(${e.name}${e.args.map((a) => ' ' + sexp(a)).join('')})`;
  }
}
const stmt = (s: Statement) => (s.kind === 'assign' ? `${s.name} := ${sexp(s.expr)}` : sexp(s.expr));
const show = (text: string) => parse(text).statements.map(stmt).join('; ');

describe('expressions', () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['8 / 4 / 2', '(/ (/ 8 4) 2)'],
    ['a * b / c * d', '(* (/ (* a b) c) d)'],
    ['2^3^2', '(^ 2 (^ 3 2))'],
    ['2**3**2', '(^ 2 (^ 3 2))'],
    ['x ** 2', '(^ x 2)'],
    ['-x^2', '(neg (^ x 2))'],
    ['2^-1', '(^ 2 (neg 1))'],
    ['2^-x^2', '(^ 2 (neg (^ x 2)))'],
    ['-2^2', '(neg (^ 2 2))'],
    ['--x', '(neg (neg x))'],
    ['+x', '(pos x)'],
    ['a - -b', '(- a (neg b))'],
    ['(a + b) * c', '(* (+ a b) c)'],
    ['-(x+y)*x + 1', '(+ (* (neg (+ x y)) x) 1)'],
    // coefficients
    ['3a', '(* 3 a)'],
    ['2b + 3', '(+ (* 2 b) 3)'],
    ['2(x+1)', '(* 2 (+ x 1))'],
    ['2sin(x)', '(* 2 (sin x))'],
    ['2x^2', '(* 2 (^ x 2))'],
    ['1/2x', '(/ 1 (* 2 x))'],
    ['2^3x', '(^ 2 (* 3 x))'],
    ['-2x', '(neg (* 2 x))'],
    ['2x*3', '(* (* 2 x) 3)'],
    ['2.5x', '(* 2.5 x)'],
    ['2pi', '(* 2 pi)'],
    ['2e', '(* 2 e)'],
    // numbers
    ['2e3', '2000'],
    ['2.5', '2.5'],
    ['.5', '0.5'],
    ['1e-3', '0.001'],
    ['1.5E+10', '15000000000'],
    ['2e3x', '(* 2000 x)'],
    // names
    ['x1 + x_1 + theta + _t', '(+ (+ (+ x1 x_1) theta) _t)'],
    ['θ + α*β', '(+ θ (* α β))'],
    ['2θ', '(* 2 θ)'],
    // calls
    ['atan2(y, x)', '(atan2 y x)'],
    ['max(a, b, c)', '(max a b c)'],
    ['log(x, 2)', '(log x 2)'],
    ['sin (x)', '(sin x)'],
    // typographic operators pasted from documents
    ['a − b × c ÷ d', '(- a (/ (* b c) d))'],
  ])('%s', (text, expected) => {
    expect(show(text)).toBe(expected);
  });
});

describe('programs', () => {
  it.each([
    ['a = 1; a + 1', 'a := 1; (+ a 1)'],
    ['a = 1\nb = 2\na*b', 'a := 1; b := 2; (* a b)'],
    ['a = 1;;\n\n b = a;', 'a := 1; b := a'],
    ['y = x +\n 3\ny', 'y := (+ x 3); y'],
    ['y = (x\n + 3)', 'y := (+ x 3)'],
    ['e = 7c + d^2', 'e := (+ (* 7 c) (^ d 2))'],
    ['x # a comment\n', 'x'],
    ['', ''],
  ])('%j', (text, expected) => {
    expect(show(text)).toBe(expected);
  });
});

function syntaxError(text: string) {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(AdiffError);
    const d = (e as AdiffError).diagnostic;
    const at = lineColumn(text, d.span!.start);
    return { message: d.message, hint: d.hint, line: at.line, column: at.column, kind: d.kind };
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(text)}`);
}

describe('syntax errors point at the place', () => {
  it.each([
    ['x y', /missing operator between 'x' and 'y'/, 1, 1, /x\*y/],
    ['2 x', /missing operator between '2' and 'x'/, 1, 1, /2x without the space/],
    ['sin(x', /unbalanced parenthesis: '\(' is never closed/, 1, 4, /\)/],
    ['x + 1)', /unbalanced parenthesis: '\)' has no matching/, 1, 6, undefined],
    ['2 *', /expected an expression after '\*'/, 1, 3, undefined],
    ['* 2', /expected an operand before '\*'/, 1, 1, undefined],
    ['a = b = c', /'=' can only follow a name/, 1, 7, undefined],
    ['x $ y', /unexpected character '\$'/, 1, 3, undefined],
    ['0x10', /only decimal numbers/, 1, 1, /16/],
    ['1_000', /digit separators/, 1, 1, /1000/],
    ['.', /unexpected character '\.'/, 1, 1, undefined],
    ['1..2', /missing operator between '1\.' and '\.2'/, 1, 1, undefined],
    ['a = 1\nb = (2 +\n\n 3 *)', /expected an expression after '\*', found '\)'/, 4, 5, undefined],
    ['θ θ', /missing operator/, 1, 1, undefined],
    ['αβγ + (', /never closed/, 1, 7, undefined],
  ])('%j', (text, message, line, column, hint) => {
    const e = syntaxError(text);
    expect(e.message).toMatch(message);
    expect([e.line, e.column]).toEqual([line, column]);
    if (hint) expect(e.hint).toMatch(hint);
  });
});

describe('depth', () => {
  it('parses 1,000-deep parentheses, calls, exponent towers and sign chains', () => {
    const d = 1000;
    expect(() => parse('('.repeat(d) + 'x' + ')'.repeat(d))).not.toThrow();
    expect(() => parse('sin('.repeat(d) + 'x' + ')'.repeat(d))).not.toThrow();
    expect(() => parse('2^'.repeat(d) + 'x')).not.toThrow();
    expect(() => parse('-'.repeat(d) + 'x')).not.toThrow();
  });
  it('past the limit, a clean error (never a stack overflow)', () => {
    const d = 100000;
    const e = syntaxError('('.repeat(d) + 'x' + ')'.repeat(d));
    expect(e.kind).toBe('limit');
    expect(e.message).toMatch(/nested too deeply/);
  });
  it('a long flat sum parses', () => {
    const terms = Array.from({ length: 10000 }, (_, k) => `${k + 1}*x`).join(' + ');
    expect(parse(terms).statements).toHaveLength(1);
  });
});
