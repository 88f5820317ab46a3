// Reverse mode: sweep the Wengert list backwards with adjoints v̄ = ∂output/∂v. One sweep gives the derivative of
// the output with respect to every node (a Jacobian row, or vᵀ·J for a cotangent). A node used by several
// consumers accumulates (+=) their contributions; nodes outside the effective subgraph never take part.
import type { Graph, NodeId } from './graph.js';
import { term } from './evaluate.js';

/** Adjoints of all nodes for the seeds given as [node, seed] pairs (one output seeded with 1 for a gradient). */
export function reverseSweep(
  graph: Graph,
  partials: (number[] | undefined)[],
  seeds: [NodeId, number][],
  mask?: Uint8Array,
): Float64Array {
  const { nodes } = graph;
  const adjoint = new Float64Array(nodes.length);
  for (const [node, seed] of seeds) adjoint[node] += seed;
  for (let i = nodes.length - 1; i >= 0; i--) {
    if ((mask && !mask[i]) || adjoint[i] === 0) continue;
    const n = nodes[i]!;
    if (n.kind !== 'op') continue;
    const p = partials[i]!;
    const a = adjoint[i]!;
    for (let j = 0; j < n.args.length; j++) adjoint[n.args[j]!] += term(p[j]!, a);
  }
  return adjoint;
}
