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

/**
 * Where each line of the last text asked about starts, and its code-point offsets: a thousand warnings about one
 * long line cost one pass over it, not one pass each.
 */
let indexed: { text: string; starts: number[]; codePoint: (offset: number) => number } | undefined;

function lineIndex(text: string): NonNullable<typeof indexed> {
  if (indexed?.text === text) return indexed;
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (indexed = { text, starts, codePoint: codePointOffsets(text) });
}

/** Converts a UTF-16 offset into a 1-based line and a 1-based column counted in code points. */
export function lineColumn(text: string, offset: number): LineColumn {
  const at = Math.max(0, Math.min(offset, text.length));
  const { starts, codePoint } = lineIndex(text);
  // The last line start at or before `at`.
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  const lineStart = starts[lo]!;
  // The line ends before its line break (\n, \r\n or \r), or at the end of the text.
  let lineEnd = lo + 1 < starts.length ? starts[lo + 1]! - 1 : text.length;
  if (lineEnd > lineStart && text[lineEnd] === '\n' && text[lineEnd - 1] === '\r') lineEnd--;
  const column = codePoint(at) - codePoint(lineStart) + 1;
  return { line: lo + 1, column, lineText: text.slice(lineStart, lineEnd), lineStart };
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

/** Maps UTF-16 offsets into `text` to code-point offsets (what Python's str or Array.from(text) index), in one pass. */
export function codePointOffsets(text: string): (offset: number) => number {
  if (!/[\ud800-\udfff]/.test(text)) return (offset) => offset;
  const at = new Uint32Array(text.length + 1);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    at[i] = n;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) at[++i] = n;
    n++;
  }
  at[text.length] = n;
  return (offset) => at[offset]!;
}

/** The longest source excerpt a trace row, graph node or warning shows; longer ones keep their start and end around ' … '. */
export const MAX_EXCERPT = 120;

/**
 * The source of a node, whitespace collapsed, at most about MAX_EXCERPT characters: each of the n nested nodes of
 * a deep chain (`- - - ... x`) spans nearly the whole text, so full excerpts would make a trace, a graph or the warnings O(n²) long.
 */
export function sourceExcerpt(text: string, span: Span | undefined): string {
  if (!span) return '';
  const { start, end } = span;
  const half = MAX_EXCERPT / 2;
  const clean = (s: string) => s.replace(/\s+/g, ' ');
  if (end - start <= MAX_EXCERPT + 3) return clean(text.slice(start, end));
  // Do not split a surrogate pair at either cut.
  let a = start + half;
  if (/[\ud800-\udbff]/.test(text[a - 1] ?? '')) a++;
  let b = end - half;
  if (/[\udc00-\udfff]/.test(text[b] ?? '')) b--;
  return `${clean(text.slice(start, a))} … ${clean(text.slice(b, end))}`;
}
