// Second derivatives at a point by forward-over-reverse: the reverse sweep is run with graph nodes (the
// derivative graph of derivative.ts), so the gradient is itself a graph; one numeric forward sweep over that
// graph along a direction v gives the tangent of every gradient node, which is H·v (a Hessian-vector product,
// without forming H). The Hessian is n such sweeps, one per unit direction.
import { derivativeGraph, type DerivativeGraph } from './derivative.js';
import { evaluate, linearize } from './evaluate.js';
import { forwardSweep, unitDirection } from './forward.js';
import { reaching, type Graph, type NodeId } from './graph.js';
import { definitionOf, wengertLabels } from './trace.js';

export interface SecondOrder {
  value: number;
  /** The gradient with respect to every input, in input order. */
  gradient: number[];
  /** The derivative graph the forward sweeps run over. */
  derivative: DerivativeGraph;
}

/** The gradient graph of `output`, evaluated and linearized at `x`. */
function gradientGraphAt(graph: Graph, output: NodeId, x: ArrayLike<number>) {
  const derivative = derivativeGraph(graph, output, graph.inputs.map((_, k) => k));
  const g = derivative.graph;
  const mask = reaching(g.nodes, [derivative.value, ...derivative.partials]);
  const values = evaluate(g, x, mask);
  const partials = linearize(g, values, mask);
  return { derivative, mask, values, partials };
}

/** H·v for a direction v (one value per input), in one forward sweep over the gradient graph. */
export function hvpAt(graph: Graph, output: NodeId, x: ArrayLike<number>, direction: ArrayLike<number>): SecondOrder & { hvp: number[] } {
  const { derivative, mask, values, partials } = gradientGraphAt(graph, output, x);
  const tangent = forwardSweep(derivative.graph, partials, direction, mask);
  return {
    value: values[derivative.value]!,
    gradient: derivative.partials.map((p) => values[p]!),
    derivative,
    hvp: derivative.partials.map((p) => tangent[p]!),
  };
}

/**
 * The Hessian with respect to the inputs `wrt` (input indices): hessian[i][j] = ∂²f/∂x_wrt[i]∂x_wrt[j].
 * Column j is one forward sweep along input wrt[j]; the matrix is symmetric by construction: the entry above
 * the diagonal is computed and mirrored below it.
 */
export function hessianAt(graph: Graph, output: NodeId, x: ArrayLike<number>, wrt: readonly number[]): SecondOrder & { hessian: number[][] } {
  const { derivative, mask, values, partials } = gradientGraphAt(graph, output, x);
  const n = wrt.length;
  const hessian = wrt.map(() => new Array<number>(n).fill(0));
  wrt.forEach((k, j) => {
    const tangent = forwardSweep(derivative.graph, partials, unitDirection(derivative.graph, k), mask);
    for (let i = 0; i <= j; i++) {
      const h = tangent[derivative.partials[wrt[i]!]!]!;
      hessian[i]![j] = h;
      hessian[j]![i] = h;
    }
  });
  return { value: values[derivative.value]!, gradient: derivative.partials.map((p) => values[p]!), derivative, hessian };
}

export interface SecondOrderRow {
  /** Wengert label in the gradient graph: inputs v-1, v0, operations w1, w2, … */
  label: string;
  definition: string;
  /** `∂f/∂x` where the node is a gradient entry, `f` where it is the value. */
  names: string[];
  value: number;
  /** Tangent along the direction: for gradient entries, a column of the Hessian (H·d). */
  tangent: number;
}

/**
 * The forward-over-reverse table: every node of the gradient's derivative graph with its value and its tangent
 * along `direction` (one forward sweep), so the Hessian column appears in the rows of the gradient entries.
 */
export function secondOrderTrace(graph: Graph, output: NodeId, x: ArrayLike<number>, direction: ArrayLike<number>, outputName = 'f'): SecondOrderRow[] {
  const { derivative, mask, values, partials } = gradientGraphAt(graph, output, x);
  const g = derivative.graph;
  const tangent = forwardSweep(g, partials, direction, mask);
  const labels = wengertLabels(g, mask, 'w');
  const names = new Map<NodeId, string[]>();
  const name = (id: NodeId, text: string) => names.set(id, [...(names.get(id) ?? []), text]);
  name(derivative.value, outputName);
  derivative.partials.forEach((p, k) => name(p, `∂${outputName}/∂${g.inputNames[k]}`));
  const rows: SecondOrderRow[] = [];
  g.nodes.forEach((node, id) => {
    if (node.kind === 'const' || !mask[id]) return;
    rows.push({
      label: labels.get(id)!,
      definition: `${labels.get(id)!} = ${definitionOf(g, id, labels)}`,
      names: node.kind === 'input' ? [node.name, ...(names.get(id) ?? [])] : names.get(id) ?? [],
      value: values[id]!,
      tangent: tangent[id]!,
    });
  });
  return rows;
}
