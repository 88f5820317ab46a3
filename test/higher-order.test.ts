// Higher order in the library: derivative graphs, Hessians, Jacobians, JVP/VJP/HVP, printed derivatives and
// Taylor-mode derivatives of any order. Every expectation is a closed form derived by hand or a known series.
import { describe, expect, test } from 'vitest';
import { parse } from '../src/parser/parse.js';
import { lower, type Lowered } from '../src/autodiff/lower.js';
import { evaluate } from '../src/autodiff/evaluate.js';
import { gradientAt } from '../src/autodiff/gradient.js';
import { derivativeGraph, derivativesGraph, higherDerivativeGraph } from '../src/autodiff/derivative.js';
import { hessianAt, hvpAt } from '../src/autodiff/hessian.js';
import { jacobianAt, jvpAt, vjpAt } from '../src/autodiff/jacobian.js';
import { printGraph } from '../src/autodiff/symbolic.js';
import { derivativesAlong, derivativesWithBounds } from '../src/autodiff/taylor.js';
import { precisionWarning } from '../src/autodiff/diagnose.js';
import { GraphBuilder } from '../src/autodiff/graph.js';

const load = (text: string): Lowered => lower(parse(text));
const close = (actual: number, expected: number, rel = 1e-12) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
const closeAll = (actual: number[], expected: number[], rel = 1e-12) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => close(a, expected[i]!, rel));
};

/** A small seeded generator (mulberry32), so random points are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const factorial = (k: number) => {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
};

describe('Hessian', () => {
  test('of a quadratic form xᵀAx is 2A, everywhere', () => {
    const A = [
      [2, 1, -1],
      [1, 3, 0.5],
      [-1, 0.5, 4],
    ];
    const v = ['x', 'y', 'z'];
    const terms: string[] = [];
    A.forEach((row, i) => row.forEach((a, j) => terms.push(`${a}*${v[i]}*${v[j]}`)));
    const l = load(terms.join(' + '));
    const next = rng(1);
    for (let trial = 0; trial < 5; trial++) {
      const x = [next() * 4 - 2, next() * 4 - 2, next() * 4 - 2];
      const { hessian } = hessianAt(l.graph, l.output.node, x, [0, 1, 2]);
      hessian.forEach((row, i) => closeAll(row, A[i]!.map((a) => 2 * a)));
    }
  });

  test('of Rosenbrock at (1,1) is [[802,-400],[-400,200]], and its closed form elsewhere', () => {
    const l = load('(1-x)^2+100(y-x^2)^2');
    const at11 = hessianAt(l.graph, l.output.node, [1, 1], [0, 1]);
    expect(at11.value).toBe(0);
    closeAll(at11.gradient, [0, 0]);
    expect(at11.hessian).toEqual([
      [802, -400],
      [-400, 200],
    ]);
    // H = [[2 - 400(y - x²) + 800x², -400x], [-400x, 200]]
    const next = rng(2);
    for (let trial = 0; trial < 5; trial++) {
      const [x, y] = [next() * 4 - 2, next() * 4 - 2];
      const { hessian } = hessianAt(l.graph, l.output.node, [x, y], [0, 1]);
      closeAll(hessian[0]!, [2 - 400 * (y - x * x) + 800 * x * x, -400 * x]);
      closeAll(hessian[1]!, [-400 * x, 200]);
    }
  });

  test('is symmetric, and its --wrt subset and order are respected', () => {
    const l = load('sin(x*y) * exp(z/y) + ln(x^2 + z^2) * atan(y)');
    const { hessian } = hessianAt(l.graph, l.output.node, [0.7, 1.3, -0.4], [0, 1, 2]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(hessian[i]![j]).toBe(hessian[j]![i]);
    const sub = hessianAt(l.graph, l.output.node, [0.7, 1.3, -0.4], [2, 0]).hessian;
    closeAll(sub[0]!, [hessian[2]![2]!, hessian[2]![0]!]);
    closeAll(sub[1]!, [hessian[0]![2]!, hessian[0]![0]!]);
  });

  test('of a linear program is zero', () => {
    const l = load('a = 3x - 2y; b = a + 4z - 7; 2b - a/5');
    const { hessian, gradient } = hessianAt(l.graph, l.output.node, [1, 2, 3], [0, 1, 2]);
    expect(hessian.flat().every((h) => h === 0)).toBe(true);
    // ∂/∂x = 2*3 - 3/5, ∂/∂y = 2*(-2) + 2/5, ∂/∂z = 8
    closeAll(gradient, [6 - 0.6, -4 + 0.4, 8]);
  });

  test('mixed partials commute (derivative graphs differentiated in both orders)', () => {
    const programs = ['x^3*y^2 + sin(x*y)', 'exp(x)*cos(y) + x/y', 'atan2(y, x) * hypot(x, y)', 'x^y', 'log(x, y) + sqrt(x*y)'];
    const next = rng(3);
    for (const p of programs) {
      const l = load(p);
      const xy = higherDerivativeGraph(l.graph, l.output.node, [0, 1]);
      const yx = higherDerivativeGraph(l.graph, l.output.node, [1, 0]);
      for (let trial = 0; trial < 4; trial++) {
        const pt = [0.5 + next() * 2, 0.5 + next() * 2];
        close(evaluate(xy.graph, pt)[xy.node]!, evaluate(yx.graph, pt)[yx.node]!, 1e-11);
      }
    }
  });

  test('HVP equals H·v by hand: f = x²y + sin(z)', () => {
    // ∇f = (2xy, x², cos z); H = [[2y, 2x, 0], [2x, 0, 0], [0, 0, -sin z]]
    const l = load('x^2*y + sin(z)');
    const [x, y, z] = [1.5, -2, 0.3];
    const v = [1, 2, -3];
    const r = hvpAt(l.graph, l.output.node, [x, y, z], v);
    closeAll(r.gradient, [2 * x * y, x * x, Math.cos(z)]);
    closeAll(r.hvp, [2 * y * v[0]! + 2 * x * v[1]!, 2 * x * v[0]!, -Math.sin(z) * v[2]!]);
  });
});

describe('Jacobian, JVP, VJP', () => {
  const uv = load('u = x*y; v = x + y; w = sin(x)*y^2');
  const outs = ['u', 'v', 'w'].map((n) => uv.graph.names.find((b) => b.name === n)!.node);
  const [x, y] = [2, 3];
  // J = [[y, x], [1, 1], [cos(x) y², 2 y sin(x)]]
  const J = [
    [y, x],
    [1, 1],
    [Math.cos(x) * y * y, 2 * y * Math.sin(x)],
  ];

  test('forward and reverse give the same Jacobian, by hand', () => {
    for (const mode of ['forward', 'reverse'] as const) {
      const r = jacobianAt(uv.graph, outs, [x, y], [0, 1], mode);
      expect(r.mode).toBe(mode);
      closeAll(r.values, [6, 5, Math.sin(2) * 9]);
      r.jacobian.forEach((row, i) => closeAll(row, J[i]!));
    }
  });

  test('the shape chooses the sweep: fewer inputs than outputs → forward', () => {
    expect(jacobianAt(uv.graph, outs, [x, y], [0, 1]).mode).toBe('forward');
    expect(jacobianAt(uv.graph, outs.slice(0, 2), [x, y], [0, 1]).mode).toBe('reverse');
    expect(jacobianAt(uv.graph, outs.slice(0, 1), [x, y], [0, 1]).sweeps).toHaveLength(1);
  });

  test('JVP is J·v and VJP is vᵀ·J', () => {
    const d = [0.5, -2];
    const jvp = jvpAt(uv.graph, outs, [x, y], d).jvp;
    closeAll(jvp, J.map((row) => row[0]! * d[0]! + row[1]! * d[1]!));
    const c = [1, 2, -1];
    const vjp = vjpAt(uv.graph, outs, [x, y], c).vjp;
    closeAll(vjp, [0, 1].map((j) => J.reduce((s, row, i) => s + c[i]! * row[j]!, 0)));
  });
});

describe('derivative graphs', () => {
  test('keep the inputs in order, even ones the output does not use', () => {
    const l = load('a = y; sin(x) + 0*z');
    const d = derivativeGraph(l.graph, l.output.node, [0, 1, 2]);
    expect(d.graph.inputNames).toEqual(l.graph.inputNames);
    expect(d.graph.inputs).toEqual([0, 1, 2]);
    expect(l.graph.inputNames).toEqual(['y', 'x', 'z']);
    const vals = evaluate(d.graph, [0.3, 1, 2]);
    closeAll(d.partials.map((p) => vals[p]!), [0, Math.cos(1), 0]);
  });

  test('are small for a long chain: the derivative of sin(sin(...)) 300 deep stays linear in size', () => {
    let text = 'x';
    for (let i = 0; i < 300; i++) text = `sin(${text})`;
    const l = load(text);
    const d = derivativeGraph(l.graph, l.output.node, [0]);
    expect(d.graph.nodes.length).toBeLessThan(5 * l.graph.nodes.length);
    const printed = printGraph(d.graph, [{ node: d.partials[0]! }]);
    expect(printed.length).toBeLessThan(40 * l.graph.nodes.length);
    // Its value equals reverse mode.
    const r = gradientAt(l, [0.9]);
    close(evaluate(d.graph, [0.9])[d.partials[0]!]!, r.gradient[0]!);
  });

  test('zero-skip: the derivative of x^y with respect to x at x < 0 does not read ln(x)', () => {
    const l = load('x^y');
    const d = derivativeGraph(l.graph, l.output.node, [0]);
    // d/dx x^y = y x^(y-1) = 3·4 = 12 at x = -2, y = 3
    close(evaluate(d.graph, [-2, 3])[d.partials[0]!]!, 12);
  });
});

describe('printed derivatives re-parse and evaluate to the same numbers as AD', () => {
  const programs = [
    'ln(x1)+x1*x2-sin(x2)',
    '(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))',
    'b = 5 - 3a; c = 2b + 3; d = 5b + 6; e = 7c + d^2; f = 2e; g = 3f - o',
    'x^y + y^-2 - x^0.5',
    'tan(x) * sec(y) - csc(x + y) + cot(x*y)',
    'asin(x/3) + acos(y/4) + atan(x*y) + atanh(x/5)',
    'sinh(x) * cosh(y) / (1 + tanh(x*y)^2) + asinh(x) + acosh(y + 2)',
    'log10(x) + log2(y) + log(x, y + 3) + cbrt(x - y) + sqrt(x*y)',
    'abs(x - y) + min(x, y, 1) + max(x^2, y) + hypot(x, y, 2) + atan2(y, x)',
    '-x^2 - (-y)^3 + 2^-x + pi*e*x - e^y',
    'exp(-x*y) * (x - y)^-2 / -(x + y)',
  ];
  const next = rng(7);
  for (const p of programs) {
    test(p, () => {
      const l = load(p);
      const n = l.graph.inputs.length;
      const orders = l.graph.inputs.map((_, k) => [k]);
      const d = derivativesGraph(l.graph, l.output.node, orders);
      const names = l.graph.inputNames.map((v) => `d_${v}`);
      const text = printGraph(d.graph, d.nodes.map((node, i) => ({ node, name: names[i]! })));
      const again = lower(parse(text));
      // Second derivatives printed the same way, compared with the Hessian.
      const pairs: number[][] = [];
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) pairs.push([i, j]);
      const d2 = derivativesGraph(l.graph, l.output.node, pairs);
      const text2 = printGraph(d2.graph, d2.nodes.map((node, i) => ({ node, name: `h${i}` })));
      const again2 = lower(parse(text2));
      for (let trial = 0; trial < 4; trial++) {
        const x = l.graph.inputNames.map(() => 0.3 + next() * 1.4);
        const ad = gradientAt(l, x);
        const at = (lw: Lowered, name: string) => {
          const xs = lw.graph.inputNames.map((v) => x[l.graph.inputNames.indexOf(v)]!);
          return evaluate(lw.graph, xs)[lw.graph.names.find((b) => b.name === name)!.node]!;
        };
        names.forEach((name, i) => close(at(again, name), ad.gradient[i]!, 1e-11));
        const h = hessianAt(l.graph, l.output.node, x, l.graph.inputs.map((_, k) => k)).hessian;
        pairs.forEach(([i, j], q) => close(at(again2, `h${q}`), h[i!]![j!]!, 1e-10));
      }
    });
  }

  test('a single unnamed output prints as a bare expression; shared subexpressions become assignments', () => {
    const l = load('sin(x^2)*y');
    const d = derivativeGraph(l.graph, l.output.node, [0]);
    const text = printGraph(d.graph, [{ node: d.partials[0]! }]);
    // d/dx sin(x²)·y = 2x·cos(x²)·y: one line, no temporaries (nothing is used twice)
    expect(text.split('\n')).toHaveLength(1);
    const second = higherDerivativeGraph(l.graph, l.output.node, [0, 0]);
    const text2 = printGraph(second.graph, [{ node: second.node }]);
    expect(text2).toMatch(/^t1 = /);
    // d²/dx² = 2y·cos(x²) - 4x²y·sin(x²)
    const x = 0.8;
    const y = 1.7;
    const again = lower(parse(text2));
    const xs = again.graph.inputNames.map((v) => (v === 'x' ? x : y));
    close(evaluate(again.graph, xs)[again.output.node]!, 2 * y * Math.cos(x * x) - 4 * x * x * y * Math.sin(x * x));
  });

  test('minimal parentheses that keep the evaluation order: a - (b - c), (a*b)^2, -x^2', () => {
    const l = load('z = a - (b - c); z2 = (a*b)^2; w = -a^2; q = a/(b*c); z + z2 + w + q');
    const text = printGraph(l.graph, ['z', 'z2', 'w', 'q'].map((n) => ({ node: l.graph.names.find((b) => b.name === n)!.node, name: n })));
    expect(text).toBe(['z = a - (b - c)', 'z2 = (a*b)^2', 'w = -a^2', 'q = a/(b*c)'].join('\n'));
  });

  test('LaTeX', () => {
    const l = load('x/y + sqrt(x)^2');
    const text = printGraph(l.graph, [{ node: l.output.node }], 'latex');
    expect(text).toBe('\\frac{x}{y} + {\\sqrt{x}}^{2}');
  });
});

describe('derivatives of any order (Taylor mode)', () => {
  const along = (text: string, x: number[], order: number, wrt = 0) => {
    const l = load(text);
    return derivativesAlong(l.graph, l.output.node, wrt, x, order);
  };

  test('exp(sin(x)) at 0: 1, 1, 1, 0, -3, -8, -3, 56, 217, 64, -2951, -12672, 5973', () => {
    closeAll(along('exp(sin(x))', [0], 12), [1, 1, 1, 0, -3, -8, -3, 56, 217, 64, -2951, -12672, 5973]);
  });

  test('1/(1-x) at 0: k! up to k = 30, and 1/(1-x)^2: (k+1)!', () => {
    const d = along('1/(1-x)', [0], 30);
    d.forEach((v, k) => close(v, factorial(k)));
    along('(1-x)^-2', [0], 25).forEach((v, k) => close(v, factorial(k + 1), 1e-11));
  });

  test('sin, cos and exp(2x) at a point: sin(a + kπ/2), 2^k e^(2a)', () => {
    const a = 0.7;
    along('sin(x)', [a], 30).forEach((v, k) => close(v, Math.sin(a + (k * Math.PI) / 2), 1e-12));
    along('cos(3*x)', [a], 20).forEach((v, k) => close(v, 3 ** k * Math.cos(3 * a + (k * Math.PI) / 2), 1e-12));
    along('exp(2*x)', [a], 30).forEach((v, k) => close(v, 2 ** k * Math.exp(2 * a)));
  });

  test('polynomials and powers: x^5, x^2.5, sqrt(1+x), x^3 at 0 and at x < 0', () => {
    const falling = (c: number, k: number) => {
      let f = 1;
      for (let i = 0; i < k; i++) f *= c - i;
      return f;
    };
    along('x^5', [2], 8).forEach((v, k) => close(v, falling(5, k) * 2 ** (5 - k)));
    along('x^2.5', [1.5], 8).forEach((v, k) => close(v, falling(2.5, k) * 1.5 ** (2.5 - k)));
    along('sqrt(1+x)', [0], 10).forEach((v, k) => close(v, falling(0.5, k)));
    closeAll(along('x^3', [0], 5), [0, 0, 0, 6, 0, 0]);
    closeAll(along('(x^2)^3', [0], 7), [0, 0, 0, 0, 0, 0, 720, 0]);
    closeAll(along('x^3', [-2], 4), [-8, 12, -12, 6, 0]);
  });

  test('a tiny constant exponent does not cancel away: d/dx x^(1e-20) = 1e-20·x^(1e-20 - 1)', () => {
    const d = along('x^1e-20', [2], 2);
    close(d[1]!, 1e-20 * 2 ** (1e-20 - 1), 1e-14);
    close(d[2]!, 1e-20 * (1e-20 - 1) * 2 ** (1e-20 - 2), 1e-14);
  });

  test('variable exponents: x^x at 1 (1, 1, 2, 3, 8, 10, 54, -42, 944), x^n with n an input, 2^x', () => {
    closeAll(along('x^x', [1], 8), [1, 1, 2, 3, 8, 10, 54, -42, 944], 1e-12);
    // along x with n = 3 held fixed, even at x < 0 (ln(x) is never needed)
    closeAll(along('x^n', [-2, 3], 4, 0), [-8, 12, -12, 6, 0]);
    // along n: d^k/dn^k 2^n = 2^n ln(2)^k
    along('x^n', [2, 3], 6, 1).forEach((v, k) => close(v, 8 * Math.LN2 ** k));
  });

  test('ln(1+x), atan(x), 1/(1+x^2) and tan(x) at 0', () => {
    along('ln(1+x)', [0], 20).forEach((v, k) => close(v, k === 0 ? 0 : (-1) ** (k - 1) * factorial(k - 1)));
    along('1/(1+x^2)', [0], 20).forEach((v, k) => close(v, k % 2 ? 0 : (-1) ** (k / 2) * factorial(k)));
    along('atan(x)', [0], 21).forEach((v, k) => close(v, k % 2 === 0 ? 0 : (-1) ** ((k - 1) / 2) * factorial(k - 1)));
    // tangent numbers: tan^(2n+1)(0) = 1, 2, 16, 272, 7936, 353792
    closeAll(along('tan(x)', [0], 11), [0, 1, 0, 2, 0, 16, 0, 272, 0, 7936, 0, 353792]);
  });

  test('steps and kinks follow the first-order conventions', () => {
    closeAll(along('abs(x)', [2], 3), [2, 1, 0, 0]);
    closeAll(along('abs(x)', [-2], 3), [2, -1, 0, 0]);
    closeAll(along('abs(x)', [0], 3), [0, 0, 0, 0]);
    closeAll(along('max(x, 2*x)', [1], 3), [2, 2, 0, 0]);
  });

  test('values at points where 0/y, 0·∞ or 0·NaN occur are the interpreter\'s (NaN), not a folded 0', () => {
    // f = x + 0/y at y = 0: f = NaN, and along x, f' = 1 as the first-order sweeps give it
    closeAll(along('x + 0/y', [1, 0], 1).slice(1), [1]);
    expect(along('x + 0/y', [1, 0], 1)[0]).toBeNaN();
    // x·NaN: value and first derivative NaN
    const d = along('x*(0/0)', [1], 1);
    expect(d[0]).toBeNaN();
    expect(d[1]).toBeNaN();
    // exp(710)·0 = ∞·0 = NaN; the derivative along x is 0 (the zero-skip convention of the sweeps)
    const e = along('exp(x)*0', [710], 1);
    expect(e[0]).toBeNaN();
    expect(e[1]).toBe(0);
  });

  test('x^r at 0 for non-integer r > 0: derivatives below order r are 0, the first above is NaN', () => {
    // d²/dx² x^2.5 = 3.75·x^0.5 = 0 at 0; the third derivative 1.875·x^(-0.5) is unbounded
    const d = along('x^2.5', [0], 3);
    closeAll(d.slice(0, 3), [0, 0, 0]);
    expect(d[3]).toBeNaN();
    // (x^2)^1.25 = |x|^2.5: the same
    closeAll(along('(x^2)^1.25', [0], 2), [0, 0, 0]);
    // x^0.5: f' = +∞ (first-order rule), f'' has no value
    const s = along('x^0.5', [0], 2);
    expect(s[1]).toBe(Infinity);
    expect(s[2]).toBeNaN();
  });

  describe('rounding error bounds', () => {
    // d^k/dx^k sin(x)/x at the doubles 0.1 and 1, to 17 digits (mpmath, 80 digits, numeric differentiation of
    // the exact quotient). At 0.1 the division recurrence multiplies the rounding error of each order by 10.
    const exact01 = [0.99833416646828152, -0.033300011902557572, -0.33233392841713013, 0.019976199733646197, 0.1992861771224337, -0.014267203341427276, -0.14230196598264502, 0.011095966004893418, 0.11065688607680816, -0.0090780941324771457, -0.090524753220567008, 0.0076812014821132198, 0.076589988614695199, -0.0066568671301182493, -0.066372768251726673, 0.0058735849787433241, 0.058560569869349723, -0.0052552250091951915, -0.052393664813147102, 0.0047546617176917345, 0.047401822929934682];
    const exact1 = [0.84147098480789651, -0.30116867893975679, -0.23913362692838293, 0.17709857491700907, 0.13307668513986024, -0.12508111983116147, -0.090984265820927657, 0.096587554878353883, 0.068770545781065446, -0.078632606161449295, -0.05514492319340356, 0.066291849259299442, 0.045968793696303204, -0.057292012183801936, -0.039382814234669403, 0.050439907651901325, 0.034432462377475301, -0.045049554548940398, -0.030579002926969343, 0.040698749744277798, 0.027495989922340539];
    const bounds = (text: string, x: number[], order: number) => {
      const l = load(text);
      return { l, ...derivativesWithBounds(l.graph, l.output.node, 0, x, order) };
    };

    test('the bound covers the true error of sin(x)/x at every order, where the digits are lost and where not', () => {
      for (const [x, exact] of [[0.1, exact01], [1, exact1]] as const) {
        const { derivatives, errors } = bounds('sin(x)/x', [x], 20);
        derivatives.forEach((d, k) => {
          const actual = Math.abs(d - exact[k]!);
          expect(actual, `order ${k} at ${x}`).toBeLessThanOrEqual(errors[k]! + 1e-16 * Math.abs(exact[k]!));
        });
      }
      // at 0.1 the 20th derivative is noise (the true value is 0.047): the bound says so
      const { derivatives, errors } = bounds('sin(x)/x', [0.1], 20);
      expect(Math.abs(derivatives[20]! - exact01[20]!)).toBeGreaterThan(1);
      expect(errors[20]).toBeGreaterThan(Math.abs(derivatives[20]! - exact01[20]!));
    });

    test('a warning names the first order that cannot be trusted; well-conditioned series give none', () => {
      const { l, derivatives, errors } = bounds('sin(x)/x', [0.1], 12);
      const label = (k: number) => `f^(${k})`;
      const w = precisionWarning(l, l.output.node, label, derivatives, errors);
      expect(w?.kind).toBe('precision');
      // at 0.1 the error grows tenfold per order: f^(7) has fewer than 6 certain digits (error ≈ 4e-6 on 0.011)
      expect(w?.message).toMatch(/f\^\((5|6|7)\)/);
      for (const [text, x, order] of [['exp(2*x)', 0.7, 30], ['1/(1-x)', 0, 30], ['sin(x)^2 + cos(x)^2', 0.7, 6], ['tan(x)', 0, 11], ['sin(x)/x', 5, 12], ['x^x', 1, 8]] as const) {
        const b = bounds(text, [x], order);
        expect(precisionWarning(b.l, b.l.output.node, label, b.derivatives, b.errors), text).toBeUndefined();
      }
    });
  });

  test('agrees with nested derivative graphs for mixed programs up to order 6', () => {
    const programs = ['sin(x*y) + exp(x)/y', 'a = x^2 + y; b = ln(a); b*sqrt(a) - atan(x)', 'hypot(x, y)^3 * cosh(x - y)', 'x^y - y^x'];
    for (const p of programs) {
      const l = load(p);
      const pt = [0.9, 1.6];
      const taylor = derivativesAlong(l.graph, l.output.node, 0, pt, 6);
      for (let k = 0; k <= 6; k++) {
        const g = higherDerivativeGraph(l.graph, l.output.node, new Array(k).fill(0));
        close(taylor[k]!, evaluate(g.graph, pt)[g.node]!, 1e-9);
      }
    }
  });
});

describe('the simplifying builder moves signs only where IEEE arithmetic gives the same number', () => {
  test('a + (-b) → a - b, (-a)*b → -(a*b), a/(-b) → -(a/b), a + (-2) → a - 2, 2*(3*x) → 6*x', () => {
    const b = new GraphBuilder(true);
    const k = b.ops();
    const [x, y] = [b.input('x'), b.input('y')];
    const shape = (id: number): string => {
      const n = b.nodes[id]!;
      return n.kind === 'op' ? `${n.op}(${n.args.map((a): string => shape(a)).join(',')})` : n.kind === 'input' ? n.name : String(n.value);
    };
    expect(shape(k.add(x, k.neg(y)))).toBe('sub(x,y)');
    expect(shape(k.add(k.neg(x), y))).toBe('sub(y,x)');
    expect(shape(k.sub(x, k.neg(y)))).toBe('add(x,y)');
    expect(shape(k.mul(k.neg(x), y))).toBe('neg(mul(x,y))');
    expect(shape(k.mul(k.neg(x), k.neg(y)))).toBe('mul(x,y)');
    expect(shape(k.div(x, k.neg(y)))).toBe('neg(div(x,y))');
    expect(shape(k.add(x, k.num(-2)))).toBe('sub(x,2)');
    expect(shape(k.sub(x, k.num(-2)))).toBe('add(x,2)');
    expect(shape(k.mul(k.num(-3), x))).toBe('neg(mul(3,x))');
    expect(shape(k.mul(k.num(2), k.mul(k.num(3), x)))).toBe('mul(6,x)');
  });

  test('the sign moves are exact: the same numbers as the plain expressions, zeros and infinities included', () => {
    const values = [0, -0, 1, -2.5, 1e-310, 3e300, Infinity, -Infinity, NaN, 0.1, 7];
    const forms: [string, (a: number, b: number) => number][] = [
      ['x + -y', (a, b) => a + -b],
      ['-x + y', (a, b) => -a + b],
      ['x - -y', (a, b) => a - -b],
      ['-x*y', (a, b) => -a * b],
      ['x*-y', (a, b) => a * -b],
      ['-x/y', (a, b) => -a / b],
      ['x/-y', (a, b) => a / -b],
      ['x + -2', (a) => a + -2],
      // identities that hold only for finite numbers are not applied to the user's own nodes
      ['0/y + x', (a, b) => 0 / b + a],
      ['x*0 + y', (a, b) => a * 0 + b],
      ['x*(0/0)', (a) => a * NaN],
      ['x - x', (a) => a - a],
      ['0 - x', (a) => 0 - a],
      ['x + 0', (a) => a + 0],
      ['x*x', (a) => a * a],
      ['2*(3*x)', (a) => 2 * (3 * a)],
      ['(x^2)^3', (a) => (a ** 2) ** 3],
    ];
    for (const [text, plain] of forms) {
      const l = load(text);
      const d = derivativeGraph(l.graph, l.output.node, []); // the copy through the simplifying builder
      for (const a of values) for (const c of values) {
        const xs = l.graph.inputNames.map((n) => (n === 'x' ? a : c));
        const got = evaluate(d.graph, xs)[d.value]!;
        const want = plain(a, c);
        expect(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `${text} at ${a}, ${c}: ${got} vs ${want}`).toBe(true);
      }
    }
  });
});
