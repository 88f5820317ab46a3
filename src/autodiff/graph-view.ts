// The computation graph as plain records for drawing (DOT, Mermaid, text, JSON): every node once (shared nodes
// are drawn once, with one edge per use), its Wengert label, definition, assigned names, the piece of source it
// came from, whether it lies in the effective subgraph, and — at a point — its value, adjoint and tangent.
import type { Graph, GraphNode, NodeId } from './graph.js';
import { definitionOf, formatConstant, namesByNode, wengertLabels } from './trace.js';
import { PRIMS } from './primitives.js';
import { sourceExcerpt, type Source, type Span } from '../diagnostics.js';

export interface ViewNode {
  node: NodeId;
  /** `v-1`, `v0` (inputs), `v1`… (operations of the effective subgraph), `u1`… (operations outside it), `c1`… (constants). */
  id: string;
  kind: GraphNode['kind'];
  /** The input's name, the constant as written, or the operation's symbol (`+`, `sin`, `^2`). */
  symbol: string;
  /** `v3 = v1 + v2`; for an input `x1`, for a constant its value as written. */
  definition: string;
  /** Names the program assigned to this node. */
  names: string[];
  /** The piece of the program this node came from ('' when it has none), whitespace collapsed; a long piece
   * keeps its start and end around ' … ' (about 120 characters: see sourceExcerpt), so drawings stay linear. */
  source: string;
  /** Where that piece lies in the program's text (UTF-16 offsets), when the node has one. */
  span?: Span;
  /** Whether the node reaches the output (takes part in evaluation and sweeps). */
  effective: boolean;
  isOutput: boolean;
  value?: number;
  adjoint?: number;
  tangent?: number;
}

export interface ViewEdge {
  from: string;
  to: string;
  /** Argument position (0-based) at the consumer. */
  position: number;
  /** Whether the position matters for reading the drawing (x - y, x / y, x ^ y, atan2, log). */
  ordered: boolean;
}

export interface GraphView {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** The output nodes' ids (one for a formula; one per partial for a derivative graph). */
  outputs: string[];
}

export interface PointAnnotations {
  values: Float64Array;
  adjoints?: Float64Array;
  tangents?: Float64Array;
}

/**
 * Labels for every node: the trace's Wengert labels for inputs and the effective operations (so the drawing and
 * `--trace` agree), `u1`, `u2`, … for operations outside the effective subgraph, `c1`, `c2`, … for constants.
 */
export function viewLabels(graph: Graph, mask: Uint8Array): Map<NodeId, string> {
  const labels = wengertLabels(graph, mask);
  let unused = 1;
  let constants = 1;
  graph.nodes.forEach((node, id) => {
    if (labels.has(id)) return;
    labels.set(id, node.kind === 'const' ? `c${constants++}` : node.kind === 'op' ? `u${unused++}` : `#${id}`);
  });
  return labels;
}

/** The short symbol drawn in a node: the operator or function name. */
export function opSymbol(node: Extract<GraphNode, { kind: 'op' }>): string {
  const form = PRIMS[node.op].print;
  switch (form.kind) {
    case 'infix':
    case 'prefix':
      return form.symbol;
    case 'power':
      return node.op === 'powc' ? `^${node.param < 0 ? `(${node.param})` : node.param}` : '^';
    case 'call':
      return form.name;
  }
}

const ORDERED = new Set(['sub', 'div', 'pow', 'atan2', 'logb']);

/**
 * The drawing of `graph` with `outputs` marked; `mask` is the effective subgraph (nodes reaching the outputs).
 * `extraNames` adds names to nodes (e.g. `∂f/∂x` on the nodes of a derivative graph).
 */
export function graphView(
  graph: Graph,
  source: Source,
  outputs: NodeId[],
  mask: Uint8Array,
  point?: PointAnnotations,
  extraNames: { name: string; node: NodeId }[] = [],
): GraphView {
  const labels = viewLabels(graph, mask);
  const names = namesByNode([...graph.names, ...extraNames]);
  const outputSet = new Set(outputs);
  // A constant nothing uses (the exponent of x^2 lives in the powc node itself) is not drawn.
  const used = new Uint8Array(graph.nodes.length);
  for (const n of graph.nodes) if (n.kind === 'op') for (const a of n.args) used[a] = 1;
  const nodes: ViewNode[] = [];
  const edges: ViewEdge[] = [];
  graph.nodes.forEach((node, id) => {
    if (node.kind === 'const' && !used[id] && !outputSet.has(id)) return;
    const label = labels.get(id)!;
    const symbol = node.kind === 'input' ? node.name : node.kind === 'const' ? formatConstant(node) : opSymbol(node);
    const definition = node.kind === 'op' ? `${label} = ${definitionOf(graph, id, labels)}` : node.kind === 'input' ? `${label} = ${node.name}` : symbol;
    const span = node.kind === 'op' ? node.span : undefined;
    const view: ViewNode = {
      node: id,
      id: label,
      kind: node.kind,
      symbol,
      definition,
      names: names.get(id) ?? [],
      source: sourceExcerpt(source.text, span),
      ...(span ? { span } : {}),
      effective: mask[id] === 1,
      isOutput: outputSet.has(id),
    };
    if (point && mask[id] && node.kind !== 'const') {
      view.value = point.values[id]!;
      if (point.adjoints) view.adjoint = point.adjoints[id]!;
      if (point.tangents) view.tangent = point.tangents[id]!;
    }
    nodes.push(view);
    if (node.kind === 'op') {
      node.args.forEach((a, position) => edges.push({ from: labels.get(a)!, to: label, position, ordered: ORDERED.has(node.op) }));
    }
  });
  return { nodes, edges, outputs: outputs.map((o) => labels.get(o)!) };
}
