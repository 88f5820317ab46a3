// Value and gradient at one point, in either mode, plus everything a trace or a diagnosis needs.
import { AdiffError } from '../diagnostics.js';
import { evaluate, linearize } from './evaluate.js';
import { forwardSweep, unitDirection } from './forward.js';
import { reaching, type NodeId } from './graph.js';
import type { Lowered } from './lower.js';
import { reverseSweep } from './reverse.js';

export type Mode = 'reverse' | 'forward';

export interface PointResult {
  output: NodeId;
  value: number;
  /** Input indices the gradient is taken with respect to, and the gradient in that order. */
  wrt: number[];
  gradient: number[];
  mode: Mode;
  /** The effective subgraph of the output. */
  mask: Uint8Array;
  values: Float64Array;
  partials: (number[] | undefined)[];
  /** Reverse mode: adjoints ∂output/∂node. Forward mode: tangents ∂node/∂(first wrt input). */
  sensitivity: Float64Array;
  /** Adjoints of every node (computed in forward mode too, for diagnosing which partials matter). */
  adjoints: Float64Array;
}

/**
 * Input values in input order from a name → value map. Inputs that the output does not depend on may be
 * missing (they are NaN then and never read); a missing input the output needs is an error pointing at it.
 */
export function inputVector(lowered: Lowered, at: ReadonlyMap<string, number>, mask: Uint8Array): Float64Array {
  const { graph } = lowered;
  const x = new Float64Array(graph.inputs.length).fill(NaN);
  graph.inputs.forEach((id, k) => {
    const name = graph.inputNames[k]!;
    const v = at.get(name);
    if (v !== undefined) x[k] = v;
    else if (mask[id]) {
      const node = graph.nodes[id]!;
      throw new AdiffError({
        kind: 'input',
        message: `no value for '${name}'`,
        source: lowered.source,
        span: node.span,
        hint: `give every variable a value: --at ${graph.inputNames.map((n) => `${n}=...`).join(',')}`,
      });
    }
  });
  return x;
}

/** Value and gradient of `output` (default: the program's output) at a point given in input order. */
export function gradientAt(
  lowered: Lowered,
  x: ArrayLike<number>,
  options: { mode?: Mode; wrt?: number[]; output?: NodeId } = {},
): PointResult {
  const { graph } = lowered;
  const mode = options.mode ?? 'reverse';
  const output = options.output ?? lowered.output.node;
  const wrt = options.wrt ?? graph.inputs.map((_, k) => k);
  const mask = reaching(graph.nodes, [output]);
  const values = evaluate(graph, x, mask);
  const partials = linearize(graph, values, mask);
  const adjoints = reverseSweep(graph, partials, [[output, 1]], mask);
  let gradient: number[];
  let sensitivity = adjoints;
  if (mode === 'reverse') {
    gradient = wrt.map((k) => adjoints[graph.inputs[k]!]!);
  } else {
    gradient = wrt.map((k, i) => {
      const tangents = forwardSweep(graph, partials, unitDirection(graph, k), mask);
      if (i === 0) sensitivity = tangents;
      return tangents[output]!;
    });
    if (wrt.length === 0) sensitivity = new Float64Array(graph.nodes.length);
  }
  return { output, value: values[output]!, wrt, gradient, mode, mask, values, partials, sensitivity, adjoints };
}
