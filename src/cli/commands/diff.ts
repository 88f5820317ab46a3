// `adiff diff`: the derivative as a formula in adiff's own language (or LaTeX), built as a derivative graph by
// the reverse sweep over graph nodes, simplified as it is built, and printed with shared subexpressions as
// assignments so it never swells. `adiff eval` reads the text back and gets the same numbers as AD.
import type { Command } from 'commander';
import { AdiffError } from '../../diagnostics.js';
import { derivativeSet } from '../../autodiff/derivative.js';
import { latexName, printGraph, type PrintedOutput } from '../../autodiff/symbolic.js';
import { printDerivative, withNotes } from '../../autodiff/print-simplified.js';
import { EXIT, type Context } from '../context.js';
import { parseNameList } from '../options.js';
import { parseOrder, resolveOutputs } from '../outputs.js';
import { obj, stringify, type Json } from '../render/json.js';
import type { Runner } from './higher-common.js';
import { fileOption, colorOption, noColorOption } from '../command-options.js';

export interface DiffOptions {
  wrt?: string;
  order?: string;
  of?: string;
  format?: string;
  json?: boolean;
  file?: string;
  color?: boolean;
  plain?: boolean;
}

/** Beyond this order the printed derivatives of ordinary formulas become too long to be useful. */
export const MAX_DIFF_ORDER = 12;

/** Every multiset of `n` positions of `count` variables, in order: n = 2, count = 2 → [0,0], [0,1], [1,1]. */
export function multisets(count: number, n: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const walk = (from: number) => {
    if (cur.length === n) return void out.push([...cur]);
    for (let i = from; i < count; i++) {
      cur.push(i);
      walk(i);
      cur.pop();
    }
  };
  walk(0);
  return out;
}

/** Runs of equal variables in a multiset: [x, x, y] → [[x, 2], [y, 1]]. */
function runs(vars: string[]): [string, number][] {
  const out: [string, number][] = [];
  for (const v of vars) {
    const last = out[out.length - 1];
    if (last && last[0] === v) last[1]++;
    else out.push([v, 1]);
  }
  return out;
}

/** `df_dx`, `d2f_dx2`, `d2f_dxdy`, `d3f_dx2dy`: a name the language reads as one identifier. */
function textName(f: string, vars: string[]): string {
  const n = vars.length;
  return `d${n > 1 ? n : ''}${f}_${runs(vars).map(([v, c]) => `d${v}${c > 1 ? c : ''}`).join('')}`;
}

/** `\frac{\partial^{2} f}{\partial x \partial y}`. */
function latexLabel(f: string, vars: string[]): string {
  const n = vars.length;
  const den = runs(vars).map(([v, c]) => `\\partial ${latexName(v)}${c > 1 ? `^{${c}}` : ''}`).join(' ');
  return `\\frac{\\partial${n > 1 ? `^{${n}}` : ''} ${latexName(f)}}{${den}}`;
}

export async function runDiff(ctx: Context, expr: string | undefined, opts: DiffOptions): Promise<number> {
  const format = opts.json ? 'json' : opts.format ?? 'text';
  if (format !== 'text' && format !== 'latex' && format !== 'json') {
    throw new AdiffError({ kind: 'usage', message: `unknown format '${format}'`, source: { name: '--format', text: format }, span: { start: 0, end: Math.max(1, format.length) }, hint: '--format is text, latex or json' });
  }
  const order = opts.order !== undefined ? parseOrder(opts.order, MAX_DIFF_ORDER) : 1;
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  ctx.reportAll(lowered.warnings);
  const outputs = resolveOutputs(lowered, opts.of);
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  if (wrt.length === 0) {
    throw new AdiffError({ kind: 'input', message: 'the formula has no variables: there is nothing to differentiate', source: lowered.source, span: outputs[0]!.statement.span, hint: 'every derivative of a constant is 0' });
  }
  const orders = multisets(wrt.length, order).map((seq) => seq.map((i) => wrt[i]!));
  const set = derivativeSet(graph, outputs.map((o) => o.node), orders);
  const taken = new Set<string>([...graph.inputNames, ...lowered.statements.flatMap((s) => (s.name ? [s.name] : []))]);
  const single = outputs.length === 1 && orders.length === 1;
  const printed: PrintedOutput[] = [];
  outputs.forEach((o, i) =>
    orders.forEach((seq, j) => {
      const vars = seq.map((k) => graph.inputNames[k]!);
      if (single) return void printed.push({ node: set.nodes[i]![j]! });
      let name = textName(o.label, vars);
      while (taken.has(name)) name += '_';
      taken.add(name);
      printed.push({ node: set.nodes[i]![j]!, name, latexLabel: latexLabel(o.label, vars) });
    }),
  );
  const printFormat = format === 'latex' ? 'latex' : 'text';
  const d = opts.plain ? { text: printGraph(set.graph, printed, printFormat), notes: [] } : printDerivative(set.graph, printed, printFormat);
  if (format === 'json') {
    const entries: [string, Json][] = [['derivative', d.text]];
    if (!single) entries.push(['names', printed.map((p) => p.name!)]);
    if (d.notes.length) entries.push(['notes', d.notes]);
    ctx.print(stringify(obj(entries)) + '\n');
  } else ctx.print(withNotes(d, printFormat) + '\n');
  return EXIT.ok;
}

export function registerDiff(program: Command, run: Runner): void {
  program
    .command('diff')
    .description('the derivative as a formula (symbolic differentiation by derivative graphs), re-readable by adiff eval')
    .argument('[expr]', 'the formula or program; - reads it from standard input')
    .option('--wrt <names>', 'differentiate with respect to these variables (default: every variable)')
    .option('--order <n>', `the order of the derivative, 1 to ${MAX_DIFF_ORDER} (with several variables: every mixed partial)`)
    .option('--of <names>', 'the outputs: assigned names of the program (default: every bare expression)')
    .option('--format <format>', 'text (adiff\'s own language), latex, or json', 'text')
    .option('--json', 'the same as --format json')
    .option('--plain', 'print the derivative graph as the rules build it, unsimplified (reads back to the very numbers of eval)')
    .addOption(fileOption())
    .addOption(colorOption())
    .addOption(noColorOption())
    .addHelpText(
      'after',
      `
Examples:
  adiff diff "sin(x^2)*y" --wrt x
  adiff diff "x^3*y^2" --wrt x,y --order 2
  adiff diff "exp(-x^2/2)" --order 3 --format latex`,
    )
    .action(async (expr: string | undefined, opts: DiffOptions) => {
      await run((ctx) => runDiff(ctx, expr, opts), opts.json || opts.format === 'json', opts.color);
    });
}
