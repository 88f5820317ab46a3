// `adiff graph`: the computation graph as Graphviz DOT, a Mermaid flowchart, a tree in the terminal, or JSON;
// at a point, every node annotated with its value and adjoint (reverse) or tangent (forward).
import { Option, type Command } from 'commander';
import { AdiffError, codePointOffsets } from '../../diagnostics.js';
import { graphView, type GraphView } from '../../autodiff/graph-view.js';
import { reaching } from '../../autodiff/graph.js';
import { EXIT, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { atPoint, explainGradient } from '../point.js';
import { repeatable } from '../command-options.js';
import { parseMode } from './eval.js';
import { renderDot } from '../render/graph-dot.js';
import { renderMermaid } from '../render/graph-mermaid.js';
import { renderGraphText } from '../render/graph-text.js';
import { obj, stringify, type Json } from '../render/json.js';
import type { AnnotationLabels } from '../render/graph-annotations.js';
import { backwardView } from './graph-backward.js';
import { fileOption, colorOption, noColorOption } from '../command-options.js';
import { outputLabel } from '../../autodiff/outputs.js';

export const GRAPH_FORMATS = ['text', 'dot', 'mermaid', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphOptions {
  at?: string[];
  format?: string;
  mode?: string;
  wrt?: string;
  backward?: boolean;
  json?: boolean;
  file?: string;
}

/**
 * The drawing as JSON. The program's text is written once (`expression`); each node carries a bounded excerpt of
 * its own piece (`source`) and where that piece lies in `expression` (`span`: code-point offsets [start, end), or
 * null), so the size stays linear in the program even where every node spans nearly all of it (`- - - … x`).
 */
export function graphJson(view: GraphView, expression: string): Json {
  const optional = (key: string, v: number | undefined): [string, Json][] => (v === undefined ? [] : [[key, v]]);
  const at = codePointOffsets(expression);
  return obj([
    ['expression', expression],
    ['outputs', view.outputs],
    [
      'nodes',
      view.nodes.map((n) =>
        obj([
          ['id', n.id],
          ['kind', n.kind],
          ['symbol', n.symbol],
          ['definition', n.definition],
          ['names', n.names],
          ['source', n.source],
          ['span', n.span ? [at(n.span.start), at(n.span.end)] : null],
          ['effective', n.effective],
          ...optional('value', n.value),
          ...optional('adjoint', n.adjoint),
          ...optional('tangent', n.tangent),
        ]),
      ),
    ],
    ['edges', view.edges.map((e) => obj([['from', e.from], ['to', e.to], ['position', e.position]]))],
  ]);
}

export async function runGraph(ctx: Context, expr: string | undefined, opts: GraphOptions): Promise<number> {
  const format = (opts.json ? 'json' : opts.format ?? 'text') as GraphFormat;
  const mode = parseMode(opts.mode);
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const output = lowered.output;
  const labels: AnnotationLabels = { output: outputLabel(lowered) };
  let view: GraphView;
  if (opts.backward) {
    view = backwardView(ctx, lowered, opts, labels);
  } else if (opts.at !== undefined) {
    const point = atPoint(ctx, lowered, opts.at, opts.wrt, mode);
    const { result, wrt } = point;
    explainGradient(ctx, lowered, point, result);
    if (mode === 'forward') {
      if (wrt.length === 0) throw new AdiffError({ kind: 'usage', message: 'the formula has no variables to take a tangent along' });
      labels.wrt = graph.inputNames[wrt[0]!]!;
    }
    view = graphView(graph, lowered.source, [output.node], result.mask, {
      values: result.values,
      adjoints: mode === 'reverse' ? result.adjoints : undefined,
      tangents: mode === 'forward' ? result.sensitivity : undefined,
    });
  } else {
    if (opts.wrt !== undefined || opts.mode !== undefined) {
      throw new AdiffError({ kind: 'usage', message: `${opts.wrt !== undefined ? '--wrt' : '--mode'} needs a point`, hint: 'give --at name=value,... to annotate the graph' });
    }
    ctx.reportAll(lowered.warnings);
    view = graphView(graph, lowered.source, [output.node], reaching(graph.nodes, [output.node]));
  }
  switch (format) {
    case 'dot':
      ctx.print(renderDot(view, labels));
      break;
    case 'mermaid':
      ctx.print(renderMermaid(view, labels));
      break;
    case 'json':
      ctx.print(stringify(graphJson(view, lowered.source.text)) + '\n');
      break;
    default:
      ctx.print(renderGraphText(view, labels, ctx.out));
  }
  return EXIT.ok;
}

export function registerGraph(program: Command, run: Runner): void {
  program
    .command('graph')
    .description('draw the computation graph: inputs, constants, operations, shared nodes once, assigned names')
    .argument('[expr]', 'the formula or program; - reads it from standard input')
    .addOption(new Option('--format <format>', 'text (a tree in the terminal), dot (Graphviz), mermaid (flowchart) or json').choices(GRAPH_FORMATS).default('text'))
    .option('--at <name=value,...>', 'annotate every node with its value and adjoint at this point (repeatable)', repeatable)
    .addOption(new Option('--mode <mode>', 'with --at: reverse (adjoints) or forward (tangents along --wrt)').choices(['reverse', 'forward']))
    .option('--wrt <name>', 'with --mode forward: the variable the tangents are taken along (default: the first)')
    .option('--backward', 'draw the derivative graph that the reverse sweep builds (the gradient as a graph)')
    .option('--json', 'the same as --format json')
    .addOption(fileOption())
    .addOption(colorOption())
    .addOption(noColorOption())
    .addHelpText(
      'after',
      `
Examples:
  adiff graph "b = x*y; b + sin(b)"
  adiff graph "(x+y)*x" --at x=2,y=3 --format dot | dot -Tsvg > g.svg
  adiff graph "(x+y)*x" --at x=2,y=3 --mode forward --wrt x --format mermaid`,
    )
    .action(async (expr: string | undefined, opts: GraphOptions & { color?: boolean }) => {
      await run((ctx) => runGraph(ctx, expr, opts), opts.json || opts.format === 'json', opts.color);
    });
}
