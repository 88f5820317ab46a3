// The outputs of a program: the statements whose values and derivatives a command reports, and what they are
// called (`--of u,v` on the command line, `of` in the library). Errors point into the list of names.
import { AdiffError, type Source, type Span } from '../diagnostics.js';
import type { NodeId } from './graph.js';
import type { Lowered, Statement } from './lower.js';

export interface Output {
  /** How the output is called in the results: its assigned name, `f` for one bare expression, `f1, f2, …` for several. */
  label: string;
  node: NodeId;
  statement: Statement;
}

/** A label not used by any variable or assigned name of the program: `base`, else `base_`, `base__`, … */
function freeLabel(base: string, taken: Set<string>): string {
  let label = base;
  while (taken.has(label)) label += '_';
  taken.add(label);
  return label;
}

/**
 * What the program's output is called: its assigned name, else `f` — or `f_`, `f__`, … when the program uses `f`
 * itself (`f = x^2; f*2` prints `f_ = 2`, not `f = 2` beside an `f` that is 1), as resolveOutputs labels it.
 */
export function outputLabel(lowered: Lowered): string {
  if (lowered.output.name !== undefined) return lowered.output.name;
  const taken = new Set<string>([...lowered.graph.inputNames, ...lowered.statements.filter((s) => s.name !== undefined).map((s) => s.name!)]);
  return freeLabel('f', taken);
}

/** Splits `a, b` at commas, keeping each name's span in the text. */
function names(text: string): { name: string; span: Span }[] {
  const out: { name: string; span: Span }[] = [];
  let start = 0;
  for (const piece of text.split(',')) {
    const lead = piece.length - piece.trimStart().length;
    const name = piece.trim();
    out.push({ name, span: name === '' ? { start, end: start + 1 } : { start: start + lead, end: start + lead + name.length } });
    start += piece.length + 1;
  }
  return out;
}

/**
 * The outputs of a program: those named by `--of` (assigned names, in the order given), else every bare
 * expression statement, else the last assignment.
 */
export function resolveOutputs(lowered: Lowered, of: string | undefined, option = '--of'): Output[] {
  const assigned = lowered.statements.filter((s) => s.name !== undefined);
  if (of !== undefined) {
    const source: Source = { name: option, text: of };
    const seen = new Set<string>();
    const known = assigned.map((s) => s.name!);
    return names(of).map(({ name, span }) => {
      const fail = (message: string, hint?: string): never => {
        throw new AdiffError({ kind: 'input', message, source, span, hint });
      };
      if (name === '') fail(`empty name in ${option}`, `list assigned names: ${option} u,v`);
      const statement = assigned.find((s) => s.name === name);
      if (!statement) {
        const why = lowered.graph.inputNames.includes(name) ? `'${name}' is a variable, not an assigned name` : `the program assigns no '${name}'`;
        fail(why, known.length > 0 ? `the assigned names are: ${known.join(', ')}` : 'the program assigns no names; write u = ... to name an output');
      }
      if (seen.has(name)) fail(`'${name}' is given twice`);
      seen.add(name);
      return { label: name, node: statement!.node, statement: statement! };
    });
  }
  const taken = new Set<string>([...lowered.graph.inputNames, ...assigned.map((s) => s.name!)]);
  const { expressions } = lowered;
  if (expressions.length === 0) return [{ label: lowered.output.name!, node: lowered.output.node, statement: lowered.output }];
  if (expressions.length === 1) return [{ label: freeLabel('f', taken), node: expressions[0]!.node, statement: expressions[0]! }];
  return expressions.map((s, i) => ({ label: freeLabel(`f${i + 1}`, taken), node: s.node, statement: s }));
}

/** Exactly one output (for Hessians, HVPs, `diff`-like commands over one function). */
export function resolveSingleOutput(lowered: Lowered, of: string | undefined, command: string, option = '--of'): Output {
  const outputs = resolveOutputs(lowered, of, option);
  if (outputs.length === 1) return outputs[0]!;
  if (of !== undefined) {
    const second = names(of)[1]!;
    throw new AdiffError({ kind: 'input', message: `${command} takes one output, but ${option} names ${outputs.length}`, source: { name: option, text: of }, span: second.span, hint: `run ${command} once per output` });
  }
  throw new AdiffError({
    kind: 'input',
    message: `${command} takes one output, but the program has ${outputs.length} bare expressions`,
    source: lowered.source,
    span: outputs[1]!.statement.span,
    hint: `name the outputs (u = ...; v = ...) and choose one with ${option} u`,
  });
}

