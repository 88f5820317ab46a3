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

/**
 * The one exception type adiff throws for bad input: a syntax, name or arity error in a formula, a bad argument to
 * a library function. `kind` says which; `line` and `column` (1-based, columns in Unicode characters) say where in
 * the formula, when the error has a place (`undefined` otherwise); `format()` gives the caret text the CLI prints.
 */
export class AdiffError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(diagnostic: Omit<Diagnostic, 'severity'> & { severity?: Severity }) {
    super(diagnostic.message);
    this.name = 'AdiffError';
    this.diagnostic = { severity: 'error', ...diagnostic };
  }
  get kind(): DiagnosticKind {
    return this.diagnostic.kind;
  }
  get line(): number | undefined {
    const { source, span } = this.diagnostic;
    return source && span ? lineColumn(source.text, span.start).line : undefined;
  }
  get column(): number | undefined {
    const { source, span } = this.diagnostic;
    return source && span ? lineColumn(source.text, span.start).column : undefined;
  }
  /** The hint, when the error has one (e.g. a suggestion for a misspelt name). */
  get hint(): string | undefined {
    return this.diagnostic.hint;
  }
  /** The error as the CLI prints it: the message, then the source line with a caret under the place, and the hint. */
  format(): string {
    return formatDiagnostic(this.diagnostic);
  }
}

/** How formatDiagnostic colours its parts (the CLI passes chalk's colours; plain text leaves them as they are). */
export interface Paint {
  error(s: string): string;
  warning(s: string): string;
  bold(s: string): string;
  /** The arrow, the gutter and the bars. */
  frame(s: string): string;
  hint(s: string): string;
}

const plain: Paint = { error: (s) => s, warning: (s) => s, bold: (s) => s, frame: (s) => s, hint: (s) => s };

/** Replaces tabs and control characters so a caret lines up under the text it points at. */
const visible = (s: string) => s.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '\ufffd');

/** A diagnostic as caret text: `adiff: error: message`, ` --> expr:1:5`, the line, the caret, `= hint:`. */
export function formatDiagnostic(d: Diagnostic, c: Paint = plain): string {
  const head = d.severity === 'error' ? c.error('error') : c.warning('warning');
  const lines = [`adiff: ${head}: ${c.bold(d.message)}`];
  if (d.source && d.span) {
    const { text, name } = d.source;
    const start = lineColumn(text, d.span.start);
    const gutter = String(start.line);
    const pad = ' '.repeat(gutter.length);
    const lineEnd = start.lineStart + start.lineText.length;
    const caretEnd = Math.max(d.span.start + 1, Math.min(d.span.end, lineEnd));
    const maxShown = 200;
    // (2·maxShown code units hold at least maxShown code points: the caret is never wider than that.)
    const width = Math.max(1, codePointLength(text.slice(d.span.start, Math.min(caretEnd, d.span.start + 2 * maxShown))));
    let shown = start.lineText;
    let column = start.column;
    // Very long lines are cut around the caret so the message stays readable: 60 characters before it, maxShown in
    // all. Only a window of the line is read, so many warnings about one long line do not each read all of it: 120
    // code units before the caret hold at least 60 code points, 2·maxShown after it at least maxShown (a surrogate
    // pair split at either end of the window lies outside the part shown).
    if (shown.length > maxShown && (shown.length > 2 * maxShown || codePointLength(shown) > maxShown)) {
      const caret = Math.min(d.span.start, text.length) - start.lineStart;
      const a = Math.max(0, caret - 120);
      const b = Math.min(shown.length, caret + 2 * maxShown);
      const chars = Array.from(shown.slice(a, b));
      const k = codePointLength(shown.slice(a, caret));
      const from = Math.max(0, k - 60);
      const cutBefore = a > 0 || from > 0;
      shown = (cutBefore ? '…' : '') + chars.slice(from, from + maxShown).join('') + (from + maxShown < chars.length || b < shown.length ? '…' : '');
      column = k - from + 1 + (cutBefore ? 1 : 0);
    }
    lines.push(`${pad}${c.frame('-->')} ${name}:${start.line}:${start.column}`);
    lines.push(`${pad} ${c.frame('|')}`);
    lines.push(`${c.frame(gutter)} ${c.frame('|')} ${visible(shown)}`);
    const caret = '^'.repeat(Math.min(width, maxShown));
    lines.push(`${pad} ${c.frame('|')} ${' '.repeat(column - 1)}${d.severity === 'error' ? c.error(caret) : c.warning(caret)}`);
  }
  if (d.hint) lines.push(`${d.source && d.span ? ' '.repeat(String(lineColumn(d.source.text, d.span.start).line).length) + ' ' : ''}${c.hint('= hint:')} ${d.hint}`);
  return lines.join('\n') + '\n';
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
