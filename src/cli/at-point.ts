// What graph, check, explain and plot share: the `--at` point turned into an input vector for a program, with
// the same errors and warnings as `eval` (a missing variable points at its first use; an unknown one warns).
import { diagnosePoint } from '../autodiff/diagnose.js';
import { gradientAt, inputVector, type Mode, type PointResult } from '../autodiff/gradient.js';
import { reaching } from '../autodiff/graph.js';
import type { Lowered } from '../autodiff/lower.js';
import type { Context } from './context.js';
import { collectAssignments, parseNameList, unusedBindings, type Binding } from './options.js';

export interface AtPoint {
  at: Map<string, number>;
  bindings: Binding[];
  x: Float64Array;
  wrt: number[];
  result: PointResult;
}

/** Evaluates the program's output at `--at`, reporting the program's warnings and the point's diagnoses. */
export function atPoint(ctx: Context, lowered: Lowered, atTexts: string[], wrtText: string | undefined, mode: Mode, diagnose = true): AtPoint {
  const { graph } = lowered;
  const { values: at, bindings } = collectAssignments(atTexts);
  const wrt = wrtText !== undefined ? parseNameList(wrtText, graph.inputNames) : graph.inputs.map((_, k) => k);
  const mask = reaching(graph.nodes, [lowered.output.node]);
  const x = inputVector(lowered, at, mask);
  const result = gradientAt(lowered, x, { mode, wrt, output: lowered.output.node });
  ctx.reportAll([...lowered.warnings, ...unusedBindings(bindings, graph.inputNames), ...(diagnose ? diagnosePoint(lowered, result) : [])]);
  return { at, bindings, x, wrt, result };
}

/** A repeatable option's collector (`--at a=1 --at b=2`). */
export const repeatable = (v: string, prev: string[] = []): string[] => [...prev, v];
