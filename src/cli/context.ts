// What every command gets: the streams with their colour decided once, and how to report diagnostics.
import type { ChalkInstance } from 'chalk';
import { AdiffError, type Diagnostic } from '../diagnostics.js';
import { lower, type Lowered } from '../autodiff/lower.js';
import { parse } from '../parser/parse.js';
import { chalkFor, decodeUtf8, type Io } from './io.js';
import { diagnosticJson, renderDiagnostic } from './render/diagnostic.js';

export const EXIT = {
  ok: 0,
  /** Some points of a batch failed, or a check found a disagreement. */
  partial: 1,
  badInput: 2,
  /** --strict: a value or derivative is not finite. */
  notFinite: 3,
  /** A bug in adiff. */
  internal: 70,
} as const;

export interface CommonOptions {
  json?: boolean;
  color?: boolean;
}

export class Context {
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;
  constructor(
    readonly io: Io,
    readonly json: boolean,
    color: boolean | undefined,
  ) {
    this.out = chalkFor(io.stdout, io.env, color);
    this.err = chalkFor(io.stderr, io.env, color);
  }

  /** The terminal's width when stdout is a terminal; long tables are fitted to it. */
  get columns(): number | undefined {
    return this.io.columns;
  }

  print(text: string): void {
    this.io.stdout.write(text);
  }

  report(d: Diagnostic): void {
    this.io.stderr.write(this.json ? diagnosticJson(d) : renderDiagnostic(d, this.err));
  }

  reportAll(ds: Diagnostic[]): void {
    for (const d of ds) this.report(d);
  }

  /** The program text from the argument, `-` (standard input) or --file. */
  async programText(expr: string | undefined, file: string | undefined): Promise<{ text: string; name: string }> {
    if (expr !== undefined && file !== undefined) {
      throw new AdiffError({ kind: 'usage', message: 'give the formula either as an argument or with --file, not both' });
    }
    if (file !== undefined) return { text: await this.readText(file), name: file };
    if (expr === '-') {
      const text = decodeUtf8(await this.io.readStdin());
      if (text === undefined) throw new AdiffError({ kind: 'io', message: 'standard input is not valid UTF-8 text' });
      return { text, name: '<stdin>' };
    }
    if (expr === undefined) {
      throw new AdiffError({ kind: 'usage', message: 'missing formula', hint: 'adiff eval "x^2" --at x=3, or - to read it from standard input, or --file F' });
    }
    return { text: expr, name: 'expr' };
  }

  async readText(path: string): Promise<string> {
    let bytes: Uint8Array;
    try {
      bytes = await this.io.readFile(path);
    } catch (e) {
      const code = (e as { code?: string }).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      throw new AdiffError({ kind: 'io', message: `cannot read '${path}': ${why}` });
    }
    const text = decodeUtf8(bytes);
    if (text === undefined) throw new AdiffError({ kind: 'io', message: `'${path}' is not valid UTF-8 text` });
    return text;
  }

  /** Reads, parses and lowers a program, reporting the lowering's warnings. */
  async load(expr: string | undefined, file: string | undefined): Promise<Lowered> {
    const { text, name } = await this.programText(expr, file);
    const source = { name, text };
    return lower(parse(text, { sourceName: name, skipValidations: true }), source);
  }
}
