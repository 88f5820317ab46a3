// The shipped CLI builds the parser with Chevrotain's grammar self-checks skipped (start-up time); the grammar
// must still pass them, so they run here on a fresh parser whatever other tests built first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdiffParser } from '../src/parser/grammar.js';

describe('the grammar', () => {
  it('passes Chevrotain’s validations (ambiguity, left recursion, …)', () => {
    expect(() => new AdiffParser({ skipValidations: false })).not.toThrow();
  });

  it('is shipped as one bundled CLI file with its code cache, which the launcher loads', () => {
    // `npm test` builds first (pretest), so the bundle exists.
    expect(existsSync(join(__dirname, '..', 'dist', 'cli', 'adiff.bundle.cjs'))).toBe(true);
    expect(existsSync(join(__dirname, '..', 'dist', 'cli', 'adiff.cache'))).toBe(true);
  });
});
