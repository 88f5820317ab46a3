// `adiff explain`: the reverse sweep at a point as a worked example, step by step (see render/explain.ts).
import type { Command } from 'commander';
import { explainReverse } from '../../autodiff/explain.js';
import { EXIT, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { atPoint, explainGradient } from '../point.js';
import { repeatable } from '../command-options.js';
import { renderExplain } from '../render/explain.js';
import { formatNumber } from '../render/human.js';
import { fileOption, colorOption, noColorOption } from '../command-options.js';

export interface ExplainOptions {
  at?: string[];
  wrt?: string;
  file?: string;
}

export async function runExplain(ctx: Context, expr: string | undefined, opts: ExplainOptions): Promise<number> {
  const lowered = await ctx.load(expr, opts.file);
  const at = atPoint(ctx, lowered, opts.at ?? [], opts.wrt, 'reverse');
  const { result, bindings } = at;
  explainGradient(ctx, lowered, at, result);
  const explanation = explainReverse(lowered, result);
  const text = lowered.source.text.trim().replace(/\s*\n\s*/g, '; ');
  const point = bindings.map((b) => `${b.name} = ${formatNumber(b.value)}`).join(', ');
  const what = lowered.statements.length === 1 && explanation.output === 'f' ? `f = ${text}` : `${explanation.output} in ‹${text}›`;
  const heading = `Reverse-mode differentiation of ${what}${point ? ` at ${point}` : ''}`;
  ctx.print(renderExplain(ctx.out, explanation, heading));
  return EXIT.ok;
}

export function registerExplain(program: Command, run: Runner): void {
  program
    .command('explain')
    .description('the reverse sweep at a point, step by step, like a worked textbook example')
    .argument('[expr]', 'the formula or program; - reads it from standard input')
    .option('--at <name=value,...>', 'the point: values of the variables (repeatable)', repeatable)
    .option('--wrt <names>', 'follow only the parts of the graph that depend on these variables')
    .addOption(fileOption())
    .addOption(colorOption())
    .addOption(noColorOption())
    .addHelpText(
      'after',
      `
Examples:
  adiff explain "ln(x1)+x1*x2-sin(x2)" --at x1=2,x2=5
  adiff explain "b = x*x; b + b" --at x=3
  adiff explain "(x+y)*x" --at x=2,y=3 --wrt y`,
    )
    .action(async (expr: string | undefined, opts: ExplainOptions & { color?: boolean }) => {
      await run((ctx) => runExplain(ctx, expr, opts), false, opts.color);
    });
}
