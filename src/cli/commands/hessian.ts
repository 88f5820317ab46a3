// `adiff hessian`: value, gradient and the exact Hessian at a point (forward-over-reverse: one forward sweep
// per variable over the gradient's derivative graph), symmetric by construction.
import type { Command } from 'commander';
import { gradientAt } from '../../autodiff/gradient.js';
import { hessianAt } from '../../autodiff/hessian.js';
import type { Context } from '../context.js';
import { parseNameList } from '../options.js';
import { resolveSingleOutput } from '../outputs.js';
import { pointFor } from '../point.js';
import { renderGradient } from '../render/human.js';
import { obj, stringify, type Json } from '../render/json.js';
import { renderMatrix } from '../render/matrix.js';
import { pointCommand, strictExit, sweepTrace, traceJson, traceText, type CommonOptions, type Runner } from './higher-common.js';

export interface HessianOptions extends CommonOptions {
  wrt?: string;
}

export async function runHessian(ctx: Context, expr: string | undefined, opts: HessianOptions): Promise<number> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const output = resolveSingleOutput(lowered, opts.of, 'hessian');
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  const { x } = pointFor(ctx, lowered, [output.node], opts.at);
  const r = hessianAt(graph, output.node, x, wrt);
  const names = wrt.map((k) => graph.inputNames[k]!);
  const gradient = wrt.map((k) => r.gradient[k]!);
  const first = opts.trace ? gradientAt(lowered, x, { output: output.node }) : undefined;
  const rows = first ? sweepTrace(lowered, { ...first, output: output.node, sensitivity: first.adjoints, mode: 'reverse' }) : undefined;
  if (ctx.json) {
    const entries: [string, Json][] = [
      ['value', r.value],
      ['gradient', obj(names.map((n, i) => [n, gradient[i]!]))],
      ['hessian', obj(names.map((n, i) => [n, obj(names.map((m, j) => [m, r.hessian[i]![j]!]))]))],
    ];
    if (rows) entries.push(['trace', traceJson(rows, 'reverse')]);
    ctx.print(stringify(obj(entries)) + '\n');
  } else {
    const f = output.label;
    if (rows) ctx.print(traceText(ctx, `first-order sweep (reverse): adjoints ∂${f}/∂v`, rows, 'reverse', f, undefined));
    ctx.print(renderGradient(ctx.out, f, r.value, names, gradient));
    ctx.print(`\n${ctx.out.bold(`Hessian ∂²${f}/∂row∂column:`)}\n`);
    ctx.print(renderMatrix(ctx.out, '', names, names, r.hessian));
  }
  return strictExit(opts.strict, [r.value, ...gradient, ...r.hessian.flat()]);
}

export function registerHessian(program: Command, run: Runner): void {
  pointCommand(program, 'hessian', 'value, gradient and exact Hessian (second partial derivatives) at a point', {
    trace: 'show the first-order sweep (the Wengert list with adjoints) the Hessian builds on',
  })
    .option('--wrt <names>', 'only these variables, in this order (default: every variable)')
    .addHelpText(
      'after',
      `
Examples:
  adiff hessian "(1-x)^2 + 100(y-x^2)^2" --at x=1,y=1
  adiff hessian "x^2*y + sin(z)" --at x=1,y=2,z=0 --json`,
    )
    .action(async (expr: string | undefined, opts: HessianOptions) => {
      await run((ctx) => runHessian(ctx, expr, opts), opts.json, opts.color);
    });
}
