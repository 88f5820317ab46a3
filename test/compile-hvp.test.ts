// The Hessian-vector product kernels. compile-hvp.ts (dual numbers), cut into functions over a workspace, gives
// the numbers of its one-function form bit for bit, edge points included, and a sum of 10^4 terms (whose
// one-function kernel overflowed the stack) is cut and runs. compile-hessian.ts gives the interpreter's numbers
// (hvpAt, hessianAt) bit for bit. Closed forms are derived by hand in comments.
import { describe, expect, it } from 'vitest';
import { compileExactHvp } from '../src/autodiff/compile-hessian.js';
import { compileHvp } from '../src/autodiff/compile-hvp.js';
import { hessianAt, hvpAt } from '../src/autodiff/hessian.js';
import { lower, type Lowered } from '../src/autodiff/lower.js';
import { parse } from '../src/parser/parse.js';
import { same } from './helpers/kernels.js';

const lowered = (text: string): Lowered => lower(parse(text, { sourceName: 'expr' }), { name: 'expr', text });

const FORMULAS = [
  '(1 - x)^2 + 100*(y - x^2)^2',
  'x^y',
  'hypot(x, y)',
  'sqrt(x)*y',
  'abs(x)*y^2',
  'max(x, y)*x',
  'sin(x*y) + cos(x)',
  'x^0.5*y^-1',
  'atan2(y, x) + ln(x)*exp(y)',
  'a = x*y; b = a*a + sin(a); b/x',
  'x*x*x*y + 3',
  '2*y', // x is not used
  '7', // a constant: no temporaries at all
];
const EDGE = [0, -0, 1, -2.5, 0.5, Infinity, -Infinity, NaN];
const points = EDGE.flatMap((a) => EDGE.map((b) => [a, b]));

/** Value, gradient and H·v of a kernel at (x, v). */
function run(hvp: ReturnType<typeof compileHvp>['hvp'], x: number[], v: number[]) {
  const grad = new Float64Array(x.length);
  const hv = new Float64Array(x.length);
  const value = hvp(x, v, grad, hv);
  return { value, grad: [...grad], hv: [...hv] };
}

const DIRECTIONS = [[1, 0], [0, 1], [0.5, -2], [-0, NaN], [Infinity, 1]];
const label = (text: string, p: number[], v: number[]) => `${text} at (${p.map(String)}) along (${v.map(String)})`;

/** Value, gradient and H·v of two kernels (or a kernel and the interpreter) are the same doubles. */
function expectSame(got: { value: number; grad: number[]; hv: number[] }, want: { value: number; grad: number[]; hv: number[] }, at: string) {
  expect(same(got.value, want.value), `${at}: value ${got.value} vs ${want.value}`).toBe(true);
  got.grad.forEach((g, i) => expect(same(g, want.grad[i]!), `${at}: gradient ${i} ${g} vs ${want.grad[i]}`).toBe(true));
  got.hv.forEach((h, i) => expect(same(h, want.hv[i]!), `${at}: H·v ${i} ${h} vs ${want.hv[i]}`).toBe(true));
}

describe('compileHvp cut into functions', () => {
  it('gives the one-function kernel’s numbers bit for bit, cut at every statement or every few', () => {
    for (const text of FORMULAS) {
      const low = lowered(text);
      const { graph } = low;
      const out = low.output.node;
      const n = graph.inputs.length;
      const whole = compileHvp(graph, out);
      const cuts = [1, 2, 5].map((chunk) => compileHvp(graph, out, { chunk }));
      // Cut at every statement, a kernel with temporaries loads them from the workspace.
      if (whole.source.includes('const t')) expect(cuts[0]!.source, text).toMatch(/^const t\d+ = w\[\d+\];$/m);
      for (const x of points) {
        const p = x.slice(0, n);
        for (const d of DIRECTIONS) {
          const v = d.slice(0, n);
          const want = run(whole.hvp, p, v);
          for (const k of cuts) expectSame(run(k.hvp, p, v), want, label(text, p, v));
        }
      }
    }
  });

  it('runs a sum of 10^4 terms (cut at the size budget) and gives the closed-form H·v', () => {
    // f = Σ_{i<N} (i+1)·x_a²·sin(y_b) with a = i mod 7, b = i mod 5, so
    //   ∂²f/∂x_a∂y_b = Σ_{i ≡ a (7), i ≡ b (5)} 2(i+1)·x_a·cos(y_b),   ∂²f/∂x_a² = Σ_{i ≡ a (7)} 2(i+1)·sin(y_{i mod 5}),
    //   ∂²f/∂y_b² = -Σ_{i ≡ b (5)} (i+1)·x_{i mod 7}²·sin(y_b);   ∂²f/∂x_a∂x_c = ∂²f/∂y_b∂y_c = 0 (a ≠ c, b ≠ c).
    const N = 10000;
    const text = Array.from({ length: N }, (_, i) => `${i + 1}*x${i % 7}^2*sin(y${i % 5})`).join(' + ');
    const low = lowered(text);
    const { graph } = low;
    const n = graph.inputs.length;
    const { hvp, source } = compileHvp(graph, low.output.node);
    expect((source.match(/^const t\d+ = w\[/gm) ?? []).length).toBeGreaterThan(100); // cut: loads across functions
    const names = graph.inputNames;
    const xs = [0.3, -1.2, 0.7, 2, -0.4, 1.1, 0.05];
    const ys = [0.2, -0.9, 1.3, 0.6, -2.1];
    const point = names.map((name) => (name[0] === 'x' ? xs : ys)[Number(name.slice(1))]!);
    const H = names.map(() => names.map(() => 0));
    const at = (kind: string, k: number) => names.indexOf(`${kind}${k}`);
    for (let i = 0; i < N; i++) {
      const [a, b] = [i % 7, i % 5];
      const [xa, xb] = [at('x', a), at('y', b)];
      H[xa]![xa]! += 2 * (i + 1) * Math.sin(ys[b]!);
      H[xa]![xb]! += 2 * (i + 1) * xs[a]! * Math.cos(ys[b]!);
      H[xb]![xa]! += 2 * (i + 1) * xs[a]! * Math.cos(ys[b]!);
      H[xb]![xb]! -= (i + 1) * xs[a]! ** 2 * Math.sin(ys[b]!);
    }
    const v = names.map((_, k) => 1 - 0.25 * k);
    const grad = new Float64Array(n);
    const hv = new Float64Array(n);
    hvp(point, v, grad, hv);
    H.forEach((row, i) => {
      const want = row.reduce((s, h, j) => s + h * v[j]!, 0);
      expect(Math.abs(hv[i]! - want), `(H·v) ${names[i]}: ${hv[i]} vs ${want}`).toBeLessThanOrEqual(1e-11 * Math.abs(want));
    });
  }, 60000);
});

describe('compileExactHvp: the interpreter’s second derivatives, compiled', () => {
  it('gives hvpAt’s value, gradient and H·v, and hessianAt’s entries, bit for bit at edge points', () => {
    for (const text of [...FORMULAS, 'x^2*y^-0.5 + tan(x)/cbrt(y)', 'min(x, y)^3 - sign(x)*y', 'log(x, y) + log10(x*y)', 'asin(x)*acos(y)']) {
      const low = lowered(text);
      const { graph } = low;
      const out = low.output.node;
      const n = graph.inputs.length;
      const { hvp } = compileExactHvp(graph, out);
      for (const x of [...points, [1e-300, 1e300], [-1e300, 1e-300]]) {
        const p = x.slice(0, n);
        for (const d of DIRECTIONS) {
          const v = d.slice(0, n);
          const ref = hvpAt(graph, out, p, v);
          expectSame(run(hvp, p, v), { value: ref.value, grad: ref.gradient, hv: ref.hvp }, label(text, p, v));
        }
        const { hessian } = hessianAt(graph, out, p, [...Array(n).keys()]);
        for (let j = 0; j < n; j++) {
          const column = run(hvp, p, [...Array(n).keys()].map((k) => (k === j ? 1 : 0))).hv;
          for (let i = 0; i <= j; i++) expect(same(column[i]!, hessian[i]![j]!), `${text} at (${p.map(String)}): H[${i}][${j}]`).toBe(true);
        }
      }
    }
  });
});
