// `adiff eval`: value and gradient at a point, with an optional Wengert-list trace, as text or JSON.
import type { Command } from 'commander';
import type { Runner } from '../program.js';
import { AdiffError } from '../../diagnostics.js';
import type { Mode } from '../../autodiff/gradient.js';
import { traceRows } from '../../autodiff/trace.js';
import type { Context } from '../context.js';
import { atPoint, explainResults, strictExit } from '../point.js';
import { renderGradient, renderTrace } from '../render/human.js';
import { obj, stringify, type Json } from '../render/json.js';
import { colorOption, fileOption, noColorOption, repeatable } from '../command-options.js';
import { runEvalOrder, runEvalOutputs, type EvalHigherOptions } from './eval-higher.js';
import { traceJson } from './higher-common.js';
import { outputLabel } from '../../autodiff/outputs.js';

export interface EvalOptions {
  at?: string[];
  wrt?: string;
  mode?: string;
  trace?: boolean;
  json?: boolean;
  strict?: boolean;
  file?: string;
}

export function parseMode(mode: string | undefined): Mode {
  if (mode === undefined || mode === 'reverse' || mode === 'forward') return mode ?? 'reverse';
  throw new AdiffError({ kind: 'usage', message: `unknown mode '${mode}'`, hint: '--mode is reverse or forward' });
}

export async function runEval(ctx: Context, expr: string | undefined, opts: EvalOptions & { points?: string }): Promise<number> {
  if (opts.points !== undefined) {
    if ((opts as EvalHigherOptions).order !== undefined) throw new AdiffError({ kind: 'usage', message: '--order cannot be combined with --points', hint: 'with --points, eval gives the value and the gradient at every point' });
    return (await import('../batch-eval.js')).runBatch(ctx, expr, { ...opts, points: opts.points, mode: parseMode(opts.mode) });
  }
  const higher = opts as EvalHigherOptions; // --order k, --of u,v and several outputs: eval-higher.ts
  if (higher.order !== undefined) return runEvalOrder(ctx, expr, higher);
  const mode = parseMode(opts.mode);
  const lowered = await ctx.load(expr, opts.file);
  if (higher.of !== undefined || lowered.expressions.length > 1) return runEvalOutputs(ctx, lowered, higher, mode);
  const { graph } = lowered;
  const output = lowered.output;
  const point = atPoint(ctx, lowered, opts.at, opts.wrt, mode);
  const { result, wrt, atJson } = point;

  const names = wrt.map((k) => graph.inputNames[k]!);
  const rows = opts.trace ? traceRows(lowered, result) : undefined;
  const outputName = outputLabel(lowered);
  const bad = explainResults(ctx, lowered, point, [output.node], [
    { label: outputName, value: result.value, order: 0 },
    ...names.map((n, i) => ({ label: `∂${outputName}/∂${n}`, value: result.gradient[i]!, order: 1 })),
  ]);
  if (ctx.json) {
    const entries: [string, Json][] = [
      ['expression', lowered.source.text],
      ['at', atJson],
      ['value', result.value],
      ['gradient', obj(names.map((n, i) => [n, result.gradient[i]!]))],
      ['mode', mode],
    ];
    if (rows) {
      entries.push(['trace', traceJson(rows, mode)]);
      if (mode === 'forward' && names.length > 0) entries.push(['traceWrt', names[0]!]);
    }
    ctx.print(stringify(obj(entries)) + '\n');
  } else {
    if (rows) ctx.print(renderTrace(ctx.out, rows, mode, outputName, names[0], ctx.columns) + '\n');
    ctx.print(renderGradient(ctx.out, outputName, result.value, names, result.gradient));
  }
  return strictExit(ctx, opts.strict, bad);
}

export function registerEval(program: Command, run: Runner): void {
  program
    .command('eval')
    .description('value and every partial derivative of a formula at a point (automatic differentiation)')
    .argument('[expr]', 'the formula or program; - reads it from standard input')
    .option('--at <name=value,...>', 'the point: values of the variables (repeatable)', repeatable)
    .option('--wrt <names>', 'differentiate with respect to these variables only, in this order')
    .option('--of <names>', 'the outputs: assigned names of the program (default: every bare expression)')
    .option('--order <k>', 'f, f\', …, the k-th derivative along one variable (--wrt x), exact, by Taylor mode')
    .option('--mode <mode>', 'reverse (one backward sweep) or forward (one sweep per variable)', 'reverse')
    .option('--trace', 'show the Wengert list: every intermediate with its value and adjoint (or tangent)')
    .option('--json', 'one line of JSON on stdout (errors as JSON on stderr)')
    .option('--strict', 'exit 3 when the value or a derivative is NaN or infinite')
    .addOption(fileOption())
    .option('--points <file>', 'evaluate at every point of a CSV or NDJSON file (- for standard input): one NDJSON line per point (a compiled kernel; --mode forward: the interpreter)')
    .option('--input-format <format>', 'with --points: csv or ndjson (detected from the content by default)')
    .option('--format <format>', 'with --points: ndjson (default) or csv output')
    .addOption(colorOption())
    .addOption(noColorOption())
    .addHelpText(
      'after',
      `
Examples:
  adiff eval "ln(x1)+x1*x2-sin(x2)" --at x1=2,x2=5
  adiff eval "b = 5 - 3a; c = 2b + 3; g = 3c - o" --at a=2,o=1 --trace
  adiff eval "(x+y)*x" --at x=2,y=3 --mode forward --wrt x --json
  adiff eval "x*y^2" --points examples/xy.csv`,
    )
    .action(async (expr: string | undefined, opts: EvalOptions & { color?: boolean }) => {
      await run((ctx) => runEval(ctx, expr, opts), opts.json, opts.color);
    });
}
