// The library's `compile(text, options)`: parses and lowers a formula once (options.ts: the variables in a fixed
// order, the outputs), then evaluates at single points or over batches of points (columns or row-major rows) with
// compiled kernels: value and gradient of one output (autodiff/compile.ts) and the values, Jacobian, J·d and cᵀJ of
// several outputs (compile-products.ts) here; the Hessian, H·v and Taylor coefficients in second.ts. Every kernel
// is generated on first use. Every method reads and checks its arguments once per call (args.ts, vectors.ts) and
// throws AdiffError naming the method and the argument.
import { compileKernels, type Kernels } from '../autodiff/compile.js';
import { compileJacobian, compileJvp, compileVjp, type JacobianKernel, type JvpKernel, type VjpKernel } from '../autodiff/compile-products.js';
import { reaching, type NodeId } from '../autodiff/graph.js';
import type { Mode } from '../autodiff/gradient.js';
import { chooseMode } from '../autodiff/jacobian.js';
import type { Diagnostic } from '../diagnostics.js';
import { arrayOf, disjoint, numbersIn, numbersOut, readRecord, show, usage } from './args.js';
import { chooseOutputs, compileOptions, lowerWith } from './options.js';
import { secondOrderMethods, type SecondOrderMethods } from './second.js';
import { columnsOf, vector, type Space } from './vectors.js';

/** A point: values by variable name, or an array in the order of `inputs`. Also a direction (by variable) or a
 * cotangent (by output label, or in the order of `outputs`). */
export type Point = Readonly<Record<string, number>> | ArrayLike<number>;
/** Batch input: one column per variable, by name or in the order of `inputs`; a number is a constant column. */
export type Columns = Readonly<Record<string, ArrayLike<number> | number>> | readonly (ArrayLike<number> | number)[];

export interface CompileOptions {
  /**
   * The variables, in this order: the order of arrays, columns, gradients and Hessians. A name the formula does
   * not use is an input all the same (its derivatives are 0); a free variable of the formula that is not listed
   * is an error. Default: the free variables in order of first appearance.
   */
  variables?: readonly string[];
  /**
   * The outputs of `values`, `jacobian`, `jvp`, `vjp` and their batch forms: assigned names, in the order given
   * (`['u', 'v']` or `'u,v'`, as the CLI's `--of`). Default: `[output]` when `output` is given, else every bare
   * expression statement (labelled `f1`, `f2`, … or `f` when there is one), else the last assignment.
   */
  of?: string | readonly string[];
  /**
   * The assigned name that `value`, `gradient`, `hessian`, `hvp` and `taylor` differentiate. Default: the name
   * `of` gives when it gives one, else the program's output (its last bare expression, or its last assignment).
   */
  output?: string;
  /** Label used in error messages (default `expr`). */
  sourceName?: string;
}

/** How a Jacobian is swept: 'auto' (default) is forward when there are fewer inputs than outputs, else reverse. */
export interface JacobianModeOption {
  mode?: Mode | 'auto';
}

export interface CompiledFormula extends SecondOrderMethods {
  /** The variables (`variables`, else in order of first appearance): the order of arrays, rows and gradient columns. */
  readonly inputs: readonly string[];
  /** The assigned name of the output, when it has one. */
  readonly output: string | undefined;
  /** The labels of the outputs (see `CompileOptions.of`): the order of values, cotangents and Jacobian rows. */
  readonly outputs: readonly string[];
  /** Warnings found while lowering (e.g. a literal too large for double precision). */
  readonly warnings: readonly Diagnostic[];
  value(point: Point): number;
  /** ∂f/∂x for every input, keyed by name in input order. */
  gradient(point: Point): Record<string, number>;
  /**
   * Values at `out.length` points given as columns. In every batch form the results are written into
   * Float64Arrays you pass, which must not share memory with the inputs (checked).
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

/**
 * Compiles a formula or program once for evaluation at many points. Throws AdiffError (with a line and column
 * into the text) on a syntax, name or arity error, and on arguments of the wrong type.
 */
export function compile(text: string, options?: CompileOptions): CompiledFormula {
  if (typeof text !== 'string') usage(`compile: the formula must be a string, got ${show(text)}`);
  const opts = compileOptions(options);
  const source = { name: opts.sourceName ?? 'expr', text };
  const lowered = lowerWith(text, source, opts.variables);
  const { graph } = lowered;
  const { output, outputs } = chooseOutputs(lowered, opts);
  // Frozen: these arrays are both exposed and used by every method.
  const inputs = Object.freeze(graph.inputNames.slice());
  const labels = Object.freeze(outputs.map((o) => o.label));
  const warnings = Object.freeze(lowered.warnings.slice());
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
  const outputList = `${m} ${m === 1 ? 'output' : 'outputs'} (${labels.join(', ')})`;

  // Every kernel is compiled on first use.
  let kernels: Kernels | undefined;
  const kernelsOf = () => (kernels ??= compileKernels(graph, output.node));
  let valuesKernel: JacobianKernel | undefined;
  // A Jacobian with respect to no input: the values alone (one kernel, no sweep).
  const valuesOf = () => (valuesKernel ??= compileJacobian(graph, nodes, [], 'forward', { strategy: 'sweeps' }).jacobian);
  const jacobians = new Map<Mode, JacobianKernel>();
  const all = inputs.map((_, k) => k);
  const jacobianOf = (at: string, opts: unknown): JacobianKernel => {
    let mode: unknown = 'auto';
    if (opts !== undefined) mode = readRecord(at, 'options', opts, 'an object { mode? }').get('mode') ?? 'auto';
    if (mode !== 'auto' && mode !== 'forward' && mode !== 'reverse') usage(`${at}: unknown mode ${typeof mode === 'string' ? `'${mode}'` : show(mode)} (the mode is auto, forward or reverse)`);
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
  const point = (at: string, p: unknown, space = ofInputs) => vector(at, p, 'point', space);
  // A direction or cotangent by name: the names left out are 0, as with --dir and --cotangent.
  const direction = (at: string, d: unknown, space: Space) => vector(at, d, 'direction', space, true, 0);
  const cotangent = (at: string, c: unknown) => vector(at, c, 'cotangent', ofOutputs, true, 0);

  // Per-point scratch for the batch forms, made once: batches allocate nothing per point.
  const x = new Float64Array(n);
  const vs = new Float64Array(m);
  const ps = new Float64Array(m);
  const qs = new Float64Array(n);
  const none = new Float64Array(0);
  let js: Float64Array | undefined;
  const jac = () => (js ??= new Float64Array(m * n));
  /** Row-major points: `count` points of n numbers, checked once. */
  const rowPoints = (at: string, points: unknown, count: number): ArrayLike<number> => {
    const p = numbersIn(at, 'points', points, count * n, (i) => `points[${i}] (variable '${inputs[i % n]}' of point ${Math.floor(i / n)})`);
    if (p.length < count * n) usage(`${at}: expected ${count * n} numbers (${count} points of ${n}), got ${p.length}`);
    return p;
  };
  /** Loads point i into `x`, from row-major points or from columns; `results` must not overlap the inputs. */
  type Load = (i: number) => void;
  const rows = (at: string, points: unknown, count: number, results: readonly Float64Array[]): Load => {
    const p = rowPoints(at, points, count);
    disjoint(at, [p], results);
    return (i) => {
      for (let k = 0, o = i * n; k < n; k++) x[k] = p[o + k]!;
    };
  };
  const cols = (at: string, columns: unknown, count: number, results: readonly Float64Array[], space = ofAll): Load => {
    const cs = columnsOf(at, columns, count, space);
    disjoint(at, cs, results);
    const used = all.filter((k) => space.needed[k]);
    return (i) => {
      for (const k of used) x[k] = cs[k]![i]!;
    };
  };
  /** The points of a rows batch: the row-major values array holds one number per output and point. */
  const rowCount = (at: string, values: unknown): [Float64Array, number] => {
    const v = numbersOut(at, 'values', values);
    if (v.length % m !== 0) usage(`${at}: the values array has ${v.length} numbers, not a multiple of the ${outputList}`);
    return [v, v.length / m];
  };
  const sized = (at: string, array: unknown, size: number, what: string): Float64Array => {
    const a = numbersOut(at, what, array);
    if (a.length < size) usage(`${at}: the ${what} array needs ${size} numbers, has ${a.length}`);
    return a;
  };
  /** The points of a columns batch: the length of the value arrays, one per output (all the same length). */
  const columnCount = (at: string, values: unknown): [readonly Float64Array[], number] => {
    const vs = arrayOf(at, 'values', values, `${m} Float64Arrays, one per output (${labels.join(', ')})`);
    if (vs.length !== m) usage(`${at}: expected ${m} value arrays (${labels.join(', ')}), got ${vs.length}`);
    const checked = vs.map((v, o) => numbersOut(at, `values[${o}]`, v));
    const count = checked[0]?.length ?? 0;
    checked.forEach((v, o) => v.length !== count && usage(`${at}: value array ${o} has ${v.length} numbers, value array 0 has ${count}`));
    return [checked, count];
  };
  /** One result column per name, each at least `count` long. */
  const columnsFit = (at: string, arrays: unknown, names: readonly string[], count: number, what: string): readonly Float64Array[] => {
    const list = arrayOf(at, what, arrays, `${names.length} Float64Arrays (${names.join(', ')})`);
    if (list.length !== names.length) usage(`${at}: ${what} has ${list.length} columns, expected ${names.length} (${names.join(', ')})`);
    const checked = list.map((a, k) => numbersOut(at, `${what} column '${names[k]}'`, a));
    checked.forEach((a, k) => a.length < count && usage(`${at}: ${what} column '${names[k]}' is shorter than the value arrays`));
    return checked;
  };
  const storeValues = (values: readonly Float64Array[], i: number) => {
    for (let o = 0; o < m; o++) values[o]![i] = vs[o]!;
  };
  const second = secondOrderMethods({ graph, output: output.node, inputs, point, direction: (at, d) => direction(at, d, ofInputs), rowPoints, columns: (at, c, count) => columnsOf(at, c, count, ofInputs), columnsFit });

  const one = new Float64Array(1);
  return {
    inputs,
    output: output.name,
    outputs: labels,
    warnings,
    ...second,
    value(p) {
      kernelsOf().valueRows(point('value', p), 1, one);
      return one[0]!;
    },
    gradient(p) {
      const g = new Float64Array(n);
      kernelsOf().gradientRows(point('gradient', p), 1, one, g);
      return keyed(g);
    },
    valueColumns(columns, out) {
      const o = numbersOut('valueColumns', 'out', out);
      const cs = columnsOf('valueColumns', columns, o.length, ofInputs);
      disjoint('valueColumns', cs, [o]);
      kernelsOf().valueColumns(cs, o.length, o);
      return o;
    },
    gradientColumns(columns, value, gradient) {
      const at = 'gradientColumns';
      const v = numbersOut(at, 'value', value);
      const g = arrayOf(at, 'gradient', gradient, `${n} Float64Arrays, one per variable (${inputs.join(', ')})`);
      if (g.length !== n) usage(`${at}: expected ${n} gradient columns (${inputs.join(', ')}), got ${g.length}`);
      const gs = g.map((c, k) => numbersOut(at, `gradient[${k}]`, c));
      gs.forEach((c, k) => c.length < v.length && usage(`${at}: gradient column ${k} ('${inputs[k]}') is shorter than the value array`));
      const cs = columnsOf(at, columns, v.length, ofInputs);
      disjoint(at, cs, [v, ...gs]);
      kernelsOf().gradientColumns(cs, v.length, v, gs);
    },
    valueRows(points, out) {
      const o = numbersOut('valueRows', 'out', out);
      const p = rowPoints('valueRows', points, o.length);
      disjoint('valueRows', [p], [o]);
      kernelsOf().valueRows(p, o.length, o);
      return o;
    },
    gradientRows(points, value, gradient) {
      const at = 'gradientRows';
      const v = numbersOut(at, 'value', value);
      const g = sized(at, gradient, v.length * n, 'gradient');
      const p = rowPoints(at, points, v.length);
      disjoint(at, [p], [v, g]);
      kernelsOf().gradientRows(p, v.length, v, g);
    },

    values(p) {
      const v = new Float64Array(m);
      valuesOf()(point('values', p, ofAll), v, none);
      return keyed(v, labels);
    },
    jacobian(p, opts) {
      const at = point('jacobian', p, ofAll);
      const kernel = jacobianOf('jacobian', opts);
      const v = new Float64Array(m);
      const j = new Float64Array(m * n);
      kernel(at, v, j);
      return Object.fromEntries(labels.map((label, o) => [label, keyed(j.subarray(o * n, (o + 1) * n))]));
    },
    jvp(p, d) {
      const at = point('jvp', p, ofAll);
      const dir = direction('jvp', d, ofAll);
      const v = new Float64Array(m);
      const t = new Float64Array(m);
      jvpOf()(at, dir, v, t);
      return keyed(t, labels);
    },
    vjp(p, c) {
      const at = point('vjp', p, ofAll);
      const cot = cotangent('vjp', c);
      const v = new Float64Array(m);
      const a = new Float64Array(n);
      vjpOf()(at, cot, v, a);
      return keyed(a);
    },
    valuesColumns(columns, values) {
      const at = 'valuesColumns';
      const [out, count] = columnCount(at, values);
      const load = cols(at, columns, count, out);
      const kernel = valuesOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, vs, none);
        storeValues(out, i);
      }
      return values;
    },
    jacobianColumns(columns, values, jacobian, opts) {
      const at = 'jacobianColumns';
      const [out, count] = columnCount(at, values);
      const rowsOf = arrayOf(at, 'jacobian', jacobian, `${m} rows (${labels.join(', ')}), each an array of ${n} Float64Arrays (${inputs.join(', ')})`);
      if (rowsOf.length !== m) usage(`${at}: expected ${m} rows of Jacobian columns (${labels.join(', ')}), got ${rowsOf.length}`);
      const jr = rowsOf.map((row, o) => columnsFit(at, row, inputs, count, `Jacobian row '${labels[o]}'`));
      const load = cols(at, columns, count, [...out, ...jr.flat()]);
      const kernel = jacobianOf(at, opts);
      const j = jac();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, vs, j);
        storeValues(out, i);
        for (let o = 0; o < m; o++) {
          const row = jr[o]!;
          for (let k = 0; k < n; k++) row[k]![i] = j[o * n + k]!;
        }
      }
    },
    jvpColumns(columns, d, values, jvp) {
      const at = 'jvpColumns';
      const [out, count] = columnCount(at, values);
      const res = columnsFit(at, jvp, labels, count, 'jvp');
      const dir = direction(at, d, ofAll);
      const load = cols(at, columns, count, [...out, ...res]);
      const kernel = jvpOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, dir, vs, ps);
        storeValues(out, i);
        for (let o = 0; o < m; o++) res[o]![i] = ps[o]!;
      }
    },
    vjpColumns(columns, c, values, vjp) {
      const at = 'vjpColumns';
      const [out, count] = columnCount(at, values);
      const res = columnsFit(at, vjp, inputs, count, 'vjp');
      const cot = cotangent(at, c);
      const load = cols(at, columns, count, [...out, ...res]);
      const kernel = vjpOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, cot, vs, qs);
        storeValues(out, i);
        for (let k = 0; k < n; k++) res[k]![i] = qs[k]!;
      }
    },
    valuesRows(points, values) {
      const at = 'valuesRows';
      const [out, count] = rowCount(at, values);
      const load = rows(at, points, count, [out]);
      const kernel = valuesOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, vs, none);
        copy(vs, out, i * m);
      }
      return out;
    },
    jacobianRows(points, values, jacobian, opts) {
      const at = 'jacobianRows';
      const [out, count] = rowCount(at, values);
      const res = sized(at, jacobian, count * m * n, 'Jacobian');
      const load = rows(at, points, count, [out, res]);
      const kernel = jacobianOf(at, opts);
      const j = jac();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, vs, j);
        copy(vs, out, i * m);
        copy(j, res, i * m * n);
      }
    },
    jvpRows(points, d, values, jvp) {
      const at = 'jvpRows';
      const [out, count] = rowCount(at, values);
      const res = sized(at, jvp, count * m, 'jvp');
      const dir = direction(at, d, ofAll);
      const load = rows(at, points, count, [out, res]);
      const kernel = jvpOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, dir, vs, ps);
        copy(vs, out, i * m);
        copy(ps, res, i * m);
      }
    },
    vjpRows(points, c, values, vjp) {
      const at = 'vjpRows';
      const [out, count] = rowCount(at, values);
      const res = sized(at, vjp, count * n, 'vjp');
      const cot = cotangent(at, c);
      const load = rows(at, points, count, [out, res]);
      const kernel = vjpOf();
      for (let i = 0; i < count; i++) {
        load(i);
        kernel(x, cot, vs, qs);
        copy(vs, out, i * m);
        copy(qs, res, i * n);
      }
    },
  };
}

/** to[at…] = from (a loop: for a few numbers, faster than TypedArray.prototype.set). */
function copy(from: Float64Array, to: Float64Array, at: number): void {
  for (let k = 0; k < from.length; k++) to[at + k] = from[k]!;
}

