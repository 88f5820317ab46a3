// Forward mode: carry a tangent beside every primal. One sweep gives the derivative of every node along one
// input direction (a Jacobian column, or J·v for a direction v).
import type { Graph } from './graph.js';
import { term } from './evaluate.js';

/** Tangents of all nodes in `mask` for a direction given per input (input order). */
export function forwardSweep(
  graph: Graph,
  partials: (number[] | undefined)[],
  direction: ArrayLike<number>,
  mask?: Uint8Array,
): Float64Array {
  const { nodes } = graph;
  const tangent = new Float64Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    if (mask && !mask[i]) continue;
    const n = nodes[i]!;
    if (n.kind === 'input') tangent[i] = direction[i]!;
    else if (n.kind === 'op') {
      const p = partials[i]!;
      let t = 0;
      for (let j = 0; j < n.args.length; j++) t += term(p[j]!, tangent[n.args[j]!]!);
      tangent[i] = t;
    }
  }
  return tangent;
}

/** The unit direction along input `k`. */
export function unitDirection(graph: Graph, k: number): Float64Array {
  const d = new Float64Array(graph.inputs.length);
  d[k] = 1;
  return d;
}
