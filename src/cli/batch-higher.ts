// `--points` for the higher-order commands: hessian, jacobian, jvp, vjp and hvp at every point of a CSV or
// NDJSON input, one line per point: NDJSON shaped like the command's single-point --json object (the same
// entries functions build both), or CSV (--format csv) with one column per number. Everything that does not
// change from point to point (the graph, the outputs, --wrt, --dir, --cotangent, the compiled kernel, the
// effective subgraph, the line's shape) is settled once per run; the streaming is batch.ts's `runPoints`.
// Every command runs a compiled kernel, which gives the interpreter's numbers bit for bit: hessian and hvp the
// compiled forward sweep over the interpreter's own gradient graph (compile-hessian.ts; a Hessian is one H·v per
// variable, the entries above the diagonal mirrored below it, as hessianAt does), jacobian, jvp and vjp the
// multi-output kernels of compile-products.ts (a Jacobian is one kernel of sweeps, in the mode the single-point
// command would choose).
import { compileKernels } from '../autodiff/compile.js';
import type { Graph, NodeId } from '../autodiff/graph.js';
import { compileExactHvp } from '../autodiff/compile-hessian.js';
import { compileJacobian, compileJvp, compileVjp } from '../autodiff/compile-products.js';
import { planInputs, pointByPoint, type BatchPlan, type PointsOptions } from './batch.js';
import { runPoints } from './run-points.js';
import type { Context } from './context.js';
import { parseNameList } from './options.js';
import { parseModeOption, parseVector, resolveOutputs, resolveSingleOutput } from './outputs.js';
import { obj } from './render/json.js';
import { RecordShape } from './render/record.js';
import { hessianEntries, type HessianOptions } from './commands/hessian.js';
import { jacobianEntries, type JacobianOptions } from './commands/jacobian.js';
import { hvpEntries, jvpEntries, vjpEntries, type ProductOptions } from './commands/jvp.js';

type Batch<T> = T & PointsOptions;

/** `adiff hessian --points`: value, gradient and Hessian per point, each Hessian column one compiled H·e_j. */
export function hessianPoints(ctx: Context, expr: string | undefined, opts: Batch<HessianOptions>): Promise<number> {
  return runPoints(ctx, expr, opts, 'hessian', () => hessianPlan(ctx, expr, opts));
}

export async function hessianPlan(ctx: Context, expr: string | undefined, opts: Batch<HessianOptions>): Promise<BatchPlan> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const output = resolveSingleOutput(lowered, opts.of, 'hessian');
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  const inputs = planInputs(ctx, lowered, [output.node], opts.at);
  const { hvp } = compileExactHvp(graph, output.node);
  const n = graph.inputs.length;
  const m = wrt.length;
  const names = wrt.map((k) => graph.inputNames[k]!);
  const second = secondColumns(names);
  // Slots: the value, the gradient, then the Hessian row by row; CSV has the entries on and above the diagonal.
  const shape = new RecordShape((slot) =>
    obj(hessianEntries(
      names,
      slot({ csv: 'value' }),
      names.map((a) => slot({ csv: `d/d${a}` })),
      names.map((a, i) => names.map((b, j) => slot(j >= i ? { csv: second(a, b) } : {}))),
    )),
  );
  const directions = wrt.map((k) => {
    const d = new Float64Array(n);
    d[k] = 1;
    return d;
  });
  const first = valueAndGradient(graph, output.node);
  const grad = new Float64Array(n);
  const hv = new Float64Array(n);
  return pointByPoint(lowered, inputs, shape, (x, row) => {
    // Column j is H·e_j; as in the single-point command, the entries above the diagonal are mirrored below it.
    for (let j = 0; j < m; j++) {
      hvp(x, directions[j]!, grad, hv);
      for (let i = 0; i <= j; i++) row[1 + m + i * m + j] = row[1 + m + j * m + i] = hv[wrt[i]!]!;
    }
    row[0] = first(x, grad);
    for (let i = 0; i < m; i++) row[1 + i] = grad[wrt[i]!]!;
  });
}

/** `adiff hvp --points`: H·d per point for one direction d, by the compiled kernel. */
export function hvpPoints(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<number> {
  return runPoints(ctx, expr, opts, 'hvp', () => hvpPlan(ctx, expr, opts));
}

export async function hvpPlan(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<BatchPlan> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const output = resolveSingleOutput(lowered, opts.of, 'hvp');
  const names = graph.inputNames;
  const { vector: d } = parseVector(ctx, opts.dir ?? [], '--dir', names, 'a variable of the formula', 'variables');
  const inputs = planInputs(ctx, lowered, [output.node], opts.at);
  const { hvp } = compileExactHvp(graph, output.node);
  const n = graph.inputs.length;
  const shape = new RecordShape((slot) =>
    obj(hvpEntries(names, slot({ csv: 'value' }), names.map((a) => slot({ csv: `d/d${a}` })), d, names.map((a) => slot({ csv: `hvp.${a}` })))),
  );
  const first = valueAndGradient(graph, output.node);
  const grad = new Float64Array(n);
  const hv = new Float64Array(n);
  return pointByPoint(lowered, inputs, shape, (x, row) => {
    hvp(x, d, grad, hv);
    row.set(hv, 1 + n);
    row[0] = first(x, grad);
    row.set(grad, 1);
  });
}

/**
 * The value and gradient at one point as `eval` gives them (its compiled reverse-mode kernel): the single-point
 * hessian and hvp commands print those of the numeric sweep, not the gradient graph's (see commands/hessian.ts).
 */
function valueAndGradient(graph: Graph, output: NodeId): (x: Float64Array, grad: Float64Array) => number {
  const kernels = compileKernels(graph, output);
  const value = new Float64Array(1);
  return (x, grad) => {
    kernels.gradientRows(x, 1, value, grad);
    return value[0]!;
  };
}

/** `adiff jacobian --points`: the Jacobian per point, by a compiled kernel of the sweeps the single-point command would run. */
export function jacobianPoints(ctx: Context, expr: string | undefined, opts: Batch<JacobianOptions>): Promise<number> {
  return runPoints(ctx, expr, opts, 'jacobian', () => jacobianPlan(ctx, expr, opts));
}

export async function jacobianPlan(ctx: Context, expr: string | undefined, opts: Batch<JacobianOptions>): Promise<BatchPlan> {
  const requested = parseModeOption(opts.mode);
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const nodes = outputs.map((o) => o.node);
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  const inputs = planInputs(ctx, lowered, nodes, opts.at);
  const names = wrt.map((k) => graph.inputNames[k]!);
  const labels = outputs.map((o) => o.label);
  const { jacobian, mode } = compileJacobian(graph, nodes, wrt, requested);
  const shape = new RecordShape((slot) =>
    obj(jacobianEntries(labels, names, labels.map((l) => slot({ csv: l })), labels.map((l) => names.map((a) => slot({ csv: `d${l}/d${a}` }))), mode)),
  );
  const m = nodes.length;
  const values = new Float64Array(m);
  const jac = new Float64Array(m * wrt.length);
  return pointByPoint(lowered, inputs, shape, (x, row) => {
    jacobian(x, values, jac); // the slots are the values, then J row by row: the kernel's layout
    row.set(values);
    row.set(jac, m);
  });
}

/** `adiff jvp --points`: J·d per point for one direction d (a compiled forward sweep). */
export function jvpPoints(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<number> {
  return runPoints(ctx, expr, opts, 'jvp', () => jvpPlan(ctx, expr, opts));
}

export async function jvpPlan(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<BatchPlan> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const nodes = outputs.map((o) => o.node);
  const { vector: d } = parseVector(ctx, opts.dir ?? [], '--dir', graph.inputNames, 'a variable of the formula', 'variables');
  const inputs = planInputs(ctx, lowered, nodes, opts.at);
  const labels = outputs.map((o) => o.label);
  const { jvp } = compileJvp(graph, nodes);
  const shape = new RecordShape((slot) =>
    obj(jvpEntries(labels, graph.inputNames, labels.map((l) => slot({ csv: l })), d, labels.map((l) => slot({ csv: `jvp.${l}` })))),
  );
  const m = nodes.length;
  const values = new Float64Array(m);
  const out = new Float64Array(m);
  return pointByPoint(lowered, inputs, shape, (x, row) => {
    jvp(x, d, values, out);
    row.set(values);
    row.set(out, m);
  });
}

/** `adiff vjp --points`: cᵀ·J per point for one cotangent c (a compiled reverse sweep). */
export function vjpPoints(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<number> {
  return runPoints(ctx, expr, opts, 'vjp', () => vjpPlan(ctx, expr, opts));
}

export async function vjpPlan(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<BatchPlan> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const nodes = outputs.map((o) => o.node);
  const labels = outputs.map((o) => o.label);
  const names = graph.inputNames;
  const { vector: c } = parseVector(ctx, opts.cotangent ?? [], '--cotangent', labels, 'an output', 'outputs');
  const inputs = planInputs(ctx, lowered, nodes, opts.at);
  const { vjp } = compileVjp(graph, nodes);
  const shape = new RecordShape((slot) =>
    obj(vjpEntries(labels, names, labels.map((l) => slot({ csv: l })), c, names.map((a) => slot({ csv: `vjp.${a}` })))),
  );
  const m = nodes.length;
  const n = names.length;
  const values = new Float64Array(m);
  const out = new Float64Array(n);
  return pointByPoint(lowered, inputs, shape, (x, row) => {
    vjp(x, c, values, out);
    row.set(values);
    row.set(out, m);
  });
}

/**
 * CSV column names of the Hessian entries: `d2/dxdy`, or `d2/dx*dy` for every entry when the plain names would
 * collide (variables xd, x and dx make `d2/dxddx` twice: ∂²/∂xd∂x and ∂²/∂x∂dx); `*` is never part of a name.
 */
export function secondColumns(names: readonly string[]): (a: string, b: string) => string {
  const plain = (a: string, b: string) => `d2/d${a}d${b}`;
  const seen = new Set<string>([...names.map((a) => `d/d${a}`), 'value']);
  for (let i = 0; i < names.length; i++) {
    for (let j = i; j < names.length; j++) {
      const c = plain(names[i]!, names[j]!);
      if (seen.has(c)) return (a, b) => `d2/d${a}*d${b}`;
      seen.add(c);
    }
  }
  return plain;
}
