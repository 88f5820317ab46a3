// The point of a higher-order command: `--at` parsed against the program, the input vector for the outputs'
// effective subgraph, and the warnings (lowering, unused names, domain problems and kinks of every output).
import type { Diagnostic } from '../diagnostics.js';
import { diagnosePoint } from '../autodiff/diagnose.js';
import { gradientAt, inputVector } from '../autodiff/gradient.js';
import { reaching, type NodeId } from '../autodiff/graph.js';
import type { Lowered } from '../autodiff/lower.js';
import type { Context } from './context.js';
import { collectAssignments, unusedBindings, type Binding } from './options.js';
import { obj, type Json } from './render/json.js';

export interface Point {
  x: Float64Array;
  bindings: Binding[];
  /** The `at` object of JSON output: the bindings as given. */
  atJson: Json;
}

/** Parses `--at`, builds the input vector and reports every warning once. */
export function pointFor(ctx: Context, lowered: Lowered, outputs: readonly NodeId[], at: string[] | undefined): Point {
  const { graph } = lowered;
  const { values, bindings } = collectAssignments(at ?? []);
  const x = inputVector(lowered, values, reaching(graph.nodes, outputs));
  const warnings: Diagnostic[] = [...lowered.warnings, ...unusedBindings(bindings, graph.inputNames)];
  const seen = new Set<string>();
  for (const output of outputs) {
    for (const d of diagnosePoint(lowered, gradientAt(lowered, x, { output }))) {
      const key = `${d.span?.start}:${d.span?.end}:${d.message}`;
      if (!seen.has(key)) warnings.push(d);
      seen.add(key);
    }
  }
  ctx.reportAll(warnings);
  return { x, bindings, atJson: obj(bindings.map((b) => [b.name, b.value])) };
}
