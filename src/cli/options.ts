// Option values that carry a little language of their own: `--at x=2,y=pi/2`, `--wrt x,y`. Errors point into
// the option's own text with a caret, like errors in the formula.
import { AdiffError, type Diagnostic, type Source, type Span } from '../diagnostics.js';
import { evaluate } from '../autodiff/evaluate.js';
import { lower } from '../autodiff/lower.js';
import { parse } from '../parser/parse.js';

/** A variable name: a letter or `_`, then letters, digits, combining marks or `_` (Unicode letters included; not
 * superscripts, as the lexer reads names). */
const NAME = /^[\p{L}_](?:(?![\u00b2\u00b3\u00b9\u2070-\u207f])[\p{L}\p{N}\p{M}_])*$/u;
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
  /** Where the value's text is, and the warnings it gave (overflow to Infinity, a NaN constant expression). */
  valueSpan: Span;
  warnings: Diagnostic[];
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

/** Characters that a value (a number or a constant expression) never contains, and why each is not allowed. */
const NOT_IN_VALUE: Record<string, string> = {
  ';': "';' separates the statements of a formula, not values",
  '\n': 'a line break separates the statements of a formula, not values',
  '\r': 'a line break separates the statements of a formula, not values',
  '=': "'=' assigns in a formula; a value has none",
  '#': "'#' starts a comment in a formula; a value has none",
};

/** What a value's text gave: the number, and warnings (overflow, underflow, a constant expression that is not finite). */
export interface ParsedValue {
  value: number;
  warnings: Diagnostic[];
}

/**
 * A number, `NaN`/`Infinity`, or a constant expression such as `pi/2` or `-sqrt(2)`: one expression, never a
 * program (no `;`, line break, `=` or `#`). `span` is where `text` sits in `source`; `what` names the value in
 * messages (`the value of 'x'`). A number too large or too small for double precision, or a constant expression
 * whose value is NaN or infinite, is a warning pointing at it.
 */
export function readValue(text: string, span: Span, source: Source, what: string, pairs?: string): ParsedValue {
  const bad = /[;\n\r=#]/.exec(text);
  if (bad) {
    const at = span.start + bad.index;
    const ch = bad[0]!;
    const hint = pairs ? `a value is a number or a constant expression such as pi/2; separate name=value pairs with commas: ${pairs} x=1,y=2` : 'write a number or a constant expression such as pi/2';
    throw new AdiffError({ kind: 'input', message: `${what} must be one number or constant expression: ${NOT_IN_VALUE[ch]!}`, source, span: { start: at, end: at + 1 }, hint });
  }
  const warn = (message: string): Diagnostic => ({ severity: 'warning', kind: 'domain', message, source, span });
  if (NUMBER.test(text)) {
    const value = Number(text);
    const warnings: Diagnostic[] = [];
    if (!Number.isFinite(value)) warnings.push(warn(`${what}, ${text}, is too large for double precision; it is ${value}`));
    else if (value === 0 && /[1-9]/.test(text.split(/[eE]/)[0]!)) warnings.push(warn(`${what}, ${text}, is too small for double precision; it is 0`));
    return { value, warnings };
  }
  const special = SPECIAL[text.toLowerCase()];
  if (special !== undefined) return { value: special, warnings: [] };
  const notNumber = (): never => {
    throw new AdiffError({ kind: 'input', message: `${what} is not a number: '${text}'`, source, span, hint: 'write a number such as 2, -0.5, 1e-3, or a constant expression such as pi/2' });
  };
  try {
    const lowered = lower(parse(text));
    if (lowered.graph.inputs.length > 0) return notNumber();
    const value = evaluate(lowered.graph, [])[lowered.output.node]!;
    // The lowering's warnings (a literal such as 1e400 inside the expression), moved into the option's text.
    const warnings: Diagnostic[] = lowered.warnings.map((d) => ({
      ...d,
      message: `in ${what}: ${d.message}`,
      source,
      span: d.span ? { start: span.start + d.span.start, end: span.start + d.span.end } : span,
    }));
    if (!Number.isFinite(value) && !warnings.some((d) => d.kind === 'domain')) warnings.push(warn(`${what}, ${text}, is ${value}`));
    return { value, warnings };
  } catch (e) {
    if (e instanceof AdiffError) return notNumber();
    throw e;
  }
}

/** The number of a value's text (see readValue); its warnings are dropped. */
export function parseValue(text: string, span: Span, source: Source, name: string): number {
  return readValue(text, span, source, `the value of '${name}'`).value;
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
    const parsed = readValue(value.text, value.span, source, `the value of '${name.text}'`, label);
    out.push({ name: name.text, value: parsed.value, source, nameSpan: name.span, valueSpan: value.span, warnings: parsed.warnings });
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

/** Warnings for bound values: each value's own (overflow, a constant expression that is not finite), and names the
 * formula does not use (their values are ignored). */
export function bindingWarnings(bindings: Binding[], inputs: readonly string[]): Diagnostic[] {
  const known = new Set(inputs);
  return bindings.flatMap((b) =>
    known.has(b.name)
      ? b.warnings
      : [{
          severity: 'warning' as const,
          kind: 'unused' as const,
          message: `'${b.name}' is not a variable of the formula; its value is ignored`,
          source: b.source,
          span: b.nameSpan,
          hint: inputs.length > 0 ? `the variables are: ${inputs.join(', ')}` : `the formula has no variables`,
        }],
  );
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
