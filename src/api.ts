// The high-level library API: `compile(text)` parses and lowers a formula once and compiles its value,
// gradient and Hessian-vector kernels, then evaluates at single points or over batches of points.
import { compileHvp, compileKernels, type HvpKernel, type Kernels } from './autodiff/compile.js';
import { reaching } from './autodiff/graph.js';
import { lower, type Lowered } from './autodiff/lower.js';
import { AdiffError, type Diagnostic } from './diagnostics.js';
import { parse } from './parser/parse.js';

/** A point: values by variable name, or an array in the order of `inputs`. */
export type Point = Readonly<Record<string, number>> | ArrayLike<number>;
/** Batch input: one column per variable, by name or in the order of `inputs`. */
export type Columns = Readonly<Record<string, ArrayLike<number>>> | readonly ArrayLike<number>[];

export interface CompileOptions {
  /** Which assigned name to differentiate (default: the program's output, its last bare expression). */
  output?: string;
  /** Label used in error messages (default `expr`). */
  sourceName?: string;
}

export interface CompiledFormula {
  /** The free variables, in order of first appearance: the order of arrays, rows and gradient columns. */
  readonly inputs: readonly string[];
  /** The assigned name of the output, when it has one. */
  readonly output: string | undefined;
  /** Warnings found while lowering (e.g. a literal too large for double precision). */
  readonly warnings: readonly Diagnostic[];
  /** The lowered program (graph, statements), for the lower-level API. */
  readonly lowered: Lowered;
  value(point: Point): number;
  /** ∂f/∂x for every input, keyed by name in input order. */
  gradient(point: Point): Record<string, number>;
  /** The Hessian, keyed by name: `hessian(p).x.y` = ∂²f/∂x∂y. */
  hessian(point: Point): Record<string, Record<string, number>>;
  /** H·v for a direction `v` (by name or in input order), without forming H. */
  hvp(point: Point, direction: Point): Record<string, number>;
  /** Values at `out.length` points given as columns. */
  valueColumns(columns: Columns, out: Float64Array): Float64Array;
  /** Values and gradients at `value.length` points: `gradient[k][i]` = ∂f/∂inputs[k] at point i. */
  gradientColumns(columns: Columns, value: Float64Array, gradient: readonly Float64Array[]): void;
  /** Values at points stored row-major, `points[i * inputs.length + k]`. */
  valueRows(points: ArrayLike<number>, out: Float64Array): Float64Array;
  /** Values and row-major gradients (`gradient[i * inputs.length + k]`) at row-major points. */
  gradientRows(points: ArrayLike<number>, value: Float64Array, gradient: Float64Array): void;
}

const usage = (message: string): never => {
  throw new AdiffError({ kind: 'usage', message });
};

/**
 * Compiles a formula or program once for evaluation at many points. Throws AdiffError (with a span into the
 * text) on a syntax, name or arity error.
 */
export function compile(text: string, options: CompileOptions = {}): CompiledFormula {
  const source = { name: options.sourceName ?? 'expr', text };
  const lowered = lower(parse(text, { sourceName: source.name }), source);
  const { graph } = lowered;
  let output = lowered.output;
  if (options.output !== undefined) {
    const named = lowered.statements.filter((s) => s.name === options.output);
    if (named.length === 0) usage(`'${options.output}' is not an assigned name of the program`);
    output = named[0]!;
  }
  const inputs = graph.inputNames.slice();
  const n = inputs.length;
  const mask = reaching(graph.nodes, [output.node]);
  const needed = graph.inputs.map((id) => mask[id] === 1);
  const kernels: Kernels = compileKernels(graph, output.node);
  let hvpKernel: HvpKernel | undefined;
  const hvpOf = () => (hvpKernel ??= compileHvp(graph, output.node).hvp);

  const vector = (point: Point, what = 'point'): Float64Array => {
    const x = new Float64Array(n).fill(NaN);
    if (isArrayLike(point)) {
      if (point.length !== n) usage(`the ${what} has ${point.length} values, but the formula has ${n} variables (${inputs.join(', ')})`);
      for (let k = 0; k < n; k++) x[k] = point[k]!;
      return x;
    }
    inputs.forEach((name, k) => {
      if (Object.hasOwn(point, name)) x[k] = Number((point as Record<string, number>)[name]);
      else if (needed[k]) usage(`the ${what} has no value for '${name}'`);
    });
    return x;
  };
  const keyed = (values: ArrayLike<number>) => Object.fromEntries(inputs.map((name, k) => [name, values[k]!]));
  const columnsOf = (columns: Columns, count: number): ArrayLike<number>[] => {
    const cols: ArrayLike<number>[] = [];
    if (Array.isArray(columns)) {
      if (columns.length !== n) usage(`expected ${n} columns (${inputs.join(', ')}), got ${columns.length}`);
      cols.push(...(columns as ArrayLike<number>[]));
    } else {
      const byName = columns as Record<string, ArrayLike<number>>;
      inputs.forEach((name, k) => {
        if (Object.hasOwn(byName, name)) cols.push(byName[name]!);
        else if (needed[k]) usage(`no column for '${name}'`);
        else cols.push(new Float64Array(0));
      });
    }
    cols.forEach((c, k) => {
      if (needed[k] && c.length < count) usage(`column '${inputs[k]}' has ${c.length} values, fewer than the ${count} points asked for`);
    });
    return cols;
  };
  const one = new Float64Array(1);

  return {
    inputs,
    output: output.name,
    warnings: lowered.warnings,
    lowered,
    value(point) {
      kernels.valueRows(vector(point), 1, one);
      return one[0]!;
    },
    gradient(point) {
      const g = new Float64Array(n);
      kernels.gradientRows(vector(point), 1, one, g);
      return keyed(g);
    },
    hessian(point) {
      const x = vector(point);
      const dir = new Float64Array(n);
      const grad = new Float64Array(n);
      const row = new Float64Array(n);
      const h: [string, Record<string, number>][] = [];
      for (let k = 0; k < n; k++) {
        dir.fill(0);
        dir[k] = 1;
        hvpOf()(x, dir, grad, row);
        h.push([inputs[k]!, keyed(row)]);
      }
      return Object.fromEntries(h);
    },
    hvp(point, direction) {
      const x = vector(point);
      const v = vector(direction, 'direction');
      v.forEach((d, k) => {
        if (Number.isNaN(d)) v[k] = 0;
      });
      const grad = new Float64Array(n);
      const hv = new Float64Array(n);
      hvpOf()(x, v, grad, hv);
      return keyed(hv);
    },
    valueColumns(columns, out) {
      kernels.valueColumns(columnsOf(columns, out.length), out.length, out);
      return out;
    },
    gradientColumns(columns, value, gradient) {
      if (gradient.length !== n) usage(`expected ${n} gradient columns, got ${gradient.length}`);
      gradient.forEach((g, k) => g.length < value.length && usage(`gradient column ${k} is shorter than the value array`));
      kernels.gradientColumns(columnsOf(columns, value.length), value.length, value, gradient);
    },
    valueRows(points, out) {
      if (points.length < out.length * n) usage(`expected ${out.length * n} numbers (${out.length} points of ${n}), got ${points.length}`);
      kernels.valueRows(points, out.length, out);
      return out;
    },
    gradientRows(points, value, gradient) {
      if (points.length < value.length * n) usage(`expected ${value.length * n} numbers (${value.length} points of ${n}), got ${points.length}`);
      if (gradient.length < value.length * n) usage(`the gradient array needs ${value.length * n} numbers, has ${gradient.length}`);
      kernels.gradientRows(points, value.length, value, gradient);
    },
  };
}

function isArrayLike(p: unknown): p is ArrayLike<number> {
  return Array.isArray(p) || ArrayBuffer.isView(p);
}
