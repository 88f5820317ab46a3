// Derivative graphs: the reverse sweep run with graph nodes as the carrier. Where reverse.ts adds up numbers
// `adj[node] = Σ partial × adj[consumer]` (first consumer first), this builds the same sums as nodes of a new
// graph, using the same rule table
// (`PRIMS[op].partials` with `Ops<NodeId>` from a simplifying GraphBuilder). The result is a graph with the same
// inputs in the same order as the original, so it can be evaluated, printed, or differentiated again (Hessians,
// mixed partials, derivatives of any order).
//
// The zero-skip convention of the numeric sweeps (`term()`: a zero adjoint times an infinite partial is 0) is played
// here by the simplifier's `0*x = 0`: a partial whose adjoint is the constant 0 disappears, and a node whose
// adjoint is 0 is skipped entirely.
import { GraphBuilder, reaching, usersOf, type Graph, type NodeId } from './graph.js';
import { PRIMS } from './primitives.js';

export interface DerivativeGraph {
  /** A new graph: the same inputs in the same order, then the copied primal and the derivative nodes. */
  graph: Graph;
  /** The output's own value, as a node of the new graph. */
  value: NodeId;
  /** `partials[i]` is ∂output/∂input `wrt[i]`, as a node of the new graph (a constant 0 node when it is zero). */
  partials: NodeId[];
}

/**
 * Copies the part of `graph` that reaches `outputs` into a simplifying builder, inputs first in their order.
 * Returns the builder and the old → new node map (undefined for nodes not copied).
 */
export function copyInto(graph: Graph, outputs: readonly NodeId[]): { builder: GraphBuilder; map: (NodeId | undefined)[] } {
  const builder = new GraphBuilder(true);
  const map: (NodeId | undefined)[] = new Array(graph.nodes.length);
  // Inputs keep their positions 0..n-1 even when the output does not use them, so input vectors carry over.
  graph.inputs.forEach((id, k) => {
    map[id] = builder.input(graph.inputNames[k]!, graph.nodes[id]!.span);
  });
  const mask = reaching(graph.nodes, outputs);
  // The copy keeps every value the interpreter computes (0/y stays 0/y: it is NaN at y = 0); only the nodes
  // the derivative sweep adds afterwards are simplified freely.
  builder.exact = true;
  for (let i = 0; i < graph.nodes.length; i++) {
    if (!mask[i] || map[i] !== undefined) continue;
    const n = graph.nodes[i]!;
    if (n.kind === 'const') map[i] = builder.constant(n.value, { symbol: n.symbol });
    else if (n.kind === 'op') map[i] = builder.apply(n.op, n.args.map((a) => map[a]!), n.param, n.span);
  }
  builder.exact = false;
  return { builder, map };
}

/** The graph a builder holds, with the inputs of `original` and its assigned names that survived the copy. */
export function graphOf(builder: GraphBuilder, original: Graph, map: readonly (NodeId | undefined)[]): Graph {
  const names: Graph['names'] = [];
  for (const { name, node } of original.names) {
    const m = map[node];
    if (m !== undefined && builder.nodes[m]!.kind === 'op') names.push({ name, node: m });
  }
  return { nodes: builder.nodes, inputs: original.inputs.map((_, k) => k), inputNames: [...original.inputNames], names };
}

/**
 * Reverse sweep with node ids as adjoints: appends to `builder` the nodes of ∂output/∂v for every node v the
 * output depends on, and returns the adjoint node of every node (undefined where it is zero).
 * `nodes` are the builder's own nodes; `output` is one of them.
 */
export function adjointNodes(builder: GraphBuilder, output: NodeId, seed?: NodeId): (NodeId | undefined)[] {
  const k = builder.ops();
  const count = builder.nodes.length; // nodes appended by the sweep itself are never swept
  const mask = reaching(builder.nodes, [output]);
  const adjoint: (NodeId | undefined)[] = new Array(count);
  adjoint[output] = seed ?? k.num(1);
  // Each node pulls its consumers' contributions, first consumer first: the sums reverse.ts computes, in its order.
  const users = usersOf(builder.nodes);
  const partialsOf: (NodeId[] | undefined)[] = new Array(count);
  for (let i = count - 1; i >= 0; i--) {
    if (!mask[i]) continue;
    for (let u = users.start[i]!; u < users.start[i + 1]!; u++) {
      const c = users.node[u]!;
      const p = partialsOf[c];
      if (p === undefined) continue;
      const contribution = k.mul(p[users.position[u]!]!, adjoint[c]!);
      if (builder.constValue(contribution) === 0) continue;
      const prev = adjoint[i];
      adjoint[i] = prev === undefined ? contribution : k.add(prev, contribution);
    }
    const a = adjoint[i];
    const n = builder.nodes[i]!;
    if (a === undefined || builder.constValue(a) === 0 || n.kind !== 'op') continue;
    partialsOf[i] = PRIMS[n.op].partials(k, n.args, i, n.param);
  }
  return adjoint;
}

/**
 * The gradient of `output` with respect to the inputs `wrt` (input indices) as a new graph: the same inputs in
 * the same order, whose nodes `partials[i]` are ∂output/∂input wrt[i]. Differentiate the result again for
 * second and higher derivatives.
 */
export function derivativeGraph(graph: Graph, output: NodeId, wrt: number[]): DerivativeGraph {
  const { builder, map } = copyInto(graph, [output]);
  const value = map[output]!;
  const adjoint = adjointNodes(builder, value);
  const zero = builder.constant(0);
  const partials = wrt.map((k) => adjoint[k] ?? zero);
  return { graph: graphOf(builder, graph, map), value, partials };
}

/**
 * A derivative of any order as a graph: ∂ⁿoutput/∂x_{wrt[0]}…∂x_{wrt[n-1]} (input indices, repeats allowed),
 * by differentiating the derivative graph again, once per index. Returns the final graph and its node.
 */
export function higherDerivativeGraph(graph: Graph, output: NodeId, wrt: readonly number[]): { graph: Graph; node: NodeId } {
  let g = graph;
  let node = output;
  for (const k of wrt) {
    const d = derivativeGraph(g, node, [k]);
    g = d.graph;
    node = d.partials[0]!;
  }
  return { graph: g, node };
}

/**
 * Several derivatives of one output in ONE graph (so a printer can share their common subexpressions):
 * `orders[j]` lists the input indices of derivative j, e.g. [[0], [1]] for a gradient, [[0,0],[0,1],[1,1]] for
 * the mixed second partials. Each derivative is obtained by repeated reverse sweeps inside one builder.
 */
export function derivativesGraph(graph: Graph, output: NodeId, orders: readonly (readonly number[])[]): { graph: Graph; value: NodeId; nodes: NodeId[] } {
  const set = derivativeSet(graph, [output], orders);
  return { graph: set.graph, value: set.values[0]!, nodes: set.nodes[0]! };
}

/**
 * The same for several outputs at once, all in one graph: `nodes[i][j]` is derivative `orders[j]` of
 * `outputs[i]`. Sweeps are memoised per node, so derivatives that share a prefix ([0,0], [0,1]) share them.
 */
export function derivativeSet(graph: Graph, outputs: readonly NodeId[], orders: readonly (readonly number[])[]): { graph: Graph; values: NodeId[]; nodes: NodeId[][] } {
  const { builder, map } = copyInto(graph, outputs);
  const values = outputs.map((o) => map[o]!);
  const sweeps = new Map<NodeId, (NodeId | undefined)[]>();
  const zero = builder.constant(0);
  const nodes = values.map((value) =>
    orders.map((seq) => {
      let node = value;
      for (const k of seq) {
        let adj = sweeps.get(node);
        if (!adj) {
          adj = adjointNodes(builder, node);
          sweeps.set(node, adj);
        }
        node = adj[k] ?? zero;
      }
      return node;
    }),
  );
  return { graph: graphOf(builder, graph, map), values, nodes };
}
