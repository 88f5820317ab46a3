// Reverse mode: sweep the Wengert list backwards with adjoints v̄ = ∂output/∂v. One sweep gives the derivative of
// the output with respect to every node (a Jacobian row, or vᵀ·J for a cotangent). Nodes outside the effective
// subgraph never take part.
//
// Order of the sums: a node used by several consumers gets v̄ = seed + Σ v̄_c · ∂c/∂v over its consumers c, added
// from the FIRST consumer to the last (and a consumer's arguments left to right): the sweep "pulls" each adjoint
// when it reaches the node, every consumer's adjoint being final by then. Floating-point addition is not
// associative, so this order is part of the result; every compiled kernel (tape.ts, compile-products.ts,
// compile-hvp.ts) and `explain` add in the same order and agree with this sweep bit for bit. It is the order that
// lets a compiled gradient of a sum of many terms run forward and reverse in one pass over the terms: term k's
// contribution to an input's adjoint is added right after term k is computed, as hand-written code does.
import { usersOf, type Graph, type NodeId } from './graph.js';
import { term } from './evaluate.js';

/** Adjoints of all nodes for the seeds given as [node, seed] pairs (one output seeded with 1 for a gradient). */
export function reverseSweep(
  graph: Graph,
  partials: (number[] | undefined)[],
  seeds: [NodeId, number][],
  mask?: Uint8Array,
): Float64Array {
  const { nodes } = graph;
  const users = usersOf(nodes);
  const adjoint = new Float64Array(nodes.length);
  for (const [node, seed] of seeds) adjoint[node] += seed;
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (mask && !mask[i]) continue;
    let a = adjoint[i]!;
    for (let k = users.start[i]!; k < users.start[i + 1]!; k++) {
      const c = users.node[k]!;
      const ac = adjoint[c]!;
      if (ac === 0 || (mask && !mask[c])) continue;
      a += term(partials[c]![users.position[k]!]!, ac);
    }
    adjoint[i] = a;
  }
  return adjoint;
}
