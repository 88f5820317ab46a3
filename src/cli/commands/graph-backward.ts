// `adiff graph --backward`: the derivative graph that the reverse sweep builds when its adjoints are graph nodes
// (src/autodiff/derivative.ts) — the copied primal nodes plus one node per chain-rule product and sum, with the
// partials ∂f/∂x marked as the outputs. At a point, every node is annotated with its value.
import { AdiffError } from '../../diagnostics.js';
import { derivativeGraph } from '../../autodiff/derivative.js';
import { evaluate } from '../../autodiff/evaluate.js';
import { graphView, type GraphView } from '../../autodiff/graph-view.js';
import { reaching } from '../../autodiff/graph.js';
import type { Lowered } from '../../autodiff/lower.js';
import type { Context } from '../context.js';
import { atPoint } from '../point.js';
import { parseNameList } from '../options.js';
import type { AnnotationLabels } from '../render/graph-annotations.js';

export function backwardView(
  ctx: Context,
  lowered: Lowered,
  opts: { at?: string[]; wrt?: string; mode?: string },
  labels: AnnotationLabels,
): GraphView {
  if (opts.mode === 'forward') {
    throw new AdiffError({ kind: 'usage', message: '--backward draws the reverse sweep; it does not take --mode forward' });
  }
  const { graph } = lowered;
  let wrt: number[];
  let x: Float64Array | undefined;
  if (opts.at !== undefined) {
    const point = atPoint(ctx, lowered, opts.at, opts.wrt, 'reverse');
    wrt = point.wrt;
    x = point.x;
  } else {
    ctx.reportAll(lowered.warnings);
    wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, graph.inputNames) : graph.inputs.map((_, k) => k);
  }
  const d = derivativeGraph(graph, lowered.output.node, wrt);
  const mask = reaching(d.graph.nodes, d.partials);
  const names = wrt.map((k, i) => ({ name: `∂${labels.output}/∂${graph.inputNames[k]!}`, node: d.partials[i]! }));
  const values = x ? evaluate(d.graph, x, mask) : undefined;
  return graphView(d.graph, lowered.source, d.partials, mask, values ? { values } : undefined, names);
}
