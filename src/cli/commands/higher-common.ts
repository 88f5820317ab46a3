// What the higher-order commands share: their common options and the first-order trace of one sweep (the exit code
// for --strict is point.ts's strictExit).
import type { Command } from 'commander';
import type { NodeId } from '../../autodiff/graph.js';
import type { Mode, PointResult } from '../../autodiff/gradient.js';
import type { Lowered } from '../../autodiff/lower.js';
import { traceRows } from '../../autodiff/trace.js';
import type { Context } from '../context.js';
import { renderTrace } from '../render/human.js';
import { obj, type Json } from '../render/json.js';
import { colorOption, fileOption, noColorOption, repeatable } from '../command-options.js';

export type { Runner } from '../program.js';

export interface CommonOptions {
  at?: string[];
  /** --points FILE|-: every point of a CSV or NDJSON file, one NDJSON line each (batch-higher.ts). */
  points?: string;
  inputFormat?: string;
  of?: string;
  trace?: boolean;
  json?: boolean;
  strict?: boolean;
  file?: string;
  color?: boolean;
}


/** Declares a command that reads a program and takes a point (or, with `points`, many points: --points). */
export function pointCommand(program: Command, name: string, description: string, options: { trace?: string; strict?: boolean; points?: boolean } = {}): Command {
  const cmd = program
    .command(name)
    .description(description)
    .argument('[expr]', 'the formula or program; - reads it from standard input')
    .option('--at <name=value,...>', 'the point: values of the variables (repeatable)', repeatable)
    .option('--of <names>', 'the outputs: assigned names of the program (default: every bare expression)');
  if (options.trace) cmd.option('--trace', options.trace);
  cmd
    .option('--json', 'one line of JSON on stdout (errors as JSON on stderr)')
    .option('--strict', 'exit 3 when a value or derivative is NaN or infinite')
    .addOption(fileOption());
  if (options.points) {
    cmd
      .option('--points <file>', 'at every point of a CSV or NDJSON file (- for standard input): one NDJSON line per point, shaped like --json')
      .option('--input-format <format>', 'with --points: csv or ndjson (detected from the content by default)')
      .option('--format <format>', 'with --points: ndjson (default) or csv output (one column per number)');
  }
  cmd
    .addOption(colorOption())
    .addOption(noColorOption());
  return cmd;
}

export { repeatable };

/** The first-order trace of one sweep: `sensitivity` holds adjoints (reverse) or tangents (forward). */
export function sweepTrace(
  lowered: Lowered,
  sweep: { output: NodeId; mask: Uint8Array; values: Float64Array; partials: (number[] | undefined)[]; sensitivity: Float64Array; mode: Mode },
) {
  const result: PointResult = {
    ...sweep,
    value: sweep.values[sweep.output]!,
    wrt: [],
    gradient: [],
    adjoints: sweep.sensitivity,
  };
  return traceRows(lowered, result);
}

/** The trace as human text (with a title line) or as JSON rows. */
export function traceText(ctx: Context, title: string, rows: ReturnType<typeof traceRows>, mode: Mode, output: string, wrt: string | undefined): string {
  return `${ctx.out.bold(title)}\n${renderTrace(ctx.out, rows, mode, output, wrt, ctx.columns)}\n`;
}

export function traceJson(rows: ReturnType<typeof traceRows>, mode: Mode): Json {
  const key = mode === 'reverse' ? 'adjoint' : 'tangent';
  return rows.map((r) =>
    obj([
      ['node', r.label],
      ['names', r.names],
      ['definition', r.definition],
      ['source', r.source],
      ['value', r.value],
      [key, r.derivative],
    ]),
  );
}
