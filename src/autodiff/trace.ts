// The Wengert list as rows of a textbook table: name, definition, source, primal, tangent or adjoint.
import { sourceExcerpt } from '../diagnostics.js';
import type { Graph, GraphNode, NodeId } from './graph.js';
import type { Lowered } from './lower.js';
import type { PointResult } from './gradient.js';
import { PRIMS } from './primitives.js';

export interface TraceRow {
  node: NodeId;
  /** `v-1`, `v0` for inputs, then `v1`, `v2`, … in evaluation order. */
  label: string;
  /** The input's name, or the names the program assigned to this node. */
  names: string[];
  /** `v-1 = x1` for an input, `v1 = ln(v-1)` for an operation. */
  definition: string;
  /** The piece of the program this node came from. */
  source: string;
  value: number;
  /** Tangent (forward mode) or adjoint (reverse mode). */
  derivative: number;
}

/**
 * Wengert labels for the nodes of the effective subgraph: inputs v(1-n)…v0, operations v1, v2, … (or w1, w2, …
 * with `opPrefix = 'w'`, for a derivative graph shown beside the original).
 */
export function wengertLabels(graph: Graph, mask: Uint8Array, opPrefix = 'v'): Map<NodeId, string> {
  const labels = new Map<NodeId, string>();
  const n = graph.inputs.length;
  graph.inputs.forEach((id, k) => labels.set(id, `v${k - n + 1}`));
  let next = 1;
  graph.nodes.forEach((node, id) => {
    if (node.kind === 'op' && mask[id]) labels.set(id, `${opPrefix}${next++}`);
  });
  return labels;
}

export function formatConstant(node: Extract<GraphNode, { kind: 'const' }>): string {
  if (node.symbol) return node.symbol;
  if (node.text !== undefined) return node.text;
  return node.value < 0 || Object.is(node.value, -0) ? `(${node.value})` : String(node.value);
}

/** An operation written over its arguments' labels, e.g. `v-1 / v0`, `sin(v1)`, `v2 ^ 2`. */
export function definitionOf(graph: Graph, id: NodeId, labels: Map<NodeId, string>): string {
  const node = graph.nodes[id]!;
  if (node.kind === 'input') return node.name;
  if (node.kind === 'const') return formatConstant(node);
  const arg = (a: NodeId) => {
    const n = graph.nodes[a]!;
    return n.kind === 'const' ? formatConstant(n) : labels.get(a) ?? `#${a}`;
  };
  const form = PRIMS[node.op].print;
  switch (form.kind) {
    case 'infix':
      return `${arg(node.args[0]!)} ${form.symbol} ${arg(node.args[1]!)}`;
    case 'prefix':
      return `${form.symbol}${arg(node.args[0]!)}`;
    case 'power':
      return node.op === 'powc'
        ? `${arg(node.args[0]!)} ^ ${node.param < 0 ? `(${node.param})` : node.param}`
        : `${arg(node.args[0]!)} ^ ${arg(node.args[1]!)}`;
    case 'call':
      return `${form.name}(${node.args.map(arg).join(', ')})`;
  }
}

/** The names assigned to each node, in program order (one pass: a node may carry thousands of aliases). */
export function namesByNode(named: readonly { name: string; node: NodeId }[]): Map<NodeId, string[]> {
  const names = new Map<NodeId, string[]>();
  for (const { name, node } of named) {
    const list = names.get(node);
    if (list) list.push(name);
    else names.set(node, [name]);
  }
  return names;
}

/** The trace of one point: one row per input and per operation of the effective subgraph. */
export function traceRows(lowered: Lowered, result: PointResult): TraceRow[] {
  const { graph, source } = lowered;
  const labels = wengertLabels(graph, result.mask);
  const names = namesByNode(graph.names);
  const rows: TraceRow[] = [];
  graph.nodes.forEach((node, id) => {
    if (node.kind === 'const') return;
    if (node.kind === 'op' && !result.mask[id]) return;
    const own = node.kind === 'input' ? [node.name, ...(names.get(id) ?? [])] : names.get(id) ?? [];
    const span = node.span;
    rows.push({
      node: id,
      label: labels.get(id)!,
      names: own,
      definition: `${labels.get(id)!} = ${definitionOf(graph, id, labels)}`,
      source: sourceExcerpt(source.text, span),
      value: result.values[id]!,
      derivative: result.mask[id] ? result.sensitivity[id]! : 0,
    });
  });
  return rows;
}
