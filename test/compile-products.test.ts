// Compiled J·d, cᵀJ and Jacobians of several outputs (compile-products.ts) against the interpreter (jvpAt, vjpAt,
// jacobianAt: the reference), bit for bit including the sign of zero, on a table of programs and points (domain
// edges where 0·∞ matters, kinks, outputs that are inputs, constants, duplicated or feeding each other), in one
// function and cut into chunks, on large graphs, on random programs; plus hand-derived closed forms.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileJacobian, compileJvp, compileVjp } from '../src/autodiff/compile-products.js';
import type { NodeId } from '../src/autodiff/graph.js';
import { jacobianAt, jvpAt, vjpAt } from '../src/autodiff/jacobian.js';
import { lower, type Lowered } from '../src/autodiff/lower.js';
import { AdiffError } from '../src/diagnostics.js';
import { parse } from '../src/parser/parse.js';
import { printProgram } from '../src/parser/print.js';
import { runs, timeout } from './helpers/fuzz.js';
import { anyProgram, safeCase } from './helpers/gen.js';

const lowered = (text: string) => lower(parse(text));

/** Every bare expression, else the last statement (as `adiff jacobian` picks outputs without --of). */
const defaultOutputs = (low: Lowered): NodeId[] => (low.expressions.length > 0 ? low.expressions.map((s) => s.node) : [low.output.node]);

/** The same double: NaN equals NaN, but 0 and -0 differ (the CLI prints -0). */
const bits = (a: number, b: number) => Object.is(a, b);

const deepSin = (n: number) => 'sin('.repeat(n) + 'x' + ')'.repeat(n);
const bigSum = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}*sin(${i + 1}*x + y)`).join(' + ');
const rosenbrock = (n: number) =>
  Array.from({ length: n - 1 }, (_, i) => `100*(x${i + 2} - x${i + 1}^2)^2 + (1 - x${i + 1})^2`).join(' + ');

// [program, points (values in first-appearance order of the variables)]; outputs: every bare expression.
const TABLE: [string, number[][]][] = [
  // one output (the programs of compile.test.ts)
  ['ln(x1)+x1*x2-sin(x2)', [[2, 5], [0, 1], [-1, 2], [Infinity, 0], [NaN, 1]]],
  ['(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))', [[1.5, 0.5], [1, 0], [0, 0], [2, 800]]],
  ['b = 5 - 3a; c = 2b + 3; d = 5b + 6; e = 7c + d^2; f = 2e; g = 3f - o', [[2, 1], [-1e3, 0]]],
  ['b = x*x; b + b', [[3], [-0.5]]],
  ['y*ln(x)', [[0, 0], [0, 1], [-1, 0], [2, 3]]],
  ['sqrt(x)*y', [[0, 0], [0, 2], [4, 1]]],
  ['x^y', [[-2, 2], [0, 0], [0, 2], [2, 0.5], [-8, 1 / 3]]],
  ['pow(x, 2) + x^0 + (x-3)^-2', [[-3], [0], [1], [3]]],
  ['x^1 + (x*y)^1 + (x - y)^2', [[NaN, 1], [-0, 0], [Infinity, 2], [2, -Infinity]]],
  ['hypot(x, y, z)', [[0, 0, 0], [3, 4, 12], [0.1, 0.7, 1.3], [0.2, 0.9, 0.4], [1.7, 0.35, 0.6], [Infinity, 1, 0]]],
  ['atan2(y, x) + log(x, b) + log10(x) + log2(x)', [[1, 2, 10], [0, 0, 1], [-1, 1, 2]]],
  ['tan(x) + sec(x) + csc(x) + cot(x)', [[0.3], [0], [Math.PI / 2]]],
  ['asin(x) + acos(x) + atan(x)', [[0.5], [1], [-1], [2]]],
  ['sinh(x) + cosh(x) + tanh(x) + asinh(x) + acosh(x + 2) + atanh(x / 2)', [[0.5], [-1], [2]]],
  ['exp(x) + cbrt(x) + sqrt(x)', [[0], [8], [-8], [710]]],
  ['1e400 * x + 0 * ln(x)', [[0], [1]]],
  ['sin(x) / x', [[0], [1e-300]]],
  ['2 + 3', [[]]],
  ['x - x', [[1], [Infinity]]],
  ['y = x^2; 3', [[7]]],
  [deepSin(300), [[1], [0.5]]],
  // several outputs
  ['x*y; sin(x); x', [[2, 3], [0, -0], [-0, 0], [Infinity, 0], [NaN, 1]]],
  ['x*y; sin(x) + y^2', [[0.7, -1.3], [0, 0]]],
  ['sqrt(x)*y; ln(x); y', [[0, 0], [0, 2], [-1, 1], [4, 0]]],
  ['log(0) * x; x / 0; 0 * x', [[1], [0], [-0], [Infinity]]],
  ['abs(x); min(x, y); max(x, y, x); sign(x) + eq(x, y)', [[0, 0], [1, 1], [-2, 1], [2, -2], [-0, 0]]],
  ['min(x, y, z) + max(x, y, z); x*y*z; (x + y) * z + x / (1 + y^2)', [[1, 1, 1], [0.1, 0.7, 1.3], [-0.3, 0.3, -0.3]]],
  ['u = x + y; u; u * u; sin(u) + x', [[1, 2], [0, 0], [-1, 1]]],
  ['3; x; pi', [[5], [NaN]]],
  ['x; x; x*x', [[-0], [2]]],
  ['1e-200 * x; -1e-200 * y; 1e-200*x*y*1e-200', [[1e-200, 1e-200], [-1, 1]]],
  ['x^y; y^x; hypot(x, y); atan2(x, y)', [[0, 0], [-1, 0.5], [2, 3], [0, -0]]],
  [`${bigSum(50)}; ${bigSum(30)} * x`, [[0.3, -0.7]]],
];

/** Directions (or cotangents) to try for a vector of length n: units, mixed ones (with -0), zero, NaN, ∞. */
function vectors(n: number): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < n; k++) out.push(Array.from({ length: n }, (_, j) => (j === k ? 1 : 0)));
  out.push(Array.from({ length: n }, (_, j) => [0.5, -2, 3, -0, 0.1][j % 5]!));
  out.push(Array.from({ length: n }, (_, j) => [-0, 0.3, -0.7, 1.1, 0][j % 5]!));
  out.push(new Array<number>(n).fill(0));
  if (n > 0) out.push(Array.from({ length: n }, (_, j) => (j === 0 ? NaN : 1)));
  if (n > 1) out.push(Array.from({ length: n }, (_, j) => (j === n - 1 ? Infinity : -1)));
  return out;
}

/** Checks the three kernels against the interpreter at every point, for the given outputs. */
function checkAll(text: string, low: Lowered, outputs: NodeId[], points: number[][], options: { chunk?: number } = {}): void {
  const { graph } = low;
  const n = graph.inputs.length;
  const m = outputs.length;
  const { jvp } = compileJvp(graph, outputs, options);
  const { vjp } = compileVjp(graph, outputs, options);
  const wrts = [graph.inputs.map((_, k) => k), n > 1 ? [n - 1, 0] : []];
  const jacobians = wrts.flatMap((wrt) =>
    (['forward', 'reverse'] as const).flatMap((mode) =>
      (['sweeps', 'products'] as const).map((strategy) => ({ wrt, mode, strategy, k: compileJacobian(graph, outputs, wrt, mode, { ...options, strategy }) })),
    ),
  );
  const values = new Float64Array(m);
  const out = new Float64Array(Math.max(n, m));
  for (const x of points) {
    const at = `${text.slice(0, 50)} at (${x.join(', ')}) outputs [${outputs.join(', ')}]`;
    for (const d of vectors(n)) {
      const ref = jvpAt(graph, outputs, x, d);
      values.fill(-1);
      out.fill(-1);
      jvp(x, d, values, out);
      for (let i = 0; i < m; i++) {
        expect(bits(values[i]!, ref.values[i]!), `${at}: value ${i} ${values[i]} vs ${ref.values[i]}`).toBe(true);
        expect(bits(out[i]!, ref.jvp[i]!), `${at} d=(${d.join(', ')}): jvp ${i} ${out[i]} vs ${ref.jvp[i]}`).toBe(true);
      }
    }
    for (const c of vectors(m)) {
      const ref = vjpAt(graph, outputs, x, c);
      values.fill(-1);
      out.fill(-1);
      vjp(x, c, values, out);
      for (let i = 0; i < m; i++) expect(bits(values[i]!, ref.values[i]!), `${at}: value ${i}`).toBe(true);
      for (let k = 0; k < n; k++) {
        expect(bits(out[k]!, ref.vjp[k]!), `${at} c=(${c.join(', ')}): vjp ${k} ${out[k]} vs ${ref.vjp[k]}`).toBe(true);
      }
    }
    for (const { wrt, mode, strategy, k } of jacobians) {
      const ref = jacobianAt(graph, outputs, x, wrt, mode);
      expect(k.mode).toBe(mode);
      const jac = new Float64Array(m * wrt.length).fill(-1);
      values.fill(-1);
      k.jacobian(x, values, jac);
      for (let i = 0; i < m; i++) {
        expect(bits(values[i]!, ref.values[i]!), `${at} ${mode}/${strategy}: value ${i}`).toBe(true);
        for (let j = 0; j < wrt.length; j++) {
          const got = jac[i * wrt.length + j]!;
          const want = ref.jacobian[i]![j]!;
          expect(bits(got, want), `${at} ${mode}/${strategy} wrt [${wrt.join(', ')}]: J[${i}][${j}] ${got} vs ${want}`).toBe(true);
        }
      }
    }
  }
}

describe('compiled J·d, cᵀJ and Jacobians agree with the interpreter bit for bit', () => {
  for (const [text, points] of TABLE) {
    it(text.length > 60 ? `${text.slice(0, 57)}...` : text, () => {
      const low = lowered(text);
      checkAll(text, low, defaultOutputs(low), points);
    });
  }

  it('for chosen output lists: duplicated, inputs, constants, outputs feeding each other, reversed order', () => {
    const text = 'u = x * y; v = u + sin(x); w = 2; z = v * u';
    const low = lowered(text);
    const node = (name: string) => low.statements.find((s) => s.name === name)!.node;
    const [x, y] = low.graph.inputs;
    const points = [[2, 3], [0, 0], [-0, 1], [Infinity, 0], [NaN, 2]];
    const lists: NodeId[][] = [
      [node('u'), node('u')],
      [x!, node('z'), x!],
      [node('w'), y!, node('w')],
      [node('z'), node('v'), node('u')],
      [node('u'), node('v'), node('z'), x!, y!, node('w')],
      [y!],
    ];
    for (const outputs of lists) checkAll(text, low, outputs, points);
  });

  it('in chunked form (functions sharing a workspace), on every program of the table', () => {
    for (const [text, points] of TABLE) {
      const low = lowered(text);
      checkAll(text, low, defaultOutputs(low), points, { chunk: 3 });
    }
  });
});

describe('large graphs', () => {
  it(
    'a 3,000-term sum with two outputs is cut into functions and agrees',
    () => {
      const text = `${bigSum(3000)}; x * y`;
      const low = lowered(text);
      const { graph } = low;
      const outputs = defaultOutputs(low);
      const j = compileJvp(graph, outputs);
      const v = compileVjp(graph, outputs);
      expect(j.functions).toBeGreaterThan(1);
      expect(v.functions).toBeGreaterThan(1);
      const values = new Float64Array(2);
      const out = new Float64Array(2);
      for (const x of [[0.3, -0.7], [0, 0]]) {
        for (const d of [[1, 0], [0.5, -2]]) {
          j.jvp(x, d, values, out);
          const ref = jvpAt(graph, outputs, x, d);
          expect([...values]).toEqual(ref.values);
          expect([...out]).toEqual(ref.jvp);
        }
        for (const c of [[0, 1], [-1.5, 3]]) {
          v.vjp(x, c, values, out);
          const ref = vjpAt(graph, outputs, x, c);
          expect([...values]).toEqual(ref.values);
          expect([...out]).toEqual(ref.vjp);
        }
        for (const mode of ['forward', 'reverse'] as const) {
          const jac = new Float64Array(4);
          compileJacobian(graph, outputs, [0, 1], mode).jacobian(x, values, jac);
          expect([...jac]).toEqual(jacobianAt(graph, outputs, x, [0, 1], mode).jacobian.flat());
        }
      }
    },
    timeout(60000),
  );

  it('Rosenbrock with 1,000 variables, two outputs (f and x1*x1000), agrees in both modes', { timeout: timeout(60000) }, () => {
    const text = `${rosenbrock(1000)}; x1 * x1000`;
    const low = lowered(text);
    const { graph } = low;
    const outputs = defaultOutputs(low);
    const n = graph.inputs.length;
    expect(n).toBe(1000);
    const x = Array.from({ length: n }, (_, k) => ((k % 7) - 3) / 4);
    const d = Array.from({ length: n }, (_, k) => ((k % 5) - 2) / 3);
    const c = [1.5, -2];
    const { jvp, functions } = compileJvp(graph, outputs);
    expect(functions).toBeGreaterThan(1);
    const values = new Float64Array(2);
    const out = new Float64Array(n);
    jvp(x, d, values, out);
    const rj = jvpAt(graph, outputs, x, d);
    expect([...values]).toEqual(rj.values);
    expect([...out.subarray(0, 2)]).toEqual(rj.jvp);
    compileVjp(graph, outputs).vjp(x, c, values, out);
    const rv = vjpAt(graph, outputs, x, c);
    expect([...values]).toEqual(rv.values);
    expect([...out]).toEqual(rv.vjp);
    const wrt = graph.inputs.map((_, k) => k);
    for (const mode of ['reverse', 'forward'] as const) {
      const k = compileJacobian(graph, outputs, wrt, mode);
      const jac = new Float64Array(2 * n);
      k.jacobian(x, values, jac);
      const ref = jacobianAt(graph, outputs, x, wrt, mode);
      expect([...values]).toEqual(ref.values);
      expect([...jac]).toEqual(ref.jacobian.flat());
    }
  });

  it('a Jacobian whose many-sweep kernel would be too large falls back to one compiled product per column', () => {
    // Every input reaches every node above the sum: forward mode with 300 columns writes about 300 × 600 sweeps.
    const n = 300;
    const text = `s = ${Array.from({ length: n }, (_, k) => `x${k + 1}`).join(' + ')}; ${Array.from({ length: 200 }, (_, i) => `sin(${i + 1}*s)`).join(' + ')}; s`;
    const low = lowered(text);
    const outputs = defaultOutputs(low);
    const wrt = low.graph.inputs.map((_, k) => k);
    const k = compileJacobian(low.graph, outputs, wrt, 'forward');
    expect(k.strategy).toBe('products');
    expect(compileJacobian(low.graph, outputs, wrt, 'reverse').strategy).toBe('sweeps');
    const x = Array.from({ length: n }, (_, i) => i / 1000);
    const values = new Float64Array(2);
    const jac = new Float64Array(2 * n);
    k.jacobian(x, values, jac);
    const ref = jacobianAt(low.graph, outputs, x, wrt, 'forward');
    expect([...values]).toEqual(ref.values);
    expect([...jac]).toEqual(ref.jacobian.flat());
  });
});

describe('property: random programs', () => {
  it(
    'domain-safe programs: every statement an output, at random points and directions',
    () => {
      fc.assert(
        fc.property(safeCase, fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }), (sc, cot) => {
          const text = printProgram(sc.program);
          const low = lowered(text);
          const { graph } = low;
          const outputs = low.statements.map((s) => s.node);
          const x = graph.inputNames.map((nm) => sc.point[nm]!);
          const d = graph.inputNames.map((nm) => sc.direction[nm]!);
          const c = outputs.map((_, i) => cot[i]!);
          const m = outputs.length;
          const n = graph.inputs.length;
          const values = new Float64Array(m);
          const out = new Float64Array(Math.max(m, n));
          compileJvp(graph, outputs).jvp(x, d, values, out);
          const rj = jvpAt(graph, outputs, x, d);
          rj.values.forEach((v, i) => expect(bits(values[i]!, v), `${text}: value`).toBe(true));
          rj.jvp.forEach((v, i) => expect(bits(out[i]!, v), `${text}: jvp ${i} ${out[i]} vs ${v}`).toBe(true));
          compileVjp(graph, outputs).vjp(x, c, values, out);
          vjpAt(graph, outputs, x, c).vjp.forEach((v, k) => expect(bits(out[k]!, v), `${text}: vjp ${k} ${out[k]} vs ${v}`).toBe(true));
          const wrt = graph.inputs.map((_, k) => k);
          for (const mode of ['forward', 'reverse'] as const) {
            const jac = new Float64Array(m * n);
            compileJacobian(graph, outputs, wrt, mode).jacobian(x, values, jac);
            const ref = jacobianAt(graph, outputs, x, wrt, mode).jacobian.flat();
            ref.forEach((v, i) => expect(bits(jac[i]!, v), `${text}: ${mode} J ${i} ${jac[i]} vs ${v}`).toBe(true));
          }
        }),
        runs(150),
      );
    },
    timeout(60000),
  );

  it(
    'any program (overflowing literals, NaN, 0·∞) at points with zeros and infinities',
    () => {
      const coordinate = fc.oneof(fc.double({ min: -5, max: 5 }), fc.constantFrom(0, -0, 1, -1, Infinity, -Infinity, NaN));
      let checked = 0;
      fc.assert(
        fc.property(anyProgram, fc.array(coordinate, { minLength: 20, maxLength: 20 }), (program, coords) => {
          let low: Lowered;
          try {
            low = lowered(printProgram(program));
          } catch (e) {
            if (e instanceof AdiffError) return; // unknown function, wrong arity, empty program: not our concern
            throw e;
          }
          checked++;
          const text = printProgram(program);
          const outputs = low.statements.map((s) => s.node);
          const n = low.graph.inputs.length;
          const x = coords.slice(0, n);
          const d = coords.slice(5, 5 + n);
          const c = outputs.map((_, i) => coords[10 + (i % 10)]!);
          checkOne(text, low, outputs, x, d, c);
        }),
        runs(300),
      );
      expect(checked).toBeGreaterThan(30);
    },
    timeout(60000),
  );
});

/** One point, one direction, one cotangent, both Jacobian modes. */
function checkOne(text: string, low: Lowered, outputs: NodeId[], x: number[], d: number[], c: number[]): void {
  const { graph } = low;
  const m = outputs.length;
  const n = graph.inputs.length;
  const values = new Float64Array(m);
  const out = new Float64Array(Math.max(m, n));
  compileJvp(graph, outputs).jvp(x, d, values, out);
  const rj = jvpAt(graph, outputs, x, d);
  rj.values.forEach((v, i) => expect(bits(values[i]!, v), `${text}: value ${i}`).toBe(true));
  rj.jvp.forEach((v, i) => expect(bits(out[i]!, v), `${text} at ${x} d ${d}: jvp ${i} ${out[i]} vs ${v}`).toBe(true));
  compileVjp(graph, outputs).vjp(x, c, values, out);
  vjpAt(graph, outputs, x, c).vjp.forEach((v, k) => expect(bits(out[k]!, v), `${text} at ${x} c ${c}: vjp ${k} ${out[k]} vs ${v}`).toBe(true));
  const wrt = graph.inputs.map((_, k) => k);
  for (const mode of ['forward', 'reverse'] as const) {
    const jac = new Float64Array(m * n);
    compileJacobian(graph, outputs, wrt, mode).jacobian(x, values, jac);
    jacobianAt(graph, outputs, x, wrt, mode).jacobian.flat().forEach((v, i) => expect(bits(jac[i]!, v), `${text} at ${x}: ${mode} J ${i} ${jac[i]} vs ${v}`).toBe(true));
  }
}

describe('closed forms (hand-derived)', () => {
  // f = (x*y, sin(x) + y^2): J = [[y, x], [cos x, 2y]].
  const low = lowered('x*y; sin(x) + y^2');
  const outputs = defaultOutputs(low);
  const [x, y] = [0.7, -1.3];
  const J = [
    [y, x],
    [Math.cos(x), 2 * y],
  ];

  it('J·d = (y·d1 + x·d2, cos x·d1 + 2y·d2)', () => {
    const { jvp } = compileJvp(low.graph, outputs);
    const values = new Float64Array(2);
    const out = new Float64Array(2);
    const d = [2, -3];
    jvp([x, y], d, values, out);
    expect(values[0]).toBe(x * y);
    expect(values[1]).toBeCloseTo(Math.sin(x) + y * y, 15);
    expect(out[0]).toBeCloseTo(J[0]![0]! * d[0]! + J[0]![1]! * d[1]!, 14);
    expect(out[1]).toBeCloseTo(J[1]![0]! * d[0]! + J[1]![1]! * d[1]!, 14);
  });

  it('cᵀJ = (c1·y + c2·cos x, c1·x + c2·2y)', () => {
    const { vjp } = compileVjp(low.graph, outputs);
    const values = new Float64Array(2);
    const out = new Float64Array(2);
    const c = [0.5, 4];
    vjp([x, y], c, values, out);
    expect(out[0]).toBeCloseTo(c[0]! * J[0]![0]! + c[1]! * J[1]![0]!, 14);
    expect(out[1]).toBeCloseTo(c[0]! * J[0]![1]! + c[1]! * J[1]![1]!, 14);
  });

  it('the Jacobian in both modes and both strategies; auto picks reverse for a square Jacobian', () => {
    for (const mode of ['forward', 'reverse'] as const) {
      for (const strategy of ['sweeps', 'products'] as const) {
        const k = compileJacobian(low.graph, outputs, [0, 1], mode, { strategy });
        const values = new Float64Array(2);
        const jac = new Float64Array(4);
        k.jacobian([x, y], values, jac);
        J.flat().forEach((want, i) => expect(jac[i]).toBeCloseTo(want, 15));
      }
    }
    expect(compileJacobian(low.graph, outputs, [0, 1], 'auto').mode).toBe('reverse');
    expect(compileJacobian(low.graph, outputs, [0], 'auto').mode).toBe('forward');
    // wrt a subset, in another order: the columns follow wrt.
    const k = compileJacobian(low.graph, outputs, [1], 'forward');
    const jac = new Float64Array(2);
    k.jacobian([x, y], new Float64Array(2), jac);
    expect([...jac]).toEqual([x, 2 * y]);
  });

  it('Rosenbrock (1-x)^2 + 100(y-x^2)^2 and its x-derivative as two outputs, at (1, 1) and (0, 0)', () => {
    // f_x = -2(1-x) - 400x(y-x^2); J row 1 = (f_x, f_y) = (-2(1-x) - 400x(y-x^2), 200(y-x^2));
    // row 2 = ∂f_x = (2 - 400(y - x^2) + 800x^2, -400x).
    const rb = lowered('(1 - x)^2 + 100*(y - x^2)^2; -2*(1 - x) - 400*x*(y - x^2)');
    const k = compileJacobian(rb.graph, defaultOutputs(rb), [0, 1], 'reverse');
    const values = new Float64Array(2);
    const jac = new Float64Array(4);
    k.jacobian([1, 1], values, jac);
    expect(values[0]).toBe(0);
    expect(values[1]).toBe(-0); // -2·(1 - 1) = -2·0 = -0, and -0 - 400·1·0 = -0
    expect([...jac]).toEqual([0, 0, 802, -400]);
    k.jacobian([0, 0], values, jac);
    expect([...values]).toEqual([1, -2]);
    expect([...jac]).toEqual([-2, 0, 2, 0]);
  });

  it('0·∞: sqrt(x)*y at x = 0, y = 0 has J = [[0·∞ → 0, sqrt 0 = 0]]; at y = 1 the x-entry is ∞', () => {
    const s = lowered('sqrt(x)*y');
    const { jvp } = compileJvp(s.graph, defaultOutputs(s));
    const values = new Float64Array(1);
    const out = new Float64Array(1);
    jvp([0, 0], [1, 0], values, out);
    expect(out[0]).toBe(0); // ∂/∂x = y·0.5/sqrt(x) = 0·∞, taken as 0 (the zero-skip rule)
    jvp([0, 1], [1, 0], values, out);
    expect(out[0]).toBe(Infinity);
    jvp([0, 1], [0, 1], values, out);
    expect(out[0]).toBe(0); // ∂/∂y = sqrt(0)
  });
});

describe('generated code', () => {
  it('never contains text from the user: inputs and outputs are mapped by index', () => {
    const text = 'Math * constructor; __proto__ - v1 / x0; t0^2 + jvp * values; c0 * d0 * u0_1 * a0_1';
    const low = lowered(text);
    const outputs = defaultOutputs(low);
    const wrt = low.graph.inputs.map((_, k) => k);
    const sources = [
      compileJvp(low.graph, outputs).source,
      compileVjp(low.graph, outputs).source,
      compileJacobian(low.graph, outputs, wrt, 'forward').source,
      compileJacobian(low.graph, outputs, wrt, 'reverse').source,
      compileVjp(low.graph, outputs, { chunk: 2 }).source,
    ];
    for (const code of sources) {
      expect(code).not.toMatch(/constructor|__proto__/);
      const words = code.match(/[A-Za-z_$][\w$]*/g) ?? [];
      for (const w of words) expect(w).toMatch(/^(?:[xdctua]\d+(?:_\d+)?|Math|sin|pow|const|let|x|d|c|w|values|jvp|vjp|jac|use|strict)$/);
    }
    checkAll(text, low, outputs, [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]);
  });
});
