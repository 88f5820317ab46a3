// The library's `compile` API: single points by name or by position, batches over columns and row-major
// buffers, Hessians; several outputs (values, Jacobians, J·d, cᵀJ) and their batches. Expectations are
// hand-derived.
import { describe, expect, it, vi } from 'vitest';
import { compile } from '../src/index.js';
import { lower } from '../src/autodiff/lower.js';
import { parse } from '../src/parser/parse.js';
import { AdiffError } from '../src/diagnostics.js';
import { compileKernels } from '../src/autodiff/compile.js';
import { compileExactHvp } from '../src/autodiff/compile-hessian.js';
import { hessianAt, hvpAt } from '../src/autodiff/hessian.js';
import { same } from './helpers/kernels.js';
import { compileJacobian, compileJvp, compileVjp } from '../src/autodiff/compile-products.js';

// The kernel compilers, counted (and otherwise unchanged), to check that each is called only when needed.
vi.mock('../src/autodiff/compile.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/autodiff/compile.js')>();
  return { ...real, compileKernels: vi.fn(real.compileKernels) };
});
vi.mock('../src/autodiff/compile-hessian.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/autodiff/compile-hessian.js')>();
  return { ...real, compileExactHvp: vi.fn(real.compileExactHvp) };
});
vi.mock('../src/autodiff/compile-products.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/autodiff/compile-products.js')>();
  return { ...real, compileJacobian: vi.fn(real.compileJacobian), compileJvp: vi.fn(real.compileJvp), compileVjp: vi.fn(real.compileVjp) };
});

const E1 = 'ln(x1)+x1*x2-sin(x2)';
// f = ln x1 + x1 x2 - sin x2; ∂1 = 1/x1 + x2; ∂2 = x1 - cos x2; ∂11 = -1/x1², ∂12 = 1, ∂22 = sin x2
const f1 = (a: number, b: number) => Math.log(a) + a * b - Math.sin(b);
const g1 = (a: number, b: number) => [1 / a + b, a - Math.cos(b)];

describe('compile', () => {
  const f = compile(E1);

  it('knows its inputs and evaluates at a point given by name or by position', () => {
    expect(f.inputs).toEqual(['x1', 'x2']);
    expect(f.output).toBeUndefined();
    expect(f.value({ x1: 2, x2: 5 })).toBeCloseTo(11.652071455, 9);
    expect(f.value([2, 5])).toBe(f.value({ x1: 2, x2: 5 }));
    const g = f.gradient({ x1: 2, x2: 5 });
    expect(Object.keys(g)).toEqual(['x1', 'x2']);
    expect(g.x1).toBeCloseTo(5.5, 14);
    expect(g.x2).toBeCloseTo(2 - Math.cos(5), 14);
  });

  it('computes the Hessian and Hessian-vector products', () => {
    const h = f.hessian({ x1: 2, x2: 5 });
    expect(h.x1!.x1).toBeCloseTo(-0.25, 14);
    expect(h.x1!.x2).toBe(1);
    expect(h.x2!.x1).toBe(1);
    expect(h.x2!.x2).toBeCloseTo(Math.sin(5), 14);
    const hv = f.hvp({ x1: 2, x2: 5 }, { x1: 1, x2: 2 });
    expect(hv.x1).toBeCloseTo(-0.25 + 2, 14);
    expect(hv.x2).toBeCloseTo(1 + 2 * Math.sin(5), 14);
    const rosen = compile('(1 - x)^2 + 100*(y - x^2)^2');
    expect(rosen.hessian({ x: 1, y: 1 })).toEqual({ x: { x: 802, y: -400 }, y: { x: -400, y: 200 } });
  });

  it('evaluates batches over columns and row-major buffers into the caller’s arrays', () => {
    const N = 1000;
    const a = new Float64Array(N);
    const b = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      a[i] = 0.5 + i / 100;
      b[i] = Math.cos(i);
    }
    const value = new Float64Array(N);
    const grad = [new Float64Array(N), new Float64Array(N)];
    f.gradientColumns([a, b], value, grad);
    const byName = new Float64Array(N);
    f.valueColumns({ x2: b, x1: a }, byName);
    const rows = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) [rows[2 * i], rows[2 * i + 1]] = [a[i]!, b[i]!];
    const rv = new Float64Array(N);
    const rg = new Float64Array(2 * N);
    f.gradientRows(rows, rv, rg);
    const vOnly = f.valueRows(rows, new Float64Array(N));
    for (let i = 0; i < N; i++) {
      const [ga, gb] = g1(a[i]!, b[i]!);
      expect(value[i]).toBeCloseTo(f1(a[i]!, b[i]!), 12);
      expect(grad[0]![i]).toBeCloseTo(ga!, 12);
      expect(grad[1]![i]).toBeCloseTo(gb!, 12);
      expect(byName[i]).toBe(value[i]);
      expect(rv[i]).toBe(value[i]);
      expect(vOnly[i]).toBe(value[i]);
      expect(rg[2 * i]).toBe(grad[0]![i]);
      expect(rg[2 * i + 1]).toBe(grad[1]![i]);
    }
  });

  it('differentiates a named output of a program, and names such as __proto__ are ordinary', () => {
    const p = compile('u = x*y; v = u + __proto__; w = 2v', { output: 'v' });
    expect(p.output).toBe('v');
    expect(p.inputs).toEqual(['x', 'y', '__proto__']);
    const g = p.gradient({ x: 2, y: 3, ['__proto__']: 4 } as Record<string, number>);
    expect(Object.keys(g)).toEqual(['x', 'y', '__proto__']);
    expect(g).toEqual(Object.fromEntries([['x', 3], ['y', 2], ['__proto__', 1]]));
  });

  it('rejects bad formulas and bad points with AdiffError', () => {
    expect(() => compile('sinn(x)')).toThrow(AdiffError);
    expect(() => compile('x +')).toThrow(AdiffError);
    expect(() => f.value({ x1: 2 })).toThrow(/no value for 'x2'/);
    expect(() => f.value([1])).toThrow(/2 variables/);
    expect(() => f.valueColumns([new Float64Array(2), new Float64Array(1)], new Float64Array(2))).toThrow(/fewer/);
    expect(() => compile('a = x; a', { output: 'b' })).toThrow(/not an assigned name/);
  });
});

// Several outputs. The running example: u = x·y, v = sin x + y², so
//   J = [[∂u/∂x, ∂u/∂y], [∂v/∂x, ∂v/∂y]] = [[y, x], [cos x, 2y]],
//   J·d = (y·dx + x·dy, cos x·dx + 2y·dy),   cᵀJ = (cu·y + cv·cos x, cu·x + cv·2y).
const UV = 'u = x*y; v = sin(x) + y^2';
const uv = (x: number, y: number) => [x * y, Math.sin(x) + y * y];
const J = (x: number, y: number) => [[y, x], [Math.cos(x), 2 * y]];
const closeTo = (actual: ArrayLike<number>, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, k) => expect(actual[k]).toBeCloseTo(e, 13));
};

describe('compile: several outputs', () => {
  const f = compile(UV, { of: ['u', 'v'] });

  it('labels the outputs as the CLI does: --of names, else the bare expressions, else the last assignment', () => {
    expect(f.outputs).toEqual(['u', 'v']);
    expect(compile(UV, { of: 'v, u' }).outputs).toEqual(['v', 'u']);
    expect(compile(UV).outputs).toEqual(['v']);
    expect(compile('x*y; x + y; sin(x)').outputs).toEqual(['f1', 'f2', 'f3']);
    expect(compile('a = x + 1; a*y').outputs).toEqual(['f']);
    // `f` is an assigned name here, so the bare expression is called f_.
    expect(compile('f = x + 1; 2f').outputs).toEqual(['f_']);
    // `output` alone picks the one output; `of` naming one name picks the output of value/gradient too.
    expect(compile(UV, { output: 'u' }).outputs).toEqual(['u']);
    expect(compile(UV, { of: ['u'] }).output).toBe('u');
    expect(compile(UV, { of: ['u'] }).value({ x: 3, y: 4 })).toBe(12);
    expect(compile(UV, { of: ['u', 'v'], output: 'u' }).gradient({ x: 3, y: 4 })).toEqual({ x: 4, y: 3 });
  });

  it('values and the Jacobian in every mode match the closed form, keyed by output then input', () => {
    for (const [x, y] of [[0.5, 2], [-1.25, 3], [2, -0.5]] as const) {
      const values = f.values({ x, y });
      expect(Object.keys(values)).toEqual(['u', 'v']);
      closeTo([values.u!, values.v!], uv(x, y));
      expect(f.values([x, y])).toEqual(values);
      for (const mode of ['auto', 'forward', 'reverse'] as const) {
        const jac = f.jacobian({ x, y }, { mode });
        expect(Object.keys(jac)).toEqual(['u', 'v']);
        expect(Object.keys(jac.u!)).toEqual(['x', 'y']);
        closeTo([jac.u!.x!, jac.u!.y!, jac.v!.x!, jac.v!.y!], J(x, y).flat());
      }
    }
    // Three outputs of two variables (forward by shape): rows [y, x], [1, 1], [cos x, 0].
    const g = compile('x*y; x + y; sin(x)');
    const jac = g.jacobian([2, 3]);
    expect(jac).toEqual({ f1: { x: 3, y: 2 }, f2: { x: 1, y: 1 }, f3: { x: Math.cos(2), y: 0 } });
    expect(g.jacobian([2, 3], { mode: 'reverse' })).toEqual(jac);
  });

  it('J·d and cᵀJ match the closed form, given by name or in order', () => {
    const [x, y] = [0.75, -2];
    const [[a, b], [c, d]] = J(x, y) as [[number, number], [number, number]];
    const jvp = f.jvp({ x, y }, { x: 2, y: -1 });
    expect(Object.keys(jvp)).toEqual(['u', 'v']);
    closeTo([jvp.u!, jvp.v!], [2 * a - b, 2 * c - d]);
    expect(f.jvp([x, y], [2, -1])).toEqual(jvp);
    const vjp = f.vjp({ x, y }, { u: 3, v: 0.5 });
    expect(Object.keys(vjp)).toEqual(['x', 'y']);
    closeTo([vjp.x!, vjp.y!], [3 * a + 0.5 * c, 3 * b + 0.5 * d]);
    expect(f.vjp([x, y], [3, 0.5])).toEqual(vjp);
    // Unit directions and cotangents pick out Jacobian columns and rows.
    const jac = f.jacobian([x, y]);
    expect(f.jvp([x, y], [0, 1])).toEqual({ u: jac.u!.y, v: jac.v!.y });
    expect(f.vjp([x, y], [0, 1])).toEqual(jac.v);
  });

  it('agrees with the single-output kernels: values with value(), Jacobian rows with gradient()', () => {
    const u = compile(UV, { output: 'u' });
    const v = compile(UV, { output: 'v' });
    for (const p of [[0.5, 2], [-3, 0.25]]) {
      expect(f.values(p)).toEqual({ u: u.value(p), v: v.value(p) });
      expect(f.jacobian(p, { mode: 'reverse' })).toEqual({ u: u.gradient(p), v: v.gradient(p) });
    }
  });

  it('needs values only for the variables the outputs use; the others get zero columns', () => {
    // u = x·y and v = 2x do not use z (w does).
    const p = compile('u = x*y; v = 2*x; w = z', { of: ['u', 'v'] });
    expect(p.inputs).toEqual(['x', 'y', 'z']);
    expect(p.values({ x: 3, y: 4 })).toEqual({ u: 12, v: 6 });
    expect(p.jacobian({ x: 3, y: 4 })).toEqual({ u: { x: 4, y: 3, z: 0 }, v: { x: 2, y: 0, z: 0 } });
    expect(p.jvp({ x: 3, y: 4 }, { x: 1, y: 1 })).toEqual({ u: 7, v: 2 });
    expect(p.vjp({ x: 3, y: 4 }, { u: 1, v: 1 })).toEqual({ x: 6, y: 3, z: 0 });
    const vs = new Float64Array(4);
    p.valuesColumns({ x: Float64Array.of(1, 2), y: Float64Array.of(5, 6) }, [vs.subarray(0, 2), vs.subarray(2)]);
    expect([...vs]).toEqual([5, 12, 2, 4]);
    // A point may carry names the formula does not use (as --at may).
    expect(p.values({ x: 3, y: 4, q: 1 })).toEqual({ u: 12, v: 6 });
  });

  it('batches over row-major points write into the caller’s arrays, and only the entries asked for', () => {
    const N = 200;
    const points = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) [points[2 * i], points[2 * i + 1]] = [Math.sin(i) * 3, 0.1 * i - 5];
    const values = new Float64Array(2 * N).fill(NaN);
    expect(f.valuesRows(points, values)).toBe(values);
    const jv = new Float64Array(2 * N).fill(NaN);
    const jac = new Float64Array(4 * N + 3).fill(NaN); // 3 spare entries stay untouched
    f.jacobianRows(points, jv, jac, { mode: 'forward' });
    const rv = new Float64Array(2 * N);
    const rj = new Float64Array(4 * N);
    f.jacobianRows(points, rv, rj, { mode: 'reverse' });
    const tv = new Float64Array(2 * N);
    const jvp = new Float64Array(2 * N).fill(NaN);
    f.jvpRows(points, { x: 2, y: -1 }, tv, jvp);
    const cv = new Float64Array(2 * N);
    const vjp = new Float64Array(2 * N).fill(NaN);
    f.vjpRows(points, [3, 0.5], cv, vjp);
    for (let i = 0; i < N; i++) {
      const [x, y] = [points[2 * i]!, points[2 * i + 1]!];
      const [[a, b], [c, d]] = J(x, y) as [[number, number], [number, number]];
      closeTo(values.subarray(2 * i, 2 * i + 2), uv(x, y));
      closeTo(jac.subarray(4 * i, 4 * i + 4), [a, b, c, d]);
      closeTo(rj.subarray(4 * i, 4 * i + 4), [a, b, c, d]);
      closeTo(jvp.subarray(2 * i, 2 * i + 2), [2 * a - b, 2 * c - d]);
      closeTo(vjp.subarray(2 * i, 2 * i + 2), [3 * a + 0.5 * c, 3 * b + 0.5 * d]);
      for (const other of [jv, rv, tv, cv]) expect(other.subarray(2 * i, 2 * i + 2)).toEqual(values.subarray(2 * i, 2 * i + 2));
      // Each point's numbers are the single-point methods' numbers.
      const one = f.jacobian([x, y], { mode: 'forward' });
      expect([...jac.subarray(4 * i, 4 * i + 4)]).toEqual([one.u!.x, one.u!.y, one.v!.x, one.v!.y]);
    }
    expect([...jac.subarray(4 * N)]).toEqual([NaN, NaN, NaN]);
  });

  it('batches over columns write into the caller’s arrays: values[o][i], jacobian[o][k][i], jvp[o][i], vjp[k][i]', () => {
    const N = 150;
    const xs = new Float64Array(N);
    const ys = new Float64Array(N);
    for (let i = 0; i < N; i++) [xs[i], ys[i]] = [i / 20 - 3, Math.cos(i)];
    const col = () => new Float64Array(N).fill(NaN);
    const values = [col(), col()];
    expect(f.valuesColumns({ y: ys, x: xs }, values)).toBe(values);
    const jv = [col(), col()];
    const jac = [[col(), col()], [col(), col()]];
    f.jacobianColumns([xs, ys], jv, jac);
    const tv = [col(), col()];
    const jvp = [col(), col()];
    f.jvpColumns([xs, ys], [2, -1], tv, jvp);
    const cv = [col(), col()];
    const vjp = [col(), col()];
    f.vjpColumns({ x: xs, y: ys }, { u: 3, v: 0.5 }, cv, vjp);
    for (let i = 0; i < N; i++) {
      const [x, y] = [xs[i]!, ys[i]!];
      const [[a, b], [c, d]] = J(x, y) as [[number, number], [number, number]];
      closeTo([values[0]![i]!, values[1]![i]!], uv(x, y));
      closeTo([jac[0]![0]![i]!, jac[0]![1]![i]!, jac[1]![0]![i]!, jac[1]![1]![i]!], [a, b, c, d]);
      closeTo([jvp[0]![i]!, jvp[1]![i]!], [2 * a - b, 2 * c - d]);
      closeTo([vjp[0]![i]!, vjp[1]![i]!], [3 * a + 0.5 * c, 3 * b + 0.5 * d]);
      for (const other of [jv, tv, cv]) expect([other[0]![i], other[1]![i]]).toEqual([values[0]![i], values[1]![i]]);
    }
    // The number of points is the length of the value arrays; longer result columns keep their tail.
    const long = [new Float64Array(3).fill(NaN), new Float64Array(3).fill(NaN)];
    f.jvpColumns([xs, ys], [1, 0], [new Float64Array(2), new Float64Array(2)], long);
    expect(long.map((a) => Number.isNaN(a[2]!))).toEqual([true, true]);
    expect(long[0]![0]).toBe(ys[0]);
  });

  it('a direction or cotangent by name: names left out are 0, as with --dir and --cotangent', () => {
    // u = x·y, v = sin x + y² at (1, 2): J = [[y, x], [cos x, 2y]] = [[2, 1], [cos 1, 4]].
    expect(f.jvp([1, 2], { x: 1 })).toEqual({ u: 2, v: Math.cos(1) }); // J·(1, 0)
    expect(f.vjp([1, 2], { u: 1 })).toEqual({ x: 2, y: 1 }); // (1, 0)ᵀJ
    expect(f.jvp([1, 2], {})).toEqual({ u: 0, v: 0 });
  });

  it('rejects wrong lengths, unknown names and bad options with clear AdiffErrors', () => {
    const err = (fn: () => unknown, message: RegExp) => {
      expect(fn).toThrow(AdiffError);
      expect(fn).toThrow(message);
    };
    err(() => f.values([1]), /the point has 1 values, but the formula has 2 variables \(x, y\)/);
    err(() => f.values({ x: 1 }), /the point has no value for 'y'/);
    err(() => f.jvp([1, 2], [1, 0, 0]), /the direction has 3 values, but the formula has 2 variables/);
    err(() => f.jvp([1, 2], { x: 1, z: 1 }), /the direction names 'z', which is not one of the variables \(x, y\)/);
    err(() => f.vjp([1, 2], [1]), /the cotangent has 1 values, but the program has 2 outputs \(u, v\)/);
    // A misspelt name is reported as such, before the name it may stand for.
    err(() => f.vjp([1, 2], { u: 1, w: 2 }), /the cotangent names 'w', which is not one of the outputs \(u, v\)/);
    err(() => f.values(5 as unknown as number[]), /the point must be an object/);
    err(() => f.jacobian([1, 2], { mode: 'sideways' as 'forward' }), /unknown mode 'sideways'/);
    err(() => f.valuesRows(new Float64Array(4), new Float64Array(3)), /values array has 3 numbers, not a multiple of the 2 outputs/);
    err(() => f.valuesRows(new Float64Array(3), new Float64Array(4)), /expected 4 numbers \(2 points of 2\), got 3/);
    err(() => f.jacobianRows(new Float64Array(4), new Float64Array(4), new Float64Array(7)), /the Jacobian array needs 8 numbers, has 7/);
    err(() => f.jvpRows(new Float64Array(4), [1, 0], new Float64Array(4), new Float64Array(3)), /the jvp array needs 4 numbers/);
    err(() => f.vjpRows(new Float64Array(4), [1, 0], new Float64Array(4), new Float64Array(3)), /the vjp array needs 4 numbers/);
    const two = () => new Float64Array(2);
    err(() => f.valuesColumns([two(), two()], [two()]), /expected 2 value arrays \(u, v\), got 1/);
    err(() => f.valuesColumns([two(), two()], [two(), new Float64Array(3)]), /value array 1 has 3 numbers, value array 0 has 2/);
    err(() => f.valuesColumns([two()], [two(), two()]), /expected 2 columns \(x, y\), got 1/);
    err(() => f.valuesColumns({ x: two() }, [two(), two()]), /no column for 'y'/);
    err(() => f.valuesColumns([two(), new Float64Array(1)], [two(), two()]), /column 'y' has 1 values, fewer than the 2 points/);
    err(() => f.jacobianColumns([two(), two()], [two(), two()], [[two(), two()]]), /expected 2 rows of Jacobian columns/);
    err(() => f.jacobianColumns([two(), two()], [two(), two()], [[two(), two()], [two()]]), /Jacobian row 'v' has 1 columns, expected 2 \(x, y\)/);
    err(() => f.jacobianColumns([two(), two()], [two(), two()], [[two(), two()], [two(), new Float64Array(1)]]), /Jacobian row 'v' column 'y' is shorter/);
    err(() => f.vjpColumns([two(), two()], [1, 0], [two(), two()], [two()]), /vjp has 1 columns, expected 2 \(x, y\)/);
    err(() => compile(UV, { of: ['u', 'w'] }), /the program assigns no 'w'/);
    err(() => compile(UV, { of: ['x'] }), /'x' is a variable, not an assigned name/);
    err(() => compile(UV, { of: 'u,u' }), /'u' is given twice/);
    err(() => compile(UV, { of: [] }), /names no outputs/);
    err(() => compile(UV, { of: ['u,v'] }), /not a name/);
    // Errors about `of` point into its names, joined by commas, under the label `of`.
    try {
      compile(UV, { of: ['u', 'w'] });
    } catch (e) {
      expect((e as AdiffError).diagnostic).toMatchObject({ source: { name: 'of', text: 'u,w' }, span: { start: 2, end: 3 }, hint: 'the assigned names are: u, v' });
    }
    // hvp's direction is checked like jvp's.
    err(() => compile(E1).hvp([2, 5], { x1: 1, x2: 0, x3: 1 }), /the direction names 'x3'/);
  });
});

describe('compile: kernels are generated on first use', () => {
  it('compiles nothing up front, only the values for values(), and each Jacobian mode once', () => {
    vi.clearAllMocks();
    const f = compile(UV, { of: ['u', 'v'] });
    const calls = () => [compileKernels, compileExactHvp, compileJacobian, compileJvp, compileVjp].map((k) => vi.mocked(k).mock.calls.length);
    expect(calls()).toEqual([0, 0, 0, 0, 0]);
    f.values([1, 2]);
    f.valuesRows(new Float64Array(4), new Float64Array(4));
    expect(calls()).toEqual([0, 0, 1, 0, 0]);
    expect(vi.mocked(compileJacobian).mock.calls[0]![2]).toEqual([]); // with respect to no input: values only
    f.jacobian([1, 2]);
    f.jacobian([1, 2], { mode: 'reverse' }); // auto is reverse for 2 outputs of 2 variables
    expect(calls()).toEqual([0, 0, 2, 0, 0]);
    f.jacobian([1, 2], { mode: 'forward' });
    f.jvp([1, 2], [1, 0]);
    f.vjp([1, 2], [1, 0]);
    f.vjp([1, 2], [0, 1]);
    expect(calls()).toEqual([0, 0, 3, 1, 1]);
    f.value([1, 2]);
    f.gradient([1, 2]);
    expect(calls()).toEqual([1, 0, 3, 1, 1]);
    // hessian and hvp share one kernel: a J·d kernel over the gradient graph.
    f.hessian([1, 2]);
    f.hvp([1, 2], [1, 1]);
    f.hessian([3, 4]);
    expect(calls()).toEqual([1, 1, 3, 2, 1]);
  });
});

describe('compile: the Hessian and H·v are the interpreter’s numbers', () => {
  const EDGE = [0, -0, 1, -2.5, 0.5, Infinity, -Infinity, NaN];
  const FORMULAS = [
    'x^y',
    'hypot(x, y)',
    '(1 - x)^2 + 100*(y - x^2)^2',
    'sqrt(x)*y',
    'abs(x)*y^2',
    'max(x, y)*x',
    'sin(x*y) + cos(x)',
    'x^0.5*y^-1',
    'a = x*y; b = a*a + sin(a); b/x',
    'x*x*x*y + 3',
    'x/y',
    'atan2(y, x) + ln(x)*exp(y)',
    '2*y',
  ];

  it('agree bit for bit with hessianAt and hvpAt (the CLI’s --at) at 0, -0, ±Infinity and NaN, and H is symmetric', () => {
    for (const text of FORMULAS) {
      const f = compile(text);
      const lowered = lower(parse(text));
      const { graph } = lowered;
      const output = lowered.output;
      const n = f.inputs.length;
      const all = f.inputs.map((_, k) => k);
      for (const a of EDGE) {
        for (const b of EDGE) {
          const p = [a, b].slice(0, n);
          const at = `${text} at (${p.map(String)})`;
          const h = f.hessian(p);
          const ref = hessianAt(graph, output.node, p, all).hessian;
          f.inputs.forEach((xi, i) =>
            f.inputs.forEach((xj, j) => {
              expect(same(h[xi]![xj]!, ref[i]![j]!), `${at}: ${xi}.${xj} = ${h[xi]![xj]} vs ${ref[i]![j]}`).toBe(true);
              expect(Object.is(h[xi]![xj], h[xj]![xi]) || (Number.isNaN(h[xi]![xj]!) && Number.isNaN(h[xj]![xi]!)), `${at}: symmetric`).toBe(true);
            }),
          );
          for (const v of [[1, -2], [0.5, -0], [Infinity, 1]]) {
            const hv = f.hvp(p, v.slice(0, n));
            const want = hvpAt(graph, output.node, p, v.slice(0, n)).hvp;
            f.inputs.forEach((xi, i) => expect(same(hv[xi]!, want[i]!), `${at} along (${v}): ${xi} ${hv[xi]} vs ${want[i]}`).toBe(true));
          }
        }
      }
    }
  });

  it('x^y at (0, 2) and hypot near the x axis: the mirrored entries, by hand', () => {
    // ∂²(x^y)/∂x² = y(y-1)x^(y-2) = 2 at (0, 2); ∂²/∂x∂y = x^(y-1)(1 + y ln x) = 0·(-∞) = NaN; ∂²/∂y² = x^y (ln x)² = 0·∞.
    const h = compile('x^y').hessian({ x: 0, y: 2 });
    expect(h.x!.x).toBe(2);
    expect(h.x!.y).toBeNaN();
    expect(h.y!.x).toBeNaN();
    expect(h.y!.y).toBeNaN();
    // ∂²hypot/∂x∂y = -xy/(x² + y²)^(3/2), one number on both sides of the diagonal.
    const [x, y] = [3.3899621963500977, -0.1402425765991211];
    const g = compile('hypot(x, y)').hessian({ x, y });
    expect(Object.is(g.x!.y, g.y!.x)).toBe(true);
    expect(g.x!.y! / (-(x * y) / (x * x + y * y) ** 1.5)).toBeCloseTo(1, 13);
  });

  it('differentiates a sum of 10^4 terms twice (the kernel is cut into functions): entries by hand', () => {
    // f = Σ_{i<N} (i+1)·x_a²·sin(y_b) with a = i mod 7, b = i mod 5:
    //   ∂²f/∂x_a² = Σ_{i ≡ a (7)} 2(i+1)·sin(y_{i mod 5}),   ∂²f/∂x_a∂y_b = Σ_{i ≡ a (7), i ≡ b (5)} 2(i+1)·x_a·cos(y_b),
    //   ∂²f/∂y_b² = -Σ_{i ≡ b (5)} (i+1)·x_{i mod 7}²·sin(y_b),   ∂²f/∂x_a∂x_c = ∂²f/∂y_b∂y_c = 0 for a ≠ c, b ≠ c.
    const N = 10000;
    const f = compile(Array.from({ length: N }, (_, i) => `${i + 1}*x${i % 7}^2*sin(y${i % 5})`).join(' + '));
    const xs = [0.3, -1.2, 0.7, 2, -0.4, 1.1, 0.05];
    const ys = [0.2, -0.9, 1.3, 0.6, -2.1];
    const p: Record<string, number> = {};
    xs.forEach((v, a) => (p[`x${a}`] = v));
    ys.forEach((v, b) => (p[`y${b}`] = v));
    const H: Record<string, Record<string, number>> = Object.fromEntries(f.inputs.map((u) => [u, Object.fromEntries(f.inputs.map((w) => [w, 0]))]));
    for (let i = 0; i < N; i++) {
      const [a, b] = [i % 7, i % 5];
      const [xa, yb] = [`x${a}`, `y${b}`];
      H[xa]![xa]! += 2 * (i + 1) * Math.sin(ys[b]!);
      H[xa]![yb]! += 2 * (i + 1) * xs[a]! * Math.cos(ys[b]!);
      H[yb]![xa]! += 2 * (i + 1) * xs[a]! * Math.cos(ys[b]!);
      H[yb]![yb]! -= (i + 1) * xs[a]! ** 2 * Math.sin(ys[b]!);
    }
    const close = (got: number, want: number, what: string) => expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-11 * Math.abs(want));
    const h = f.hessian(p);
    close(h.x3!.y4!, H.x3!.y4!, 'x3.y4');
    expect(h.y4!.x3).toBe(h.x3!.y4);
    close(h.x3!.x3!, H.x3!.x3!, 'x3.x3');
    close(h.y4!.y4!, H.y4!.y4!, 'y4.y4');
    expect(h.x0!.x1).toBe(0);
    expect(h.y0!.y1).toBe(0);
    // H·p, for p the point itself.
    const hv = f.hvp(p, p);
    for (const u of f.inputs) close(hv[u]!, f.inputs.reduce((s, w) => s + H[u]![w]! * p[w]!, 0), `(H·p).${u}`);
  }, 60000);
});

describe('compile: arguments are checked, with AdiffErrors that name the method and the argument', () => {
  const err = (fn: () => unknown, message: RegExp) => {
    expect(fn).toThrow(AdiffError);
    expect(fn).toThrow(message);
  };
  const f = compile(E1); // variables x1, x2
  const g = compile(UV, { of: ['u', 'v'] }); // variables x, y; outputs u, v
  const two = () => new Float64Array(2);
  const any = (v: unknown) => v as never;
  /** A method called with fewer arguments than its type asks for. */
  const loose = (fn: unknown) => fn as (...args: unknown[]) => unknown;

  it('compile: the formula must be a string; the options an object with typed entries', () => {
    err(() => compile(any(null)), /^compile: the formula must be a string, got null$/);
    err(() => compile(any(undefined)), /^compile: the formula must be a string, got undefined$/);
    err(() => compile(any(123)), /^compile: the formula must be a string, got 123$/);
    err(() => compile('x', any(null)), /^compile: the options must be an object \{ variables\?, of\?, output\?, sourceName\? \}, got null$/);
    err(() => compile('x', any('x')), /^compile: the options must be an object/);
    err(() => compile('x', any({ of: 5 })), /^compile: `of` must be a string \('u,v'\) or an array of names/);
    err(() => compile('x', any({ of: [5] })), /^compile: `of` lists 5, which is not a name/);
    err(() => compile('u = x', any({ output: 5 })), /^compile: `output` must be a string/);
    err(() => compile('x', any({ sourceName: 1 })), /^compile: `sourceName` must be a string/);
    expect(compile('x', {}).inputs).toEqual(['x']);
    expect(compile('x', undefined).inputs).toEqual(['x']);
  });

  it('a point’s values must be numbers (NaN and ±Infinity are numbers); a missing name is an error as before', () => {
    err(() => f.value({ x1: any(null), x2: 5 }), /^value: the value of 'x1' is not a number: null$/);
    err(() => f.value({ x1: any('abc'), x2: 5 }), /^value: the value of 'x1' is not a number: "abc"$/);
    err(() => f.value({ x1: any(true), x2: 5 }), /^value: the value of 'x1' is not a number: true$/);
    err(() => f.value({ x1: any([2]), x2: 5 }), /^value: the value of 'x1' is not a number: an array of length 1$/);
    err(() => f.value({ x1: undefined as never, x2: 5 }), /^value: the value of 'x1' is not a number: undefined$/);
    err(() => f.gradient([1, any(null)]), /^gradient: the value of 'x2' is not a number: null$/);
    err(() => f.hessian(any(undefined)), /^hessian: the point must be an object \{name: value\} or an array of 2 numbers, got undefined$/);
    err(() => f.value(any(new DataView(new ArrayBuffer(16)))), /^value: the point must be an object/);
    err(() => f.hvp([1, 2], { x1: any('1'), x2: 0 }), /^hvp: the value of 'x1' in the direction is not a number: "1"$/);
    err(() => g.jvp([1, 2], [any(null), 1]), /^jvp: the value of 'x' in the direction is not a number: null$/);
    err(() => g.vjp([1, 2], { u: 1, v: any('2') }), /^vjp: the value of 'v' in the cotangent is not a number: "2"$/);
    err(() => g.jacobian([1, 2], any('forward')), /^jacobian: options must be an object \{ mode\? \}, got "forward"$/);
    err(() => f.value({ x1: 2 }), /^value: the point has no value for 'x2'$/);
    // NaN and ±Infinity are numbers; typed arrays of any number type are points.
    expect(f.value({ x1: NaN, x2: 1 })).toBeNaN();
    expect(f.value({ x1: Infinity, x2: 1 })).toBe(Infinity);
    expect(f.value(Float32Array.of(2, 5))).toBe(f.value([2, 5]));
  });

  it('single-output batches: columns, points and result arrays are checked before any point is computed', () => {
    const x1 = Float64Array.of(1, 2);
    err(() => f.valueColumns(any(undefined), two()), /^valueColumns: the columns must be an array of 2 columns \(x1, x2\) or an object \{name: column\}, got undefined$/);
    err(() => f.valueColumns([x1, any(null)], two()), /^valueColumns: column 'x2' must be a Float64Array, an array of numbers or a number \(a constant\), got null$/);
    err(() => f.valueColumns([x1, [3, any('a')]], two()), /^valueColumns: column 'x2' at \[1\] is not a number: "a"$/);
    err(() => f.valueColumns({ x1, x2: any(true) }, two()), /^valueColumns: column 'x2' must be a Float64Array/);
    err(() => f.valueColumns(any(x1), two()), /^valueColumns: the columns must be an array/);
    err(() => loose(f.valueColumns)([x1, x1]), /^valueColumns: out must be a Float64Array, got undefined$/);
    err(() => f.valueColumns([x1, x1], any(3)), /^valueColumns: out must be a Float64Array, got 3$/);
    err(() => f.valueRows(any(undefined), two()), /^valueRows: points must be a Float64Array or an array of numbers, got undefined$/);
    err(() => f.valueRows(Float64Array.of(1, 3, 2, 4), any(2)), /^valueRows: out must be a Float64Array, got 2$/);
    err(() => f.valueRows([1, 3, any(null), 4], two()), /^valueRows: points\[2\] \(variable 'x1' of point 1\) is not a number: null$/);
    err(() => f.valueRows(Float64Array.of(1, 3, 2), two()), /^valueRows: expected 4 numbers \(2 points of 2\), got 3$/);
    err(() => loose(f.gradientColumns)([x1, x1], two()), /^gradientColumns: gradient must be an array of 2 Float64Arrays, one per variable \(x1, x2\), got undefined$/);
    err(() => f.gradientColumns([x1, x1], two(), [two(), any(null)]), /^gradientColumns: gradient\[1\] must be a Float64Array, got null$/);
    err(() => f.gradientColumns([x1, x1], two(), [two()]), /^gradientColumns: expected 2 gradient columns \(x1, x2\), got 1$/);
    err(() => f.gradientColumns([x1, x1], two(), [two(), new Float64Array(1)]), /^gradientColumns: gradient column 1 \('x2'\) is shorter than the value array$/);
    err(() => loose(f.gradientRows)(Float64Array.of(1, 2), new Float64Array(1)), /^gradientRows: gradient must be a Float64Array/);
    err(() => f.gradientRows(Float64Array.of(1, 2), new Float64Array(1), new Float64Array(1)), /^gradientRows: the gradient array needs 2 numbers, has 1$/);
    // Plain arrays of numbers are columns and points too (read once, into a copy), and a number is a constant
    // column; results go into Float64Arrays only (a plain array may be frozen, sealed or a Proxy).
    const out = two();
    f.valueColumns([[1, 2], [0, 5]], out);
    expect(Array.from(out)).toEqual([f.value([1, 0]), f.value([2, 5])]);
    f.valueColumns([[1, 2], 5], out);
    expect(Array.from(out)).toEqual([f.value([1, 5]), f.value([2, 5])]);
    const rows = new Float64Array(1);
    f.valueRows([2, 5], rows);
    expect(Array.from(rows)).toEqual([f.value([2, 5])]);
    err(() => f.valueRows([2, 5], any([0])), /^valueRows: out must be a Float64Array, got an array of length 1$/);
  });

  it('several-output batches: values, Jacobian rows and results are arrays of the right shape', () => {
    const cols = [Float64Array.of(1, 2), Float64Array.of(3, 4)];
    err(() => loose(g.valuesColumns)(cols), /^valuesColumns: values must be an array of 2 Float64Arrays, one per output \(u, v\), got undefined$/);
    err(() => g.valuesColumns(cols, [two(), any(null)]), /^valuesColumns: values\[1\] must be a Float64Array, got null$/);
    err(() => g.valuesColumns(any(undefined), [two(), two()]), /^valuesColumns: the columns must be an array of 2 columns \(x, y\)/);
    err(() => loose(g.jacobianColumns)(cols, [two(), two()]), /^jacobianColumns: jacobian must be an array of 2 rows \(u, v\), each an array of 2 Float64Arrays \(x, y\), got undefined$/);
    // A flat list of columns where rows of columns are expected.
    err(() => g.jacobianColumns(cols, [two(), two()], any([two(), two()])), /^jacobianColumns: Jacobian row 'u' must be an array of 2 Float64Arrays \(x, y\), got a Float64Array$/);
    err(() => g.jacobianColumns(cols, [two(), two()], any([two(), two(), two(), two()])), /^jacobianColumns: expected 2 rows of Jacobian columns \(u, v\), got 4$/);
    err(() => g.jacobianColumns(cols, [two(), two()], [[two(), two()], [two(), any(undefined)]]), /^jacobianColumns: Jacobian row 'v' column 'y' must be a Float64Array/);
    err(() => loose(g.jvpColumns)(cols, [1, 0], [two(), two()]), /^jvpColumns: jvp must be an array of 2 Float64Arrays \(u, v\), got undefined$/);
    err(() => g.vjpColumns(cols, [1, 0], [two(), two()], [two(), any(7)]), /^vjpColumns: vjp column 'y' must be a Float64Array, got 7$/);
    err(() => g.jvpColumns(cols, any(undefined), [two(), two()], [two(), two()]), /^jvpColumns: the direction must be an object/);
    err(() => loose(g.valuesRows)(Float64Array.of(1, 2)), /^valuesRows: values must be a Float64Array/);
    err(() => loose(g.jacobianRows)(Float64Array.of(1, 2), two()), /^jacobianRows: Jacobian must be a Float64Array/);
    err(() => g.jvpRows([1, any('2')], [1, 0], two(), two()), /^jvpRows: points\[1\] \(variable 'y' of point 0\) is not a number: "2"$/);
    err(() => g.vjpRows(Float64Array.of(1, 2), [1, any(null)], two(), two()), /^vjpRows: the value of 'v' in the cotangent is not a number: null$/);
    err(() => g.jacobianRows(Float64Array.of(1, 2), two(), new Float64Array(4), any({ mode: 'up' })), /^jacobianRows: unknown mode 'up'/);
  });

  it('inputs, outputs and warnings are frozen copies: changing them is an error and changes nothing', () => {
    const h = compile('u = x*y; v = x + y', { of: 'u,v' });
    expect(Object.isFrozen(h.inputs) && Object.isFrozen(h.outputs) && Object.isFrozen(h.warnings)).toBe(true);
    expect(() => ((h.inputs as string[])[0] = 'zz')).toThrow(TypeError);
    expect(() => (h.outputs as string[]).push('w')).toThrow(TypeError);
    expect(h.inputs).toEqual(['x', 'y']);
    expect(h.values({ x: 2, y: 3 })).toEqual({ u: 6, v: 5 });
  });
});
