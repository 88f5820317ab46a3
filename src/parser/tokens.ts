// The vocabulary of adiff's language, as Chevrotain token types. Order matters: the first pattern that
// matches wins, so longer spellings (`**`) and malformed numbers (`0x10`, `1_000`) come before what they start with.
import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * Identifiers: a letter or `_`, then letters, digits, combining marks or `_`, with Unicode letters (`θ`, `α`).
 * Chevrotain drops a RegExp's `u` flag, so this is a custom matcher around a sticky Unicode RegExp.
 */
const identifierPattern = /[\p{L}_][\p{L}\p{N}\p{M}_]*/uy;
function matchIdentifier(text: string, offset: number): RegExpExecArray | null {
  identifierPattern.lastIndex = offset;
  return identifierPattern.exec(text);
}

/** First characters the identifier matcher can start with: ASCII letters, `_`, Latin-1 letters, and one
 * character of every higher block (Chevrotain buckets characters above 255 by block of 255). */
function identifierStartHints(): string[] {
  const hints: string[] = ['_'];
  for (let c = 65; c <= 90; c++) hints.push(String.fromCharCode(c), String.fromCharCode(c + 32));
  for (let c = 0xaa; c <= 0xff; c++) if (/\p{L}/u.test(String.fromCharCode(c))) hints.push(String.fromCharCode(c));
  for (let c = 256; c < 65536; c += 255) hints.push(String.fromCharCode(c));
  hints.push(String.fromCharCode(65535));
  return hints;
}

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/,
  group: Lexer.SKIPPED,
});
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: Lexer.SKIPPED });
/** A line break separates statements (inside parentheses or after an operator it continues the line). */
export const Newline = createToken({ name: 'Newline', pattern: /\r\n|\r|\n/, line_breaks: true });

/** `0x10`, `0b101`, `0o17`: not part of the language; matched so the error can say so. */
export const RadixNumber = createToken({ name: 'RadixNumber', pattern: /0[xXbBoO][0-9a-fA-F]+/ });
/** `1_000`: digit separators are not part of the language; matched so the error can say so. A digit must follow
 * the underscores: `2_x` is the coefficient 2 times the name `_x`, not a malformed number. */
export const SeparatedNumber = createToken({
  name: 'SeparatedNumber',
  pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:_+\d)[0-9_]*/,
});
/** `2`, `2.5`, `.5`, `1e-3`, `1.5E+10`. The exponent needs digits, so `2e` is `2` then the name `e`. */
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/ });
export const Identifier = createToken({
  name: 'Identifier',
  pattern: { exec: matchIdentifier },
  line_breaks: false,
  start_chars_hint: identifierStartHints(),
});

export const Power = createToken({ name: 'Power', pattern: /\*\*|\^/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
/** `-`, and the typographic minus sign U+2212 that documents often contain. */
export const Minus = createToken({ name: 'Minus', pattern: /-|\u2212/ });
/** `*`, and `×` or `·` as pasted from documents. */
export const Star = createToken({ name: 'Star', pattern: /\*|\u00d7|\u00b7|\u22c5/ });
/** `/`, and `÷`. */
export const Slash = createToken({ name: 'Slash', pattern: /\/|\u00f7/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });

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
