// Text → AST: lexing, line-continuation, parsing, and turning Chevrotain's errors into pointed diagnostics.
import { createTokenInstance, Lexer, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import { AdiffError, type Diagnostic, type Source, type Span } from '../diagnostics.js';
import type { Expr, Program } from './ast.js';
import { AdiffParser, NestingTooDeep } from './grammar.js';
import {
  allTokens,
  Comma,
  Group,
  Equals,
  Identifier,
  LParen,
  Minus,
  Newline,
  NumberLiteral,
  Plus,
  Power,
  RadixNumber,
  RParen,
  Semicolon,
  SeparatedNumber,
  Slash,
  Star,
} from './tokens.js';

export interface ParseOptions {
  /** Label for diagnostics (`expr`, a file name, `<stdin>`). */
  sourceName?: string;
  /** Skip Chevrotain's grammar self-checks when building the parser (the shipped CLI; tests keep them on). */
  skipValidations?: boolean;
}

let lexer: Lexer | undefined;
let parser: AdiffParser | undefined;

/** The lexer and parser are built once and reused. */
function machinery(skipValidations: boolean): { lexer: Lexer; parser: AdiffParser } {
  lexer ??= new Lexer(allTokens, { ensureOptimizations: false, positionTracking: 'onlyOffset', skipValidations });
  parser ??= new AdiffParser({ skipValidations });
  return { lexer, parser };
}

/** Parses a program. Throws AdiffError with a span on bad input; never recurses without bound. */
export function parse(text: string, options: ParseOptions = {}): Program {
  const source: Source = { name: options.sourceName ?? 'expr', text };
  const { lexer, parser } = machinery(options.skipValidations ?? false);
  const lexed = lexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const err = lexed.errors[0]!;
    throw new AdiffError(lexError(source, err.offset, err.length));
  }
  checkMalformedNumbers(source, lexed.tokens);
  const tokens = joinContinuedLines(lexed.tokens);
  checkParentheses(source, tokens);
  const statements = run(parser, source, collapseDeepGroups(parser, source, tokens), (p) => p.program());
  return { statements, text };
}

/** The deepest nesting of parentheses accepted; deeper input is a clean error, never a stack overflow. */
export const MAX_NESTING = 10000;
/** Groups nested this deep are parsed on their own first, so that one parse never recurses deeper. */
const CHUNK_HEIGHT = 40;

/** Runs one grammar rule over a token list, turning recognition errors and runaway recursion into diagnostics. */
function run<T>(parser: AdiffParser, source: Source, tokens: IToken[], rule: (p: AdiffParser) => T): T {
  parser.begin(tokens);
  let result: T;
  try {
    result = rule(parser);
  } catch (e) {
    if (e instanceof NestingTooDeep) throw tooDeep(source, e.token);
    if (e instanceof RangeError) throw tooDeep(source, tokens[0]);
    throw e;
  }
  if (parser.errors.length > 0) throw new AdiffError(syntaxError(source, tokens, parser.errors[0]!));
  return result;
}

/** Unbalanced parentheses are reported before parsing (they explain most other symptoms), and so is nesting
 * deeper than MAX_NESTING. */
function checkParentheses(source: Source, tokens: IToken[]): void {
  const open: IToken[] = [];
  for (const t of tokens) {
    if (t.tokenType === LParen) {
      open.push(t);
      if (open.length > MAX_NESTING) throw tooDeep(source, t);
    } else if (t.tokenType === RParen) {
      if (open.length === 0) {
        throw new AdiffError({
          kind: 'syntax',
          message: "unbalanced parenthesis: ')' has no matching '('",
          source,
          span: tokenSpan(t),
          hint: "remove it, or add '(' where the group starts",
        });
      }
      open.pop();
    }
  }
  if (open.length > 0) {
    throw new AdiffError({
      kind: 'syntax',
      message: "unbalanced parenthesis: '(' is never closed",
      source,
      span: tokenSpan(open[open.length - 1]!),
      hint: "add ')' where the group ends",
    });
  }
}

/**
 * Parses deeply nested input bottom-up: whenever a parenthesised group has CHUNK_HEIGHT levels of groups
 * inside it, its content (or, for a call, each argument) is parsed on its own and replaced by one `Group`
 * token carrying the AST. The grammar's recursion is then bounded by the chunk height, whatever the input.
 * Parentheses are known to be balanced here.
 */
function collapseDeepGroups(parser: AdiffParser, source: Source, tokens: IToken[]): IToken[] {
  const out: IToken[] = [];
  const stack: { open: number; call: boolean; height: number }[] = [];
  const group = (expr: Expr, first: IToken, last: IToken): IToken => {
    const start = first.startOffset;
    const end = last.startOffset + last.image.length;
    const token = createTokenInstance(Group, source.text.slice(start, end), start, end - 1, NaN, NaN, NaN, NaN);
    return Object.assign(token, { payload: expr });
  };
  const expression = (ts: IToken[]) => run(parser, source, ts, (p) => p.expression());
  for (const t of tokens) {
    if (t.tokenType === LParen) {
      const prev = out[out.length - 1];
      stack.push({ open: out.length, call: prev !== undefined && prev.tokenType === Identifier, height: 0 });
      out.push(t);
      continue;
    }
    if (t.tokenType !== RParen) {
      out.push(t);
      continue;
    }
    const frame = stack.pop()!;
    let height = frame.height + 1;
    if (height >= CHUNK_HEIGHT) {
      const inner = out.splice(frame.open + 1);
      if (frame.call) {
        // Each argument on its own; commas at this level separate them.
        let level = 0;
        let arg: IToken[] = [];
        const flush = () => {
          if (arg.length > 0) out.push(group(expression(arg), arg[0]!, arg[arg.length - 1]!));
        };
        for (const u of inner) {
          if (u.tokenType === LParen) level++;
          else if (u.tokenType === RParen) level--;
          if (u.tokenType === Comma && level === 0) {
            flush();
            out.push(u);
            arg = [];
          } else arg.push(u);
        }
        flush();
        out.push(t);
        height = 1;
      } else {
        const open = out.pop()!;
        const expr = expression(inner);
        out.push(group({ ...expr, span: { start: open.startOffset, end: t.startOffset + 1 } }, open, t));
        height = 0;
      }
    } else out.push(t);
    const parent = stack[stack.length - 1];
    if (parent) parent.height = Math.max(parent.height, height);
  }
  return out;
}

function tooDeep(source: Source, token: IToken | undefined): AdiffError {
  const span = token && !isEof(token) ? tokenSpan(token) : { start: 0, end: 1 };
  return new AdiffError({
    kind: 'limit',
    message: `expression nested too deeply (the limit is ${MAX_NESTING} levels of parentheses)`,
    source,
    span,
    hint: 'split it into assignments: t1 = ...; t2 = f(t1); ...',
  });
}

const isEof = (t: IToken) => t.tokenType === undefined || t.tokenType.name === 'EOF';
const tokenSpan = (t: IToken): Span => ({ start: t.startOffset, end: t.startOffset + t.image.length });

const SUPERSCRIPT = /[\u00b2\u00b3\u00b9\u2070-\u207f]/;
const SUPERSCRIPT_PLAIN: Record<string, string> = { '²': '2', '³': '3', '¹': '1', '⁰': '0', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9', '⁺': '+', '⁻': '-', '⁼': '=', '⁽': '(', '⁾': ')', 'ⁿ': 'n', 'ⁱ': 'i' };

function lexError(source: Source, offset: number, length: number): Diagnostic {
  const ch = String.fromCodePoint(source.text.codePointAt(offset)!);
  const span = { start: offset, end: offset + ch.length };
  let hint: string | undefined;
  if (ch === '.') hint = 'a number needs a digit: write 0.5 or .5';
  else if (ch === '!') hint = 'factorial is not supported; write the product, or gamma-free forms';
  else if (ch === '[' || ch === '{') hint = 'use ( and ) for grouping';
  else if (ch === '|') hint = 'write abs(x) for |x|';
  else if (ch === '"' || ch === "'") hint = 'quotes belong to the shell, not to the formula';
  else if (SUPERSCRIPT.test(ch)) {
    // `x²`, `x⁻¹`: a power written as superscripts.
    let run = '';
    for (const c of source.text.slice(offset)) {
      if (!SUPERSCRIPT.test(c)) break;
      run += c;
    }
    const plain = [...run].map((c) => SUPERSCRIPT_PLAIN[c] ?? c).join('');
    const exponent = /^[0-9]+$/.test(plain) || /^\(.*\)$/.test(plain) ? plain : `(${plain})`;
    const base = /[\p{L}\p{N}_]+$/u.exec(source.text.slice(Math.max(0, offset - 100), offset))?.[0] ?? '';
    return { severity: 'error', kind: 'syntax', message: `superscript '${run}': powers are written with ^`, source, span: { start: offset, end: offset + run.length }, hint: `write ${base}^${exponent}` };
  }
  const printable = /[\p{C}\s]/u.test(ch) ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : ch;
  void length;
  return { severity: 'error', kind: 'syntax', message: `unexpected character '${printable}'`, source, span, hint };
}

function checkMalformedNumbers(source: Source, tokens: IToken[]): void {
  for (const t of tokens) {
    if (t.tokenType === RadixNumber) {
      const base = { x: 16, b: 2, o: 8 }[t.image[1]!.toLowerCase() as 'x' | 'b' | 'o'];
      const value = parseInt(t.image.slice(2), base);
      throw new AdiffError({
        kind: 'syntax',
        message: `'${t.image}': only decimal numbers are supported`,
        source,
        span: tokenSpan(t),
        hint: Number.isFinite(value) ? `write ${value}` : undefined,
      });
    }
    if (t.tokenType === SeparatedNumber) {
      throw new AdiffError({
        kind: 'syntax',
        message: `'${t.image}': digit separators '_' are not supported in numbers`,
        source,
        span: tokenSpan(t),
        hint: `write ${t.image.replace(/_/g, '')}`,
      });
    }
  }
}

/** Tokens after which a line break continues the statement rather than ending it. */
const continuesLine = new Set<TokenType>([Plus, Minus, Star, Slash, Power, LParen, Comma, Equals]);

/** A line break inside parentheses, or after an operator, comma or `=`, does not end a statement. */
function joinContinuedLines(tokens: IToken[]): IToken[] {
  let depth = 0;
  let prev: IToken | undefined;
  const out: IToken[] = [];
  for (const t of tokens) {
    if (t.tokenType === LParen) depth++;
    else if (t.tokenType === RParen) depth = Math.max(0, depth - 1);
    else if (t.tokenType === Newline && (depth > 0 || (prev && continuesLine.has(prev.tokenType)))) continue;
    out.push(t);
    prev = t;
  }
  return out;
}

const endsOperand = new Set<TokenType>([NumberLiteral, Identifier, RParen]);
const startsOperand = new Set<TokenType>([NumberLiteral, Identifier, LParen]);
const binaryOperators = new Set<TokenType>([Star, Slash, Power]);

function describe(t: IToken): string {
  if (isEof(t)) return 'end of input';
  if (t.tokenType === Newline) return 'end of line';
  return `'${t.image}'`;
}

/** Builds a message a person can act on from Chevrotain's first error, looking at the tokens around it. */
function syntaxError(source: Source, tokens: IToken[], err: IRecognitionException): Diagnostic {
  const token = err.token;
  const index = isEof(token) ? tokens.length : tokens.indexOf(token);
  const prev = index > 0 ? tokens[index - 1] : undefined;
  const diag = (message: string, span: Span, hint?: string): Diagnostic => ({
    severity: 'error',
    kind: 'syntax',
    message,
    source,
    span,
    hint,
  });
  const here = isEof(token) ? { start: source.text.length, end: source.text.length + 1 } : tokenSpan(token);

  if (prev && endsOperand.has(prev.tokenType) && startsOperand.has(token.tokenType)) {
    const a = prev.image;
    const b = token.image;
    let hint = `write ${a}*${b} for a product`;
    if (prev.tokenType === NumberLiteral && token.tokenType === NumberLiteral) hint = `'${a}' and '${b}' are two numbers; did you mean one number, or an operator between them?`;
    else if (prev.tokenType === NumberLiteral) hint = `write ${a}*${b}, or ${a}${b} without the space`;
    return diag(`missing operator between '${a}' and '${b}'`, { start: prev.startOffset, end: here.end }, hint);
  }
  if (token.tokenType === Equals) {
    if (prev && prev.tokenType === Equals) return diag("'==' is not supported: '=' assigns a name", tokenSpan(token));
    return diag("'=' can only follow a name at the start of a statement", here, 'write name = expression');
  }
  if (isEof(token) || token.tokenType === Newline || token.tokenType === Semicolon || token.tokenType === RParen || token.tokenType === Comma) {
    if (prev && !endsOperand.has(prev.tokenType)) {
      return diag(`expected an expression after '${prev.image}', found ${describe(token)}`, isEof(token) ? tokenSpan(prev) : here);
    }
    if (token.tokenType === Comma) return diag("unexpected ',' outside a function call", here, 'arguments are separated by commas only inside f(...)');
  }
  if (binaryOperators.has(token.tokenType) && (!prev || !endsOperand.has(prev.tokenType))) {
    return diag(`expected an operand before '${token.image}'`, here);
  }
  return diag(`unexpected ${describe(token)}`, here);
}
