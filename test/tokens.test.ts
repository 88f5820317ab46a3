// The start-up shortcuts in tokens.ts must not change what the lexer accepts: each token's list of first
// characters covers its pattern, and the identifier matcher's ASCII fast path agrees with the Unicode pattern.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Lexer, type TokenType } from 'chevrotain';
import { allTokens, Identifier, LATIN1_LETTERS } from '../src/parser/tokens.js';

// Texts that follow the first character when probing whether a pattern can start with it.
const TAILS = ['', '0', '1', '.5', 'e1', '_1', '1_0', 'x', 'x1', 'b1', 'o7', '\n', ' ', '*', '(', '#'];

describe('token start characters', () => {
  for (const token of allTokens) {
    const pattern = (token as TokenType & { PATTERN?: unknown }).PATTERN;
    if (!(pattern instanceof RegExp) || pattern === Lexer.NA) continue; // Group is never lexed
    it(`${token.name}: every character its pattern can start with is in its start_chars_hint`, () => {
      const hints = new Set(token.START_CHARS_HINT as string[]);
      const sticky = new RegExp(pattern.source, 'y');
      const missing: string[] = [];
      for (let c = 0; c < 0x10000; c++) {
        const ch = String.fromCharCode(c);
        if (TAILS.some((t) => ((sticky.lastIndex = 0), sticky.test(ch + t))) && !hints.has(ch)) missing.push(c.toString(16));
      }
      expect(missing).toEqual([]);
    });
  }

  it('LATIN1_LETTERS are exactly the Unicode letters from U+00AA to U+00FF', () => {
    const letters: string[] = [];
    for (let c = 0xaa; c <= 0xff; c++) if (/\p{L}/u.test(String.fromCharCode(c))) letters.push(String.fromCharCode(c));
    expect(LATIN1_LETTERS).toEqual(letters);
  });
});

describe('identifier matcher', () => {
  const match = (text: string, offset = 0) => {
    const exec = (Identifier.PATTERN as { exec: (t: string, o: number) => RegExpExecArray | null }).exec;
    return exec(text, offset)?.[0] ?? null;
  };
  // The rule as the README states it, with superscripts (², ³, ¹, U+2070–U+207F) left out: they are powers, not
  // part of a name.
  const reference = (text: string, offset = 0) => {
    const re = /[\p{L}_](?:(?![²³¹\u2070-\u207f])[\p{L}\p{N}\p{M}_])*/uy;
    re.lastIndex = offset;
    return re.exec(text)?.[0] ?? null;
  };

  it('matches names as the Unicode pattern does, ASCII or not', () => {
    const cases: [string, string | null][] = [
      ['x1+2', 'x1'],
      ['_a_b9 ', '_a_b9'],
      ['θ2', 'θ2'],
      ['xθ', 'xθ'], // an ASCII start continued by a Unicode letter
      ['x\u0301y', 'x\u0301y'], // a combining mark inside a name
      ['x²', 'x'], // a superscript ends a name (the lexer then rejects it: write x^2)
      ['x₁', 'x₁'], // a subscript digit (No) continues one
      ['xⁿ', 'x'], // ⁿ is a letter, but a superscript
      ['9x', null],
      ['+x', null],
      ['', null],
    ];
    for (const [text, want] of cases) {
      expect(match(text)).toBe(want);
      expect(match(text)).toBe(reference(text));
    }
  });

  it('agrees with the Unicode pattern on random text at random offsets', () => {
    const chars = fc.constantFrom('a', 'Z', '_', '0', '9', ' ', '+', '(', 'θ', 'é', 'ß', '\u0301', '²', '⁻', '₂', 'ⁿ', '٣', '中', '\u2212', 'x');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 12 }), fc.nat(12), (cs, k) => {
        const text = cs.join('');
        const offset = Math.min(k, text.length);
        expect(match(text, offset)).toBe(reference(text, offset));
      }),
      { numRuns: 2000 },
    );
  });
});
