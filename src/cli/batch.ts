// `--points FILE|-`: one formula at many points. What a command supplies to the streaming (run-points.ts): a
// BatchPlan, built once per run (graph, kernels, options, the line's shape: render/record.ts), that turns a
// block of points into lines, one per point, in input order: its result, or an error in its place.
import type { Lowered } from '../autodiff/lower.js';
import { reaching } from '../autodiff/graph.js';
import type { Context } from './context.js';
import { collectAssignments, bindingWarnings } from './options.js';
import type { Job, JobResult } from './parallel.js';
import type { Block, PointParser } from './points.js';
import { LineBytes } from './render/line-bytes.js';
import type { RecordShape } from './render/record.js';

/** Points per block: columns of this many numbers are evaluated and written at a time. */
export const BLOCK = 1024;

/** The options of --points that every command shares. */
export interface PointsOptions {
  points: string;
  inputFormat?: string;
  format?: string;
  trace?: boolean;
  strict?: boolean;
}

export type OutputFormat = 'ndjson' | 'csv';

/** What one block of points gave: how many points failed, and how many results hold a NaN or an infinity. */
export interface LineStats {
  failed: number;
  nonFinite: number;
  /** The input line of the first point with a NaN or an infinity (0: none). */
  firstNonFinite: number;
}

/** The earlier of two first lines (0: none). */
export const earliest = (a: number, b: number): number => (a === 0 ? b : b === 0 ? a : Math.min(a, b));

/** What a command supplies to `runPoints`, built once per run. */
export interface BatchPlan {
  /** The formula's text as loaded (worker threads rebuild the plan from it). */
  formula: string;
  /** The variables read from each point, in input order; which of them every point must give; --at values. */
  names: readonly string[];
  needed: readonly boolean[];
  defaults: ReadonlyMap<string, number>;
  /** The CSV header's fields (--format csv). */
  csvHeader: string[];
  /** Writes one line per point of the block to `out`: its result, or `errorLine(block, i)` for a bad point. */
  lines(block: Block, format: OutputFormat, out: LineBytes): LineStats;
}

/** The NDJSON line that stands in place of a point that could not be evaluated. */
export const errorLine = (block: Block, i: number): string =>
  `{"error":{"kind":"input","message":${JSON.stringify(block.errors[i])},"line":${block.lines[i]}}}\n`;

/** The variables a batch reads: every input, the ones the outputs need, --at values (unused names warned about). */
export function planInputs(ctx: Context, lowered: Lowered, outputs: readonly number[], at: string[] | undefined): Pick<BatchPlan, 'names' | 'needed' | 'defaults'> {
  const { graph } = lowered;
  const { values: defaults, bindings } = collectAssignments(at ?? []);
  ctx.reportAll([...lowered.warnings, ...bindingWarnings(bindings, graph.inputNames)]);
  const mask = reaching(graph.nodes, outputs);
  return { names: graph.inputNames, needed: graph.inputs.map((id) => mask[id] === 1), defaults };
}

/**
 * The plan of a command that evaluates one point at a time, its lines shaped by `shape`: `x` holds the point's
 * values in input order (one array, reused: the evaluator must not keep it), and the evaluator writes the point's
 * numbers into `row`, one per slot of the shape.
 */
export function pointByPoint(
  lowered: Lowered,
  inputs: Pick<BatchPlan, 'names' | 'needed' | 'defaults'>,
  shape: RecordShape,
  evaluatePoint: (x: Float64Array, row: Float64Array) => void,
): BatchPlan {
  const inputCount = lowered.graph.inputs.length;
  const x = new Float64Array(inputCount);
  return {
    ...inputs,
    formula: lowered.source.text,
    csvHeader: shape.csvHeader,
    lines: (block, format, out) =>
      shapeLines(shape, block, format, out, (i, row) => {
        for (let k = 0; k < inputCount; k++) x[k] = block.columns[k]![i]!;
        evaluatePoint(x, row);
      }),
  };
}

/** What blocks of points gave: points, failed points, results with a NaN or an infinity, and (CSV output) the bad points' messages for stderr. */
export interface Tally {
  count: number;
  failed: number;
  nonFinite: number;
  firstNonFinite: number;
  reports: string[];
}

export const emptyTally = (): Tally => ({ count: 0, failed: 0, nonFinite: 0, firstNonFinite: 0, reports: [] });

/** Turns the parser's block into lines (written to `out`), counts it into `tally`, and empties the block. */
export function drainBlock(plan: BatchPlan, block: Block, format: OutputFormat, label: string, out: LineBytes, tally: Tally): void {
  const stats = plan.lines(block, format, out);
  tally.count += block.count;
  tally.failed += stats.failed;
  tally.nonFinite += stats.nonFinite;
  tally.firstNonFinite = earliest(tally.firstNonFinite, stats.firstNonFinite);
  if (format === 'csv') {
    for (let i = 0; i < block.count; i++) {
      const error = block.errors[i];
      if (error !== undefined) tally.reports.push(`${label}, line ${block.lines[i]}: ${error}`);
    }
  }
  block.count = 0;
}

/**
 * One run of complete records (a job of parallel.ts) through a plan: its output lines as bytes, and the counts.
 * The same code runs on the main thread and in the workers.
 */
export function runJob(plan: BatchPlan, parser: PointParser, format: OutputFormat, label: string, job: Job): JobResult {
  const { block } = parser;
  const out = new LineBytes();
  const result: JobResult = { seq: job.seq, out: [], ...emptyTally() };
  parser.nextLine = job.firstLine;
  let text = job.text;
  for (;;) {
    text = text.slice(parser.feed(text));
    if (!parser.full()) break;
    drainBlock(plan, block, format, label, out, result);
  }
  if (job.last) {
    parser.last(text);
    if (parser.full()) drainBlock(plan, block, format, label, out, result);
    parser.finish();
  }
  if (block.count > 0) drainBlock(plan, block, format, label, out, result);
  result.out = out.finish();
  return result;
}

/**
 * One line per point of the block, shaped by `shape`, written to `out`: `fill(i, row)` writes point i's numbers
 * into `row` (one per slot); a bad point gets an error line (NDJSON) or an empty row (CSV) in its place.
 * `echo[k]`, when not -1, is the input whose text (as read, where it is exactly String(v)) slot k writes:
 * formatting numbers is the costly part, so the point's own coordinates are copied, not reformatted.
 */
export function shapeLines(shape: RecordShape, block: Block, format: OutputFormat, out: LineBytes, fill: (i: number, row: Float64Array) => void, echo?: readonly number[]): LineStats {
  const { pieceBytes } = shape;
  const row = new Float64Array(shape.slots.length);
  const texts = echo && format === 'ndjson' ? block.texts : undefined;
  let failed = 0;
  let nonFinite = 0;
  let firstNonFinite = 0;
  for (let i = 0; i < block.count; i++) {
    if (block.errors[i] !== undefined) {
      failed++;
      out.text(format === 'csv' ? shape.csvEmpty() : errorLine(block, i));
      continue;
    }
    fill(i, row);
    if (!shape.finite(row) && nonFinite++ === 0) firstNonFinite = block.lines[i]!;
    if (format === 'csv') {
      shape.writeCsv(out, row);
      continue;
    }
    out.bytes(pieceBytes[0]!);
    for (let k = 0; k < row.length; k++) {
      const e = texts ? echo![k]! : -1;
      const text = e >= 0 ? texts![e]![i] : undefined;
      if (text !== undefined) out.text(text);
      else out.jsonNumber(row[k]!);
      out.bytes(pieceBytes[k + 1]!);
    }
  }
  return { failed, nonFinite, firstNonFinite };
}
