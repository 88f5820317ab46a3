// `adiff jacobian`: the matrix of partials of several outputs. Forward sweeps give columns (one per variable),
// reverse sweeps give rows (one per output); the shape chooses, `--mode` forces one.
import type { Command } from 'commander';
import { jacobianAt } from '../../autodiff/jacobian.js';
import type { Context } from '../context.js';
import { parseNameList } from '../options.js';
import { parseModeOption, resolveOutputs } from '../outputs.js';
import { explainResults, pointFor, strictExit } from '../point.js';
import { renderEquations } from '../render/human.js';
import { obj, stringify, type Json } from '../render/json.js';
import { renderMatrix } from '../render/matrix.js';
import { pointCommand, sweepTrace, traceJson, traceText, type CommonOptions, type Runner } from './higher-common.js';

export interface JacobianOptions extends CommonOptions {
  wrt?: string;
  mode?: string;
}

/** The results of the --json object (with --points, each point's line has this shape: the entries are numbers, or
 * slots of a line's shape, render/record.ts). */
export function jacobianEntries(labels: readonly string[], names: readonly string[], values: readonly Json[], jacobian: readonly (readonly Json[])[], mode: string): [string, Json][] {
  return [
    ['outputs', [...labels]],
    ['values', obj(labels.map((l, i) => [l, values[i]!]))],
    ['jacobian', obj(labels.map((l, i) => [l, obj(names.map((n, j) => [n, jacobian[i]![j]!]))]))],
    ['mode', mode],
  ];
}

export async function runJacobian(ctx: Context, expr: string | undefined, opts: JacobianOptions): Promise<number> {
  if (opts.points !== undefined) return (await import('../batch-higher.js')).jacobianPoints(ctx, expr, { ...opts, points: opts.points });
  const mode = parseModeOption(opts.mode);
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  const point = pointFor(ctx, lowered, outputs.map((o) => o.node), opts.at);
  const r = jacobianAt(graph, outputs.map((o) => o.node), point.x, wrt, mode);
  const names = wrt.map((k) => graph.inputNames[k]!);
  const labels = outputs.map((o) => o.label);
  const bad = explainResults(ctx, lowered, point, outputs.map((o) => o.node), [
    ...labels.map((label, i) => ({ label, value: r.values[i]!, order: 0 })),
    ...labels.flatMap((l, i) => names.map((n, j) => ({ label: `∂${l}/∂${n}`, value: r.jacobian[i]![j]!, order: 1 }))),
  ]);
  const traces = opts.trace
    ? r.sweeps.map((sensitivity, s) => {
        const rows = sweepTrace(lowered, { ...r.lin, output: outputs[r.mode === 'reverse' ? s : 0]!.node, sensitivity, mode: r.mode });
        return { rows, of: r.mode === 'reverse' ? labels[s]! : names[s]! };
      })
    : undefined;
  if (ctx.json) {
    const entries = jacobianEntries(labels, names, r.values, r.jacobian, r.mode);
    if (traces) entries.push(['traces', traces.map((t) => obj([[r.mode === 'reverse' ? 'output' : 'wrt', t.of], ['trace', traceJson(t.rows, r.mode)]]))]);
    ctx.print(stringify(obj(entries)) + '\n');
  } else {
    for (const t of traces ?? []) {
      const title = r.mode === 'reverse' ? `reverse sweep for ${t.of}: adjoints ∂${t.of}/∂v` : `forward sweep along ${t.of}: tangents ∂v/∂${t.of}`;
      ctx.print(traceText(ctx, title, t.rows, r.mode, t.of, t.of));
    }
    ctx.print(renderEquations(ctx.out, labels.map((label, i) => ({ label, value: r.values[i]! }))));
    const sweeps = `${r.sweeps.length} ${r.mode} sweep${r.sweeps.length === 1 ? '' : 's'}`;
    if (names.length === 0) ctx.print(ctx.out.dim('(no variables: the Jacobian has no columns)\n'));
    else {
      ctx.print(`\n${ctx.out.bold(`Jacobian ∂row/∂column (${sweeps}):`)}\n`);
      ctx.print(renderMatrix(ctx.out, '', labels, names, r.jacobian));
    }
  }
  return strictExit(ctx, opts.strict, bad);
}

export function registerJacobian(program: Command, run: Runner): void {
  pointCommand(program, 'jacobian', 'the Jacobian of several outputs at a point (forward or reverse sweeps, chosen by shape)', {
    trace: 'show the Wengert list of every sweep (adjoints per output, or tangents per variable)',
    points: true,
  })
    .option('--wrt <names>', 'only these variables, in this order (default: every variable)')
    .option('--mode <mode>', 'auto (forward when there are fewer variables than outputs), forward or reverse', 'auto')
    .addHelpText(
      'after',
      `
Examples:
  adiff jacobian "u = x*y; v = x + y" --of u,v --at x=2,y=3
  adiff jacobian "x*y; x + y; sin(x)" --at x=2,y=3 --mode reverse --json
  adiff jacobian "u = x*y; v = x + y" --of u,v --points examples/xy.csv`,
    )
    .action(async (expr: string | undefined, opts: JacobianOptions) => {
      await run((ctx) => runJacobian(ctx, expr, opts), opts.json, opts.color);
    });
}
