// `--points` for the higher-order commands: hessian, jacobian, jvp, vjp and hvp at every point of a CSV or
// NDJSON input, one NDJSON line per point shaped like the command's single-point --json object. Everything that
// does not change from point to point (the graph, the outputs, --wrt, --dir, --cotangent, the compiled kernel,
// the effective subgraph) is settled once per run; the streaming is batch.ts's `runPoints`.
// hessian and hvp run the compiled forward-over-reverse kernel of compile.ts (a Hessian is one H·v per
// variable); jacobian, jvp and vjp run the interpreter's sweeps over the graph, exactly as a single point does.
import { compileHvp } from '../autodiff/compile.js';
import { reaching } from '../autodiff/graph.js';
import { jacobianAt, jvpAt, vjpAt } from '../autodiff/jacobian.js';
import { allFinite, planInputs, pointByPoint, runPoints, type BatchPlan, type PointsOptions } from './batch.js';
import type { Context } from './context.js';
import { parseNameList } from './options.js';
import { parseModeOption, parseVector, resolveOutputs, resolveSingleOutput } from './outputs.js';
import { obj } from './render/json.js';
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
  const { hvp } = compileHvp(graph, output.node);
  const n = graph.inputs.length;
  const m = wrt.length;
  const names = wrt.map((k) => graph.inputNames[k]!);
  const directions = wrt.map((k) => {
    const d = new Float64Array(n);
    d[k] = 1;
    return d;
  });
  const grad = new Float64Array(n);
  const hv = new Float64Array(n);
  return {
    ...inputs,
    formula: lowered.source.text,
    lines: pointByPoint(n, (x) => {
      const hessian = wrt.map(() => new Array<number>(m).fill(0));
      let value = m === 0 ? hvp(x, new Float64Array(n), grad, hv) : NaN;
      // Column j is H·e_j; as in the single-point command, the entries above the diagonal are mirrored below it.
      for (let j = 0; j < m; j++) {
        value = hvp(x, directions[j]!, grad, hv);
        for (let i = 0; i <= j; i++) hessian[i]![j] = hessian[j]![i] = hv[wrt[i]!]!;
      }
      const gradient = wrt.map((k) => grad[k]!);
      return { json: obj(hessianEntries(names, value, gradient, hessian)), finite: allFinite([value, ...gradient, ...hessian.flat()]) };
    }),
  };
}

/** `adiff hvp --points`: H·d per point for one direction d, by the compiled kernel. */
export function hvpPoints(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<number> {
  return runPoints(ctx, expr, opts, 'hvp', () => hvpPlan(ctx, expr, opts));
}

export async function hvpPlan(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<BatchPlan> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const output = resolveSingleOutput(lowered, opts.of, 'hvp');
  const { vector: d } = parseVector(opts.dir ?? [], '--dir', graph.inputNames, 'a variable of the formula', 'variables');
  const inputs = planInputs(ctx, lowered, [output.node], opts.at);
  const { hvp } = compileHvp(graph, output.node);
  const n = graph.inputs.length;
  const grad = new Float64Array(n);
  const hv = new Float64Array(n);
  return {
    ...inputs,
    formula: lowered.source.text,
    lines: pointByPoint(n, (x) => {
      const value = hvp(x, d, grad, hv);
      return { json: obj(hvpEntries(graph.inputNames, value, grad, d, hv)), finite: value - value === 0 && allFinite(grad) && allFinite(hv) };
    }),
  };
}

/** `adiff jacobian --points`: the Jacobian per point, by the sweeps the single-point command would run. */
export function jacobianPoints(ctx: Context, expr: string | undefined, opts: Batch<JacobianOptions>): Promise<number> {
  return runPoints(ctx, expr, opts, 'jacobian', () => jacobianPlan(ctx, expr, opts));
}

export async function jacobianPlan(ctx: Context, expr: string | undefined, opts: Batch<JacobianOptions>): Promise<BatchPlan> {
  const mode = parseModeOption(opts.mode);
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const nodes = outputs.map((o) => o.node);
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  const inputs = planInputs(ctx, lowered, nodes, opts.at);
  const mask = reaching(graph.nodes, nodes);
  const names = wrt.map((k) => graph.inputNames[k]!);
  const labels = outputs.map((o) => o.label);
  return {
    ...inputs,
    formula: lowered.source.text,
    lines: pointByPoint(graph.inputs.length, (x) => {
      const r = jacobianAt(graph, nodes, x, wrt, mode, mask);
      return { json: obj(jacobianEntries(labels, names, r.values, r.jacobian, r.mode)), finite: allFinite(r.values) && allFinite(r.jacobian.flat()) };
    }),
  };
}

/** `adiff jvp --points`: J·d per point for one direction d (one forward sweep each). */
export function jvpPoints(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<number> {
  return runPoints(ctx, expr, opts, 'jvp', () => jvpPlan(ctx, expr, opts));
}

export async function jvpPlan(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<BatchPlan> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const nodes = outputs.map((o) => o.node);
  const { vector: d } = parseVector(opts.dir ?? [], '--dir', graph.inputNames, 'a variable of the formula', 'variables');
  const inputs = planInputs(ctx, lowered, nodes, opts.at);
  const mask = reaching(graph.nodes, nodes);
  const labels = outputs.map((o) => o.label);
  return {
    ...inputs,
    formula: lowered.source.text,
    lines: pointByPoint(graph.inputs.length, (x) => {
      const r = jvpAt(graph, nodes, x, d, mask);
      return { json: obj(jvpEntries(labels, graph.inputNames, r.values, d, r.jvp)), finite: allFinite(r.values) && allFinite(r.jvp) };
    }),
  };
}

/** `adiff vjp --points`: cᵀ·J per point for one cotangent c (one reverse sweep each). */
export function vjpPoints(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<number> {
  return runPoints(ctx, expr, opts, 'vjp', () => vjpPlan(ctx, expr, opts));
}

export async function vjpPlan(ctx: Context, expr: string | undefined, opts: Batch<ProductOptions>): Promise<BatchPlan> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const nodes = outputs.map((o) => o.node);
  const labels = outputs.map((o) => o.label);
  const { vector: c } = parseVector(opts.cotangent ?? [], '--cotangent', labels, 'an output', 'outputs');
  const cotangent = Array.from(c);
  const inputs = planInputs(ctx, lowered, nodes, opts.at);
  const mask = reaching(graph.nodes, nodes);
  return {
    ...inputs,
    formula: lowered.source.text,
    lines: pointByPoint(graph.inputs.length, (x) => {
      const r = vjpAt(graph, nodes, x, cotangent, mask);
      return { json: obj(vjpEntries(labels, graph.inputNames, r.values, c, r.vjp)), finite: allFinite(r.values) && allFinite(r.vjp) };
    }),
  };
}
