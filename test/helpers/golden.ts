// Golden files: stored expected output for human-facing renderings, reviewed by hand like code.
// Run with UPDATE_GOLDEN=1 to (re)write them, then read every changed file before committing it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'golden');

export function expectGolden(name: string, actual: string): void {
  const path = join(ROOT, name);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden file ${path}: run with UPDATE_GOLDEN=1 and review it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
