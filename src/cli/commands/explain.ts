// `adiff explain`: the reverse sweep at a point as a worked example, step by step (see render/explain.ts).
import type { Command } from 'commander';
import { explainReverse } from '../../autodiff/explain.js';
import { gradientAt } from '../../autodiff/gradient.js';
import { sourceExcerpt } from '../../diagnostics.js';
import { EXIT, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { explainGradients, pointFor } from '../point.js';
import { parseNameList } from '../options.js';
import { lastAssignmentNote, resolveOutputs } from '../outputs.js';
import { repeatable } from '../command-options.js';
import { renderExplain } from '../render/explain.js';
import { formatNumber } from '../render/human.js';
import { fileOption, colorOption, noColorOption } from '../command-options.js';

export interface ExplainOptions {
  at?: string[];
  wrt?: string;
  of?: string;
  file?: string;
}

/** One worked example per output: every bare expression (f1, f2, …), else the last assignment, or --of's names. */
export async function runExplain(ctx: Context, expr: string | undefined, opts: ExplainOptions): Promise<number> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  const point0 = pointFor(ctx, lowered, outputs.map((o) => o.node), opts.at, wrt);
  const { x, bindings } = point0;
  const results = outputs.map((o) => gradientAt(lowered, x, { mode: 'reverse', wrt, output: o.node }));
  explainGradients(ctx, lowered, point0, outputs, results); // non-finite numbers explained, as in eval
  // The program in the heading, on one line and at most about 120 characters (a huge formula is cut in the middle).
  const flat = lowered.source.text.trim().replace(/\s*\n\s*/g, '; ');
  const text = sourceExcerpt(flat, { start: 0, end: flat.length });
  const point = bindings.map((b) => `${b.name} = ${formatNumber(b.value)}`).join(', ');
  const at = point ? ` at ${point}` : '';
  const single = outputs.length === 1 && lowered.statements.length === 1 && outputs[0]!.label === 'f';
  const note = lastAssignmentNote(lowered, opts.of, 'explains');
  const parts = outputs.map((o, i) => {
    const explanation = explainReverse(lowered, results[i]!, o.label);
    const which = outputs.length > 1 ? ` (output ${i + 1} of ${outputs.length})` : '';
    const heading = single ? `Reverse-mode differentiation of f = ${text}${at}` : `Reverse-mode differentiation of ${o.label}${which} in ‹${text}›${at}`;
    return renderExplain(ctx.out, explanation, heading, note);
  });
  ctx.print(parts.join('\n'));
  return EXIT.ok;
}

export function registerExplain(program: Command, run: Runner): void {
  program
    .command('explain')
    .description('the reverse sweep at a point, step by step, like a worked textbook example')
    .argument('[expr]', 'the formula or program; - reads it from standard input')
    .option('--at <name=value,...>', 'the point: values of the variables (repeatable)', repeatable)
    .option('--wrt <names>', 'follow only the parts of the graph that depend on these variables')
    .option('--of <names>', 'the outputs to explain: assigned names of the program (default: every bare expression)')
    .addOption(fileOption())
    .addOption(colorOption())
    .addOption(noColorOption())
    .addHelpText(
      'after',
      `
Examples:
  adiff explain "ln(x1)+x1*x2-sin(x2)" --at x1=2,x2=5
  adiff explain "b = x*x; b + b" --at x=3
  adiff explain "u = x*y; v = x + y" --at x=2,y=3 --of u,v
  adiff explain "(x+y)*x" --at x=2,y=3 --wrt y`,
    )
    .action(async (expr: string | undefined, opts: ExplainOptions & { color?: boolean }) => {
      await run((ctx) => runExplain(ctx, expr, opts), false, opts.color);
    });
}
