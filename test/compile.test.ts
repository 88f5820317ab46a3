// The compiled kernels against the interpreter (the reference) on a table of programs and points, including
// domain edge cases where the zero-skip rule (0 × ∞ = 0 in a chain-rule term) matters; plus closed forms.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileKernels } from '../src/autodiff/compile.js';
import { compileHvp } from '../src/autodiff/compile-hvp.js';
import { gradientAt } from '../src/autodiff/gradient.js';
import { lower } from '../src/autodiff/lower.js';
import { parse } from '../src/parser/parse.js';
import { expectAllShapesAgree, same } from './helpers/kernels.js';
import { zeroSkipProduct, zeroSkipText } from '../src/autodiff/tape.js';
import { term } from '../src/autodiff/evaluate.js';

const lowered = (text: string) => lower(parse(text));

// same(): the same number, with NaN equal to NaN; the sign of a zero counts (the kernels write gradients as the
// interpreter does).

const deepSin = (n: number) => 'sin('.repeat(n) + 'x' + ')'.repeat(n);
const bigSum = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}*sin(${i + 1}*x + y)`).join(' + ');

// [program, points (values in first-appearance order of the variables)]
const TABLE: [string, number[][]][] = [
  ['ln(x1)+x1*x2-sin(x2)', [[2, 5], [0, 1], [-1, 2], [Infinity, 0], [NaN, 1]]],
  ['(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))', [[1.5, 0.5], [1, 0], [0, 0], [2, 800]]],
  ['b = 5 - 3a; c = 2b + 3; d = 5b + 6; e = 7c + d^2; f = 2e; g = 3f - o', [[2, 1], [-1e3, 0]]],
  ['(x+y)*x', [[2, 3]]],
  ['-(x+y)*x + 1', [[2, 3]]],
  ['b = x*x; b + b', [[3], [-0.5]]],
  ['y*ln(x)', [[0, 0], [0, 1], [-1, 0], [2, 3]]],
  ['sqrt(x)*y', [[0, 0], [0, 2], [4, 1]]],
  ['x^y', [[-2, 2], [0, 0], [0, 2], [2, 0.5], [-8, 1 / 3]]],
  ['pow(x, 2) + x^0 + (x-3)^-2', [[-3], [0], [1], [3]]],
  ['x^1 + (x*y)^1 + (x - y)^2', [[NaN, 1], [-0, 0], [Infinity, 2], [2, -Infinity]]],
  ['abs(x) + sign(x) + eq(x, y)', [[0, 0], [-2, 1], [2, 2]]],
  ['max(x, y, x) + min(x, y)', [[1, 1], [1, 2], [3, -1]]],
  ['hypot(x, y, z)', [[0, 0, 0], [3, 4, 12], [Infinity, 1, 0]]],
  ['atan2(y, x) + log(x, b) + log10(x) + log2(x)', [[1, 2, 10], [0, 0, 1], [-1, 1, 2]]],
  ['tan(x) + sec(x) + csc(x) + cot(x)', [[0.3], [0], [Math.PI / 2]]],
  ['asin(x) + acos(x) + atan(x)', [[0.5], [1], [-1], [2]]],
  ['sinh(x) + cosh(x) + tanh(x) + asinh(x) + acosh(x + 2) + atanh(x / 2)', [[0.5], [-1], [2]]],
  ['exp(x) + cbrt(x) + sqrt(x)', [[0], [8], [-8], [710]]],
  ['1e400 * x + 0 * ln(x)', [[0], [1]]],
  ['sin(x) / x', [[0], [1e-300]]],
  ['2 + 3', [[]]],
  ['x', [[4]]],
  ['x - x', [[1], [Infinity]]],
  ['y = x^2; 3', [[7]]],
  ['u = x + 1; w = u * y; u - w', [[1, 2]]],
  [deepSin(1000), [[1], [0.5]]],
  [bigSum(2000), [[0.3, -0.7]]],
  ['x1*x2*x3*x4 - exp(x1*x2) / (1 + x3^2)', [[1, 2, 3, 4], [0, 0, 0, 0]]],
];

describe('the compiled chain-rule product', () => {
  it('is term() (0 times ∞ or NaN is 0) up to the sign of a zero, on every pair of special and ordinary values', () => {
    const xs = [0, -0, 1, -1, 2.5, -3e-310, 1e308, -1e308, Infinity, -Infinity, NaN];
    for (const p of xs) {
      for (const a of xs) {
        const want = term(p, a);
        const got = zeroSkipProduct(p, a);
        expect(want === 0 ? got === 0 : same(got, want), `${p} × ${a}: ${got} vs ${want}`).toBe(true);
      }
    }
    expect(Object.is(zeroSkipProduct(0, -1), -0)).toBe(true); // the sign differs, and only there (see its comment)
  });
  it('is zeroSkipProduct as the kernels write it, in place and as a call', () => {
    const xs = [0, -0, 1, -1, 2.5, -3e-310, 1e308, -1e308, Infinity, -Infinity, NaN];
    for (const call of [false, true]) {
      const f = new Function('p', 'a', '$m', `let $t = 0; return ${zeroSkipText('p', 'a', call)};`) as (p: number, a: number, m: typeof zeroSkipProduct) => number;
      for (const p of xs) for (const a of xs) expect(same(f(p, a, zeroSkipProduct), zeroSkipProduct(p, a)), `${p} × ${a}`).toBe(true);
    }
  });
});

describe('compiled kernels agree with the interpreter', () => {
  for (const [text, points] of TABLE) {
    it(text.length > 60 ? `${text.slice(0, 57)}...` : text, () => {
      const low = lowered(text);
      const n = low.graph.inputs.length;
      const k = compileKernels(low.graph, low.output.node);
      const count = points.length;
      const rows = new Float64Array(points.flat());
      const cols = Array.from({ length: n }, (_, j) => Float64Array.from(points, (p) => p[j]!));
      const vRows = new Float64Array(count);
      const gRows = new Float64Array(count * n);
      const vCols = new Float64Array(count);
      const gCols = Array.from({ length: n }, () => new Float64Array(count));
      const vOnly = new Float64Array(count);
      k.gradientRows(rows, count, vRows, gRows);
      k.gradientColumns(cols, count, vCols, gCols);
      k.valueColumns(cols, count, vOnly);
      points.forEach((p, i) => {
        const ref = gradientAt(low, p);
        const ctx = `${text.slice(0, 40)} at (${p.join(', ')})`;
        expect(same(vRows[i]!, ref.value), `${ctx}: value ${vRows[i]} vs ${ref.value}`).toBe(true);
        expect(same(vCols[i]!, ref.value), ctx).toBe(true);
        expect(same(vOnly[i]!, ref.value), ctx).toBe(true);
        for (let j = 0; j < n; j++) {
          expect(same(gRows[i * n + j]!, ref.gradient[j]!), `${ctx}: d/d${low.graph.inputNames[j]} ${gRows[i * n + j]} vs ${ref.gradient[j]}`).toBe(true);
          expect(same(gCols[j]![i]!, ref.gradient[j]!), ctx).toBe(true);
        }
      });
    });
  }

  it('agrees in the chunked form used for large graphs (functions sharing a workspace)', () => {
    for (const [text, points] of TABLE) {
      const low = lowered(text);
      const n = low.graph.inputs.length;
      const k = compileKernels(low.graph, low.output.node, { chunk: 3 });
      const v = new Float64Array(points.length);
      const gr = new Float64Array(points.length * n);
      k.gradientRows(new Float64Array(points.flat()), points.length, v, gr);
      const vc = new Float64Array(points.length);
      k.valueColumns(Array.from({ length: n }, (_, j) => Float64Array.from(points, (p) => p[j]!)), points.length, vc);
      points.forEach((p, i) => {
        const ref = gradientAt(low, p);
        expect(same(v[i]!, ref.value) && same(vc[i]!, ref.value), `${text.slice(0, 40)} value`).toBe(true);
        for (let j = 0; j < n; j++) expect(same(gr[i * n + j]!, ref.gradient[j]!), `${text.slice(0, 40)} d${j}`).toBe(true);
      });
    }
  });

  it('agrees in the chunked form over many points: blocks of points, a last partial block, all four shapes', () => {
    // 19 points: two whole blocks of 8 and a partial one, so each function runs over blocks and the workspace holds
    // a row of slots per point of the block.
    let crossed = false;
    for (const [text, table] of TABLE.slice(0, 8)) {
      const low = lowered(text);
      const n = low.graph.inputs.length;
      const points = Array.from({ length: 19 }, (_, i) => table[i % table.length]!.map((x, j) => (Number.isFinite(x) && x !== 0 ? x * (1 + i / 16) + j / 8 : x)));
      const k = compileKernels(low.graph, low.output.node, { chunk: 3 });
      crossed ||= /w\[b \+/.test(k.source.gradient);
      expectAllShapesAgree(low, k, points, text);
    }
    expect(crossed).toBe(true); // some of these kernels pass values between functions through the workspace
  });

  it('agrees when cut at any statement (names loaded and stored across functions, adjoints accumulated in several)', () => {
    // Diamonds and shared subexpressions, so that adjoints are accumulated (`+=`) in several functions and
    // forward values are read far from where they are computed.
    const programs = [
      'b = x*y; c = sin(b) + b; d = c*c + exp(b); d / (1 + c^2) + max(x, b, y)',
      'u = x + y; v = u*u; w = v*u - x; hypot(w, v, u) + min(u, w) * atan2(v, x)',
      '(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))',
      deepSin(12),
    ];
    const points = [[0.7, -1.3], [0, 0], [2, 0.5], [-1, Infinity]];
    const cases = programs.map((text) => ({ text, low: lowered(text) }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: programs.length - 1 }), fc.integer({ min: 1, max: 25 }), fc.constantFrom(...points), (which, chunk, p) => {
        const { low } = cases[which]!;
        const n = low.graph.inputs.length;
        const x = p.slice(0, n);
        const k = compileKernels(low.graph, low.output.node, { chunk });
        const v = new Float64Array(1);
        const g = new Float64Array(n);
        k.gradientRows(x, 1, v, g);
        const vOnly = new Float64Array(1);
        k.valueRows(x, 1, vOnly);
        const ref = gradientAt(low, x);
        return same(v[0]!, ref.value) && same(vOnly[0]!, ref.value) && ref.gradient.every((r, j) => same(g[j]!, r));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on a long chain of arithmetic whose values are each used twice (cut into functions)', () => {
    // u1 = x*y + x, then u(k+1) = u(k)*0.5 + u(k)*0.25 + y: plain arithmetic, each value read twice, 3000 deep.
    const steps = Array.from({ length: 2999 }, (_, k) => `u${k + 2} = u${k + 1}*0.5 + u${k + 1}*0.25 + y`);
    const low = lowered(['u1 = x*y + x', ...steps, 'u3000'].join('; '));
    const cut = compileKernels(low.graph, low.output.node, { reroll: Infinity });
    const rolled = compileKernels(low.graph, low.output.node);
    for (const k of [cut, rolled]) {
      for (const p of [[0.5, -1], [3, 2]]) {
        const v = new Float64Array(1);
        const g = new Float64Array(2);
        k.gradientRows(p, 1, v, g);
        const ref = gradientAt(low, p);
        expect(same(v[0]!, ref.value) && same(g[0]!, ref.gradient[0]!) && same(g[1]!, ref.gradient[1]!)).toBe(true);
      }
    }
    expect(cut.source.gradient).toMatch(/w\[/); // it was cut into functions
    expect(rolled.source.gradient).toMatch(/for \(let r = 0; r < \d+; r\+\+\)/); // its repetitions were written as loops
    expect(rolled.source.gradient).not.toMatch(/w\[/);
  });

  it('compiles a kernel shape on first use, and each shape gives the same numbers', () => {
    const low = lowered(deepSin(1500)); // cut into functions at the default size, without rerolling
    const k = compileKernels(low.graph, low.output.node, { reroll: Infinity });
    const x = [0.25, 1, -2];
    const ref = x.map((p) => gradientAt(low, [p]));
    // Rows first, then columns, then value-only: every order works, and all agree with the interpreter.
    const v = new Float64Array(3);
    const g = new Float64Array(3);
    k.gradientRows(x, 3, v, g);
    const vc = new Float64Array(3);
    const gc = [new Float64Array(3)];
    k.gradientColumns([Float64Array.from(x)], 3, vc, gc);
    const vv = new Float64Array(3);
    k.valueRows(x, 3, vv);
    const vvc = new Float64Array(3);
    k.valueColumns([Float64Array.from(x)], 3, vvc);
    // Value first (the reverse sweep is recorded only then), then the gradient.
    const k2 = compileKernels(low.graph, low.output.node);
    const v2 = new Float64Array(3);
    k2.valueRows(x, 3, v2);
    const g2v = new Float64Array(3);
    const g2 = new Float64Array(3);
    k2.gradientRows(x, 3, g2v, g2);
    ref.forEach((r, i) => {
      for (const value of [v[i]!, vc[i]!, vv[i]!, vvc[i]!, v2[i]!, g2v[i]!]) expect(same(value, r.value)).toBe(true);
      expect(same(g[i]!, r.gradient[0]!) && same(gc[0]![i]!, r.gradient[0]!) && same(g2[i]!, r.gradient[0]!)).toBe(true);
    });
  });

  it('agrees at random points (property)', () => {
    const programs = ['ln(x1)+x1*x2-sin(x2)', '(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))', 'x1^x2 + hypot(x1, x2) * max(x1, x2)', 'atan2(x1, x2) * sqrt(abs(x1)) / (1 + x2^2)'];
    const compiled = programs.map((t) => {
      const low = lowered(t);
      return { low, k: compileKernels(low.graph, low.output.node) };
    });
    const num = fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(0, -0, 1, -1, Infinity, NaN));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: programs.length - 1 }), num, num, (which, a, b) => {
        const { low, k } = compiled[which]!;
        const v = new Float64Array(1);
        const g = new Float64Array(2);
        k.gradientRows([a, b], 1, v, g);
        const ref = gradientAt(low, [a, b]);
        return same(v[0]!, ref.value) && same(g[0]!, ref.gradient[0]!) && same(g[1]!, ref.gradient[1]!);
      }),
      { numRuns: 500 },
    );
  });
});

describe('compiled kernels against closed forms', () => {
  it('computes the worked examples (hand-derived)', () => {
    const low = lowered('ln(x1)+x1*x2-sin(x2)');
    const k = compileKernels(low.graph, low.output.node);
    const v = new Float64Array(1);
    const g = new Float64Array(2);
    k.gradientRows([2, 5], 1, v, g);
    // ln 2 + 10 - sin 5; ∂x1 = 1/x1 + x2; ∂x2 = x1 - cos x2
    expect(v[0]).toBeCloseTo(11.652071455, 9);
    expect(g[0]).toBeCloseTo(5.5, 12);
    expect(g[1]).toBeCloseTo(2 - Math.cos(5), 12);
  });

  it('gives the Hessian of Rosenbrock at (1, 1) and of a quadratic form', () => {
    const rb = lowered('(1 - x)^2 + 100*(y - x^2)^2');
    const { hvp } = compileHvp(rb.graph, rb.output.node);
    const grad = new Float64Array(2);
    const hv = new Float64Array(2);
    expect(hvp([1, 1], [1, 0], grad, hv)).toBe(0);
    expect([...grad]).toEqual([0, 0]);
    expect([...hv]).toEqual([802, -400]);
    hvp([1, 1], [0, 1], grad, hv);
    expect([...hv]).toEqual([-400, 200]);
    // x^T A x with A = [[2, 1], [1, 3]] has Hessian 2A; its H·v for v = (1, 2) is 2A v = (8, 14).
    const q = lowered('2*x^2 + 2*x*y + 3*y^2');
    const { hvp: qh } = compileHvp(q.graph, q.output.node);
    qh([0.3, -7], [1, 2], grad, hv);
    expect([...hv]).toEqual([8, 14]);
  });

  it('gives the Hessian of sin(x)*exp(y) (closed form)', () => {
    const low = lowered('sin(x)*exp(y)');
    const { hvp } = compileHvp(low.graph, low.output.node);
    const [x, y] = [0.7, -0.4];
    const grad = new Float64Array(2);
    const h0 = new Float64Array(2);
    const h1 = new Float64Array(2);
    hvp([x, y], [1, 0], grad, h0);
    hvp([x, y], [0, 1], grad, h1);
    const [s, c, ey] = [Math.sin(x), Math.cos(x), Math.exp(y)];
    expect(grad[0]).toBeCloseTo(c * ey, 14);
    expect(grad[1]).toBeCloseTo(s * ey, 14);
    expect(h0[0]).toBeCloseTo(-s * ey, 14);
    expect(h0[1]).toBeCloseTo(c * ey, 14);
    expect(h1[0]).toBeCloseTo(c * ey, 14);
    expect(h1[1]).toBeCloseTo(s * ey, 14);
  });
});

describe('generated code', () => {
  it('never contains text from the user: inputs are mapped by index', () => {
    // Variable names that would break or subvert generated code if they were spliced into it.
    const text = 'Math + constructor * __proto__ - v1 / x0 + t0^2 + grad';
    const low = lowered(text);
    const k = compileKernels(low.graph, low.output.node);
    const { source } = compileHvp(low.graph, low.output.node);
    // Large kernels are cut into functions over a workspace `w`: the same holds for their code.
    const chunked = compileKernels(low.graph, low.output.node, { chunk: 2 });
    expect(chunked.source.gradient.match(/for \(/g)!.length).toBeGreaterThan(1);
    for (const code of [k.source.value, k.source.gradient, source, chunked.source.value, chunked.source.gradient]) {
      expect(code).not.toMatch(/constructor|__proto__/);
      // Only fixed local names, numbers, operators and Math calls.
      const words = code.match(/[A-Za-z_$][\w$]*/g) ?? [];
      for (const w of words) expect(w).toMatch(/^(?:[vtagcxd]\d+|Math|sin|cos|tan|log|exp|pow|sqrt|const|let|for|i|o|p|g|count|out|cols|grad|use|strict|e|x|v|w|hv|return|s|b|i0)$/);
    }
    const v = new Float64Array(1);
    const g = new Float64Array(7);
    const point = [1, 2, 3, 4, 5, 6, 7];
    const ref = gradientAt(low, point);
    for (const kernels of [k, chunked]) {
      kernels.gradientRows(point, 1, v, g);
      expect(v[0]).toBe(ref.value);
      expect([...g]).toEqual(ref.gradient);
    }
  });
});
