// A function and its first derivatives along one variable, sampled over a range (for plots). Order 1 uses one
// forward sweep per point; higher orders evaluate derivative graphs (src/autodiff/derivative.ts) built once for
// all points, so the k-th derivative is exact (not finite differences) at every sample.
import { evaluate, linearize } from './evaluate.js';
import { forwardSweep, unitDirection } from './forward.js';
import { reaching, type Graph, type NodeId } from './graph.js';
import { derivativesGraph } from './derivative.js';

export interface Samples {
  xs: Float64Array;
  /** curves[j][i] is the j-th derivative (j = 0: the function itself) at xs[i]. */
  curves: Float64Array[];
}

/** Evenly spaced points from `from` to `to` inclusive (`count` ≥ 2). */
export function linspace(from: number, to: number, count: number): Float64Array {
  const xs = new Float64Array(count);
  const width = to - from;
  for (let i = 0; i < count; i++) {
    const run = width * i; // overflows for a range near the largest double: then the fraction is taken first
    xs[i] = i === count - 1 ? to : from + (Number.isFinite(run) ? run / (count - 1) : width * (i / (count - 1)));
  }
  return xs;
}

/**
 * Samples f and its derivatives of order 1..`order` along input `k` at `xs`, the other inputs fixed at `point`.
 */
export function sampleDerivatives(graph: Graph, output: NodeId, point: Float64Array, k: number, xs: Float64Array, order: number): Samples {
  const curves = Array.from({ length: order + 1 }, () => new Float64Array(xs.length));
  const x = Float64Array.from(point);
  if (order <= 1) {
    const mask = reaching(graph.nodes, [output]);
    const direction = unitDirection(graph, k);
    for (let i = 0; i < xs.length; i++) {
      x[k] = xs[i]!;
      const values = evaluate(graph, x, mask);
      curves[0]![i] = values[output]!;
      if (order === 1) curves[1]![i] = forwardSweep(graph, linearize(graph, values, mask), direction, mask)[output]!;
    }
    return { xs, curves };
  }
  const orders = Array.from({ length: order }, (_, j) => Array.from({ length: j + 1 }, () => k));
  const d = derivativesGraph(graph, output, orders);
  const outputs = [d.value, ...d.nodes];
  const mask = reaching(d.graph.nodes, outputs);
  for (let i = 0; i < xs.length; i++) {
    x[k] = xs[i]!;
    const values = evaluate(d.graph, x, mask);
    outputs.forEach((node, j) => (curves[j]![i] = values[node]!));
  }
  return { xs, curves };
}
