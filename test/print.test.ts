import { describe, expect, it } from 'vitest';
import type { Expr } from '../src/parser/ast.js';
import { parse } from '../src/parser/parse.js';
import { printExpr, printProgram } from '../src/parser/print.js';
import { exprDifference, programDifference } from './helpers/ast.js';

const roundTrip = (text: string) => {
  const ast = parse(text);
  const printed = printProgram(ast);
  const again = parse(printed);
  return { printed, difference: programDifference(ast, again) };
};

describe('printProgram: minimal parentheses that re-parse to the same AST', () => {
  // [input, expected print]: the expected texts follow from the precedence ladder in grammar.ts, by hand.
  const cases: [string, string][] = [
    ['x+y*z', 'x + y*z'],
    ['(x+y)*z', '(x + y)*z'],
    ['x-(y-z)', 'x - (y - z)'],
    ['(x-y)-z', 'x - y - z'],
    ['x+(y+z)', 'x + (y + z)'], // the AST is right-nested: the parentheses must stay
    ['x/(y*z)', 'x/(y*z)'],
    ['(x/y)*z', 'x/y*z'],
    ['-x^2', '-x^2'],
    ['(-x)^2', '(-x)^2'],
    ['2^3^2', '2^3^2'],
    ['(2^3)^2', '(2^3)^2'],
    ['2^-1', '2^-1'],
    ['2^(-x)^2', '2^(-x)^2'],
    ['2^-x^2', '2^-x^2'],
    ['x ** y', 'x^y'],
    ['2x^2', '2x^2'],
    ['(2x)^2', '(2x)^2'],
    ['2^3x', '2^3x'],
    ['1/2x', '1/2x'],
    ['-2x', '-2x'],
    ['2(x+1)', '2(x + 1)'],
    ['2sin(x)', '2sin(x)'],
    ['3a*b', '3a*b'],
    ['a*3b', 'a*3b'],
    ['2(3)', '2(3)'], // a coefficient of a number keeps its parentheses
    ['2(3^x)', '2(3^x)'],
    ['2(-x)', '2(-x)'],
    ['2(3x)', '2(3x)'],
    ['2(e1)', '2(e1)'], // 2e1 would be the number 20
    ['2(E5)', '2(E5)'],
    ['0(xa)', '0(xa)'], // 0xa would be a hexadecimal literal
    ['0(b1)', '0(b1)'],
    ['2(_x)', '2_x'], // the coefficient 2 times the name _x
    ['2(_1)', '2(_1)'], // 2_1 would be a number with a digit separator
    ['2e', '2e'], // 2 times the constant e
    ['2.5e1x', '2.5e1x'],
    ['--x', '--x'],
    ['-(-x)', '--x'],
    ['-+x', '-+x'],
    ['a - -b', 'a - -b'],
    ['a*-b', 'a*-b'],
    ['-a*b', '-a*b'],
    ['-(a*b)', '-(a*b)'],
    ['max(x, y, -z)', 'max(x, y, -z)'],
    ['f()', 'f()'],
    ['log((x+1), 2)', 'log(x + 1, 2)'],
    ['θ^2 + α', 'θ^2 + α'],
    ['b = 5 - 3a; c = 2b + 3\ne = 7c + b^2', 'b = 5 - 3a\nc = 2b + 3\ne = 7c + b^2'],
    ['1e309 + .5 + 2.', '1e309 + .5 + 2.'],
  ];
  it.each(cases)('%s prints as %s and re-parses to the same AST', (input, expected) => {
    const { printed, difference } = roundTrip(input);
    expect(printed).toBe(expected);
    expect(difference).toBeUndefined();
  });

  it('joins statements with a chosen separator', () => {
    expect(printProgram(parse('a = 1\na + x'), '; ')).toBe('a = 1; a + x');
    expect(printProgram(parse(''))).toBe('');
  });
});

describe('printing deep ASTs iteratively', () => {
  const span = { start: 0, end: 0 };
  const x: Expr = { kind: 'name', name: 'x', span };

  it('prints 100,000 nested unary minus signs, which parse back', () => {
    const text = '-'.repeat(100000) + 'x';
    const ast = parse(text);
    const printed = printProgram(ast);
    expect(printed).toBe(text);
    expect(programDifference(ast, parse(printed))).toBeUndefined();
  });

  it('prints a 100,000-deep right-nested sum with one pair of parentheses per level', () => {
    let e: Expr = x;
    for (let i = 0; i < 100000; i++) e = { kind: 'binary', op: '+', left: { kind: 'name', name: 'y', span }, right: e, span };
    const printed = printExpr(e);
    expect(printed.length).toBe(100000 * 'y + ()'.length + 1 - 2);
    expect(printed.startsWith('y + (y + (')).toBe(true);
    expect(printed.endsWith('y + x' + ')'.repeat(99999))).toBe(true);
  });

  it('prints a 100,000-level power tower without parentheses (right-associative)', () => {
    const text = '2^'.repeat(100000) + 'x';
    const ast = parse(text);
    expect(printProgram(ast)).toBe(text);
  });

  it('detects differences (the comparison used by the round-trip tests can fail)', () => {
    expect(exprDifference(parse('2x').statements[0]!.expr, parse('2*x').statements[0]!.expr)).toContain('implicit');
    expect(exprDifference(parse('(a+b)+c').statements[0]!.expr, parse('a+(b+c)').statements[0]!.expr)).toBeDefined();
    expect(exprDifference(parse('2.0').statements[0]!.expr, parse('2').statements[0]!.expr)).toContain('number');
  });
});
