// `derivative(text, wrt, { order })`: one derivative of a formula as a formula, in one call: the text adiff reads
// back (as `adiff diff` prints it), its LaTeX, and the derivative compiled for evaluation at points. The derivative
// graph is built by the reverse sweep over graph nodes (derivative.ts), simplified as it is built, and printed with
// shared subexpressions as assignments (symbolic.ts), so it never swells.
import { derivativeSet } from '../autodiff/derivative.js';
import { resolveOutputs } from '../autodiff/outputs.js';
import { printGraph } from '../autodiff/symbolic.js';
import { readArray, readRecord, show, usage } from './args.js';
import { compile, type CompiledFormula } from './compile.js';
import { lowerWith, variableList } from './options.js';

/** Beyond this order the printed derivatives of ordinary formulas become too long to be useful (as `adiff diff`). */
export const MAX_DERIVATIVE_ORDER = 12;

export interface DerivativeOptions {
  /** How many times to differentiate with respect to `wrt` when it is one name (default 1, at most 12). */
  order?: number;
  /** The assigned name to differentiate, in a program (default: the program's output). */
  output?: string;
  /** The variables, in this order, as compile's `variables`: also the inputs of `formula`. */
  variables?: readonly string[];
  /** Label used in error messages (default `expr`). */
  sourceName?: string;
}

export interface Derivative {
  /** The variables differentiated by, in order: `['x', 'x']` for ∂²f/∂x², `['x', 'y']` for ∂²f/∂x∂y. */
  readonly wrt: readonly string[];
  /** The derivative in adiff's own language (shared subexpressions as assignments), as `adiff diff` prints it. */
  readonly text: string;
  /** The derivative in LaTeX, as `adiff diff --format latex` prints it. */
  readonly latex: string;
  /** The derivative compiled: its variables are the formula's, in the formula's order (unused ones included). */
  readonly formula: CompiledFormula;
}

/**
 * The derivative of the formula `text` with respect to `wrt`: one variable name (differentiated `order` times),
 * or a list of names for a mixed partial (`['x', 'y']`: ∂²f/∂x∂y; `order` must then be left out or equal its
 * length). Throws AdiffError on a bad formula or argument.
 */
export function derivative(text: string, wrt: string | readonly string[], options?: DerivativeOptions): Derivative {
  if (typeof text !== 'string') usage(`derivative: the formula must be a string, got ${show(text)}`);
  const opts = options === undefined ? new Map<string, unknown>() : readRecord('derivative', 'the options', options, 'an object { order?, output?, variables?, sourceName? }');
  for (const key of opts.keys()) if (!['order', 'output', 'variables', 'sourceName'].includes(key)) usage(`derivative: unknown option '${key}' (the options are order, output, variables and sourceName)`);
  const variables = opts.has('variables') ? variableList('derivative', opts.get('variables')) : undefined;
  const sourceName = opts.get('sourceName') ?? 'expr';
  if (typeof sourceName !== 'string') usage(`derivative: \`sourceName\` must be a string, got ${show(sourceName)}`);
  const output = opts.get('output');
  if (output !== undefined && typeof output !== 'string') usage(`derivative: \`output\` must be a string (an assigned name), got ${show(output)}`);
  const order = opts.get('order');
  if (order !== undefined && (typeof order !== 'number' || !Number.isInteger(order) || order < 1 || order > MAX_DERIVATIVE_ORDER)) {
    usage(`derivative: order must be an integer from 1 to ${MAX_DERIVATIVE_ORDER}, got ${show(order)}`);
  }
  const names = wrtList(wrt, order as number | undefined);

  const source = { name: sourceName as string, text };
  const lowered = lowerWith(text, source, variables, 'derivative');
  const { graph } = lowered;
  const target = output === undefined ? lowered.output : resolveOutputs(lowered, output as string, 'output')[0]!;
  const seq = names.map((name) => {
    const k = graph.inputNames.indexOf(name);
    if (k < 0) usage(`derivative: '${name}' is not a variable of the formula (${graph.inputNames.join(', ') || 'it has none'})`);
    return k;
  });
  const set = derivativeSet(graph, [target.node], [seq]);
  const printed = [{ node: set.nodes[0]![0]! }];
  const derivativeText = printGraph(set.graph, printed, 'text');
  return Object.freeze({
    wrt: Object.freeze(names),
    text: derivativeText,
    latex: printGraph(set.graph, printed, 'latex'),
    formula: compile(derivativeText, { variables: graph.inputNames }),
  });
}

/** `wrt` and `order` as the list of variables to differentiate by, in order. */
function wrtList(wrt: unknown, order: number | undefined): string[] {
  if (typeof wrt === 'string') return new Array<string>(order ?? 1).fill(wrt);
  const list = readArray('derivative', 'wrt', wrt, "a variable name ('x') or an array of names (['x', 'y'])");
  if (list.length === 0 || list.length > MAX_DERIVATIVE_ORDER) usage(`derivative: wrt must list 1 to ${MAX_DERIVATIVE_ORDER} names, got ${list.length}`);
  for (const name of list) if (typeof name !== 'string') usage(`derivative: wrt lists ${show(name)}, which is not a name`);
  if (order !== undefined && order !== list.length) usage(`derivative: order is ${order}, but wrt lists ${list.length} names`);
  return list as string[];
}
