// `adiff eval --points`: each output's value and gradient at every point. The graph is compiled once into a value
// + gradient kernel per output (reverse mode), or, with --mode forward, into a kernel of forward sweeps (one per
// variable); the streaming is run-points.ts's.
import { compileKernels } from '../autodiff/compile.js';
import { compileJacobian } from '../autodiff/compile-products.js';
import type { Mode } from '../autodiff/gradient.js';
import { resolveOutputs } from '../autodiff/outputs.js';
import { BLOCK, planInputs, shapeLines, type BatchPlan, type PointsOptions } from './batch.js';
import type { Context } from './context.js';
import { parseNameList } from './options.js';
import type { Block } from './points.js';
import { obj, type Json } from './render/json.js';
import { RecordShape } from './render/record.js';
import { runPoints } from './run-points.js';
import { outputLabel } from '../autodiff/outputs.js';

export interface BatchOptions extends PointsOptions {
  at?: string[];
  wrt?: string;
  /** The outputs (assigned names); without it, every bare expression, or the last assignment. */
  of?: string;
  /** reverse (a value + gradient kernel per output, the default) or forward (a kernel of one forward sweep per variable). */
  mode?: Mode;
  file?: string;
}

/** `adiff eval --points`: value and gradient per point, as NDJSON (the single-point --json shape) or CSV. */
export function runBatch(ctx: Context, expr: string | undefined, opts: BatchOptions): Promise<number> {
  return runPoints(ctx, expr, opts, 'eval', () => runBatchPlan(ctx, expr, opts));
}

/**
 * The plan of `adiff eval --points`: each output's value and gradient per point, lines shaped like the single-point
 * `eval --json` object (one output; `--of u`: one named output; several outputs: values and gradients by output).
 * Reverse mode runs one compiled value + gradient kernel per output over the block's columns; forward mode a
 * compiled kernel of forward sweeps per point. Both give the interpreter's numbers bit for bit.
 */
export async function runBatchPlan(ctx: Context, expr: string | undefined, opts: BatchOptions): Promise<BatchPlan> {
  const lowered = await ctx.load(expr, opts.file);
  const { graph } = lowered;
  const mode = opts.mode ?? 'reverse';
  const several = opts.of !== undefined || lowered.expressions.length > 1;
  const outputs = several ? resolveOutputs(lowered, opts.of) : [{ node: lowered.output.node, label: outputLabel(lowered) }];
  const nodes = outputs.map((o) => o.node);
  const inputs = planInputs(ctx, lowered, nodes, opts.at);
  const names = graph.inputNames;
  const wrt = opts.wrt !== undefined ? parseNameList(opts.wrt, names) : graph.inputs.map((_, k) => k);
  const atList = names.map((_, k) => k).filter((k) => inputs.needed[k]);
  const m = outputs.length;
  const w = wrt.length;
  const labels = outputs.map((o) => o.label);

  // The line: at (the point), then the values, then the gradients, in the single-point object's order.
  const shape = new RecordShape((slot) => {
    const at = obj(atList.map((k) => [names[k]!, slot({ input: true })]));
    if (!several || (m === 1 && opts.of !== undefined)) {
      const entries: [string, Json][] = [['expression', lowered.source.text], ['at', at]];
      if (several) entries.push(['output', labels[0]!]);
      entries.push(['value', slot({ csv: 'value' })]);
      entries.push(['gradient', obj(wrt.map((k) => [names[k]!, slot({ csv: `d/d${names[k]}` })]))]);
      entries.push(['mode', mode]);
      return obj(entries);
    }
    const values = labels.map((l) => slot({ csv: l }));
    const gradients = labels.map((l) => obj(wrt.map((k) => [names[k]!, slot({ csv: `d${l}/d${names[k]}` })])));
    return obj([
      ['expression', lowered.source.text],
      ['at', at],
      ['outputs', labels],
      ['values', obj(labels.map((l, o) => [l, values[o]!]))],
      ['gradients', obj(labels.map((l, o) => [l, gradients[o]!]))],
      ['mode', mode],
    ]);
  });
  const echo = shape.slots.map((_, k) => (k < atList.length ? atList[k]! : -1));

  // value[o][i] and gradient[o][k][i] for the points of a block.
  const value = outputs.map(() => new Float64Array(BLOCK));
  const gradient = outputs.map(() => names.map(() => new Float64Array(BLOCK)));
  let compute: (block: Block) => void;
  if (mode === 'reverse') {
    const kernels = nodes.map((node) => compileKernels(graph, node));
    compute = (block) => kernels.forEach((k, o) => k.gradientColumns(block.columns, block.count, value[o]!, gradient[o]!));
  } else {
    // Forward mode: one compiled kernel of forward sweeps (one per variable), as `eval --mode forward` sweeps.
    const { jacobian } = compileJacobian(graph, nodes, wrt, 'forward');
    const x = new Float64Array(names.length);
    const values = new Float64Array(m);
    const jac = new Float64Array(m * w);
    compute = (block) => {
      for (let i = 0; i < block.count; i++) {
        if (block.errors[i] !== undefined) continue;
        for (let k = 0; k < x.length; k++) x[k] = block.columns[k]![i]!;
        jacobian(x, values, jac);
        for (let o = 0; o < m; o++) {
          value[o]![i] = values[o]!;
          for (let j = 0; j < w; j++) gradient[o]![wrt[j]!]![i] = jac[o * w + j]!;
        }
      }
    };
  }
  const a = atList.length;
  return {
    ...inputs,
    formula: lowered.source.text,
    csvHeader: shape.csvHeader,
    lines(block, format, out) {
      compute(block);
      return shapeLines(shape, block, format, out, (i, row) => {
        for (let j = 0; j < a; j++) row[j] = block.columns[atList[j]!]![i]!;
        for (let o = 0; o < m; o++) {
          row[a + o] = value[o]![i]!;
          const g = gradient[o]!;
          for (let j = 0; j < w; j++) row[a + m + o * w + j] = g[wrt[j]!]![i]!;
        }
      }, echo);
    },
  };
}
