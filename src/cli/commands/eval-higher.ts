// The higher-order branches of `adiff eval`: several outputs (each output's value and gradient), and
// `--order k`: f, f', …, f^(k) along one variable by Taylor-mode propagation.
import { AdiffError } from '../../diagnostics.js';
import type { Mode } from '../../autodiff/gradient.js';
import type { Lowered } from '../../autodiff/lower.js';
import { jacobianAt } from '../../autodiff/jacobian.js';
import { derivativesWithBounds } from '../../autodiff/taylor.js';
import { precisionWarning } from '../../autodiff/diagnose.js';
import type { Context } from '../context.js';
import { parseNameList } from '../options.js';
import { parseOrder, resolveOutputs } from '../outputs.js';
import { explainResults, pointFor, strictExit } from '../point.js';
import { renderEquations, renderGradient } from '../render/human.js';
import { obj, stringify, type Json } from '../render/json.js';
import { sweepTrace, traceJson, traceText } from './higher-common.js';

export interface EvalHigherOptions {
  at?: string[];
  wrt?: string;
  of?: string;
  order?: string;
  trace?: boolean;
  strict?: boolean;
  file?: string;
}

/** 171! overflows double precision: past it every derivative of a non-polynomial would print as Infinity. */
export const MAX_ORDER = 170;

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const sup = (k: number) => String(k).replace(/\d/g, (d) => SUPERSCRIPT[Number(d)]!);

/** `f`, `∂f/∂x`, `∂²f/∂x²`, … */
export function orderLabel(f: string, x: string, k: number): string {
  if (k === 0) return f;
  return k === 1 ? `∂${f}/∂${x}` : `∂${sup(k)}${f}/∂${x}${sup(k)}`;
}

/** `adiff eval --order k --wrt x`: the derivatives of every output along one variable, exact, by Taylor mode. */
export async function runEvalOrder(ctx: Context, expr: string | undefined, opts: EvalHigherOptions): Promise<number> {
  const order = parseOrder(opts.order!, MAX_ORDER);
  if (opts.trace) throw new AdiffError({ kind: 'usage', message: '--trace shows first-order sweeps; it does not combine with --order', hint: 'drop --order to see the trace, or --trace to get the derivatives' });
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  let wrt: number;
  if (opts.wrt !== undefined) {
    const list = parseNameList(opts.wrt, graph.inputNames);
    if (list.length !== 1) {
      const second = opts.wrt.indexOf(',');
      throw new AdiffError({ kind: 'input', message: '--order differentiates along one variable: give --wrt exactly one name', source: { name: '--wrt', text: opts.wrt }, span: { start: second + 1, end: opts.wrt.length }, hint: `for mixed partials use adiff hessian, or adiff diff --wrt ${opts.wrt} --order ${order}` });
    }
    wrt = list[0]!;
  } else if (graph.inputs.length === 1) wrt = 0;
  else {
    throw new AdiffError({
      kind: 'usage',
      message: graph.inputs.length === 0 ? 'the formula has no variables to differentiate along' : `--order needs --wrt: the formula has ${graph.inputs.length} variables (${graph.inputNames.join(', ')})`,
      hint: graph.inputs.length > 0 ? `for example --wrt ${graph.inputNames[0]}` : undefined,
    });
  }
  const point = pointFor(ctx, lowered, outputs.map((o) => o.node), opts.at);
  const name = graph.inputNames[wrt]!;
  const series = outputs.map((o) => derivativesWithBounds(graph, o.node, wrt, point.x, order));
  const derivatives = series.map((s) => s.derivatives);
  const bad = explainResults(
    ctx,
    lowered,
    point,
    outputs.map((o) => o.node),
    outputs.flatMap((o, i) => derivatives[i]!.map((value, k) => ({ label: orderLabel(o.label, name, k), value, order: k }))),
    { higher: { wrt: [wrt], order } },
  );
  outputs.forEach((o, i) => {
    const w = precisionWarning(lowered, o.node, (k) => orderLabel(o.label, name, k), series[i]!.derivatives, series[i]!.errors);
    if (w) ctx.report(w);
  });
  if (ctx.json) {
    const entries: [string, Json][] = [['wrt', name]];
    if (outputs.length === 1) entries.push(['derivatives', derivatives[0]!]);
    else {
      entries.push(['outputs', outputs.map((o) => o.label)]);
      entries.push(['derivatives', obj(outputs.map((o, i) => [o.label, derivatives[i]!]))]);
    }
    ctx.print(stringify(obj(entries)) + '\n');
  } else {
    ctx.print(renderEquations(ctx.out, outputs.flatMap((o, i) => derivatives[i]!.map((value, k) => ({ label: orderLabel(o.label, name, k), value })))));
  }
  return strictExit(ctx, opts.strict, bad);
}

/** `adiff eval` of a program with several outputs: each output's value and gradient. */
export async function runEvalOutputs(ctx: Context, lowered: Lowered, opts: EvalHigherOptions, mode: Mode): Promise<number> {
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  const point = pointFor(ctx, lowered, outputs.map((o) => o.node), opts.at);
  // One sweep per output in reverse mode, one per variable in forward mode: the rows of the Jacobian.
  const r = jacobianAt(graph, outputs.map((o) => o.node), point.x, wrt, mode);
  const names = wrt.map((k) => graph.inputNames[k]!);
  const labels = outputs.map((o) => o.label);
  const bad = explainResults(ctx, lowered, point, outputs.map((o) => o.node), [
    ...labels.map((label, i) => ({ label, value: r.values[i]!, order: 0 })),
    ...labels.flatMap((l, i) => names.map((n, j) => ({ label: `∂${l}/∂${n}`, value: r.jacobian[i]![j]!, order: 1 }))),
  ]);
  const traces = opts.trace
    ? r.sweeps.map((sensitivity, s) => ({
        rows: sweepTrace(lowered, { ...r.lin, output: outputs[mode === 'reverse' ? s : 0]!.node, sensitivity, mode }),
        of: mode === 'reverse' ? labels[s]! : names[s]!,
      }))
    : undefined;
  if (ctx.json && outputs.length === 1) {
    // `--of u` with one name: the JSON of a single output, as plain eval writes it.
    const entries: [string, Json][] = [
      ['expression', lowered.source.text],
      ['at', point.atJson],
      ['output', labels[0]!],
      ['value', r.values[0]!],
      ['gradient', obj(names.map((n, j) => [n, r.jacobian[0]![j]!]))],
      ['mode', mode],
    ];
    if (traces) entries.push(['trace', traceJson(traces[0]!.rows, mode)]);
    if (traces && mode === 'forward' && names.length > 0) entries.push(['traceWrt', names[0]!]);
    ctx.print(stringify(obj(entries)) + '\n');
  } else if (ctx.json) {
    const entries: [string, Json][] = [
      ['expression', lowered.source.text],
      ['at', point.atJson],
      ['outputs', labels],
      ['values', obj(labels.map((l, i) => [l, r.values[i]!]))],
      ['gradients', obj(labels.map((l, i) => [l, obj(names.map((n, j) => [n, r.jacobian[i]![j]!]))]))],
      ['mode', mode],
    ];
    if (traces) entries.push(['traces', traces.map((t) => obj([[mode === 'reverse' ? 'output' : 'wrt', t.of], ['trace', traceJson(t.rows, mode)]]))]);
    ctx.print(stringify(obj(entries)) + '\n');
  } else {
    for (const t of traces ?? []) {
      const title = mode === 'reverse' ? `reverse sweep for ${t.of}` : `forward sweep along ${t.of}`;
      ctx.print(traceText(ctx, title, t.rows, mode, t.of, t.of));
    }
    ctx.print(labels.map((l, i) => renderGradient(ctx.out, l, r.values[i]!, names, r.jacobian[i]!)).join('\n'));
  }
  return strictExit(ctx, opts.strict, bad);
}
