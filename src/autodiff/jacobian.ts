// Several outputs at one point: the Jacobian, J·v (JVP, one forward sweep) and vᵀ·J (VJP, one reverse sweep).
// Forward sweeps give Jacobian columns (one per input direction), reverse sweeps give rows (one per output):
// the cheaper choice depends on the shape, fewer inputs than outputs favouring forward mode.
import { evaluate, linearize } from './evaluate.js';
import { forwardSweep, unitDirection } from './forward.js';
import { reaching, type Graph, type NodeId } from './graph.js';
import type { Mode } from './gradient.js';
import { reverseSweep } from './reverse.js';

/** Values and local partials of the effective subgraph of several outputs. */
export interface Linearized {
  mask: Uint8Array;
  values: Float64Array;
  partials: (number[] | undefined)[];
}

/** `mask` (the outputs' effective subgraph) may be given when it is computed once for many points. */
export function linearizeAt(graph: Graph, outputs: readonly NodeId[], x: ArrayLike<number>, mask = reaching(graph.nodes, outputs)): Linearized {
  const values = evaluate(graph, x, mask);
  return { mask, values, partials: linearize(graph, values, mask) };
}

/** The sweep a Jacobian of this shape should use: forward when there are fewer inputs than outputs. */
export function chooseMode(inputs: number, outputs: number): Mode {
  return inputs < outputs ? 'forward' : 'reverse';
}

export interface JacobianResult {
  values: number[];
  /** jacobian[i][j] = ∂output i/∂input wrt[j]. */
  jacobian: number[][];
  mode: Mode;
  /** One array per sweep (reverse: adjoints per output; forward: tangents per wrt input), for traces. */
  sweeps: Float64Array[];
  lin: Linearized;
}

/** The Jacobian of `outputs` with respect to the inputs `wrt` (input indices) at `x`. */
export function jacobianAt(graph: Graph, outputs: readonly NodeId[], x: ArrayLike<number>, wrt: readonly number[], mode: Mode | 'auto' = 'auto', mask?: Uint8Array): JacobianResult {
  const lin = linearizeAt(graph, outputs, x, mask);
  const used = mode === 'auto' ? chooseMode(wrt.length, outputs.length) : mode;
  const jacobian = outputs.map(() => new Array<number>(wrt.length).fill(0));
  const sweeps: Float64Array[] = [];
  if (used === 'reverse') {
    outputs.forEach((o, i) => {
      const adjoint = reverseSweep(graph, lin.partials, [[o, 1]], lin.mask);
      sweeps.push(adjoint);
      wrt.forEach((k, j) => (jacobian[i]![j] = adjoint[graph.inputs[k]!]!));
    });
  } else {
    wrt.forEach((k, j) => {
      const tangent = forwardSweep(graph, lin.partials, unitDirection(graph, k), lin.mask);
      sweeps.push(tangent);
      outputs.forEach((o, i) => (jacobian[i]![j] = tangent[o]!));
    });
  }
  return { values: outputs.map((o) => lin.values[o]!), jacobian, mode: used, sweeps, lin };
}

/** J·v: the directional derivative of every output along `direction` (one value per input), in one forward sweep. */
export function jvpAt(graph: Graph, outputs: readonly NodeId[], x: ArrayLike<number>, direction: ArrayLike<number>, mask?: Uint8Array): { values: number[]; jvp: number[]; tangents: Float64Array; lin: Linearized } {
  const lin = linearizeAt(graph, outputs, x, mask);
  const tangents = forwardSweep(graph, lin.partials, direction, lin.mask);
  return { values: outputs.map((o) => lin.values[o]!), jvp: outputs.map((o) => tangents[o]!), tangents, lin };
}

/** vᵀ·J: the gradient of Σ_i cotangent[i]·output_i, one value per input, in one reverse sweep. */
export function vjpAt(graph: Graph, outputs: readonly NodeId[], x: ArrayLike<number>, cotangent: readonly number[], mask?: Uint8Array): { values: number[]; vjp: number[]; adjoints: Float64Array; lin: Linearized } {
  const lin = linearizeAt(graph, outputs, x, mask);
  const seeds = outputs.map((o, i): [NodeId, number] => [o, cotangent[i]!]);
  const adjoints = reverseSweep(graph, lin.partials, seeds, lin.mask);
  return { values: outputs.map((o) => lin.values[o]!), vjp: graph.inputs.map((id) => adjoints[id]!), adjoints, lin };
}
