// The point of a command: `--at` parsed against the program, the input vector for the outputs' effective
// subgraph, and the warnings (lowering, unused names, domain problems and kinks), reported once.
import type { Diagnostic } from '../diagnostics.js';
import { diagnoseHigher, diagnosePoint } from '../autodiff/diagnose.js';
import { gradientAt, inputVector, type Mode, type PointResult } from '../autodiff/gradient.js';
import { reaching, type NodeId } from '../autodiff/graph.js';
import type { Lowered } from '../autodiff/lower.js';
import { EXIT, type Context } from './context.js';
import { collectAssignments, parseNameList, bindingWarnings, type Binding } from './options.js';
import { obj, type Json } from './render/json.js';
import { outputLabel } from '../autodiff/outputs.js';

export interface Point {
  at: Map<string, number>;
  x: Float64Array;
  bindings: Binding[];
  /** The `at` object of JSON output: the bindings as given. */
  atJson: Json;
  /** The warnings reported for the point (lowering, --at values, domain problems and kinks). */
  reported: Diagnostic[];
}

/** `--at` against the program: a value for every input the outputs need (a missing one points at its first use). */
function bind(lowered: Lowered, outputs: readonly NodeId[], { values, bindings }: ReturnType<typeof collectAssignments>): Omit<Point, 'reported'> & { warnings: Diagnostic[] } {
  const { graph } = lowered;
  const x = inputVector(lowered, values, reaching(graph.nodes, outputs));
  return {
    at: values,
    x,
    bindings,
    atJson: obj(bindings.map((b) => [b.name, b.value])),
    warnings: [...lowered.warnings, ...bindingWarnings(bindings, graph.inputNames)],
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
  return { ...point, reported: warnings };
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
  const reported = [...warnings, ...(diagnose ? diagnosePoint(lowered, result) : [])];
  ctx.reportAll(reported);
  return { ...point, reported, wrt, result };
}

/** A number a command prints: its label (`f`, `∂f/∂x`, `∂²f/∂x∂y`), its value, and its order of differentiation. */
export interface Printed {
  label: string;
  value: number;
  order: number;
}

/** `f is NaN`, `f is NaN and ∂f/∂x is Infinity`, `a is NaN, b is NaN, c is NaN and 4 more are not finite`. */
function listNonFinite(bad: readonly Printed[]): string {
  const shown = bad.slice(0, 3).map((p) => `${p.label} is ${p.value}`);
  if (bad.length > 3) return `${shown.join(', ')} and ${bad.length - 3} more are not finite`;
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** diagnoseHigher, best effort: the numbers are already computed, and a diagnosis that cannot be made (Taylor
 * propagation refuses a graph whose partials do not close) leaves the explanation to the fallbacks below. */
function higherWarnings(lowered: Lowered, outputs: readonly NodeId[], wrt: number, x: ArrayLike<number>, order: number): Diagnostic[] {
  try {
    return diagnoseHigher(lowered, outputs, wrt, x, order);
  } catch (e) {
    if (e instanceof Error && /Taylor propagation/.test(e.message)) return [];
    throw e;
  }
}

/** A derivative warning is about its node; a node is named once whatever order or variable found it. */
const warningKey = (d: Diagnostic) => (d.message.startsWith('the ') && d.message.includes('derivative') && d.span ? `d:${d.span.start}:${d.span.end}` : `${d.span?.start}:${d.span?.end}:${d.message}`);

/**
 * Every NaN or infinity a command prints is explained on stderr, once: by the warnings already reported for the
 * point; else, for derivatives of order 2 and more, by where they first stop being finite (diagnoseHigher along each
 * variable of `higher.wrt`); else by the input that is not finite ("because the input 'x' is Infinity", at its
 * place in --at); else by naming the numbers. Call it before printing the results (warnings come first); returns
 * the numbers that are not finite, for `strictExit` after the results.
 */
export function explainResults(
  ctx: Context,
  lowered: Lowered,
  point: Pick<Point, 'x' | 'bindings' | 'reported'>,
  outputs: readonly NodeId[],
  printed: readonly Printed[],
  options: { higher?: { wrt: readonly number[]; order: number }; vector?: { what: string; bindings: readonly Binding[] } } = {},
): Printed[] {
  const bad = printed.filter((p) => !Number.isFinite(p.value));
  if (bad.length === 0) return bad;
  const { graph } = lowered;
  const seen = new Set(point.reported.map(warningKey));
  const extra: Diagnostic[] = [];
  const { higher } = options;
  if (higher && bad.some((p) => p.order >= 2)) {
    for (const k of higher.wrt) {
      for (const d of higherWarnings(lowered, outputs, k, point.x, higher.order)) {
        const key = warningKey(d);
        if (!seen.has(key)) extra.push(d);
        seen.add(key);
      }
    }
  }
  const vector = options.vector?.bindings ?? [];
  const explained = [...point.reported, ...vector.flatMap((b) => b.warnings)].some((d) => d.kind === 'domain');
  if (!explained && extra.length === 0) {
    const mask = reaching(graph.nodes, outputs);
    const inputs = graph.inputs.map((id, k) => k).filter((k) => mask[graph.inputs[k]!] && !Number.isFinite(point.x[k]!));
    const causes = [
      ...inputs.map((k) => ({ text: `the input '${graph.inputNames[k]!}' is ${point.x[k]}`, binding: point.bindings.find((b) => b.name === graph.inputNames[k]) })),
      ...vector.filter((b) => !Number.isFinite(b.value)).map((b) => ({ text: `${options.vector!.what} '${b.name}' is ${b.value}`, binding: b })),
    ];
    if (causes.length > 0) {
      const binding = causes[0]!.binding;
      extra.push({
        severity: 'warning',
        kind: 'domain',
        message: `${listNonFinite(bad)} because ${causes.map((c) => c.text).join(' and ')}`,
        source: binding?.source,
        span: binding?.valueSpan,
      });
    } else {
      extra.push({ severity: 'warning', kind: 'domain', message: `${listNonFinite(bad)} at this point`, hint: 'no single operation is to blame: the non-finite numbers arise where derivatives combine' });
    }
  }
  ctx.reportAll(extra);
  return bad;
}

/** --strict: the numbers that are not finite (from explainResults) are an error that lists them, exit 3. */
export function strictExit(ctx: Context, strict: boolean | undefined, bad: readonly Printed[]): number {
  if (!strict || bad.length === 0) return EXIT.ok;
  ctx.report({ severity: 'error', kind: 'domain', message: `--strict: ${listNonFinite(bad)}`, hint: 'the warnings above say where' });
  return EXIT.notFinite;
}

/** One output's value and gradient as printed: `f`, then `∂f/∂x` for each name. */
export function gradientPrinted(label: string, value: number, names: readonly string[], gradient: ArrayLike<number>): Printed[] {
  return [{ label, value, order: 0 }, ...names.map((n, i) => ({ label: `∂${label}/∂${n}`, value: gradient[i]!, order: 1 }))];
}

/** explainResults for commands that show the value and gradient of each output (explain, check). */
export function explainGradients(ctx: Context, lowered: Lowered, point: Pick<Point, 'x' | 'bindings' | 'reported'>, outputs: readonly { label: string }[], results: readonly PointResult[]): Printed[] {
  const printed = results.flatMap((r, j) => gradientPrinted(outputs[j]!.label, r.value, r.wrt.map((k) => lowered.graph.inputNames[k]!), r.gradient));
  return explainResults(ctx, lowered, point, results.map((r) => r.output), printed);
}

/** explainGradients for a command that shows the value and gradient of the program's output (graph, the REPL). */
export function explainGradient(ctx: Context, lowered: Lowered, point: Pick<Point, 'x' | 'bindings' | 'reported'>, result: PointResult): Printed[] {
  return explainGradients(ctx, lowered, point, [{ label: outputLabel(lowered) }], [result]);
}
