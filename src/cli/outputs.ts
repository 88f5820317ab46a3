// Options of the higher-order commands: which outputs (`--of u,v`), a direction or cotangent (`--dir x=1,y=0`,
// `--cotangent u=1`), and a derivative order (`--order 3`). Errors point into the option's own text.
import { AdiffError, type Source, type Span } from '../diagnostics.js';
import type { NodeId } from '../autodiff/graph.js';
import type { Lowered, Statement } from '../autodiff/lower.js';
import { collectAssignments, type Binding } from './options.js';

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
export function resolveOutputs(lowered: Lowered, of: string | undefined): Output[] {
  const assigned = lowered.statements.filter((s) => s.name !== undefined);
  if (of !== undefined) {
    const source: Source = { name: '--of', text: of };
    const seen = new Set<string>();
    const known = assigned.map((s) => s.name!);
    return names(of).map(({ name, span }) => {
      const fail = (message: string, hint?: string): never => {
        throw new AdiffError({ kind: 'input', message, source, span, hint });
      };
      if (name === '') fail('empty name in --of', 'list assigned names: --of u,v');
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
export function resolveSingleOutput(lowered: Lowered, of: string | undefined, command: string): Output {
  const outputs = resolveOutputs(lowered, of);
  if (outputs.length === 1) return outputs[0]!;
  if (of !== undefined) {
    const second = names(of)[1]!;
    throw new AdiffError({ kind: 'input', message: `${command} takes one output, but --of names ${outputs.length}`, source: { name: '--of', text: of }, span: second.span, hint: `run ${command} once per output` });
  }
  throw new AdiffError({
    kind: 'input',
    message: `${command} takes one output, but the program has ${outputs.length} bare expressions`,
    source: lowered.source,
    span: outputs[1]!.statement.span,
    hint: 'name the outputs (u = ...; v = ...) and choose one with --of u',
  });
}

/**
 * A vector given by name (`--dir x=1,y=0`, `--cotangent u=1,v=2`) over `names` (variables or output labels):
 * names left out are 0; a name that is not one of `names` is an error pointing at it.
 */
export function parseVector(texts: string[], label: string, known: readonly string[], what: string, plural: string): { vector: Float64Array; bindings: Binding[] } {
  if (texts.length === 0) {
    throw new AdiffError({ kind: 'usage', message: `${label} is required`, hint: `for example ${label} ${known.map((n, i) => `${n}=${i === 0 ? 1 : 0}`).join(',') || 'x=1'}` });
  }
  const { bindings } = collectAssignments(texts, label);
  const vector = new Float64Array(known.length);
  for (const b of bindings) {
    const k = known.indexOf(b.name);
    if (k < 0) {
      throw new AdiffError({
        kind: 'input',
        message: `'${b.name}' is not ${what}`,
        source: b.source,
        span: b.nameSpan,
        hint: known.length > 0 ? `the ${plural} are: ${known.join(', ')}` : `the formula has no ${plural}`,
      });
    }
    vector[k] = b.value;
  }
  return { vector, bindings };
}

/** `--order k`: a positive integer (at most `max`), with a caret under the offending text. */
export function parseOrder(text: string, max = 1000): number {
  const source: Source = { name: '--order', text };
  const trimmed = text.trim();
  const lead = text.length - text.trimStart().length;
  const span = { start: lead, end: Math.max(lead + 1, lead + trimmed.length) };
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1) {
    throw new AdiffError({ kind: 'usage', message: `--order must be a positive integer, not '${text}'`, source, span, hint: 'for example --order 3' });
  }
  const k = Number(trimmed);
  if (k > max) throw new AdiffError({ kind: 'usage', message: `--order ${k} is above the limit of ${max}`, source, span });
  return k;
}

/** A mode option that may be left to the command (`auto`). */
export function parseModeOption(mode: string | undefined): 'reverse' | 'forward' | 'auto' {
  if (mode === undefined || mode === 'auto' || mode === 'reverse' || mode === 'forward') return mode ?? 'auto';
  throw new AdiffError({ kind: 'usage', message: `unknown mode '${mode}'`, source: { name: '--mode', text: mode }, span: { start: 0, end: mode.length }, hint: '--mode is reverse, forward or auto' });
}
