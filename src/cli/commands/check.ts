// `adiff check`: compares reverse mode, forward mode, the symbolic derivative and central finite differences
// at a point; exits 1 when they disagree beyond what floating point (AD) or truncation error (FD) explains.
import type { Command } from 'commander';
import { checkGradient, FD_SAFETY, REL_TOL, type CheckResult } from '../../autodiff/check.js';
import { EXIT, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { gradientAt } from '../../autodiff/gradient.js';
import { explainGradients, pointFor } from '../point.js';
import { parseNameList } from '../options.js';
import { lastAssignmentNote, resolveOutputs } from '../outputs.js';
import { repeatable } from '../command-options.js';
import { renderCheck } from '../render/check.js';
import { obj, stringify, type Json } from '../render/json.js';
import { fileOption, colorOption, noColorOption } from '../command-options.js';
import { outputLabel } from '../../autodiff/outputs.js';

export interface CheckOptions {
  at?: string[];
  wrt?: string;
  of?: string;
  json?: boolean;
  file?: string;
}

/** One output's check: its value, each partial by variable (every method, with errors and verdicts), its verdict. */
function checkEntries(result: CheckResult): [string, Json][] {
  return [
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
  ];
}

/**
 * One output: `expression`, `at`, `value`, `partials`, `ok` (and `output` when --of chose it). Several outputs:
 * `expression`, `at`, `outputs` (their labels), `checks` (by label, each with `value`, `partials`, `ok`) and `ok`.
 */
export function checkJson(expression: string, at: [string, number][], checks: { label: string; result: CheckResult }[], named = false): Json {
  const head: [string, Json][] = [['expression', expression], ['at', obj(at)]];
  if (checks.length === 1) return obj([...head, ...(named ? ([['output', checks[0]!.label]] as [string, Json][]) : []), ...checkEntries(checks[0]!.result)]);
  return obj([
    ...head,
    ['outputs', checks.map((c) => c.label)],
    ['checks', obj(checks.map((c) => [c.label, obj(checkEntries(c.result))]))],
    ['ok', checks.every((c) => c.result.ok)],
  ]);
}

/** Checks every output: every bare expression (f1, f2, …), else the last assignment, or --of's names. */
export async function runCheck(ctx: Context, expr: string | undefined, opts: CheckOptions): Promise<number> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const outputs = resolveOutputs(lowered, opts.of);
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  const point = pointFor(ctx, lowered, outputs.map((o) => o.node), opts.at, wrt);
  const { x, bindings } = point;
  // Non-finite values or gradients get their explanation, as in eval.
  explainGradients(ctx, lowered, point, outputs, outputs.map((o) => gradientAt(lowered, x, { output: o.node, wrt })));
  const checks = outputs.map((o) => ({ label: o.label, result: checkGradient(graph, o.node, x, wrt) }));
  if (ctx.json) {
    ctx.print(stringify(checkJson(lowered.source.text, bindings.map((b) => [b.name, b.value]), checks, opts.of !== undefined)) + '\n');
  } else {
    const note = lastAssignmentNote(lowered, opts.of, 'checks');
    if (note) ctx.print(ctx.out.dim(note) + '\n');
    ctx.print(checks.map((c) => renderCheck(ctx.out, c.result, c.label, ctx.columns)).join('\n'));
  }
  return checks.every((c) => c.result.ok) ? EXIT.ok : EXIT.partial;
}

export function registerCheck(program: Command, run: Runner): void {
  program
    .command('check')
    .description('verify a gradient: reverse vs forward vs symbolic vs central finite differences (exit 1 on disagreement)')
    .argument('[expr]', 'the formula or program; - reads it from standard input')
    .option('--at <name=value,...>', 'the point: values of the variables (repeatable)', repeatable)
    .option('--wrt <names>', 'check these partials only, in this order')
    .option('--of <names>', 'the outputs to check: assigned names of the program (default: every bare expression)')
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
  adiff check "hypot(x, y) * exp(-x)" --at x=1,y=1 --wrt y
  adiff check "x*y; x + y" --at x=2,y=3`,
    )
    .action(async (expr: string | undefined, opts: CheckOptions & { color?: boolean }) => {
      await run((ctx) => runCheck(ctx, expr, opts), opts.json, opts.color);
    });
}
