// Primal evaluation and linearization: one forward pass over the Wengert list computes every value, then the
// local partial derivatives of every node from the rule table. Forward and reverse sweeps run over the result.
import type { Graph, NodeId } from './graph.js';
import { numberOps, PRIMS } from './primitives.js';

/** Values of all nodes in `mask` (all nodes when no mask), given input values in input order. */
export function evaluate(graph: Graph, inputValues: ArrayLike<number>, mask?: Uint8Array): Float64Array {
  const { nodes } = graph;
  const values = new Float64Array(nodes.length);
  const args: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.kind === 'input') values[i] = inputValues[i]!; // inputs always, so traces show every given value
    else if (mask && !mask[i]) continue;
    else if (n.kind === 'const') values[i] = n.value;
    else {
      args.length = n.args.length;
      for (let j = 0; j < n.args.length; j++) args[j] = values[n.args[j]!]!;
      values[i] = PRIMS[n.op].eval(args, n.param);
    }
  }
  return values;
}

/** Local partials ∂node/∂arg for every operation in `mask`, from the rule table with numbers as the carrier. */
export function linearize(graph: Graph, values: Float64Array, mask?: Uint8Array): (number[] | undefined)[] {
  const { nodes } = graph;
  const partials: (number[] | undefined)[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    if (mask && !mask[i]) continue;
    const n = nodes[i]!;
    if (n.kind !== 'op') continue;
    const args = n.args.map((a: NodeId) => values[a]!);
    partials[i] = PRIMS[n.op].partials(numberOps, args, values[i]!, n.param);
  }
  return partials;
}

/**
 * One term of a chain-rule sum. A zero tangent or adjoint times an infinite or NaN partial counts as zero: a
 * partial that no derivative flows through never poisons the result (e.g. ∂(x^y)/∂y = x^y ln x at x < 0 when
 * only ∂/∂x is asked for).
 */
export function term(partial: number, carried: number): number {
  return partial === 0 || carried === 0 ? 0 : partial * carried;
}
