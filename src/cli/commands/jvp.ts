// `adiff jvp`, `adiff vjp`, `adiff hvp`: products with the Jacobian or the Hessian, each in one sweep and
// without forming the matrix. jvp: J·d, the derivative of every output along a direction d (one forward sweep).
// vjp: cᵀ·J, the gradient of the weighted sum s = Σ c_i·output_i (one reverse sweep). hvp: H·d, the derivative
// of the gradient along d (one forward sweep over the gradient's derivative graph: forward-over-reverse).
import type { Command } from 'commander';
import { gradientAt } from '../../autodiff/gradient.js';
import { hvpAt } from '../../autodiff/hessian.js';
import { jvpAt, vjpAt } from '../../autodiff/jacobian.js';
import type { Context } from '../context.js';
import { parseVector, resolveOutputs, resolveSingleOutput } from '../outputs.js';
import { explainResults, gradientPrinted, pointFor, strictExit } from '../point.js';
import { renderEquations } from '../render/human.js';
import { obj, stringify, type Json } from '../render/json.js';
import { pointCommand, repeatable, sweepTrace, traceJson, traceText, type CommonOptions, type Runner } from './higher-common.js';

export interface ProductOptions extends CommonOptions {
  dir?: string[];
  cotangent?: string[];
}

/** The results of each command's --json object (with --points, each point's line has this shape). */
/** The JSON of one point (numbers, or slots for a --points line: render/record.ts); likewise vjpEntries and hvpEntries. */
export function jvpEntries(labels: readonly string[], inputNames: readonly string[], values: readonly Json[], d: ArrayLike<number>, jvp: readonly Json[]): [string, Json][] {
  return [
    ['values', obj(labels.map((l, i) => [l, values[i]!]))],
    ['dir', obj(inputNames.map((n, i) => [n, d[i]!]))],
    ['jvp', obj(labels.map((l, i) => [l, jvp[i]!]))],
  ];
}

export function vjpEntries(labels: readonly string[], inputNames: readonly string[], values: readonly Json[], c: ArrayLike<number>, vjp: ArrayLike<Json>): [string, Json][] {
  return [
    ['values', obj(labels.map((l, i) => [l, values[i]!]))],
    ['cotangent', obj(labels.map((l, i) => [l, c[i]!]))],
    ['vjp', obj(inputNames.map((n, i) => [n, vjp[i]!]))],
  ];
}

export function hvpEntries(inputNames: readonly string[], value: Json, gradient: ArrayLike<Json>, d: ArrayLike<number>, hvp: ArrayLike<Json>): [string, Json][] {
  return [
    ['value', value],
    ['gradient', obj(inputNames.map((n, i) => [n, gradient[i]!]))],
    ['dir', obj(inputNames.map((n, i) => [n, d[i]!]))],
    ['hvp', obj(inputNames.map((n, i) => [n, hvp[i]!]))],
  ];
}

/** `(x: 1, y: 0)` for a note under the results. */
const vectorNote = (names: readonly string[], v: ArrayLike<number>) => `(${names.map((n, i) => `${n}: ${v[i]}`).join(', ')})`;

export async function runJvp(ctx: Context, expr: string | undefined, opts: ProductOptions): Promise<number> {
  if (opts.points !== undefined) return (await import('../batch-higher.js')).jvpPoints(ctx, expr, { ...opts, points: opts.points });
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const { vector: d, bindings: dir } = parseVector(ctx, opts.dir ?? [], '--dir', graph.inputNames, 'a variable of the formula', 'variables');
  const point = pointFor(ctx, lowered, outputs.map((o) => o.node), opts.at);
  const r = jvpAt(graph, outputs.map((o) => o.node), point.x, d);
  const labels = outputs.map((o) => o.label);
  const bad = explainResults(ctx, lowered, point, outputs.map((o) => o.node), [
    ...labels.map((label, i) => ({ label, value: r.values[i]!, order: 0 })),
    ...labels.map((l, i) => ({ label: `∇${l}·d`, value: r.jvp[i]!, order: 1 })),
  ], { vector: { what: 'the direction', bindings: dir } });
  const rows = opts.trace ? sweepTrace(lowered, { ...r.lin, output: outputs[0]!.node, sensitivity: r.tangents, mode: 'forward' }) : undefined;
  if (ctx.json) {
    const entries = jvpEntries(labels, graph.inputNames, r.values, d, r.jvp);
    if (rows) entries.push(['trace', traceJson(rows, 'forward')]);
    ctx.print(stringify(obj(entries)) + '\n');
  } else {
    if (rows) ctx.print(traceText(ctx, 'forward sweep along d: tangents ∂v/∂d', rows, 'forward', labels[0]!, 'd'));
    ctx.print(renderEquations(ctx.out, [
      ...labels.map((label, i) => ({ label, value: r.values[i]! })),
      ...labels.map((l, i) => ({ label: `∇${l}·d`, value: r.jvp[i]! })),
    ]));
    ctx.print(ctx.out.dim(`where d = ${vectorNote(graph.inputNames, d)}\n`));
  }
  return strictExit(ctx, opts.strict, bad);
}

export async function runVjp(ctx: Context, expr: string | undefined, opts: ProductOptions): Promise<number> {
  if (opts.points !== undefined) return (await import('../batch-higher.js')).vjpPoints(ctx, expr, { ...opts, points: opts.points });
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const labels = outputs.map((o) => o.label);
  const { vector: c, bindings: cotangent } = parseVector(ctx, opts.cotangent ?? [], '--cotangent', labels, 'an output', 'outputs');
  const point = pointFor(ctx, lowered, outputs.map((o) => o.node), opts.at);
  const r = vjpAt(graph, outputs.map((o) => o.node), point.x, Array.from(c));
  const s = labels.reduce((sum, _, i) => sum + (c[i] === 0 ? 0 : c[i]! * r.values[i]!), 0);
  const bad = explainResults(ctx, lowered, point, outputs.map((o) => o.node), [
    ...labels.map((label, i) => ({ label, value: r.values[i]!, order: 0 })),
    { label: 's', value: s, order: 0 },
    ...graph.inputNames.map((n, i) => ({ label: `∂s/∂${n}`, value: r.vjp[i]!, order: 1 })),
  ], { vector: { what: 'the cotangent', bindings: cotangent } });
  const rows = opts.trace ? sweepTrace(lowered, { ...r.lin, output: outputs[outputs.length - 1]!.node, sensitivity: r.adjoints, mode: 'reverse' }) : undefined;
  if (ctx.json) {
    const entries = vjpEntries(labels, graph.inputNames, r.values, c, r.vjp);
    if (rows) entries.push(['trace', traceJson(rows, 'reverse')]);
    ctx.print(stringify(obj(entries)) + '\n');
  } else {
    if (rows) ctx.print(traceText(ctx, 'reverse sweep from the cotangent: adjoints ∂s/∂v', rows, 'reverse', 's', undefined));
    ctx.print(renderEquations(ctx.out, [
      ...labels.map((label, i) => ({ label, value: r.values[i]! })),
      { label: 's', value: s },
      ...graph.inputNames.map((n, i) => ({ label: `∂s/∂${n}`, value: r.vjp[i]! })),
    ]));
    ctx.print(ctx.out.dim(`where s = ${weightedSum(labels, c)}\n`));
  }
  return strictExit(ctx, opts.strict, bad);
}

export async function runHvp(ctx: Context, expr: string | undefined, opts: ProductOptions): Promise<number> {
  if (opts.points !== undefined) return (await import('../batch-higher.js')).hvpPoints(ctx, expr, { ...opts, points: opts.points });
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const output = resolveSingleOutput(lowered, opts.of, 'hvp');
  const { vector: d, bindings: dir } = parseVector(ctx, opts.dir ?? [], '--dir', graph.inputNames, 'a variable of the formula', 'variables');
  const point = pointFor(ctx, lowered, [output.node], opts.at);
  const { x } = point;
  const r = hvpAt(graph, output.node, x, d);
  const f = output.label;
  // The value and gradient of the numeric reverse sweep, as `eval` gives them (see hessian.ts).
  const first = gradientAt(lowered, x, { output: output.node });
  const gradient = graph.inputs.map((id) => first.adjoints[id]!);
  const bad = explainResults(
    ctx,
    lowered,
    point,
    [output.node],
    [
      ...gradientPrinted(f, first.value, graph.inputNames, gradient),
      ...graph.inputNames.map((n, i) => ({ label: `(H·d)_${n}`, value: r.hvp[i]!, order: 2 })),
    ],
    { higher: { wrt: graph.inputs.map((_, k) => k), order: 2 }, vector: { what: 'the direction', bindings: dir } },
  );
  const rows = opts.trace ? sweepTrace(lowered, { ...first, output: output.node, sensitivity: first.adjoints, mode: 'reverse' }) : undefined;
  if (ctx.json) {
    const entries = hvpEntries(graph.inputNames, first.value, gradient, d, r.hvp);
    if (rows) entries.push(['trace', traceJson(rows, 'reverse')]);
    ctx.print(stringify(obj(entries)) + '\n');
  } else {
    if (rows) ctx.print(traceText(ctx, `first-order sweep (reverse): adjoints ∂${f}/∂v`, rows, 'reverse', f, undefined));
    ctx.print(renderEquations(ctx.out, [
      { label: f, value: first.value },
      ...graph.inputNames.map((n, i) => ({ label: `∂${f}/∂${n}`, value: gradient[i]! })),
      ...graph.inputNames.map((n, i) => ({ label: `(H·d)_${n}`, value: r.hvp[i]! })),
    ]));
    ctx.print(ctx.out.dim(`where d = ${vectorNote(graph.inputNames, d)} and H is the Hessian of ${f}\n`));
  }
  return strictExit(ctx, opts.strict, bad);
}

export function registerProducts(program: Command, run: Runner): void {
  pointCommand(program, 'jvp', 'Jacobian-vector product J·d: the derivative of every output along a direction (one forward sweep)', {
    trace: 'show the forward sweep: every intermediate with its tangent along d',
    points: true,
  })
    .option('--dir <name=value,...>', 'the direction d: a value per variable (variables left out are 0; repeatable)', repeatable)
    .addHelpText('after', `
Examples:
  adiff jvp "u = x*y; v = x + y" --of u,v --at x=2,y=3 --dir x=1,y=-1
  adiff jvp "x^2 + y^2" --at x=3,y=4 --dir x=0.6,y=0.8 --json
  adiff jvp "x*y; x + y" --dir x=1 --points examples/xy.csv`)
    .action(async (expr: string | undefined, opts: ProductOptions) => {
      await run((ctx) => runJvp(ctx, expr, opts), opts.json, opts.color);
    });
  pointCommand(program, 'vjp', 'vector-Jacobian product cᵀ·J: the gradient of a weighted sum of the outputs (one reverse sweep)', {
    trace: 'show the reverse sweep: every intermediate with its adjoint',
    points: true,
  })
    .option('--cotangent <name=value,...>', 'the weights c: a value per output (outputs left out are 0; repeatable)', repeatable)
    .addHelpText('after', `
Examples:
  adiff vjp "u = x*y; v = x + y" --of u,v --at x=2,y=3 --cotangent u=1,v=2
  adiff vjp "x*y; x + y" --at x=2,y=3 --cotangent f1=1 --json
  adiff vjp "x*y; x + y" --cotangent f1=1,f2=2 --points examples/xy.csv`)
    .action(async (expr: string | undefined, opts: ProductOptions) => {
      await run((ctx) => runVjp(ctx, expr, opts), opts.json, opts.color);
    });
  pointCommand(program, 'hvp', 'Hessian-vector product H·d, without forming H (forward-over-reverse)', {
    trace: 'show the first-order sweep (the Wengert list with adjoints) the product builds on',
    points: true,
  })
    .option('--dir <name=value,...>', 'the direction d: a value per variable (variables left out are 0; repeatable)', repeatable)
    .addHelpText('after', `
Examples:
  adiff hvp "x^2*y + sin(z)" --at x=1,y=2,z=0 --dir x=1
  adiff hvp "(1-x)^2 + 100(y-x^2)^2" --at x=1,y=1 --dir x=1,y=1 --json
  adiff hvp "(1-x)^2 + 100(y-x^2)^2" --dir x=1,y=1 --points examples/xy.csv`)
    .action(async (expr: string | undefined, opts: ProductOptions) => {
      await run((ctx) => runHvp(ctx, expr, opts), opts.json, opts.color);
    });
}

/** `1·f1 - 2·f2`: the weighted sum cᵀ·outputs as a reader writes it (a negative weight as a minus sign). */
export function weightedSum(labels: readonly string[], c: ArrayLike<number>): string {
  return labels
    .map((l, i) => {
      const w = c[i]!;
      const negative = w < 0 || Object.is(w, -0);
      const term = `${negative ? -w : w}·${l}`;
      return i === 0 ? (negative ? `-${term}` : term) : `${negative ? '- ' : '+ '}${term}`;
    })
    .join(' ');
}
