// `adiff hessian`: value, gradient and the exact Hessian at a point (forward-over-reverse: one forward sweep
// per variable over the gradient's derivative graph), symmetric by construction.
import type { Command } from 'commander';
import { gradientAt } from '../../autodiff/gradient.js';
import { hessianAt, secondOrderTrace, type SecondOrderRow } from '../../autodiff/hessian.js';
import { unitDirection } from '../../autodiff/forward.js';
import type { Context } from '../context.js';
import { parseNameList } from '../options.js';
import { resolveSingleOutput } from '../outputs.js';
import { explainResults, gradientPrinted, pointFor, strictExit } from '../point.js';
import { formatNumber, renderGradient, styleNumber } from '../render/human.js';
import { renderTable } from '../render/table.js';
import { obj, stringify, type Json } from '../render/json.js';
import { renderMatrix } from '../render/matrix.js';
import { pointCommand, sweepTrace, traceJson, traceText, type CommonOptions, type Runner } from './higher-common.js';

export interface HessianOptions extends CommonOptions {
  wrt?: string;
}

/** The results of the --json object (with --points, each point's line has this shape: the entries are numbers, or
 * slots of a line's shape, render/record.ts). */
export function hessianEntries(names: readonly string[], value: Json, gradient: readonly Json[], hessian: readonly (readonly Json[])[]): [string, Json][] {
  return [
    ['value', value],
    ['gradient', obj(names.map((n, i) => [n, gradient[i]!]))],
    ['hessian', obj(names.map((n, i) => [n, obj(names.map((m, j) => [m, hessian[i]![j]!]))]))],
  ];
}

export async function runHessian(ctx: Context, expr: string | undefined, opts: HessianOptions): Promise<number> {
  if (opts.points !== undefined) return (await import('../batch-higher.js')).hessianPoints(ctx, expr, { ...opts, points: opts.points });
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const output = resolveSingleOutput(lowered, opts.of, 'hessian');
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  const point = pointFor(ctx, lowered, [output.node], opts.at);
  const { x } = point;
  const r = hessianAt(graph, output.node, x, wrt);
  const names = wrt.map((k) => graph.inputNames[k]!);
  // The value and gradient of the numeric reverse sweep, as `eval` gives them: the gradient follows the zero-skip
  // rule (a zero adjoint times an infinite partial counts as 0, e.g. ∂(sqrt(x)*y)/∂x at x = y = 0), which the
  // derivative graph, evaluated as plain arithmetic, does not; and the derivative graph folds constants (0*y is 0),
  // so its value can differ from the formula's where y is infinite or NaN. --points gives the same numbers.
  const first = gradientAt(lowered, x, { output: output.node });
  const gradient = wrt.map((k) => first.adjoints[graph.inputs[k]!]!);
  const rows = opts.trace ? sweepTrace(lowered, { ...first, output: output.node, sensitivity: first.adjoints, mode: 'reverse' }) : undefined;
  // The forward-over-reverse table along the first variable: the gradient graph with values and tangents.
  const second = opts.trace && wrt.length > 0 ? secondOrderTrace(graph, output.node, x, unitDirection(graph, wrt[0]!), output.label) : undefined;
  const f = output.label;
  const second2 = (a: string, b: string) => (a === b ? `∂²${f}/∂${a}²` : `∂²${f}/∂${a}∂${b}`);
  const bad = explainResults(
    ctx,
    lowered,
    point,
    [output.node],
    [
      ...gradientPrinted(f, first.value, names, gradient),
      // The matrix is symmetric: each entry on and above the diagonal once.
      ...names.flatMap((a, i) => names.slice(i).map((b, d) => ({ label: second2(a, b), value: r.hessian[i]![i + d]!, order: 2 }))),
    ],
    { higher: { wrt, order: 2 } },
  );
  if (ctx.json) {
    const entries = hessianEntries(names, first.value, gradient, r.hessian);
    if (rows) entries.push(['trace', traceJson(rows, 'reverse')]);
    if (second) {
      const rowsJson = second.map((r) => obj([['node', r.label], ['names', r.names], ['definition', r.definition], ['value', r.value], ['tangent', r.tangent]]));
      entries.push(['forwardOverReverse', obj([['wrt', names[0]!], ['trace', rowsJson]])]);
    }
    ctx.print(stringify(obj(entries)) + '\n');
  } else {
    if (rows) ctx.print(traceText(ctx, `first-order sweep (reverse): adjoints ∂${f}/∂v`, rows, 'reverse', f, undefined));
    if (second) ctx.print(renderSecondOrder(ctx, second, names[0]!));
    ctx.print(renderGradient(ctx.out, f, first.value, names, gradient));
    if (names.length === 0) ctx.print(ctx.out.dim('(no variables: the Hessian is empty)\n'));
    else {
      ctx.print(`\n${ctx.out.bold(`Hessian ∂²${f}/∂row∂column:`)}\n`);
      ctx.print(renderMatrix(ctx.out, '', names, names, r.hessian));
    }
  }
  return strictExit(ctx, opts.strict, bad);
}

/** The gradient graph with values and tangents along one variable; the ∂f/∂· rows carry a Hessian column. */
function renderSecondOrder(ctx: Context, rows: SecondOrderRow[], wrt: string): string {
  const c = ctx.out;
  const title = c.bold(`forward-over-reverse sweep along ${wrt}: the gradient as a graph (w1, w2, …), tangents ∂w/∂${wrt}`);
  const table = renderTable(
    [
      { header: 'definition', style: (p) => c.cyan(p), shrink: 2, minWidth: 14 },
      { header: 'name', style: (p) => c.magenta(p), shrink: 1, minWidth: 4 },
      { header: 'value', align: 'right', style: (p, raw) => styleNumber(c, p, Number(raw)) },
      { header: `tangent ∂w/∂${wrt}`, align: 'right', style: (p, raw) => styleNumber(c, p, Number(raw)) },
    ],
    rows.map((r) => [r.definition, r.names.join(', '), formatNumber(r.value), formatNumber(r.tangent)]),
    (s) => c.underline(s),
    ctx.columns,
  );
  return `${title}\n${table}\n`;
}

export function registerHessian(program: Command, run: Runner): void {
  pointCommand(program, 'hessian', 'value, gradient and exact Hessian (second partial derivatives) at a point', {
    trace: 'show the first-order sweep and the forward-over-reverse sweep along the first variable',
    points: true,
  })
    .option('--wrt <names>', 'only these variables, in this order (default: every variable)')
    .addHelpText(
      'after',
      `
Examples:
  adiff hessian "(1-x)^2 + 100(y-x^2)^2" --at x=1,y=1
  adiff hessian "x^2*y + sin(z)" --at x=1,y=2,z=0 --json
  adiff hessian "(1-x)^2 + 100(y-x^2)^2" --points examples/xy.csv`,
    )
    .action(async (expr: string | undefined, opts: HessianOptions) => {
      await run((ctx) => runHessian(ctx, expr, opts), opts.json, opts.color);
    });
}
