// The cases of mathjs's own derivative tests (test/unit-tests/function/algebra/derivative.test.js in
// josdejong/mathjs) that use what issue 19 adds: each expected derivative, as mathjs writes it (transcribed into
// adiff's syntax: `log` is ln, implicit products written out), is evaluated as a formula and compared with adiff's
// derivative at a point inside the domain. The variable root of mathjs's `nthRoot((6x), (2x))` is not accepted
// (adiff's n is a constant integer, see docs/functions.md), so that case is an error here by design.
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

const CASES: [string, string, number][] = [
  ['+4x', '+4 * 1', 0.7],
  ['0^(2^x + x^3 + 2)', '0', 0.7],
  ['pow(0, 2^x + x^3 + 2)', '0', 0.7],
  ['nthRoot(6x)', '6 * 1 / (2 * sqrt(6*x))', 0.7],
  ['nthRoot(6x, 3)', '1 / 3 * 6 * 1 * (6*x) ^ (1 / 3 - 1)', 0.7],
  ['asec((2x))', '(2 * 1) / (abs((2*x)) * sqrt((2*x) ^ 2 - 1))', 0.7],
  ['acsc((2x))', '-(2 * 1) / (abs((2*x)) * sqrt((2*x) ^ 2 - 1))', 0.7],
  ['acot((2x))', '-(2 * 1) / ((2*x) ^ 2 + 1)', 0.7],
  ['sech(2x)', '-(2 * 1) * sech(2*x) * tanh(2*x)', 0.7],
  ['csch(2x)', '-(2 * 1) * csch(2*x) * coth(2*x)', 0.7],
  ['coth(2x)', '-(2 * 1) * csch(2*x) ^ 2', 0.7],
  ['asech((2x))', '-(2 * 1) / ((2*x) * sqrt(1 - (2*x) ^ 2))', 0.3],
  ['acsch((2x))', '-(2 * 1) / (abs((2*x)) * sqrt((2*x) ^ 2 + 1))', 0.7],
  // mathjs's test expects -(2 * 1) / (1 - (2x)^2), the wrong sign: acoth(u) = atanh(1/u) decreases for u > 1
  // (acoth(1.4) = ln(6)/2 = 0.896, acoth(1.41) = ln(2.41/0.41)/2 = 0.886), and d/du = -1/(u² - 1) = 1/(1 - u²).
  ['acoth((2x))', '(2 * 1) / (1 - (2*x) ^ 2)', 0.7],
];

describe("mathjs's derivative tests for the functions of issue 19", () => {
  it.each(CASES)('d/dx %s = %s at x = %d', (expr, expected, x) => {
    const got = compile(expr).gradient({ x }).x!;
    const want = compile(`${expected} + 0*x`).value({ x });
    expect(Math.abs(got - want)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(want)));
  });
  it('a variable root, nthRoot((6x), (2x)), is an error by design', () => {
    expect(() => compile('nthRoot((6x), (2x))')).toThrow(/must be a constant nonzero integer; it depends on a variable/);
  });
});
