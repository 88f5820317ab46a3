// Errors and warnings are data with spans; line:column is computed only when rendering.

/** A half-open range of UTF-16 offsets [start, end) into a source text. */
export interface Span {
  start: number;
  end: number;
}

/** Where a text came from: the expression argument, a file, standard input, or an option such as --at. */
export interface Source {
  /** Short label printed in `--> label:line:col` (e.g. `expr`, `--at`, a file name). */
  name: string;
  text: string;
}

export type DiagnosticKind =
  | 'syntax' // the text does not follow the grammar
  | 'name' // unknown function, undefined or re-assigned name, misuse of a function name
  | 'arity' // wrong number of arguments
  | 'input' // a value is missing or malformed (--at, --dir, ...)
  | 'usage' // a bad option or argument on the command line
  | 'io' // a file cannot be read
  | 'limit' // input beyond a documented limit (nesting depth)
  | 'domain' // warning: a value or derivative is not finite
  | 'kink' // warning: a point where a function is not differentiable
  | 'precision' // warning: rounding errors may have spoiled a result (high-order derivatives)
  | 'unused'; // warning: a value that the formula does not use

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  kind: DiagnosticKind;
  message: string;
  source?: Source;
  span?: Span;
  hint?: string;
}

/** The one exception type the core throws for bad input. */
export class AdiffError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(diagnostic: Omit<Diagnostic, 'severity'> & { severity?: Severity }) {
    super(diagnostic.message);
    this.name = 'AdiffError';
    this.diagnostic = { severity: 'error', ...diagnostic };
  }
}

export function fail(kind: DiagnosticKind, message: string, source?: Source, span?: Span, hint?: string): never {
  throw new AdiffError({ kind, message, source, span, hint });
}

export interface LineColumn {
  /** 1-based line number. */
  line: number;
  /** 1-based column, counted in Unicode characters (code points). */
  column: number;
  /** The whole source line containing the position (without its line break). */
  lineText: string;
  /** Offset of the line's first character in the source. */
  lineStart: number;
}

/** Converts a UTF-16 offset into a 1-based line and a 1-based column counted in code points. */
export function lineColumn(text: string, offset: number): LineColumn {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 13 && text.charCodeAt(i + 1) !== 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = lineStart;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const column = codePointLength(text.slice(lineStart, at)) + 1;
  return { line, column, lineText: text.slice(lineStart, lineEnd), lineStart };
}

export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * The text of a span as a message quotes it: whitespace runs as one space, and a long text cut in the middle
 * (`ln(x+x+x … x+x+x)`), so a message about a subexpression of a huge formula stays one readable line.
 */
export function excerpt(text: string, span: Span, max = 60): string {
  const head = Math.ceil(max / 2);
  const tail = max - head;
  if (span.end - span.start <= 4 * max) {
    const chars = Array.from(text.slice(span.start, span.end).replace(/\s+/g, ' '));
    if (chars.length <= max) return chars.join('');
    return `${chars.slice(0, head).join('').trimEnd()} … ${chars.slice(chars.length - tail).join('').trimStart()}`;
  }
  const first = Array.from(text.slice(span.start, span.start + 4 * head).replace(/\s+/g, ' ')).slice(0, head).join('');
  const lastChars = Array.from(text.slice(span.end - 4 * tail, span.end).replace(/\s+/g, ' '));
  return `${first.trimEnd()} … ${lastChars.slice(lastChars.length - tail).join('').trimStart()}`;
}
