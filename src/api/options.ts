// The options of compile and derivative, read once and checked, and what they select: the variables (lowered as
// the first inputs, in the order given) and the outputs.
import { lower, type Lowered, type Statement } from '../autodiff/lower.js';
import { resolveOutputs, type Output } from '../autodiff/outputs.js';
import { AdiffError, type Source } from '../diagnostics.js';
import { parse } from '../parser/parse.js';
import { readArray, readRecord, show, usage } from './args.js';
import type { CompileOptions } from './compile.js';

/**
 * The outputs (labelled as the CLI labels them, `of` read as its `--of`) and the one output of the single-output
 * methods. Errors about `of` point into `of`'s names joined by commas.
 */
export function chooseOutputs(lowered: Lowered, options: CompileOptions): { output: Statement; outputs: Output[] } {
  let output = lowered.output;
  if (options.output !== undefined) {
    const named = lowered.statements.find((s) => s.name === options.output);
    if (named === undefined) usage(`compile: '${options.output}' is not an assigned name of the program`);
    output = named!;
  }
  let of: string | undefined;
  if (options.of !== undefined) {
    const list = typeof options.of === 'string' ? options.of.split(',') : options.of;
    if (list.length === 0) usage('compile: `of` names no outputs');
    for (const name of list) {
      if (typeof name !== 'string' || name.trim() === '' || name.includes(',')) usage(`compile: \`of\` lists ${show(name)}, which is not a name`);
    }
    of = list.map((name) => name.trim()).join(',');
  }
  const outputs = resolveOutputs(lowered, of ?? options.output, 'of');
  if (options.output === undefined && of !== undefined && outputs.length === 1) output = outputs[0]!.statement;
  return { output, outputs };
}

/** The options of compile, read once into a fresh object and checked. */
export function compileOptions(options: unknown): CompileOptions {
  if (options === undefined) return {};
  const o = readRecord('compile', 'the options', options, 'an object { variables?, of?, output?, sourceName? }');
  for (const key of o.keys()) {
    if (!['variables', 'of', 'output', 'sourceName'].includes(key)) usage(`compile: unknown option '${key}' (the options are variables, of, output and sourceName)`);
  }
  const out: { -readonly [K in keyof CompileOptions]: CompileOptions[K] } = {};
  const of = o.get('of');
  if (typeof of === 'string') out.of = of;
  else if (of !== undefined) out.of = readArray('compile', '`of`', of, "a string ('u,v') or an array of names (['u', 'v'])") as string[];
  const output = o.get('output');
  if (output !== undefined && typeof output !== 'string') usage(`compile: \`output\` must be a string (an assigned name), got ${show(output)}`);
  out.output = output as string | undefined;
  const sourceName = o.get('sourceName');
  if (sourceName !== undefined && typeof sourceName !== 'string') usage(`compile: \`sourceName\` must be a string, got ${show(sourceName)}`);
  out.sourceName = sourceName as string | undefined;
  const variables = o.get('variables');
  if (variables !== undefined) out.variables = variableList('compile', variables);
  return out;
}

/** The `variables` option, read once: an array of distinct strings (each checked to be a name by lowerWith). */
export function variableList(at: string, variables: unknown): string[] {
  const list = readArray(at, '`variables`', variables, "an array of names (['x', 'y'])");
  const seen = new Set<string>();
  for (const name of list) {
    if (typeof name !== 'string') usage(`${at}: \`variables\` lists ${show(name)}, which is not a name`);
    if (seen.has(name)) usage(`${at}: \`variables\` lists '${name}' twice`);
    seen.add(name);
  }
  return list as string[];
}

/** Each name `variables` lists must be a variable name of the language: not a constant, a function or junk. */
function checkVariable(at: string, name: string): void {
  let ok = false;
  try {
    ok = lower(parse(name)).graph.inputNames.join() === name && !/[\s,;]/.test(name);
  } catch {
    ok = false;
  }
  if (!ok) usage(`${at}: \`variables\` lists ${show(name)}, which is not a variable name (a constant, a function or not a name)`);
}

/**
 * Parses and lowers the text, with the `variables` (when given) as the first inputs in their order. A free
 * variable of the formula that is not listed is an error pointing at its first use; so is a listed name that the
 * program assigns.
 */
export function lowerWith(text: string, source: Source, variables: readonly string[] | undefined, at = 'compile'): Lowered {
  variables?.forEach((name) => checkVariable(at, name));
  const lowered = lower(parse(text, { sourceName: source.name }), source, { inputs: variables });
  if (variables === undefined) return lowered;
  const { graph } = lowered;
  const assigned = lowered.statements.find((s) => s.name !== undefined && variables.includes(s.name));
  if (assigned) {
    throw new AdiffError({ kind: 'name', message: `'${assigned.name}' is assigned by the program, so it cannot be one of the variables`, source, span: assigned.span });
  }
  for (let k = variables.length; k < graph.inputNames.length; k++) {
    const name = graph.inputNames[k]!;
    throw new AdiffError({
      kind: 'name',
      message: `'${name}' is not one of the variables (${variables.join(', ')})`,
      source,
      span: graph.nodes[graph.inputs[k]!]!.span,
      hint: `add '${name}' to \`variables\`, or give it a value in the formula`,
    });
  }
  return lowered;
}
