// Reading points for batch evaluation: CSV with a header row of variable names, or NDJSON objects, streamed
// chunk by chunk into fixed-size blocks of columns (one Float64Array per variable), so memory does not grow
// with the number of points. A bad point is recorded with its line number and reading goes on.
import { AdiffError } from '../diagnostics.js';

export type InputFormat = 'csv' | 'ndjson';

/** One block of points: `columns[k][i]` is variable k of point i; `errors[i]` is set for a bad point. */
export interface Block {
  count: number;
  columns: Float64Array[];
  /** 1-based line of each point in the input (the first line of a quoted multi-line CSV record). */
  lines: Int32Array;
  errors: (string | undefined)[];
  /** CSV only: each variable's field as written, where it is already a valid JSON number (else undefined). */
  texts?: (string | undefined)[][];
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

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

/** Splits one CSV record into fields, with RFC 4180 quoting ("a ""b""" → a "b"). */
export function splitCsv(record: string): string[] {
  if (!record.includes('"')) return record.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const ch = record[i]!;
    if (quoted) {
      if (ch === '"') {
        if (record[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/** Whether a CSV record so far has an unclosed quote (the record goes on past a line break). */
function openQuote(text: string): boolean {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
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
  private csv: CsvLayout | undefined;
  private pending: { text: string; line: number } | undefined; // a CSV record with an open quote
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
    if (state) this.sawAnything = true;
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
    return { format: this.format, csv: this.csv };
  }

  /** One line of the input (without its line break). */
  line(text: string, line: number): void {
    if (this.pending) {
      const pending = this.pending;
      pending.text += '\n' + text;
      if (openQuote(pending.text)) return;
      this.pending = undefined;
      if (this.csv === undefined) this.header(pending.text, pending.line);
      else this.csvRecord(pending.text, pending.line);
      return;
    }
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return; // blank lines are not points
    if (!this.sawAnything) {
      this.sawAnything = true;
      this.format ??= text.trimStart().startsWith('{') ? 'ndjson' : 'csv';
    }
    if (this.format === 'ndjson') this.ndjsonRecord(text, line);
    else if (text.indexOf('"') >= 0 && openQuote(text)) this.pending = { text, line };
    else if (this.csv === undefined) this.header(text, line);
    else this.csvRecord(text, line);
  }

  /** The end of the input: a record left open by a quote becomes an error point. */
  finish(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    if (this.csv === undefined) this.fail(`the header (line ${pending.line}) has an unclosed quote`);
    this.point(pending.line, 'unclosed quote: the record runs to the end of the input');
  }

  fail(message: string, hint?: string): never {
    throw new AdiffError({ kind: 'input', message: `${this.options.label}: ${message}`, hint });
  }

  private point(line: number, error?: string): number {
    const block = this.block;
    const i = block.count++;
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
      texts[k]![i] = v !== undefined && JSON_NUMBER.test(field) ? field : undefined;
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
    const o = parseJsonLine(text);
    if (typeof o === 'string') {
      this.point(line, o);
      return;
    }
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
 * One NDJSON line as JSON, or the error's message. Bare `NaN`, `Infinity` and `-Infinity` (as Python's json module,
 * JSON5 and others write them) are read as the strings "NaN", "Infinity", "-Infinity", which every value accepts;
 * the rewrite is tried only when JSON.parse has failed, so well-formed lines cost nothing more.
 */
export function parseJsonLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const quoted = quoteNonFinite(text);
    if (quoted !== undefined) {
      try {
        return JSON.parse(quoted);
      } catch {
        // the message below is about the line as written
      }
    }
    return `not valid JSON${jsonErrorDetail(text, (e as Error).message)} (each line is one object such as {"x": 1, "y": 2})`;
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
 * empty, or a CSV header without a column for a needed variable.
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
  parser.finish();
  if (!parser.sawAnything) parser.fail('there are no points: the input is empty', 'give a CSV file with a header row, or NDJSON objects, one per line');
  if (block.count > 0) yield block;
}
