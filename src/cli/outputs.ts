// Options of the higher-order commands: a direction or cotangent (`--dir x=1,y=0`, `--cotangent u=1`), a mode, and
// a derivative order (`--order 3`); which outputs (`--of u,v`) is the core's (autodiff/outputs.ts). Errors point into the option's own text.
import { AdiffError, type Source } from '../diagnostics.js';
import type { Lowered } from '../autodiff/lower.js';
import { collectAssignments, type Binding } from './options.js';
import type { Context } from './context.js';

export { resolveOutputs, resolveSingleOutput, type Output } from '../autodiff/outputs.js';

/**
 * Without --of, a program of assignments alone (`a = x*y; b = x + y`) has one output, its last assignment: a note
 * that says so and how to choose others (`verb`: what the command does with them), when there are others.
 */
export function lastAssignmentNote(lowered: Lowered, of: string | undefined, verb: string): string | undefined {
  const assigned = lowered.statements.filter((s) => s.name !== undefined).map((s) => s.name!);
  if (of !== undefined || lowered.expressions.length > 0 || assigned.length < 2) return undefined;
  return `(${assigned[assigned.length - 1]} is the program's output, its last assignment; --of ${assigned.join(',')} ${verb} each of them)`;
}

/**
 * A vector given by name (`--dir x=1,y=0`, `--cotangent u=1,v=2`) over `names` (variables or output labels):
 * names left out are 0; a name that is not one of `names` is an error pointing at it. A value's warnings (1e400
 * overflows to Infinity) are reported to `ctx`.
 */
export function parseVector(ctx: Context, texts: string[], label: string, known: readonly string[], what: string, plural: string): { vector: Float64Array; bindings: Binding[] } {
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
  ctx.reportAll(bindings.flatMap((b) => b.warnings));
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
