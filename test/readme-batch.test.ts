// The README's batch section: the library example runs (as a real ES module importing 'adiff-cli', which resolves
// to this package through its `exports`) and prints what its comments say; the error example prints what it shows.
// The same for every js example of docs/library.md.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers/cli.js';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('<!-- SECTION:batch -->'), readme.indexOf('<!-- SECTION:', readme.indexOf('<!-- SECTION:batch -->') + 5));
const points = readFileSync(join(root, 'docs', 'points.md'), 'utf8');

/** Runs a js example as an ES module in the repository (so 'adiff-cli' is this package) and checks its output:
 * the comment lines that do not start with a capital letter, in order. */
function runsAsItSays(code: string): void {
  const expected = code.split('\n').filter((l) => l.startsWith('// ') && !/^\/\/ [A-Z]/.test(l)).map((l) => l.slice(3));
  const file = join(root, '.readme-batch-example.mjs');
  writeFileSync(file, code);
  try {
    const r = spawnSync('node', [file], { encoding: 'utf8', cwd: root });
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n')).toEqual(expected);
  } finally {
    rmSync(file, { force: true });
  }
}

describe('README: many points', () => {
  it('the library example prints what its comments say', () => {
    runsAsItSays(/```js\n([\s\S]*?)```/.exec(section)![1]!);
  });

  it('the example with a bad point prints what it shows (stdout, then the warning on stderr)', async () => {
    const block = /```\n(\$ adiff eval "ln\(x1\)\+x1\*x2-sin\(x2\)" --points examples\/points\.csv\n[\s\S]*?)```/.exec(points)![1]!;
    const [, ...shown] = block.trimEnd().split('\n');
    const t = await run(['eval', 'ln(x1)+x1*x2-sin(x2)', '--points', 'examples/points.csv'], { files: { 'examples/points.csv': readFileSync(join(root, 'examples/points.csv')) } });
    expect(t.code).toBe(1);
    expect((t.stdout + t.stderr).trimEnd().split('\n')).toEqual(shown);
  });
});

describe('docs/library.md', () => {
  const page = readFileSync(join(root, 'docs/library.md'), 'utf8');
  const blocks = [...page.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  it('has js examples that import adiff-cli', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const code of blocks) expect(code).toMatch(/from 'adiff-cli';/);
  });
  it.each(blocks.map((code, i) => [i + 1, code] as const))('example %i prints what its comments say', (_, code) => runsAsItSays(code));
});
