// The point of a command: `--at` parsed against the program, the input vector for the outputs' effective
// subgraph, and the warnings (lowering, unused names, domain problems and kinks), reported once.
import type { Diagnostic } from '../diagnostics.js';
import { diagnosePoint } from '../autodiff/diagnose.js';
import { gradientAt, inputVector, type Mode, type PointResult } from '../autodiff/gradient.js';
import { reaching, type NodeId } from '../autodiff/graph.js';
import type { Lowered } from '../autodiff/lower.js';
import type { Context } from './context.js';
import { collectAssignments, parseNameList, unusedBindings, type Binding } from './options.js';
import { obj, type Json } from './render/json.js';

export interface Point {
  at: Map<string, number>;
  x: Float64Array;
  bindings: Binding[];
  /** The `at` object of JSON output: the bindings as given. */
  atJson: Json;
}

/** `--at` against the program: a value for every input the outputs need (a missing one points at its first use). */
function bind(lowered: Lowered, outputs: readonly NodeId[], { values, bindings }: ReturnType<typeof collectAssignments>): Point & { warnings: Diagnostic[] } {
  const { graph } = lowered;
  const x = inputVector(lowered, values, reaching(graph.nodes, outputs));
  return {
    at: values,
    x,
    bindings,
    atJson: obj(bindings.map((b) => [b.name, b.value])),
    warnings: [...lowered.warnings, ...unusedBindings(bindings, graph.inputNames)],
  };
}

/**
 * The point for several outputs; every output's domain problems and kinks are reported once (those of the
 * derivatives along `wrt`, when given: input indices, as --wrt parses them).
 */
export function pointFor(ctx: Context, lowered: Lowered, outputs: readonly NodeId[], at: string[] | undefined, wrt?: number[]): Point {
  const { warnings, ...point } = bind(lowered, outputs, collectAssignments(at ?? []));
  const seen = new Set<string>();
  for (const output of outputs) {
    for (const d of diagnosePoint(lowered, gradientAt(lowered, point.x, { output, wrt }))) {
      const key = `${d.span?.start}:${d.span?.end}:${d.message}`;
      if (!seen.has(key)) warnings.push(d);
      seen.add(key);
    }
  }
  ctx.reportAll(warnings);
  return point;
}

export interface AtPoint extends Point {
  wrt: number[];
  result: PointResult;
}

/** The program's output at `--at`: value and gradient along `--wrt` in `mode`, with its warnings reported. */
export function atPoint(ctx: Context, lowered: Lowered, atTexts: string[] | undefined, wrtText: string | undefined, mode: Mode, diagnose = true): AtPoint {
  const { graph } = lowered;
  const output = lowered.output.node;
  const parsed = collectAssignments(atTexts ?? []);
  const wrt = wrtText !== undefined ? parseNameList(wrtText, graph.inputNames) : graph.inputs.map((_, k) => k);
  const { warnings, ...point } = bind(lowered, [output], parsed);
  const result = gradientAt(lowered, point.x, { mode, wrt, output });
  ctx.reportAll([...warnings, ...(diagnose ? diagnosePoint(lowered, result) : [])]);
  return { ...point, wrt, result };
}
