// Precision of the rule table's partials where the textbook formulas lose it: cancellation in 1 - x² near ±1 and in
// 1 - tanh² for large |x|, overflow of x² (asinh) and of x·ln 10. Every expected value
// is the exact derivative at the given double, rounded to double, computed with Python's mpmath at 50 digits from
// the closed form written next to it (e.g. `mp.mpf(1)/(1 - x*x)` for atanh'), not from adiff's own rules. Each
// case goes through every interpretation of the rule: the interpreter (`eval --at`, the library), the compiled
// kernels (`eval --points`, `gradientColumns`, `hessian --points`) and the printed formula read back (`diff` | `eval`).
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { json, run } from './helpers/cli.js';

/** The spacing of doubles just above |v| (2^-1074 for 0 and subnormals). */
function ulpOf(v: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0) - Math.abs(v);
}

/** |actual - expected| within `ulps` units in the last place of `expected`. */
function expectNear(actual: number, expected: number, ulps = 4, what = '') {
  const error = Math.abs(actual - expected) / ulpOf(expected);
  expect(Number.isFinite(actual) && error <= ulps, `${what}: ${actual} vs ${expected} (${error.toPrecision(3)} ulps)`).toBe(true);
}

const atText = (at: Record<string, number>) =>
  Object.entries(at)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

interface Case {
  expr: string;
  at: Record<string, number>;
  /** The exact partials (mpmath), by variable. */
  grad: Record<string, number>;
  /** The formula, as mpmath evaluated it, and what the old rule gave (for the record). */
  why: string;
  /** The tolerance in ulps (4 unless said). */
  ulps?: number;
  /**
   * Read back `diff --plain`: the simplified print writes the divisor as one product (-log(x, b)/(b*ln(b))), which
   * overflows here where the rule's one-factor-at-a-time division does not (a documented limit of docs/diff.md).
   */
  plain?: boolean;
}

const x30 = 1 - 2 ** -30; // 0.9999999990686774

const FIRST: Case[] = [
  // 1 - x² loses 9 of 16 digits at 1 - 2^-30; (1 - x)(1 + x) does not.
  { expr: 'asin(x)', at: { x: x30 }, grad: { x: 23170.475011315586 }, why: '1/sqrt(1-x*x); was 23170.475005920787' },
  { expr: 'acos(x)', at: { x: x30 }, grad: { x: -23170.475011315586 }, why: '-1/sqrt(1-x*x); was -23170.475005920787' },
  { expr: 'asin(x)', at: { x: -x30 }, grad: { x: 23170.475011315586 }, why: '1/sqrt(1-x*x); was 23170.475005920787' },
  { expr: 'atanh(x)', at: { x: x30 }, grad: { x: 536870912.25 }, why: '1/(1-x*x); was 536870912' },
  { expr: 'atanh(x)', at: { x: 0.9999999 }, grad: { x: 5000000.252631792 }, why: '1/(1-x*x); was 5000000.252431973' },
  // 1 - tanh(x)² is 0 from |x| ≈ 19 on; sech(x)² = 4/(e^x + e^-x)² is not.
  { expr: 'tanh(x)', at: { x: 20 }, grad: { x: 1.6993417021166355e-17 }, why: 'sech(x)**2 = 4/(e**20+e**-20)**2; was 0' },
  { expr: 'tanh(x)', at: { x: -30 }, grad: { x: 3.502604305078608e-26 }, why: 'sech(x)**2; was 0' },
  { expr: 'tanh(x)', at: { x: 360 }, grad: { x: 8.12892320967e-313 }, why: 'sech(x)**2, a subnormal (1/cosh(x)^2 would give 0); was 0' },
  { expr: 'tanh(x)', at: { x: 0.5 }, grad: { x: 0.7864477329659274 }, why: 'sech(x)**2' },
  { expr: 'tanh(x)', at: { x: 800 }, grad: { x: 0 }, why: 'sech(800)**2 ≈ 1e-695 underflows; cosh(800) = Infinity and Infinity^-2 = 0' },
  // x² overflows beyond 1.3e154: 1/sqrt(1 + x²) gave 0.
  { expr: 'asinh(x)', at: { x: 1e200 }, grad: { x: 1e-200 }, why: '1/sqrt(1+x*x); was 0' },
  { expr: 'asinh(x)', at: { x: -3e170 }, grad: { x: 3.3333333333333334e-171 }, why: '1/sqrt(1+x*x); was 0' },
  // atan2 keeps x/(x² + y²): correctly rounded where x² + y² is exact (its overflow beyond 1e±154 is a documented limit).
  { expr: 'atan2(y, x)', at: { y: 1, x: -1 }, grad: { y: -0.5, x: -0.5 }, why: 'x/(x*x+y*y), -y/(x*x+y*y) = -1/2, -1/2', ulps: 0 },
  { expr: 'atan2(y, x)', at: { y: 2, x: 1 }, grad: { y: 0.2, x: -0.4 }, why: '1/5, -2/5', ulps: 0 },
  // x·ln 10 overflows for x > 7.8e307 (the derivative, a subnormal, was 0); a subnormal x·ln 2 was rounded.
  { expr: 'log10(x)', at: { x: 1e308 }, grad: { x: 4.34294481903252e-309 }, why: '1/(x*log(10)); was 0' },
  { expr: 'log2(x)', at: { x: 8.053284849181694e-309 }, grad: { x: 1.7914367465042016e308 }, why: '1/(x*log(2)); was 1.7914367465042026e308 (5 ulps)', ulps: 1 },
  { expr: 'log(x, b)', at: { x: 1e308, b: 10 }, grad: { x: 4.34294481903252e-309, b: -13.376270042620154 }, why: '1/(x*log(b)), -log(x)/(b*log(b)**2); ∂x was 0' },
  { expr: 'log(x, b)', at: { x: 2.718281828459045, b: 1e308 }, grad: { x: 0.000518727309436394, b: -1.9882325963e-314 }, why: 'same; ∂b was 0', plain: true },
];

describe('first derivatives keep their precision, in every interpretation of the rule', () => {
  it.each(FIRST)('$expr at $at: $why', async ({ expr, at, grad, ulps = 4, plain }) => {
    const vars = Object.keys(grad);
    const check = (got: Record<string, number>, how: string) => vars.forEach((v) => expectNear(got[v]!, grad[v]!, ulps, `${how} ∂/∂${v}`));

    // The interpreter: the CLI at one point, in both modes, and the library.
    for (const mode of ['reverse', 'forward']) {
      const t = await run(['eval', expr, '--at', atText(at), '--mode', mode, '--json']);
      expect(t.code).toBe(0);
      check(json(t).gradient, `eval --at --mode ${mode}`);
    }
    const f = compile(expr);
    check(f.gradient(at), 'library gradient');

    // The compiled kernels: --points and the library's columns.
    const batch = await run(['eval', expr, '--points', '-'], { stdin: `${JSON.stringify(at)}\n` });
    expect(batch.code).toBe(0);
    check(JSON.parse(batch.stdout).gradient, 'eval --points');
    const value = new Float64Array(1);
    const grads = f.inputs.map(() => new Float64Array(1));
    f.gradientColumns(
      f.inputs.map((v) => Float64Array.of(at[v]!)),
      value,
      grads,
    );
    check(Object.fromEntries(f.inputs.map((v, k) => [v, grads[k]![0]!])), 'gradientColumns');

    // The printed derivative, read back.
    for (const v of vars) {
      const d = await run(['diff', expr, '--wrt', v, ...(plain ? ['--plain'] : [])]);
      expect(d.code).toBe(0);
      const e = await run(['eval', '-', '--at', atText(at), '--json'], { stdin: d.stdout });
      expect(e.code).toBe(0);
      expectNear(json(e).value, grad[v]!, ulps, `diff --wrt ${v} | eval`);
    }
  });
});

interface SecondCase {
  expr: string;
  at: Record<string, number>;
  /** The exact Hessian (mpmath), row by row in the order of the variables. */
  hessian: Record<string, Record<string, number>>;
  why: string;
  /** Read back `diff --plain` (see Case.plain): -x/hypot(1, x)^3 overflows in the cube where x/h/h/h does not. */
  plain?: boolean;
}

const SECOND: SecondCase[] = [
  { expr: 'tanh(x)', at: { x: 20 }, hessian: { x: { x: -3.398683404233271e-17 } }, why: '-2*tanh(x)*sech(x)**2; was 0' },
  { expr: 'tanh(x)', at: { x: 100 }, hessian: { x: { x: -1.10711722138939e-86 } }, why: '-2*tanh(x)*sech(x)**2; was 0' },
  { expr: 'asin(x)', at: { x: x30 }, hessian: { x: { x: 12439554045005.59 } }, why: 'x/(1-x*x)**1.5; was 12439554036316.658' },
  { expr: 'atanh(x)', at: { x: x30 }, hessian: { x: { x: 576460752303423500 } }, why: '2*x/(1-x*x)**2; was 576460751766552600' },
  { expr: 'asinh(x)', at: { x: 1e120 }, hessian: { x: { x: -1.0000000000000001e-240 } }, why: '-x/(1+x*x)**1.5', plain: true },

];

describe('second derivatives built from the same rules stay accurate', () => {
  it.each(SECOND)('$expr at $at: $why', async ({ expr, at, hessian, plain }) => {
    const vars = Object.keys(hessian);
    const check = (got: Record<string, Record<string, number>>, how: string) =>
      vars.forEach((a) => vars.forEach((b) => expectNear(got[a]![b]!, hessian[a]![b]!, 8, `${how} ∂²/∂${a}∂${b}`)));

    const t = await run(['hessian', expr, '--at', atText(at), '--json']);
    expect(t.code).toBe(0);
    check(json(t).hessian, 'hessian --at');
    check(compile(expr).hessian(at), 'library hessian');
    const batch = await run(['hessian', expr, '--points', '-'], { stdin: `${JSON.stringify(at)}\n` });
    expect(batch.code).toBe(0);
    check(JSON.parse(batch.stdout).hessian, 'hessian --points');
    if (vars.length === 1) {
      const d = await run(['diff', expr, '--order', '2', ...(plain ? ['--plain'] : [])]);
      const e = await run(['eval', '-', '--at', atText(at), '--json'], { stdin: d.stdout });
      expectNear(json(e).value, hessian.x!.x!, 8, 'diff --order 2 | eval');
      // Taylor mode (eval --order) propagates the same partials.
      const o = await run(['eval', expr, '--at', atText(at), '--order', '2', '--json']);
      expectNear(json(o).derivatives[2], hessian.x!.x!, 8, 'eval --order 2');
    }
  });

  it('the price of (1 - x)(1 + x): near 0 its derivative (1 - x) - (1 + x) = -2x is accurate to ~1e-16 absolute, not relative', async () => {
    // asin''(x) = x/(1-x²)^1.5 ≈ x near 0 (mpmath: 1.0000000000000015e-08 at 1e-8); the Hessian is within a few 1e-16.
    const h = compile('asin(x)').hessian({ x: 1e-8 }).x!.x!;
    expect(Math.abs(h - 1.0000000000000015e-8)).toBeLessThan(1e-15);
    expect(compile('asin(x)').hessian({ x: 0 }).x!.x!).toBe(0);
    expect(compile('atanh(x)').hessian({ x: 0 }).x!.x!).toBe(0);
  });

  it('tanh keeps its higher derivatives at 0 and its limits far out (no NaN from cosh = Infinity)', async () => {
    // tanh at 0: 0, 1, 0, -2, 0, 16 (the series x - x³/3 + 2x⁵/15).
    const o = await run(['eval', 'tanh(x)', '--at', 'x=0', '--order', '5', '--json']);
    expect(json(o).derivatives).toEqual([0, 1, 0, -2, 0, 16]);
    for (const x of [800, -800]) {
      const far = await run(['eval', 'tanh(x)', '--at', `x=${x}`, '--order', '4', '--json']);
      expect(json(far).derivatives.slice(1).map(Math.abs)).toEqual([0, 0, 0, 0]);
      const h = await run(['hessian', 'tanh(x)', '--at', `x=${x}`, '--json']);
      expect(Math.abs(json(h).hessian.x.x)).toBe(0);
    }
  });
});

describe('the printed derivatives stay readable', () => {
  it.each([
    // the simplifier keeps the product (1 - x)*(1 + x) of the rule (it does not multiply it out to 1 - x^2)
    ['asin(x)', '1/sqrt((1 - x)*(x + 1))'],
    ['acos(x)', '-1/sqrt((1 - x)*(x + 1))'],
    ['atanh(x)', '1/((1 - x)*(x + 1))'],
    ['tanh(x)', 'cosh(x)^(-2)'],
    ['asinh(x)', '1/hypot(1, x)'],
    ['acosh(x)', '1/(sqrt(x - 1)*sqrt(x + 1))'],
    ['log10(x)', '0.4342944819032518/x'],
    ['log2(x)', '1.4426950408889634/x'],
  ])('%s → %s', async (expr, printed) => {
    expect((await run(['diff', expr])).stdout).toBe(`${printed}\n`);
  });

  it('atan2 shares r² = x² + y²', async () => {
    expect((await run(['diff', 'atan2(y, x)'])).stdout).toBe('t1 = x^2 + y^2\ndf_dy = x/t1\ndf_dx = -y/t1\n');
  });
});

describe('one warning per subexpression', () => {
  it('atan2 at the origin: both partials NaN, one warning', async () => {
    const t = await run(['eval', 'atan2(y,x)', '--at', 'x=0,y=0']);
    expect(t.stderr.match(/warning:/g)).toHaveLength(1);
    expect(t.stderr).toContain("the derivative of 'atan2(y,x)' is NaN at this point");
  });
});
