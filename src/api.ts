// The high-level library API: `compile(text)` parses and lowers a formula once, then evaluates at single points or
// over batches of points with compiled kernels: value, gradient and H·v of one output (compile.ts), and the values,
// Jacobian, J·d and cᵀJ of several outputs (compile-products.ts). Every kernel is generated on first use.
import { compileKernels, type Kernels } from './autodiff/compile.js';
import { compileHvp, type HvpKernel } from './autodiff/compile-hvp.js';
import { compileJacobian, compileJvp, compileVjp, type JacobianKernel, type JvpKernel, type VjpKernel } from './autodiff/compile-products.js';
import { reaching, type NodeId } from './autodiff/graph.js';
import type { Mode } from './autodiff/gradient.js';
import { chooseMode } from './autodiff/jacobian.js';
import { lower, type Lowered, type Statement } from './autodiff/lower.js';
import { resolveOutputs, type Output } from './autodiff/outputs.js';
import { AdiffError, type Diagnostic } from './diagnostics.js';
import { parse } from './parser/parse.js';

/** A point: values by variable name, or an array in the order of `inputs`. Also a direction (by variable) or a
 * cotangent (by output label, or in the order of `outputs`). */
export type Point = Readonly<Record<string, number>> | ArrayLike<number>;
/** Batch input: one column per variable, by name or in the order of `inputs`. */
export type Columns = Readonly<Record<string, ArrayLike<number>>> | readonly ArrayLike<number>[];

export interface CompileOptions {
  /**
   * The outputs of `values`, `jacobian`, `jvp`, `vjp` and their batch forms: assigned names, in the order given
   * (`['u', 'v']` or `'u,v'`, as the CLI's `--of`). Default: `[output]` when `output` is given, else every bare
   * expression statement (labelled `f1`, `f2`, … or `f` when there is one), else the last assignment.
   */
  of?: string | readonly string[];
  /**
   * The assigned name that `value`, `gradient`, `hessian` and `hvp` differentiate. Default: the name `of` gives
   * when it gives one, else the program's output (its last bare expression, or its last assignment).
   */
  output?: string;
  /** Label used in error messages (default `expr`). */
  sourceName?: string;
}

/** How a Jacobian is swept: 'auto' (default) is forward when there are fewer inputs than outputs, else reverse. */
export interface JacobianModeOption {
  mode?: Mode | 'auto';
}

export interface CompiledFormula {
  /** The free variables, in order of first appearance: the order of arrays, rows and gradient columns. */
  readonly inputs: readonly string[];
  /** The assigned name of the output, when it has one. */
  readonly output: string | undefined;
  /** The labels of the outputs (see `CompileOptions.of`): the order of values, cotangents and Jacobian rows. */
  readonly outputs: readonly string[];
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
  /**
   * Values at `out.length` points given as columns. In every batch form the output arrays must not share memory
   * with the inputs (results are written while later inputs are still being read).
   */
  valueColumns(columns: Columns, out: Float64Array): Float64Array;
  /** Values and gradients at `value.length` points: `gradient[k][i]` = ∂f/∂inputs[k] at point i. */
  gradientColumns(columns: Columns, value: Float64Array, gradient: readonly Float64Array[]): void;
  /** Values at points stored row-major, `points[i * inputs.length + k]`. */
  valueRows(points: ArrayLike<number>, out: Float64Array): Float64Array;
  /** Values and row-major gradients (`gradient[i * inputs.length + k]`) at row-major points. */
  gradientRows(points: ArrayLike<number>, value: Float64Array, gradient: Float64Array): void;

  /** Every output's value, keyed by label in output order. */
  values(point: Point): Record<string, number>;
  /** The Jacobian, keyed by output then input: `jacobian(p).u.x` = ∂u/∂x. */
  jacobian(point: Point, options?: JacobianModeOption): Record<string, Record<string, number>>;
  /** J·d: every output's derivative along the direction `d` (by variable name or in input order), by output. */
  jvp(point: Point, direction: Point): Record<string, number>;
  /** cᵀJ: the gradient of Σ c_o·output_o for the cotangent `c` (by output label or in output order), by input. */
  vjp(point: Point, cotangent: Point): Record<string, number>;
  /** Values at `values[0].length` points given as columns: `values[o][i]` = output o at point i. */
  valuesColumns(columns: Columns, values: readonly Float64Array[]): readonly Float64Array[];
  /** Values and Jacobians at column points: `jacobian[o][k][i]` = ∂outputs[o]/∂inputs[k] at point i. */
  jacobianColumns(columns: Columns, values: readonly Float64Array[], jacobian: readonly (readonly Float64Array[])[], options?: JacobianModeOption): void;
  /** Values and J·d for one direction `d` at column points: `jvp[o][i]`. */
  jvpColumns(columns: Columns, direction: Point, values: readonly Float64Array[], jvp: readonly Float64Array[]): void;
  /** Values and cᵀJ for one cotangent `c` at column points: `vjp[k][i]`. */
  vjpColumns(columns: Columns, cotangent: Point, values: readonly Float64Array[], vjp: readonly Float64Array[]): void;
  /** Values at row-major points, row-major too: `values[i * outputs.length + o]`; `values.length / outputs.length` points. */
  valuesRows(points: ArrayLike<number>, values: Float64Array): Float64Array;
  /** Values and Jacobians at row-major points, each point's Jacobian row-major: `jacobian[(i * m + o) * n + k]`. */
  jacobianRows(points: ArrayLike<number>, values: Float64Array, jacobian: Float64Array, options?: JacobianModeOption): void;
  /** Values and J·d for one direction `d` at row-major points: `jvp[i * outputs.length + o]`. */
  jvpRows(points: ArrayLike<number>, direction: Point, values: Float64Array, jvp: Float64Array): void;
  /** Values and cᵀJ for one cotangent `c` at row-major points: `vjp[i * inputs.length + k]`. */
  vjpRows(points: ArrayLike<number>, cotangent: Point, values: Float64Array, vjp: Float64Array): void;
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
  const { output, outputs } = chooseOutputs(lowered, options);
  const inputs = graph.inputNames.slice();
  const labels = outputs.map((o) => o.label);
  const nodes: NodeId[] = outputs.map((o) => o.node);
  const n = inputs.length;
  const m = nodes.length;
  const neededBy = (roots: NodeId[]) => {
    const mask = reaching(graph.nodes, roots);
    return graph.inputs.map((id) => mask[id] === 1);
  };
  const needed = neededBy([output.node]);
  const neededByAll = neededBy(nodes);
  const ofInputs: Space = { what: 'formula', noun: 'variables', names: inputs, needed };
  const ofAll: Space = { ...ofInputs, needed: neededByAll };
  const ofOutputs: Space = { what: 'program', noun: 'outputs', names: labels, needed: labels.map(() => true) };

  // Every kernel is compiled on first use.
  let kernels: Kernels | undefined;
  const kernelsOf = () => (kernels ??= compileKernels(graph, output.node));
  let hvpKernel: HvpKernel | undefined;
  const hvpOf = () => (hvpKernel ??= compileHvp(graph, output.node).hvp);
  let valuesKernel: JacobianKernel | undefined;
  // A Jacobian with respect to no input: the values alone (one kernel, no sweep).
  const valuesOf = () => (valuesKernel ??= compileJacobian(graph, nodes, [], 'forward', { strategy: 'sweeps' }).jacobian);
  const jacobians = new Map<Mode, JacobianKernel>();
  const all = inputs.map((_, k) => k);
  const jacobianOf = (opts: JacobianModeOption | undefined): JacobianKernel => {
    const mode = opts?.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'forward' && mode !== 'reverse') usage(`unknown mode '${String(mode)}' (the mode is auto, forward or reverse)`);
    const used = mode === 'auto' ? chooseMode(n, m) : mode;
    let kernel = jacobians.get(used);
    if (kernel === undefined) jacobians.set(used, (kernel = compileJacobian(graph, nodes, all, used).jacobian));
    return kernel;
  };
  let jvpKernel: JvpKernel | undefined;
  const jvpOf = () => (jvpKernel ??= compileJvp(graph, nodes).jvp);
  let vjpKernel: VjpKernel | undefined;
  const vjpOf = () => (vjpKernel ??= compileVjp(graph, nodes).vjp);

  const keyed = (values: ArrayLike<number>, names = inputs) => Object.fromEntries(names.map((name, k) => [name, values[k]!]));
  const direction = (d: Point, space: Space) => {
    const v = vector(d, 'direction', space, true);
    v.forEach((x, k) => Number.isNaN(x) && !space.needed[k] && (v[k] = 0));
    return v;
  };
  const cotangent = (c: Point) => vector(c, 'cotangent', ofOutputs, true);

  // Per-point scratch for the batch forms, made once: batches allocate nothing per point.
  const x = new Float64Array(n);
  const vs = new Float64Array(m);
  const ps = new Float64Array(m);
  const qs = new Float64Array(n);
  const none = new Float64Array(0);
  let js: Float64Array | undefined;
  const jac = () => (js ??= new Float64Array(m * n));
  /** Loads point i into `x`, from row-major points or from columns. */
  type Load = (i: number) => void;
  const rows = (points: ArrayLike<number>, count: number): Load => {
    if (points.length < count * n) usage(`expected ${count * n} numbers (${count} points of ${n}), got ${points.length}`);
    return (i) => {
      for (let k = 0, at = i * n; k < n; k++) x[k] = points[at + k]!;
    };
  };
  const cols = (columns: Columns, count: number): Load => {
    const cs = columnsOf(columns, count, ofAll);
    const used = all.filter((k) => neededByAll[k]);
    return (i) => {
      for (const k of used) x[k] = cs[k]![i]!;
    };
  };
  /** The points of a rows batch: the row-major values array holds one number per output and point. */
  const rowCount = (values: Float64Array) => {
    if (values.length % m !== 0) usage(`the values array has ${values.length} numbers, not a multiple of the ${m} outputs (${labels.join(', ')})`);
    return values.length / m;
  };
  const needs = (array: ArrayLike<number>, size: number, what: string) => {
    if (array.length < size) usage(`the ${what} array needs ${size} numbers, has ${array.length}`);
  };
  /** The points of a columns batch: the length of the value arrays, one per output (all the same length). */
  const columnCount = (values: readonly Float64Array[]) => {
    if (values.length !== m) usage(`expected ${m} value arrays (${labels.join(', ')}), got ${values.length}`);
    const count = values[0]!.length;
    values.forEach((v, o) => v.length !== count && usage(`value array ${o} has ${v.length} numbers, value array 0 has ${count}`));
    return count;
  };
  /** One result column per name, each at least `count` long. */
  const columnsFit = (arrays: readonly Float64Array[], names: readonly string[], count: number, what: string) => {
    if (arrays.length !== names.length) usage(`${what} has ${arrays.length} columns, expected ${names.length} (${names.join(', ')})`);
    arrays.forEach((a, k) => a.length < count && usage(`${what} column '${names[k]}' is shorter than the value arrays`));
  };
  const storeValues = (values: readonly Float64Array[], i: number) => {
    for (let o = 0; o < m; o++) values[o]![i] = vs[o]!;
  };

  const one = new Float64Array(1);
  return {
    inputs,
    output: output.name,
    outputs: labels,
    warnings: lowered.warnings,
    lowered,
    value(point) {
      kernelsOf().valueRows(vector(point, 'point', ofInputs), 1, one);
      return one[0]!;
    },
    gradient(point) {
      const g = new Float64Array(n);
      kernelsOf().gradientRows(vector(point, 'point', ofInputs), 1, one, g);
      return keyed(g);
    },
    hessian(point) {
      const p = vector(point, 'point', ofInputs);
      const dir = new Float64Array(n);
      const grad = new Float64Array(n);
      const row = new Float64Array(n);
      const h: [string, Record<string, number>][] = [];
      for (let k = 0; k < n; k++) {
        dir.fill(0);
        dir[k] = 1;
        hvpOf()(p, dir, grad, row);
        h.push([inputs[k]!, keyed(row)]);
      }
      return Object.fromEntries(h);
    },
    hvp(point, d) {
      const p = vector(point, 'point', ofInputs);
      const v = direction(d, ofInputs);
      const grad = new Float64Array(n);
      const hv = new Float64Array(n);
      hvpOf()(p, v, grad, hv);
      return keyed(hv);
    },
    valueColumns(columns, out) {
      kernelsOf().valueColumns(columnsOf(columns, out.length, ofInputs), out.length, out);
      return out;
    },
    gradientColumns(columns, value, gradient) {
      if (gradient.length !== n) usage(`expected ${n} gradient columns, got ${gradient.length}`);
      gradient.forEach((g, k) => g.length < value.length && usage(`gradient column ${k} is shorter than the value array`));
      kernelsOf().gradientColumns(columnsOf(columns, value.length, ofInputs), value.length, value, gradient);
    },
    valueRows(points, out) {
      if (points.length < out.length * n) usage(`expected ${out.length * n} numbers (${out.length} points of ${n}), got ${points.length}`);
      kernelsOf().valueRows(points, out.length, out);
      return out;
    },
    gradientRows(points, value, gradient) {
      if (points.length < value.length * n) usage(`expected ${value.length * n} numbers (${value.length} points of ${n}), got ${points.length}`);
      needs(gradient, value.length * n, 'gradient');
      kernelsOf().gradientRows(points, value.length, value, gradient);
    },

    values(point) {
      const v = new Float64Array(m);
      valuesOf()(vector(point, 'point', ofAll), v, none);
      return keyed(v, labels);
    },
    jacobian(point, opts) {
      const kernel = jacobianOf(opts);
      const v = new Float64Array(m);
      const j = new Float64Array(m * n);
      kernel(vector(point, 'point', ofAll), v, j);
      return Object.fromEntries(labels.map((label, o) => [label, keyed(j.subarray(o * n, (o + 1) * n))]));
    },
    jvp(point, d) {
      const p = vector(point, 'point', ofAll);
      const v = new Float64Array(m);
      const t = new Float64Array(m);
      jvpOf()(p, direction(d, ofAll), v, t);
      return keyed(t, labels);
    },
    vjp(point, c) {
      const p = vector(point, 'point', ofAll);
      const v = new Float64Array(m);
      const a = new Float64Array(n);
      vjpOf()(p, cotangent(c), v, a);
      return keyed(a);
    },
    valuesColumns(columns, values) {
      const count = columnCount(values);
      const load = cols(columns, count);
      const kernel = valuesOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, vs, none);
        storeValues(values, i);
      }
      return values;
    },
    jacobianColumns(columns, values, jacobian, opts) {
      const count = columnCount(values);
      if (jacobian.length !== m) usage(`expected ${m} rows of Jacobian columns (${labels.join(', ')}), got ${jacobian.length}`);
      jacobian.forEach((row, o) => columnsFit(row, inputs, count, `Jacobian row '${labels[o]}'`));
      const load = cols(columns, count);
      const kernel = jacobianOf(opts);
      const j = jac();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, vs, j);
        storeValues(values, i);
        for (let o = 0; o < m; o++) {
          const row = jacobian[o]!;
          for (let k = 0; k < n; k++) row[k]![i] = j[o * n + k]!;
        }
      }
    },
    jvpColumns(columns, d, values, jvp) {
      const count = columnCount(values);
      columnsFit(jvp, labels, count, 'jvp');
      const dir = direction(d, ofAll);
      const load = cols(columns, count);
      const kernel = jvpOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, dir, vs, ps);
        storeValues(values, i);
        for (let o = 0; o < m; o++) jvp[o]![i] = ps[o]!;
      }
    },
    vjpColumns(columns, c, values, vjp) {
      const count = columnCount(values);
      columnsFit(vjp, inputs, count, 'vjp');
      const cot = cotangent(c);
      const load = cols(columns, count);
      const kernel = vjpOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, cot, vs, qs);
        storeValues(values, i);
        for (let k = 0; k < n; k++) vjp[k]![i] = qs[k]!;
      }
    },
    valuesRows(points, values) {
      const count = rowCount(values);
      const load = rows(points, count);
      const kernel = valuesOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, vs, none);
        copy(vs, values, i * m);
      }
      return values;
    },
    jacobianRows(points, values, jacobian, opts) {
      const count = rowCount(values);
      needs(jacobian, count * m * n, 'Jacobian');
      const load = rows(points, count);
      const kernel = jacobianOf(opts);
      const j = jac();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, vs, j);
        copy(vs, values, i * m);
        copy(j, jacobian, i * m * n);
      }
    },
    jvpRows(points, d, values, jvp) {
      const count = rowCount(values);
      needs(jvp, count * m, 'jvp');
      const dir = direction(d, ofAll);
      const load = rows(points, count);
      const kernel = jvpOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, dir, vs, ps);
        copy(vs, values, i * m);
        copy(ps, jvp, i * m);
      }
    },
    vjpRows(points, c, values, vjp) {
      const count = rowCount(values);
      needs(vjp, count * n, 'vjp');
      const cot = cotangent(c);
      const load = rows(points, count);
      const kernel = vjpOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, cot, vs, qs);
        copy(vs, values, i * m);
        copy(qs, vjp, i * n);
      }
    },
  };
}

/** The names a vector is indexed by (variables or outputs), and which of them must be given. */
interface Space {
  /** 'formula' (variables) or 'program' (outputs), for messages. */
  what: string;
  noun: string;
  names: readonly string[];
  needed: readonly boolean[];
}

/**
 * A point, direction or cotangent as a Float64Array in the order of `space.names`: from an array of exactly that
 * length, or from a record naming every needed entry (others are NaN). `strict`: a record naming something that is
 * not in the space is an error (a point may carry other names, as `--at` may).
 */
function vector(value: Point, what: string, space: Space, strict = false): Float64Array {
  const { names } = space;
  const n = names.length;
  const x = new Float64Array(n).fill(NaN);
  if (isArrayLike(value)) {
    if (value.length !== n) usage(`the ${what} has ${value.length} values, but the ${space.what} has ${n} ${space.noun} (${names.join(', ')})`);
    for (let k = 0; k < n; k++) x[k] = value[k]!;
    return x;
  }
  if (typeof value !== 'object' || value === null) usage(`the ${what} must be an object {name: value} or an array of ${n} numbers`);
  const record = value as Record<string, number>;
  if (strict) {
    for (const key of Object.keys(record)) {
      if (!names.includes(key)) usage(`the ${what} names '${key}', which is not one of the ${space.noun} (${names.join(', ')})`);
    }
  }
  names.forEach((name, k) => {
    if (Object.hasOwn(record, name)) x[k] = Number(record[name]);
    else if (space.needed[k]) usage(`the ${what} has no value for '${name}'`);
  });
  return x;
}

/** Columns in input order (an empty array for an unneeded variable left out), each with at least `count` values. */
function columnsOf(columns: Columns, count: number, space: Space): ArrayLike<number>[] {
  const { names, needed } = space;
  const n = names.length;
  const cols: ArrayLike<number>[] = [];
  if (Array.isArray(columns)) {
    if (columns.length !== n) usage(`expected ${n} columns (${names.join(', ')}), got ${columns.length}`);
    cols.push(...(columns as ArrayLike<number>[]));
  } else {
    const byName = columns as Record<string, ArrayLike<number>>;
    names.forEach((name, k) => {
      if (Object.hasOwn(byName, name)) cols.push(byName[name]!);
      else if (needed[k]) usage(`no column for '${name}'`);
      else cols.push(new Float64Array(0));
    });
  }
  cols.forEach((c, k) => {
    if (needed[k] && c.length < count) usage(`column '${names[k]}' has ${c.length} values, fewer than the ${count} points asked for`);
  });
  return cols;
}

/**
 * The outputs (labelled as the CLI labels them, `of` read as its `--of`) and the one output of the single-output
 * methods. Errors about `of` point into `of`'s names joined by commas.
 */
function chooseOutputs(lowered: Lowered, options: CompileOptions): { output: Statement; outputs: Output[] } {
  let output = lowered.output;
  if (options.output !== undefined) {
    const named = lowered.statements.find((s) => s.name === options.output);
    if (named === undefined) usage(`'${options.output}' is not an assigned name of the program`);
    output = named!;
  }
  let of: string | undefined;
  if (options.of !== undefined) {
    const list = typeof options.of === 'string' ? options.of.split(',') : options.of;
    if (list.length === 0) usage('`of` names no outputs');
    for (const name of list) {
      if (typeof name !== 'string' || name.trim() === '' || name.includes(',')) usage(`\`of\` lists ${JSON.stringify(name)}, which is not a name`);
    }
    of = list.map((name) => name.trim()).join(',');
  }
  const outputs = resolveOutputs(lowered, of ?? options.output, 'of');
  if (options.output === undefined && of !== undefined && outputs.length === 1) output = outputs[0]!.statement;
  return { output, outputs };
}

/** to[at…] = from (a loop: for a few numbers, faster than TypedArray.prototype.set). */
function copy(from: Float64Array, to: Float64Array, at: number): void {
  for (let k = 0; k < from.length; k++) to[at + k] = from[k]!;
}

function isArrayLike(p: unknown): p is ArrayLike<number> {
  return Array.isArray(p) || ArrayBuffer.isView(p);
}
