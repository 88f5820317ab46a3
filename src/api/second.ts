// The library's second and higher derivatives of one output: the Hessian, H·v and Taylor coefficients along one
// variable, at a point and over batches (columns or row-major points). Hessians and H·v are the compiled forward
// sweep over the interpreter's gradient graph (compile-hessian.ts), so they are the numbers of `adiff hessian` and
// `adiff hvp` bit for bit; a Hessian is one H·e_j per variable, each entry above the diagonal mirrored below it.
// Taylor coefficients are the interpreter's (taylor.ts), as `adiff eval --order`.
import { compileExactHvp } from '../autodiff/compile-hessian.js';
import type { HvpKernel } from '../autodiff/compile-hvp.js';
import type { Graph, NodeId } from '../autodiff/graph.js';
import { taylorCoefficients } from '../autodiff/taylor.js';
import { arrayOf, disjoint, numbersOut, show, usage } from './args.js';
import type { Columns, Point } from './compile.js';

/** The highest order of `taylor` (as `adiff eval --order`): 170! is the largest factorial below the double range. */
export const MAX_TAYLOR_ORDER = 170;

export interface SecondOrderMethods {
  /** The Hessian, keyed by name: `hessian(p).x.y` = ∂²f/∂x∂y (symmetric, as `adiff hessian`). */
  hessian(point: Point): Record<string, Record<string, number>>;
  /** H·v for a direction `v` (by name, the names left out 0, or in input order), without forming H. */
  hvp(point: Point, direction: Point): Record<string, number>;
  /**
   * The Taylor coefficients of the output along the variable `wrt`: c_k = f⁽ᵏ⁾(x)/k! for k = 0..order, so that
   * f(x + t·e_wrt) = Σ c_k t^k. `order` is an integer from 0 to 170.
   */
  taylor(point: Point, wrt: string, order: number): number[];
  /** Values and Hessians at `value.length` column points: `hessian[a][b][i]` = ∂²f/∂a∂b at point i. */
  hessianColumns(columns: Columns, value: Float64Array, hessian: readonly (readonly Float64Array[])[]): void;
  /** Values and row-major Hessians at row-major points: `hessian[(i * n + a) * n + b]`. */
  hessianRows(points: ArrayLike<number>, value: Float64Array, hessian: Float64Array): void;
  /** Values and H·d for one direction `d` at column points: `hvp[k][i]`. */
  hvpColumns(columns: Columns, direction: Point, value: Float64Array, hvp: readonly Float64Array[]): void;
  /** Values and H·d for one direction `d` at row-major points: `hvp[i * n + k]`. */
  hvpRows(points: ArrayLike<number>, direction: Point, value: Float64Array, hvp: Float64Array): void;
  /** Taylor coefficients along `wrt` at column points: `coefficients[k][i]` = c_k at point i (order + 1 arrays). */
  taylorColumns(columns: Columns, wrt: string, order: number, coefficients: readonly Float64Array[]): void;
  /** Taylor coefficients along `wrt` at row-major points, row-major: `coefficients[i * (order + 1) + k]`. */
  taylorRows(points: ArrayLike<number>, wrt: string, order: number, coefficients: Float64Array): void;
}

/** What compile() shares with these methods: the graph, and its checked readers of points and columns. */
export interface Formula {
  graph: Graph;
  output: NodeId;
  inputs: readonly string[];
  point(at: string, p: unknown): Float64Array;
  direction(at: string, d: unknown): Float64Array;
  rowPoints(at: string, points: unknown, count: number): ArrayLike<number>;
  columns(at: string, columns: unknown, count: number): ArrayLike<number>[];
  columnsFit(at: string, arrays: unknown, names: readonly string[], count: number, what: string): readonly Float64Array[];
}

export function secondOrderMethods(f: Formula): SecondOrderMethods {
  const { graph, output, inputs } = f;
  const n = inputs.length;
  let kernel: HvpKernel | undefined;
  // H·v as the interpreter computes it (hvpAt), so that hessian and hvp give its numbers bit for bit.
  const hvpOf = () => (kernel ??= compileExactHvp(graph, output).hvp);
  const keyed = (values: ArrayLike<number>) => Object.fromEntries(inputs.map((name, k) => [name, values[k]!]));
  const x = new Float64Array(n);
  const unit = new Float64Array(n);
  const grad = new Float64Array(n);
  const column = new Float64Array(n);
  const h = new Float64Array(n * n);

  /** The value and the Hessian at x (row-major into h), as hessianAt: column j is H·e_j, mirrored above the diagonal. */
  const hessianAt = (at: ArrayLike<number>): number => {
    const hvp = hvpOf();
    if (n === 0) return hvp(at, unit, grad, column);
    let value = NaN;
    for (let j = 0; j < n; j++) {
      unit.fill(0);
      unit[j] = 1;
      value = hvp(at, unit, grad, column);
      for (let i = 0; i <= j; i++) h[i * n + j] = h[j * n + i] = column[i]!;
    }
    return value;
  };
  const wrtOf = (at: string, wrt: unknown): number => {
    const k = typeof wrt === 'string' ? inputs.indexOf(wrt) : -1;
    if (k < 0) usage(`${at}: wrt must be one of the variables (${inputs.join(', ')}), got ${show(wrt)}`);
    return k;
  };
  const orderOf = (at: string, order: unknown): number => {
    if (typeof order !== 'number' || !Number.isInteger(order) || order < 0 || order > MAX_TAYLOR_ORDER) {
      usage(`${at}: order must be an integer from 0 to ${MAX_TAYLOR_ORDER}, got ${show(order)}`);
    }
    return order as number;
  };
  /** Column points: each point loaded into x in turn. */
  const columnsLoad = (at: string, columns: unknown, count: number, results: readonly Float64Array[]) => {
    const cs = f.columns(at, columns, count);
    disjoint(at, cs, results);
    const used = cs.map((c, k) => (c.length > 0 ? k : -1)).filter((k) => k >= 0);
    return (i: number) => {
      for (const k of used) x[k] = cs[k]![i]!;
    };
  };
  const rowsLoad = (at: string, points: unknown, count: number, results: readonly Float64Array[]) => {
    const p = f.rowPoints(at, points, count);
    disjoint(at, [p], results);
    return (i: number) => {
      for (let k = 0, o = i * n; k < n; k++) x[k] = p[o + k]!;
    };
  };

  return {
    hessian(p) {
      hessianAt(f.point('hessian', p));
      return Object.fromEntries(inputs.map((name, i) => [name, keyed(h.subarray(i * n, (i + 1) * n))]));
    },
    hvp(p, d) {
      const at = f.point('hvp', p);
      const v = f.direction('hvp', d);
      const hv = new Float64Array(n);
      hvpOf()(at, v, grad, hv);
      return keyed(hv);
    },
    taylor(p, wrt, order) {
      const at = f.point('taylor', p);
      return Array.from(taylorCoefficients(graph, output, wrtOf('taylor', wrt), at, orderOf('taylor', order)));
    },
    hessianColumns(columns, value, hessian) {
      const at = 'hessianColumns';
      const v = numbersOut(at, 'value', value);
      const count = v.length;
      const rows = arrayOf(at, 'hessian', hessian, `${n} rows (${inputs.join(', ')}), each an array of ${n} Float64Arrays`);
      if (rows.length !== n) usage(`${at}: expected ${n} rows of Hessian columns (${inputs.join(', ')}), got ${rows.length}`);
      const hs = rows.map((row, a) => f.columnsFit(at, row, inputs, count, `Hessian row '${inputs[a]}'`));
      const load = columnsLoad(at, columns, count, [v, ...hs.flat()]);
      for (let i = 0; i < count; i++) {
        load(i);
        v[i] = hessianAt(x);
        for (let a = 0; a < n; a++) {
          const row = hs[a]!;
          for (let b = 0; b < n; b++) row[b]![i] = h[a * n + b]!;
        }
      }
    },
    hessianRows(points, value, hessian) {
      const at = 'hessianRows';
      const v = numbersOut(at, 'value', value);
      const count = v.length;
      const out = numbersOut(at, 'hessian', hessian, count * n * n);
      const load = rowsLoad(at, points, count, [v, out]);
      for (let i = 0; i < count; i++) {
        load(i);
        v[i] = hessianAt(x);
        for (let k = 0, o = i * n * n; k < n * n; k++) out[o + k] = h[k]!;
      }
    },
    hvpColumns(columns, d, value, hvp) {
      const at = 'hvpColumns';
      const v = numbersOut(at, 'value', value);
      const count = v.length;
      const res = f.columnsFit(at, hvp, inputs, count, 'hvp');
      const dir = f.direction(at, d);
      const load = columnsLoad(at, columns, count, [v, ...res]);
      const kernel = hvpOf();
      for (let i = 0; i < count; i++) {
        load(i);
        v[i] = kernel(x, dir, grad, column);
        for (let k = 0; k < n; k++) res[k]![i] = column[k]!;
      }
    },
    hvpRows(points, d, value, hvp) {
      const at = 'hvpRows';
      const v = numbersOut(at, 'value', value);
      const count = v.length;
      const out = numbersOut(at, 'hvp', hvp, count * n);
      const dir = f.direction(at, d);
      const load = rowsLoad(at, points, count, [v, out]);
      const kernel = hvpOf();
      for (let i = 0; i < count; i++) {
        load(i);
        v[i] = kernel(x, dir, grad, column);
        for (let k = 0; k < n; k++) out[i * n + k] = column[k]!;
      }
    },
    taylorColumns(columns, wrt, order, coefficients) {
      const at = 'taylorColumns';
      const k = wrtOf(at, wrt);
      const K = orderOf(at, order);
      const list = arrayOf(at, 'coefficients', coefficients, `${K + 1} Float64Arrays (orders 0 to ${K})`);
      if (list.length !== K + 1) usage(`${at}: expected ${K + 1} coefficient arrays (orders 0 to ${K}), got ${list.length}`);
      const cs = list.map((c, j) => numbersOut(at, `coefficients[${j}]`, c));
      const count = cs[0]!.length;
      cs.forEach((c, j) => c.length !== count && usage(`${at}: coefficients[${j}] has ${c.length} numbers, coefficients[0] has ${count}`));
      const load = columnsLoad(at, columns, count, cs);
      for (let i = 0; i < count; i++) {
        load(i);
        const c = taylorCoefficients(graph, output, k, x, K);
        for (let j = 0; j <= K; j++) cs[j]![i] = c[j]!;
      }
    },
    taylorRows(points, wrt, order, coefficients) {
      const at = 'taylorRows';
      const k = wrtOf(at, wrt);
      const K = orderOf(at, order);
      const out = numbersOut(at, 'coefficients', coefficients);
      if (out.length % (K + 1) !== 0) usage(`${at}: the coefficients array has ${out.length} numbers, not a multiple of ${K + 1} (orders 0 to ${K})`);
      const count = out.length / (K + 1);
      const load = rowsLoad(at, points, count, [out]);
      for (let i = 0; i < count; i++) {
        load(i);
        out.set(taylorCoefficients(graph, output, k, x, K), i * (K + 1));
      }
    },
  };
}
