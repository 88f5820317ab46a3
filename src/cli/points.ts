// Reading points for batch evaluation: CSV with a header row of variable names, or NDJSON objects, streamed
// chunk by chunk into fixed-size blocks of columns (one Float64Array per variable), so memory does not grow
// with the number of points. A bad point is recorded with its line number and reading goes on.
import { AdiffError } from '../diagnostics.js';
import { isNumberString } from './render/number-bytes.js';

export type InputFormat = 'csv' | 'ndjson';

/** One block of points: `columns[k][i]` is variable k of point i; `errors[i]` is set for a bad point. */
export interface Block {
  count: number;
  columns: Float64Array[];
  /** 1-based line of each point in the input (the first line of a quoted multi-line CSV record). */
  lines: Int32Array;
  errors: (string | undefined)[];
  /** CSV only: each variable's field as written, where it is exactly the number's own text, String(v) (else undefined). */
  texts?: (string | undefined)[][];
}


export interface PointReaderOptions {
  /** The variables to read, in the formula's input order. */
  names: readonly string[];
  /** Which of them the output needs: a needed variable missing from a point is an error for that point. */
  needed: readonly boolean[];
  /** Values for variables a point does not give (from --at). */
  defaults?: ReadonlyMap<string, number>;
  format?: InputFormat;
  blockSize?: number;
  /** Label for errors about the whole input (`<stdin>` or the file name). */
  label: string;
}

const SPECIAL: ReadonlyMap<string, number> = new Map([
  ['nan', NaN], ['infinity', Infinity], ['+infinity', Infinity], ['-infinity', -Infinity], ['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity],
]);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number as written in a CSV field or an NDJSON string: decimal or scientific, or NaN/Infinity/-Infinity. */
export function parseNumber(text: string): number | undefined {
  const v = +text;
  // Fast path: where `+` gives a number, it accepts our syntax except for hexadecimal/octal/binary forms
  // (0x1f: excluded by the second character), blanks, spaces around, and `Infinity` (first or last character).
  const n = text.length;
  if (v === v && n > 0) {
    const first = text.charCodeAt(0);
    const last = text.charCodeAt(n - 1);
    const second = n > 1 ? text.charCodeAt(1) | 32 : 0;
    if (((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46) && ((last >= 48 && last <= 57) || last === 46) && second !== 120 && second !== 111 && second !== 98) {
      return v;
    }
  }
  const t = text.trim();
  if (NUMBER.test(t)) return +t;
  return SPECIAL.get(t.toLowerCase());
}

// CSV quoting, as RFC 4180 and Python's csv module (its defaults) read it:
// - a field is quoted only when its first character is `"` (no space before it); a `"` anywhere else in an
//   unquoted field is a literal character (`5" screen` is the text 5" screen, and opens nothing);
// - inside a quoted field, commas and line breaks are literal, `""` is one literal quote, and a lone `"` closes it;
// - text after the closing quote, up to the next comma, is appended to the field literally (`"1"5` is 15, `"a"b"`
//   is ab"), as Python's csv does by default: an oddity in a column the formula ignores then costs nothing, and in a
//   variable's column the field is still read as a number or rejected for that point alone.
// splitCsv and quoteOpenAfter (which carries the state from line to line, see PointParser.line) follow these
// same rules, and csvRecordBoundary (where a run of lines can be cut for another thread) uses quoteOpenAfter.

/** Splits one CSV record into fields, with RFC 4180 quoting ("a ""b""" → a "b"; see the rules above). */
export function splitCsv(record: string): string[] {
  if (!record.includes('"')) return record.split(',');
  const fields: string[] = [];
  const n = record.length;
  let i = 0;
  for (;;) {
    let field = '';
    if (record.charCodeAt(i) === 34) {
      // A quoted field: up to the lone quote that closes it (or, for a record cut short, the end).
      let from = i + 1;
      for (;;) {
        const q = record.indexOf('"', from);
        if (q < 0) {
          field += record.slice(from);
          i = n;
          break;
        }
        field += record.slice(from, q);
        if (record.charCodeAt(q + 1) === 34) {
          field += '"';
          from = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    }
    const comma = record.indexOf(',', i);
    fields.push(field + record.slice(i, comma < 0 ? n : comma));
    if (comma < 0) return fields;
    i = comma + 1;
  }
}

/**
 * Whether a CSV record is inside a quoted field at the end of `line`, given whether it was at its start (`open`:
 * the line continues a quoted field past a line break). Only this line is scanned, and only its quotes are looked
 * at: outside a quoted field, a quote opens one where a field starts (at the start of the line or after a comma);
 * inside, `""` is a quote and a lone `"` closes it. So a record of many lines is read in linear time.
 */
export function quoteOpenAfter(line: string, open: boolean): boolean {
  for (let q = line.indexOf('"'); q >= 0; q = line.indexOf('"', q + 1)) {
    if (open) {
      if (line.charCodeAt(q + 1) === 34) q++; // "" inside quotes
      else open = false; // the closing quote: what follows, up to the next comma, is literal
    } else if (q === 0 || line.charCodeAt(q - 1) === 44) open = true; // a field that starts with a quote
  }
  return open;
}

/**
 * How long (in characters, line breaks included) a CSV record may run on inside a quoted field before it is taken
 * for an unclosed quote: it then becomes an error for its point, and reading goes on at the next line. Real points
 * are short, so this only bounds how much one stray quote can swallow (Python's csv stops a field at 131072).
 */
export const MAX_OPEN_RECORD = 1 << 20;

/**
 * Where to cut CSV text (which starts at a record) so that the part before the cut is whole records, read exactly
 * as PointParser reads them: after the last line break outside a quoted field, or after the line where a record
 * passed MAX_OPEN_RECORD. 0 when there is none.
 */
export function csvRecordBoundary(text: string): number {
  const last = text.lastIndexOf('\n');
  if (last < 0) return 0;
  let q = text.indexOf('"');
  if (q < 0) return last + 1;
  let cut = 0;
  let open = false;
  let size = 0; // of the open record, counted as PointParser does (lines without CR LF, joined by LF)
  // quoteOpenAfter's loop over the whole text (no line is copied): the next quote is found once, not once a line.
  for (let start = 0, nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
    const wasOpen = open;
    for (; q >= 0 && q < nl; q = text.indexOf('"', q + 1)) {
      if (open) {
        if (text.charCodeAt(q + 1) === 34) q++;
        else open = false;
      } else if (q === start || text.charCodeAt(q - 1) === 44) open = true;
    }
    if (open) {
      const length = nl - start - (nl > start && text.charCodeAt(nl - 1) === 13 ? 1 : 0);
      size = wasOpen ? size + 1 + length : length;
      if (size > MAX_OPEN_RECORD) open = false; // the record ends here, as an error point (PointParser.overflow)
    }
    if (!open) cut = nl + 1;
  }
  return cut;
}

/** What a parser must know to read CSV records after the header: which field holds each variable, and how many fields a record has. */
export interface CsvLayout {
  fieldOf: number[];
  width: number;
}

/** Where a parser stands between records, enough to continue in another thread (see parallel.ts). */
export interface ParserState {
  format: InputFormat;
  csv?: CsvLayout;
}

/**
 * Turns records (lines of text, numbered) into blocks of points. `line()` takes one line at a time and fills
 * `block`; the caller empties the block when it is `full()` and at the end of its input. Throws AdiffError when
 * the input as a whole is unusable (a CSV header without a column for a needed variable).
 */
export class PointParser {
  readonly block: Block;
  format: InputFormat | undefined;
  /** Whether any non-blank line has been seen (an input with none is an error). */
  sawAnything = false;
  /** How many points (good or bad) this parser has produced. */
  points = 0;
  private csv: CsvLayout | undefined;
  // A CSV record inside a quoted field at the end of its last line so far: its lines (joined once, when it ends),
  // its first line's number, and its length so far (line breaks included).
  private pending: { lines: string[]; line: number; size: number } | undefined;
  // Whether this parser reads the whole input: not started from another's state, nor handing its state to others
  // (parallel.ts). Only then can it tell, at the end, that the input had no point.
  private alone = true;
  private readonly size: number;
  private readonly n: number;
  private readonly defaultOf: (number | undefined)[];
  // Field boundaries of the current record, reused (a record without quotes is not split into an array).
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);

  constructor(
    private readonly options: PointReaderOptions,
    state?: ParserState,
  ) {
    const { names } = options;
    this.size = options.blockSize ?? 1024;
    this.n = names.length;
    this.block = {
      count: 0,
      columns: names.map(() => new Float64Array(this.size)),
      lines: new Int32Array(this.size),
      errors: new Array(this.size).fill(undefined),
      texts: names.map(() => new Array<string | undefined>(this.size)),
    };
    this.defaultOf = names.map((name) => options.defaults?.get(name));
    this.format = state?.format ?? options.format;
    this.csv = state?.csv;
    if (state) {
      this.sawAnything = true;
      this.alone = false;
    }
  }

  full(): boolean {
    return this.block.count === this.size;
  }

  /** The number of the next line to be fed (1-based). */
  nextLine = 1;

  /**
   * Feeds the complete lines of `text` (LF or CRLF) until the block is full, and returns where it stopped: at the
   * unfinished last line, or after the line that filled the block (the caller empties it and feeds the rest).
   */
  feed(text: string): number {
    return eachLine(text, this.nextLine, (line, n) => {
      this.line(line, n);
      this.nextLine = n + 1;
      return this.full();
    });
  }

  /** The input's last line, which has no line break (nothing when it is empty). */
  last(text: string): void {
    if (text !== '') this.line(text.endsWith('\r') ? text.slice(0, -1) : text, this.nextLine++);
  }

  /** Between records, with what it has learnt from the input so far (format, CSV header), or undefined. */
  state(): ParserState | undefined {
    if (this.pending || this.format === undefined || (this.format === 'csv' && this.csv === undefined)) return undefined;
    this.alone = false; // the rest of the input may be read by other parsers
    return { format: this.format, csv: this.csv };
  }

  /** One line of the input (without its line break). */
  line(text: string, line: number): void {
    const pending = this.pending;
    if (pending) {
      // Inside a quoted field: only the new line is scanned, and the record's lines are joined once, at its end.
      pending.lines.push(text);
      pending.size += 1 + text.length;
      if (quoteOpenAfter(text, true)) {
        if (pending.size > MAX_OPEN_RECORD) this.overflow(line);
        return;
      }
      this.pending = undefined;
      const record = pending.lines.join('\n');
      if (this.csv === undefined) this.header(record, pending.line);
      else this.csvRecord(record, pending.line);
      return;
    }
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return; // blank lines are not points
    if (!this.sawAnything) {
      this.sawAnything = true;
      this.format ??= text.trimStart().startsWith('{') ? 'ndjson' : 'csv';
    }
    if (this.format === 'ndjson') this.ndjsonRecord(text, line);
    else if (text.indexOf('"') >= 0 && quoteOpenAfter(text, false)) {
      this.pending = { lines: [text], line, size: text.length };
      if (text.length > MAX_OPEN_RECORD) this.overflow(line);
    } else if (this.csv === undefined) this.header(text, line);
    else this.csvRecord(text, line);
  }

  /**
   * A record still inside a quoted field after MAX_OPEN_RECORD characters (at line `last`): an error for its point,
   * most likely an unclosed quote; reading goes on at the next line (csvRecordBoundary cuts there too).
   */
  private overflow(last: number): void {
    const { line } = this.pending!;
    this.pending = undefined;
    const where = last === line ? `line ${line} is` : `lines ${line}-${last} are`;
    const why = `a quoted field runs on for more than ${MAX_OPEN_RECORD} characters (an unclosed quote?): ${where} taken as one record`;
    if (this.csv === undefined) this.fail(`the header (line ${line}): ${why}`, 'a field that starts with " ends at the next lone "; "" inside it is a quote');
    this.point(line, `${why}, and reading goes on at line ${last + 1}`);
  }

  /**
   * The end of the input: a record left open by a quote becomes an error point. Throws AdiffError when the input
   * had no point at all (nothing but blank lines, or a CSV header alone), when this parser has read all of it.
   */
  finish(): void {
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      if (this.csv === undefined) this.fail(`the header (line ${pending.line}) has an unclosed quote`, 'a field that starts with " ends at the next lone "; "" inside it is a quote');
      this.point(pending.line, 'unclosed quote: the record runs to the end of the input');
    }
    if (this.alone && this.points === 0) this.failNoPoints();
  }

  /** The error for an input without any point: empty (or blank lines only), or a CSV header alone. */
  failNoPoints(): never {
    if (this.format === 'csv' && this.csv !== undefined) this.fail('there are no points: the CSV header is not followed by any row', 'after the header row, give one point per line');
    this.fail('there are no points: the input is empty', 'give a CSV file with a header row, or NDJSON objects, one per line');
  }

  fail(message: string, hint?: string): never {
    throw new AdiffError({ kind: 'input', message: `${this.options.label}: ${message}`, hint });
  }

  private point(line: number, error?: string): number {
    const block = this.block;
    const i = block.count++;
    this.points++;
    block.lines[i] = line;
    block.errors[i] = error;
    return i;
  }

  private header(text: string, line: number): void {
    const { names, needed } = this.options;
    const fields = splitCsv(text).map((f) => f.trim());
    // Each column's first position, and the names given twice (a map: a header may have 10^4 columns).
    const first = new Map<string, number>();
    const twice = new Set<string>();
    fields.forEach((f, i) => (first.has(f) ? twice.add(f) : first.set(f, i)));
    const fieldOf = names.map((name, k) => {
      const at = first.get(name) ?? -1;
      if (twice.has(name)) this.fail(`the header (line ${line}) has two columns named '${name}'`);
      if (at < 0 && needed[k] && this.defaultOf[k] === undefined) {
        this.fail(`the header (line ${line}) has no column for the variable '${name}'`, `the first line names the columns, e.g. ${names.join(',')}`);
      }
      return at;
    });
    this.csv = { fieldOf, width: fields.length };
  }

  private csvRecord(text: string, line: number): void {
    const { names, needed } = this.options;
    const { fieldOf, width } = this.csv!;
    const block = this.block;
    const texts = block.texts!;
    let fields: string[] | undefined;
    let count: number;
    let starts = this.starts;
    let ends = this.ends;
    if (text.indexOf('"') >= 0) {
      fields = splitCsv(text);
      count = fields.length;
    } else {
      if (starts.length !== width) {
        starts = this.starts = new Int32Array(width);
        ends = this.ends = new Int32Array(width);
      }
      count = 0;
      let from = 0;
      for (;;) {
        const comma = text.indexOf(',', from);
        if (count < width) {
          starts[count] = from;
          ends[count] = comma < 0 ? text.length : comma;
        }
        count++;
        if (comma < 0) break;
        from = comma + 1;
      }
    }
    if (count !== width) {
      this.point(line, `expected ${width} values (as in the header), found ${count}`);
      return;
    }
    const i = this.point(line);
    for (let k = 0; k < this.n; k++) {
      const at = fieldOf[k]!;
      if (at < 0) {
        block.columns[k]![i] = this.defaultOf[k] ?? NaN;
        texts[k]![i] = undefined;
        continue;
      }
      const field = fields ? fields[at]! : text.slice(starts[at]!, ends[at]!);
      const v = parseNumber(field);
      texts[k]![i] = v !== undefined && isNumberString(field) ? field : undefined;
      if (v === undefined) {
        if (!needed[k]) {
          block.columns[k]![i] = NaN;
          continue;
        }
        block.errors[i] = field.trim() === ''
          ? `no value for '${names[k]}'`
          : `the value of '${names[k]}' is not a number: ${JSON.stringify(field.trim().slice(0, 40))}`;
        return;
      }
      block.columns[k]![i] = v;
    }
  }

  private ndjsonRecord(text: string, line: number): void {
    const { names, needed } = this.options;
    const block = this.block;
    const parsed = parseJsonLine(text);
    if ('error' in parsed) {
      this.point(line, parsed.error);
      return;
    }
    const o = parsed.value;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      this.point(line, 'not a JSON object (each line is one object such as {"x": 1, "y": 2})');
      return;
    }
    const i = this.point(line);
    for (let k = 0; k < this.n; k++) {
      const name = names[k]!;
      block.texts![k]![i] = undefined;
      let v: number | undefined;
      if (Object.hasOwn(o, name)) {
        const raw = (o as Record<string, unknown>)[name];
        v = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumber(raw) : undefined;
        if (v === undefined) {
          if (!needed[k]) v = NaN;
          else {
            block.errors[i] = `the value of '${name}' is not a number: ${JSON.stringify(raw)?.slice(0, 40)}`;
            return;
          }
        }
      } else {
        v = this.defaultOf[k];
        if (v === undefined) {
          if (needed[k]) {
            block.errors[i] = `no value for '${name}'`;
            return;
          }
          v = NaN;
        }
      }
      block.columns[k]![i] = v;
    }
  }
}

/**
 * One NDJSON line as JSON (`value`, which may be any JSON value, a string included), or the error's message. Bare `NaN`, `Infinity` and `-Infinity` (as Python's json module,
 * JSON5 and others write them) are read as the strings "NaN", "Infinity", "-Infinity", which every value accepts;
 * the rewrite is tried only when JSON.parse has failed, so well-formed lines cost nothing more.
 */
export function parseJsonLine(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    const quoted = quoteNonFinite(text);
    if (quoted !== undefined) {
      try {
        return { value: JSON.parse(quoted) as unknown };
      } catch {
        // the message below is about the line as written
      }
    }
    return { error: `not valid JSON${jsonErrorDetail(text, (e as Error).message)} (each line is one object such as {"x": 1, "y": 2})` };
  }
}

const NON_FINITE = ['-Infinity', '+Infinity', 'Infinity', 'NaN'];

/** `text` with bare NaN/Infinity/-Infinity/+Infinity outside strings written as strings, or undefined if none. */
function quoteNonFinite(text: string): string | undefined {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c !== 78 && c !== 73 && c !== 45 && c !== 43) continue; // N, I, -, +
    const word = NON_FINITE.find((w) => text.startsWith(w, i));
    if (word === undefined || /[\w$]/.test(text.charAt(i + word.length)) || /[\w$.]/.test(text.charAt(i - 1))) continue;
    out += `${text.slice(from, i)}"${word === '+Infinity' ? 'Infinity' : word}"`;
    from = i + word.length;
    i = from - 1;
  }
  return from === 0 ? undefined : out + text.slice(from);
}

/** Where and why JSON.parse failed, from V8's message (": expected ':' after property name, at column 6"). */
function jsonErrorDetail(text: string, message: string): string {
  const at = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
  if (at) return `: ${at[1]!.charAt(0).toLowerCase()}${at[1]!.slice(1)}, at column ${+at[2]! + 1}`;
  const token = /^Unexpected token '(.+?)'/.exec(message);
  if (token) return `: unexpected '${token[1]}'`;
  if (/Unexpected end of JSON input/.test(message) || text.trim() === '') return ': the line ends too early';
  return '';
}

/**
 * Calls `each` on every complete line of `text` (LF or CRLF; the line break removed), numbered from `firstLine`,
 * and returns where the unfinished last line starts (text.length when the text ends with a line break).
 * `each` returning true stops after that line (the position after it is returned).
 */
export function eachLine(text: string, firstLine: number, each: (line: string, lineNo: number) => boolean | void): number {
  let start = 0;
  let lineNo = firstLine;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    const stop = each(text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl), lineNo++);
    start = nl + 1;
    if (stop === true) break;
  }
  return start;
}

/**
 * Reads points block by block. Throws AdiffError (before any point) when the input as a whole is unusable:
 * without any point (empty, blank lines, a CSV header alone), or a CSV header without a column for a needed variable.
 */
export async function* readPoints(chunks: AsyncIterable<Uint8Array>, options: PointReaderOptions): AsyncGenerator<Block> {
  const parser = new PointParser(options);
  const { block } = parser;
  const decoder = new TextDecoder('utf-8'); // drops a BOM; invalid bytes become U+FFFD and that point fails
  let rest = '';
  for await (const chunk of chunks) {
    let text = rest + decoder.decode(chunk, { stream: true });
    // Lines are split in a plain loop: one `yield` per block, not per line.
    for (;;) {
      text = text.slice(parser.feed(text));
      if (!parser.full()) break;
      yield block;
      block.count = 0;
    }
    rest = text;
    // A partial block goes out at the end of each chunk, so points piped in slowly are answered as they come.
    if (block.count > 0) {
      yield block;
      block.count = 0;
    }
  }
  parser.last(rest + decoder.decode());
  if (parser.full()) {
    yield block;
    block.count = 0;
  }
  parser.finish(); // throws when there was no point
  if (block.count > 0) yield block;
}
