// `adiff check`: compares reverse mode, forward mode, the symbolic derivative and central finite differences
// at a point; exits 1 when they disagree beyond what floating point (AD) or truncation error (FD) explains.
import type { Command } from 'commander';
import { checkGradient, FD_SAFETY, REL_TOL, type CheckResult } from '../../autodiff/check.js';
import { EXIT, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { atPoint, explainGradient } from '../point.js';
import { repeatable } from '../command-options.js';
import { renderCheck } from '../render/check.js';
import { obj, stringify, type Json } from '../render/json.js';
import { fileOption, colorOption, noColorOption } from '../command-options.js';
import { outputLabel } from '../../autodiff/outputs.js';

export interface CheckOptions {
  at?: string[];
  wrt?: string;
  json?: boolean;
  file?: string;
}

export function checkJson(expression: string, at: [string, number][], result: CheckResult): Json {
  return obj([
    ['expression', expression],
    ['at', obj(at)],
    ['value', result.value],
    [
      'partials',
      obj(
        result.partials.map((p) => [
          p.name,
          obj([
            ...p.methods.map((m): [string, Json] => [
              m.method,
              obj([
                ['value', m.value],
                ...(m.method === 'reverse' ? [] : ([['absError', m.absError], ['relError', m.relError], ['tolerance', m.tolerance], ['ok', m.ok]] as [string, Json][])),
                ...(m.note ? ([['note', m.note]] as [string, Json][]) : []),
              ]),
            ]),
            ['step', p.step],
            ['ok', p.ok],
          ]),
        ]),
      ),
    ],
    ['ok', result.ok],
  ]);
}

export async function runCheck(ctx: Context, expr: string | undefined, opts: CheckOptions): Promise<number> {
  const lowered = await ctx.load(expr, opts.file);
  const point = atPoint(ctx, lowered, opts.at ?? [], opts.wrt, 'reverse');
  const { x, wrt, bindings } = point;
  explainGradient(ctx, lowered, point, point.result);
  const result = checkGradient(lowered.graph, lowered.output.node, x, wrt);
  if (ctx.json) {
    ctx.print(stringify(checkJson(lowered.source.text, bindings.map((b) => [b.name, b.value]), result)) + '\n');
  } else {
    ctx.print(renderCheck(ctx.out, result, outputLabel(lowered), ctx.columns));
  }
  return result.ok ? EXIT.ok : EXIT.partial;
}

export function registerCheck(program: Command, run: Runner): void {
  program
    .command('check')
    .description('verify a gradient: reverse vs forward vs symbolic vs central finite differences (exit 1 on disagreement)')
    .argument('[expr]', 'the formula or program; - reads it from standard input')
    .option('--at <name=value,...>', 'the point: values of the variables (repeatable)', repeatable)
    .option('--wrt <names>', 'check these partials only, in this order')
    .option('--json', 'one line of JSON on stdout')
    .addOption(fileOption())
    .addOption(colorOption())
    .addOption(noColorOption())
    .addHelpText(
      'after',
      `
AD modes must agree to ${REL_TOL} relative. Central differences use a step
per variable h = cbrt(eps)*max(1,|x|) and may differ from AD by ${FD_SAFETY} times
their estimated error (truncation from D(h) - D(h/2), plus rounding).
Exit 0 when all agree, 1 otherwise.

Examples:
  adiff check "ln(x1)+x1*x2-sin(x2)" --at x1=2,x2=5
  adiff check "x^y" --at x=2,y=0.5 --json
  adiff check "hypot(x, y) * exp(-x)" --at x=1,y=1 --wrt y`,
    )
    .action(async (expr: string | undefined, opts: CheckOptions & { color?: boolean }) => {
      await run((ctx) => runCheck(ctx, expr, opts), opts.json, opts.color);
    });
}
