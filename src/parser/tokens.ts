// The vocabulary of adiff's language, as Chevrotain token types. Order matters: the first pattern that
// matches wins, so longer spellings (`**`) and malformed numbers (`0x10`, `1_000`) come before what they start with.
import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * Identifiers: a letter or `_`, then letters, digits, combining marks or `_`, with Unicode letters (`θ`, `α`).
 * Superscripts (`²`, `³`, `¹`, U+2070–U+207F: `⁴`, `⁻`, `ⁿ`) are not part of a name: `x²` is not a variable called
 * "x²" but `x` and a superscript, which the lexer rejects with a hint to write `x^2` (parse.ts).
 * Chevrotain drops a RegExp's `u` flag, so this is a custom matcher around a sticky Unicode RegExp.
 */
const identifierPattern = /[\p{L}_](?:(?![\u00b2\u00b3\u00b9\u2070-\u207f])[\p{L}\p{N}\p{M}_])*/uy;
/** The same pattern restricted to ASCII (where \p{L} is A-Z a-z and \p{N} is 0-9): most names are ASCII, and this
 * RegExp is much cheaper for V8 to compile at start-up than the Unicode one, which is only built for other text. */
const asciiIdentifierPattern = /[A-Za-z_][A-Za-z0-9_]*/y;
function matchIdentifier(text: string, offset: number): RegExpExecArray | null {
  if (text.charCodeAt(offset) < 128) {
    asciiIdentifierPattern.lastIndex = offset;
    const m = asciiIdentifierPattern.exec(text);
    // An ASCII start that is not a name is not a name in Unicode either; a name followed by a non-ASCII
    // character may continue (`xθ`, a combining mark), so that case takes the Unicode pattern.
    if (m === null || !(text.charCodeAt(offset + m[0].length) >= 128)) return m;
  }
  identifierPattern.lastIndex = offset;
  return identifierPattern.exec(text);
}

/** The Latin-1 letters (\p{L} between U+00AA and U+00FF), spelled out so that start-up compiles no Unicode RegExp. */
export const LATIN1_LETTERS = [
  '\u00aa',
  '\u00b5',
  '\u00ba',
  ...charRange(0xc0, 0xd6),
  ...charRange(0xd8, 0xf6),
  ...charRange(0xf8, 0xff),
];
function charRange(from: number, to: number): string[] {
  const out: string[] = [];
  for (let c = from; c <= to; c++) out.push(String.fromCharCode(c));
  return out;
}

/** First characters the identifier matcher can start with: ASCII letters, `_`, Latin-1 letters, and one
 * character of every higher block (Chevrotain buckets characters above 255 by block of 255). */
function identifierStartHints(): string[] {
  const hints: string[] = ['_'];
  for (let c = 65; c <= 90; c++) hints.push(String.fromCharCode(c), String.fromCharCode(c + 32));
  hints.push(...LATIN1_LETTERS);
  for (let c = 256; c < 65536; c += 255) hints.push(String.fromCharCode(c));
  hints.push(String.fromCharCode(65535));
  return hints;
}

// Every token lists the characters it can start with (`start_chars_hint`), so that building the lexer does not
// parse the patterns (Chevrotain's RegExp analysis is a good part of start-up); test/tokens.test.ts checks the
// lists against the patterns.
const NUMBER_STARTS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'];

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/,
  group: Lexer.SKIPPED,
  start_chars_hint: [' ', '\t', '\f', '\v', '\u00a0', ...charRange(0x2000, 0x200b), '\u202f', '\u205f', '\u3000', '\ufeff'],
});
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: Lexer.SKIPPED, start_chars_hint: ['#'] });
/** A line break separates statements (inside parentheses or after an operator it continues the line). */
export const Newline = createToken({ name: 'Newline', pattern: /\r\n|\r|\n/, line_breaks: true, start_chars_hint: ['\r', '\n'] });

/** `0x10`, `0b101`, `0o17`: not part of the language; matched so the error can say so. */
export const RadixNumber = createToken({ name: 'RadixNumber', pattern: /0[xXbBoO][0-9a-fA-F]+/, start_chars_hint: ['0'] });
/** `1_000`: digit separators are not part of the language; matched so the error can say so. A digit must follow
 * the underscores: `2_x` is the coefficient 2 times the name `_x`, not a malformed number. */
export const SeparatedNumber = createToken({
  name: 'SeparatedNumber',
  pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:_+\d)[0-9_]*/,
  start_chars_hint: NUMBER_STARTS,
});
/** `2`, `2.5`, `.5`, `1e-3`, `1.5E+10`. The exponent needs digits, so `2e` is `2` then the name `e`. */
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/, start_chars_hint: NUMBER_STARTS });
export const Identifier = createToken({
  name: 'Identifier',
  pattern: { exec: matchIdentifier },
  line_breaks: false,
  start_chars_hint: identifierStartHints(),
});

export const Power = createToken({ name: 'Power', pattern: /\*\*|\^/, start_chars_hint: ['*', '^'] });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, start_chars_hint: ['+'] });
/** `-`, and the typographic minus sign U+2212 that documents often contain. */
export const Minus = createToken({ name: 'Minus', pattern: /-|\u2212/, start_chars_hint: ['-', '\u2212'] });
/** `*`, and `×` or `·` as pasted from documents. */
export const Star = createToken({ name: 'Star', pattern: /\*|\u00d7|\u00b7|\u22c5/, start_chars_hint: ['*', '\u00d7', '\u00b7', '\u22c5'] });
/** `/`, and `÷`. */
export const Slash = createToken({ name: 'Slash', pattern: /\/|\u00f7/, start_chars_hint: ['/', '\u00f7'] });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, start_chars_hint: ['('] });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, start_chars_hint: [')'] });
export const Comma = createToken({ name: 'Comma', pattern: /,/, start_chars_hint: [','] });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, start_chars_hint: [';'] });
export const Equals = createToken({ name: 'Equals', pattern: /=/, start_chars_hint: ['='] });

/**
 * A parenthesised group or call argument that was already parsed (see `parse.ts`, which parses deeply nested
 * input bottom-up so that the recursive-descent parser never recurses deeper than one chunk). Never lexed.
 */
export const Group = createToken({ name: 'Group', pattern: Lexer.NA });

export const allTokens: TokenType[] = [
  Group,
  WhiteSpace,
  Comment,
  Newline,
  RadixNumber,
  SeparatedNumber,
  NumberLiteral,
  Power,
  Star,
  Identifier,
  Plus,
  Minus,
  Slash,
  LParen,
  RParen,
  Comma,
  Semicolon,
  Equals,
];
