// Second derivatives compiled to give the interpreter's numbers bit for bit (hessian.ts: hvpAt, hessianAt). The
// interpreter differentiates the graph symbolically once (the gradient graph of derivative.ts) and runs one
// forward sweep over it per direction; here the same gradient graph is built once and its forward sweep compiled
// by compileJvp (compile-products.ts), whose values, partials and chain-rule terms are the interpreter's. The
// outputs of that J·d kernel are the value and the gradient entries, so its J·d is H·v.
//
// compile-hvp.ts compiles H·v differently (the reverse sweep over dual numbers, no gradient graph): the same
// mathematics, but at edge points (0·∞, signs of zero) its products fall in other places and some entries differ
// from the interpreter's. The library's hessian and hvp use this kernel instead.
import { compileJvp } from './compile-products.js';
import { derivativeGraph } from './derivative.js';
import type { Graph, NodeId } from './graph.js';
import type { HvpKernel } from './compile-hvp.js';

/**
 * Value, gradient and H·v of `output` at one point, as hvpAt computes them (x and v in input order). Large graphs
 * are cut into functions by compileJvp, so a sum of any length compiles.
 */
export function compileExactHvp(graph: Graph, output: NodeId): { hvp: HvpKernel; source: string } {
  const n = graph.inputs.length;
  const derivative = derivativeGraph(graph, output, graph.inputs.map((_, k) => k));
  const { jvp, source } = compileJvp(derivative.graph, [derivative.value, ...derivative.partials]);
  const values = new Float64Array(n + 1);
  const tangents = new Float64Array(n + 1);
  const hvp: HvpKernel = (x, v, grad, hv) => {
    jvp(x, v, values, tangents);
    for (let k = 0; k < n; k++) {
      grad[k] = values[k + 1]!;
      hv[k] = tangents[k + 1]!;
    }
    return values[0]!;
  };
  return { hvp, source };
}
