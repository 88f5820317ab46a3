// `adiff plot`: a function and its first derivatives along one variable over a range, drawn in the terminal
// (Braille) or written as SVG with --out.
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { AdiffError, type Source } from '../../diagnostics.js';
import { reaching } from '../../autodiff/graph.js';
import { inputVector } from '../../autodiff/gradient.js';
import { linspace, sampleDerivatives } from '../../autodiff/sample.js';
import { EXIT, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { repeatable } from '../command-options.js';
import { collectAssignments, parseNameList, readValue, bindingWarnings } from '../options.js';
import { derivativeName, yRange } from '../render/plot-scale.js';
import { renderTextPlot, type PlotCurve } from '../render/plot-text.js';
import { renderSvgPlot } from '../render/plot-svg.js';
import { obj, stringify } from '../render/json.js';
import { fileOption, colorOption, noColorOption } from '../command-options.js';
import { outputLabel } from '../../autodiff/outputs.js';

export const MAX_PLOT_ORDER = 8;

export interface PlotOptions {
  wrt?: string;
  from?: string;
  to?: string;
  at?: string[];
  order?: string;
  out?: string;
  samples?: string;
  width?: string;
  height?: string;
  ymin?: string;
  ymax?: string;
  json?: boolean;
  file?: string;
}

/** A finite number option (`--from pi/2`), with a caret into the option's text when it is not one. */
function numberOption(text: string, label: string): number {
  const source: Source = { name: label, text };
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const span = { start: lead, end: Math.max(lead + 1, lead + trimmed.length) };
  if (trimmed === '') throw new AdiffError({ kind: 'usage', message: `${label} needs a number`, source, span: { start: 0, end: 1 }, hint: `for example ${label} 0` });
  const { value } = readValue(trimmed, span, source, label);
  if (!Number.isFinite(value)) {
    throw new AdiffError({ kind: 'usage', message: `${label} must be a finite number, not ${value}`, source, span, hint: Number.isNaN(value) ? undefined : 'the largest double is about 1.8e308' });
  }
  return value;
}

function integerOption(text: string | undefined, label: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || v < min || v > max) {
    throw new AdiffError({ kind: 'usage', message: `${label} must be a whole number from ${min} to ${max}, not '${text}'`, source: { name: label, text }, span: { start: 0, end: Math.max(1, text.length) } });
  }
  return v;
}

export async function runPlot(ctx: Context, expr: string | undefined, opts: PlotOptions): Promise<number> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  let k: number;
  if (opts.wrt !== undefined) {
    const list = parseNameList(opts.wrt, graph.inputNames);
    if (list.length !== 1) throw new AdiffError({ kind: 'usage', message: '--wrt names one variable for the horizontal axis', source: { name: '--wrt', text: opts.wrt }, span: { start: 0, end: opts.wrt.length } });
    k = list[0]!;
  } else if (graph.inputs.length === 1) {
    k = 0;
  } else {
    throw new AdiffError({
      kind: 'usage',
      message: graph.inputs.length === 0 ? 'the formula has no variable to plot against' : '--wrt is needed: which variable goes on the horizontal axis?',
      hint: graph.inputs.length > 0 ? `the variables are: ${graph.inputNames.join(', ')}` : undefined,
    });
  }
  if (opts.from === undefined || opts.to === undefined) {
    throw new AdiffError({ kind: 'usage', message: 'give the range with --from and --to', hint: 'for example --from 0 --to 2*pi' });
  }
  const from = numberOption(opts.from, '--from');
  const to = numberOption(opts.to, '--to');
  if (from === to) {
    throw new AdiffError({ kind: 'usage', message: `the range must be two different numbers, not ${from} to ${to}`, source: { name: '--to', text: opts.to }, span: { start: 0, end: Math.max(1, opts.to.length) } });
  }
  if (!Number.isFinite(to - from)) {
    // The samples are spaced (to - from)/(n - 1) apart: a wider range than the largest double has no spacing.
    throw new AdiffError({ kind: 'usage', message: `the range from ${opts.from.trim()} to ${opts.to.trim()} is too wide: its width overflows double precision (the largest double is about 1.8e308)`, hint: 'for example --from -1e307 --to 1e307' });
  }
  const ymin = opts.ymin !== undefined ? numberOption(opts.ymin, '--ymin') : undefined;
  const ymax = opts.ymax !== undefined ? numberOption(opts.ymax, '--ymax') : undefined;
  if (ymin !== undefined && ymax !== undefined && !(ymin < ymax)) {
    throw new AdiffError({ kind: 'usage', message: `--ymin must be below --ymax, not ${ymin} with --ymax ${ymax}`, source: { name: '--ymin', text: opts.ymin! }, span: { start: 0, end: Math.max(1, opts.ymin!.length) } });
  }
  const order = integerOption(opts.order, '--order', 1, 0, MAX_PLOT_ORDER);
  const columns = ctx.columns ?? 80;
  const width = integerOption(opts.width, '--width', Math.min(columns, 100), 30, 1000);
  const height = integerOption(opts.height, '--height', 16, 4, 200);

  const xName = graph.inputNames[k]!;
  const { values: at, bindings } = collectAssignments(opts.at ?? []);
  if (at.has(xName)) {
    const b = bindings.find((x) => x.name === xName)!;
    throw new AdiffError({ kind: 'usage', message: `'${xName}' is the plotted variable; it takes its values from --from and --to`, source: b.source, span: b.nameSpan });
  }
  const mask = reaching(graph.nodes, [lowered.output.node]);
  const withX = new Map(at);
  withX.set(xName, from);
  const point = inputVector(lowered, withX, mask);
  ctx.reportAll([...lowered.warnings, ...bindingWarnings(bindings, graph.inputNames)]);

  const toSvg = opts.out !== undefined && /\.svg$/i.test(opts.out);
  if (opts.out !== undefined && !toSvg) {
    throw new AdiffError({
      kind: 'usage',
      message: `cannot write '${opts.out}': plots are written as SVG (a name ending in .svg)`,
      hint: 'PNG is not built in; convert the SVG, e.g. rsvg-convert -o plot.png plot.svg',
    });
  }
  const count = integerOption(opts.samples, '--samples', toSvg ? 600 : 2 * (width - 8), 2, 100000);
  const xs = linspace(from, to, count);
  const samples = sampleDerivatives(graph, lowered.output.node, point, k, xs, order);
  const fname = outputLabel(lowered);
  const curves: PlotCurve[] = samples.curves.map((ys, j) => ({ label: `${derivativeName(fname, j)}(${xName})`, ys }));

  if (ctx.json) {
    ctx.print(stringify(obj([
      ['wrt', xName],
      ['at', obj(bindings.map((b) => [b.name, b.value]))],
      ['x', Array.from(xs)],
      ['curves', obj(curves.map((c) => [c.label, Array.from(c.ys)]))],
    ])) + '\n');
    return EXIT.ok;
  }
  const y = yRange(samples.curves, { lo: ymin, hi: ymax });
  const title = `${fname} = ${lowered.source.text.trim().replace(/\s*\n\s*/g, '; ')}${bindings.length > 0 ? `  at ${bindings.map((b) => `${b.name}=${b.value}`).join(', ')}` : ''}`;
  if (toSvg) {
    if (!ctx.io.writeFile) throw new AdiffError({ kind: 'io', message: 'cannot write files here' });
    const svg = renderSvgPlot({ xName, xs, curves, y, title });
    try {
      await ctx.io.writeFile(opts.out!, svg);
    } catch (e) {
      const code = (e as { code?: string }).code;
      const why =
        code === 'ENOENT' ? `no such directory '${dirname(opts.out!)}'`
        : code === 'ENOTDIR' ? `a part of '${dirname(opts.out!)}' is not a directory`
        : code === 'EISDIR' ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'ENOSPC' ? 'no space left on device'
        : code === 'EROFS' ? 'read-only file system'
        : (e as Error).message;
      throw new AdiffError({ kind: 'io', message: `cannot write '${opts.out}': ${why}` });
    }
    ctx.io.stderr.write(`adiff: wrote ${opts.out}\n`);
  } else {
    ctx.print(renderTextPlot(ctx.out, { xName, xs, curves, y, width, height, title }));
  }
  return EXIT.ok;
}

export function registerPlot(program: Command, run: Runner): void {
  program
    .command('plot')
    .description('plot a function and its first derivatives over a range, in the terminal or as SVG')
    .argument('[expr]', 'the formula or program; - reads it from standard input')
    .option('--wrt <name>', 'the variable on the horizontal axis (needed when there are several)')
    .option('--from <number>', 'start of the range (a number or a constant expression such as -pi)')
    .option('--to <number>', 'end of the range')
    .option('--at <name=value,...>', 'values of the other variables (repeatable)', repeatable)
    .option('--order <k>', `also plot the derivatives up to order k (0 to ${MAX_PLOT_ORDER}; default 1)`)
    .option('--out <file.svg>', 'write an SVG file instead of drawing in the terminal')
    .option('--samples <n>', 'number of sample points (default: two per character column, 600 for SVG)')
    .option('--width <cols>', 'width of the terminal drawing in characters (default: the terminal, at most 100)')
    .option('--height <rows>', 'height of the terminal drawing in rows (default 16)')
    .option('--ymin <number>', 'bottom of the vertical axis (default: from the data, ignoring spikes)')
    .option('--ymax <number>', 'top of the vertical axis')
    .option('--json', 'the sampled values as one line of JSON instead of a drawing')
    .addOption(fileOption())
    .addOption(colorOption())
    .addOption(noColorOption())
    .addHelpText(
      'after',
      `
NaN and infinite values (ln near 0, tan at pi/2) are drawn as gaps, not spikes.

Examples:
  adiff plot "sin(x)*exp(-x/3)" --from 0 --to 10
  adiff plot "x^3 - 2x" --from -2 --to 2 --order 2 --out cubic.svg
  adiff plot "exp(-a*t)*cos(t)" --wrt t --from 0 --to 2*pi --at a=0.3`,
    )
    .action(async (expr: string | undefined, opts: PlotOptions & { color?: boolean }) => {
      await run((ctx) => runPlot(ctx, expr, opts), opts.json, opts.color);
    });
}
