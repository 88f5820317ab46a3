// Option values that carry a little language of their own: `--at x=2,y=pi/2`, `--wrt x,y`. Errors point into
// the option's own text with a caret, like errors in the formula.
import { AdiffError, type Diagnostic, type Source, type Span } from '../diagnostics.js';
import { evaluate } from '../autodiff/evaluate.js';
import { lower } from '../autodiff/lower.js';
import { parse } from '../parser/parse.js';

/** A variable name: a letter or `_`, then letters, digits, combining marks or `_` (Unicode letters included). */
const NAME = /^[\p{L}_][\p{L}\p{N}\p{M}_]*$/u;
/** The same for ASCII text, where \p{L} is A-Z a-z, \p{N} is 0-9 and \p{M} is empty: V8 compiles this RegExp much
 * faster than the Unicode one (about 1.5 ms of a one-point run), which is built only for names that need it. */
const ASCII_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASCII = /^[\x00-\x7f]*$/;
export const isName = (text: string): boolean => (ASCII.test(text) ? ASCII_NAME : NAME).test(text);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, { nan: NaN, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity, inf: Infinity, '+inf': Infinity, '-inf': -Infinity });

export interface Binding {
  name: string;
  value: number;
  source: Source;
  nameSpan: Span;
}

/** Splits `a,b,c` at commas outside parentheses, keeping each piece's offset. */
function splitTopLevel(text: string): { text: string; start: number }[] {
  const pieces: { text: string; start: number }[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (i === text.length || (ch === ',' && depth <= 0)) {
      pieces.push({ text: text.slice(start, i), start });
      start = i + 1;
    }
  }
  return pieces;
}

/** Trims a piece, returning its trimmed text and span. */
function trimmed(piece: { text: string; start: number }): { text: string; span: Span } {
  const lead = piece.text.length - piece.text.trimStart().length;
  const text = piece.text.trim();
  return { text, span: { start: piece.start + lead, end: piece.start + lead + text.length } };
}

/** A number, `NaN`/`Infinity`, or a constant expression such as `pi/2` or `-sqrt(2)`. */
export function parseValue(text: string, span: Span, source: Source, name: string): number {
  if (NUMBER.test(text)) return Number(text);
  const special = SPECIAL[text.toLowerCase()];
  if (special !== undefined) return special;
  const notNumber = (): never => {
    throw new AdiffError({ kind: 'input', message: `the value of '${name}' is not a number: '${text}'`, source, span, hint: 'write a number such as 2, -0.5, 1e-3, or a constant expression such as pi/2' });
  };
  try {
    const lowered = lower(parse(text));
    if (lowered.graph.inputs.length > 0) return notNumber();
    return evaluate(lowered.graph, [])[lowered.output.node]!;
  } catch (e) {
    if (e instanceof AdiffError) return notNumber();
    throw e;
  }
}

/** Parses one `--at` text into bindings, in order. Throws AdiffError pointing into the text. */
export function parseAssignments(text: string, label = '--at'): Binding[] {
  const source: Source = { name: label, text };
  const err = (message: string, span: Span, hint?: string): never => {
    throw new AdiffError({ kind: 'input', message, source, span, hint });
  };
  if (text.trim() === '') err(`${label} needs name=value pairs`, { start: 0, end: 1 }, `for example ${label} x=1,y=2`);
  const out: Binding[] = [];
  for (const piece of splitTopLevel(text)) {
    const whole = trimmed(piece);
    if (whole.text === '') err('empty item (two commas in a row, or a comma at an end)', { start: piece.start, end: piece.start + 1 });
    const eq = piece.text.indexOf('=');
    if (eq < 0) err(`expected name=value, found '${whole.text}'`, whole.span, `for example ${label} ${isName(whole.text) ? whole.text : 'x'}=1`);
    const name = trimmed({ text: piece.text.slice(0, eq), start: piece.start });
    const value = trimmed({ text: piece.text.slice(eq + 1), start: piece.start + eq + 1 });
    if (name.text === '') err(`missing name before '='`, { start: piece.start + eq, end: piece.start + eq + 1 }, `write name=value, e.g. x${whole.text}`);
    if (!isName(name.text)) err(`'${name.text}' is not a variable name`, name.span, 'a name is a letter or _, then letters, digits or _');
    if (value.text === '') err(`missing value for '${name.text}'`, { start: piece.start + eq, end: piece.start + eq + 1 }, `write ${name.text}=<number>`);
    out.push({ name: name.text, value: parseValue(value.text, value.span, source, name.text), source, nameSpan: name.span });
  }
  return out;
}

/** Merges the texts of repeated options into one name → value map; a name given twice is an error. */
export function collectAssignments(texts: string[], label = '--at'): { values: Map<string, number>; bindings: Binding[] } {
  const values = new Map<string, number>();
  const bindings: Binding[] = [];
  for (const text of texts) {
    for (const b of parseAssignments(text, label)) {
      if (values.has(b.name)) {
        throw new AdiffError({ kind: 'input', message: `'${b.name}' is given twice`, source: b.source, span: b.nameSpan, hint: 'give each variable one value' });
      }
      values.set(b.name, b.value);
      bindings.push(b);
    }
  }
  return { values, bindings };
}

/** Warnings for bound names the formula does not use. */
export function unusedBindings(bindings: Binding[], inputs: readonly string[], label = '--at'): Diagnostic[] {
  const known = new Set(inputs);
  return bindings
    .filter((b) => !known.has(b.name))
    .map((b) => ({
      severity: 'warning' as const,
      kind: 'unused' as const,
      message: `'${b.name}' is not a variable of the formula; its value is ignored`,
      source: b.source,
      span: b.nameSpan,
      hint: inputs.length > 0 ? `the variables are: ${inputs.join(', ')}` : `the formula has no variables`,
    }));
  void label;
}

/** Parses `--wrt a,b` against the formula's variables; returns input indices in the order given. */
export function parseNameList(text: string, inputs: readonly string[], label = '--wrt'): number[] {
  const source: Source = { name: label, text };
  const seen = new Set<string>();
  const out: number[] = [];
  for (const piece of splitTopLevel(text)) {
    const { text: name, span } = trimmed(piece);
    const fail = (message: string, hint?: string): never => {
      throw new AdiffError({ kind: 'input', message, source, span: name === '' ? { start: piece.start, end: piece.start + 1 } : span, hint });
    };
    if (name === '') fail(`empty name in ${label}`);
    const k = inputs.indexOf(name);
    if (k < 0) fail(`'${name}' is not a variable of the formula`, inputs.length > 0 ? `the variables are: ${inputs.join(', ')}` : 'the formula has no variables');
    if (seen.has(name)) fail(`'${name}' is given twice`);
    seen.add(name);
    out.push(k);
  }
  return out;
}
