// The `--at` name check's ASCII fast path (options.ts, isName) must accept exactly what the Unicode rule accepts:
// a letter or `_`, then letters, digits, combining marks or `_`.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isName } from '../src/cli/options.js';

const unicodeRule = /^[\p{L}_][\p{L}\p{N}\p{M}_]*$/u;

describe('isName', () => {
  it('agrees with the Unicode rule on every one- and two-character ASCII text', () => {
    const disagree: string[] = [];
    for (let a = 0; a < 128; a++) {
      const one = String.fromCharCode(a);
      if (isName(one) !== unicodeRule.test(one)) disagree.push(one);
      for (let b = 0; b < 128; b++) {
        const two = one + String.fromCharCode(b);
        if (isName(two) !== unicodeRule.test(two)) disagree.push(two);
      }
    }
    expect(disagree).toEqual([]);
  });

  it('agrees with the Unicode rule on mixed texts (ASCII, Greek, accents, combining marks, digits of other scripts)', () => {
    const chars = fc.constantFrom('x', 'Z', '_', '1', '-', ' ', '=', 'θ', 'α', 'é', '\u0301', '٣', 'ß', '∂', '·', '\u00a0');
    fc.assert(fc.property(fc.array(chars, { maxLength: 6 }).map((cs) => cs.join('')), (text) => isName(text) === unicodeRule.test(text)), { numRuns: 2000 });
  });

  it('examples', () => {
    expect(isName('x1')).toBe(true);
    expect(isName('_')).toBe(true);
    expect(isName('θ')).toBe(true);
    expect(isName('xθ')).toBe(true);
    expect(isName('e\u0301')).toBe(true);
    expect(isName('1x')).toBe(false);
    expect(isName('x-y')).toBe(false);
    expect(isName('')).toBe(false);
  });
});
