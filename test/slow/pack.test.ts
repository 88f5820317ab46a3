// The package as npm users get it (issue 18), run by `npm run test:pack` (slow: npm pack and three installs; CI
// runs it from .ci/run). `npm pack`'s tarball is installed into a scratch prefix (`npm install -g --prefix`: the
// `adiff` command) and into scratch projects, an ES-module one and a CommonJS one; from there, not from the repo,
// the CLI runs, the library is imported and required, and TypeScript (module nodenext, no skipLibCheck) resolves
// its types in both projects. Expected numbers by hand: E1 = ln(x1)+x1*x2-sin(x2) at (2, 5) has ∂x1 = 5.5;
// x^2*y at (3, 4) has value 36, ∂(x^2*y)/∂x = 2xy = 24.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; files: string[] };
const tmp = mkdtempSync(join(tmpdir(), 'adiff-pack-'));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const npmFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
let tarball = '';
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const run = (file: string, args: string[], cwd: string) => spawnSync(file, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

beforeAll(() => {
  // The build is npm run test:pack's first step; the tarball is what `npm publish` would upload.
  const out = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root);
  tarball = join(tmp, (JSON.parse(out) as { filename: string }[])[0]!.filename);
}, 120000);

describe('npm pack', () => {
  it('holds the CLI, the library bundles and their types, the examples and the LICENSE, and no sources or tests', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of ['package/LICENSE', 'package/bin/adiff.js', 'package/dist/adiff.mjs', 'package/dist/adiff.cjs', 'package/dist/adiff.browser.mjs', 'package/dist/lib/adiff.lib.cjs', 'package/dist/index.d.ts', 'package/dist/cjs/index.d.ts', 'package/dist/cjs/package.json', 'package/dist/cli/adiff.bundle.cjs', 'package/examples/xy.csv']) {
      expect(listing).toContain(f);
    }
    expect(listing.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([]);
    expect(pkg.name).toBe('adiff-cli');
  });
});

describe('installed globally into a scratch prefix: the adiff command', () => {
  const prefix = join(tmp, 'prefix');
  beforeAll(() => {
    npm(['install', '-g', '--prefix', prefix, ...npmFlags, tarball], tmp);
  }, 180000);

  it('runs from the prefix, with its version and the examples its help names', () => {
    const adiff = join(prefix, 'bin', 'adiff');
    const r = run(adiff, ['eval', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5', '--json'], tmp);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).gradient.x1).toBe(5.5);
    expect(run(adiff, ['--version'], tmp).stdout.trim()).toBe(pkg.version);
    const installed = join(prefix, 'lib', 'node_modules', 'adiff-cli');
    const points = run(adiff, ['eval', 'x*y^2', '--points', join(installed, 'examples/xy.csv'), '--format', 'csv'], tmp);
    // x*y^2 at (1, 2): 4, ∂x = y² = 4, ∂y = 2xy = 4; at (3, 0.5): 0.75, 0.25, 3.
    expect(points.stdout).toBe('value,d/dx,d/dy\n4,4,4\n0.75,0.25,3\n');
  });
});

/** A scratch project of the given module type with the tarball installed and one TypeScript file using it. */
function project(type: 'module' | 'commonjs'): string {
  const dir = join(tmp, `project-${type}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `scratch-${type}`, private: true, type }));
  npm(['install', ...npmFlags, tarball], dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, outDir: 'out', types: [] }, include: ['main.ts'] }));
  writeFileSync(
    join(dir, 'main.ts'),
    `import { compile, derivative, AdiffError, type CompiledFormula } from 'adiff-cli';
const f: CompiledFormula = compile('x^2*y', { variables: ['x', 'y'] });
const v: number = f.value({ x: 3, y: 4 });
// @ts-expect-error: value() is a number, not a string (fails if the types were not resolved)
const wrong: string = f.value({ x: 3, y: 4 });
const d = derivative('x^2*y', 'x');
let kind = '';
try {
  compile('2 + sinn(x)');
} catch (e) {
  if (e instanceof AdiffError) kind = e.kind + ':' + e.line + ':' + e.column;
}
console.log(JSON.stringify({ v, d: d.text, dv: d.formula.value([3, 4]), kind, wrong: typeof wrong }));
`,
  );
  return dir;
}

describe.each(['module', 'commonjs'] as const)('installed into a scratch %s project', (type) => {
  let dir = '';
  beforeAll(() => {
    dir = project(type);
  }, 180000);

  it('TypeScript (module nodenext) resolves the types, and the compiled file runs', () => {
    const t = run(process.execPath, [tsc, '-p', '.'], dir);
    expect(t.stdout + t.stderr).toBe('');
    expect(readdirSync(join(dir, 'out'))).toEqual(['main.js']);
    // CommonJS output requires the package; ES-module output imports it.
    expect(readFileSync(join(dir, 'out/main.js'), 'utf8')).toContain(type === 'commonjs' ? 'require("adiff-cli")' : "from 'adiff-cli'");
    const r = run(process.execPath, ['out/main.js'], dir);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ v: 36, d: '2*x*y', dv: 24, kind: 'name:1:5', wrong: 'number' });
  });

  it('import and require both work from plain JavaScript, and give one and the same library', () => {
    const both = `import { createRequire } from 'node:module';
const lib = await import('adiff-cli');
const required = createRequire(import.meta.url)('adiff-cli');
console.log(lib.compile === required.compile, lib.compile('ln(x1)+x1*x2-sin(x2)').gradient([2, 5]).x1);`;
    writeFileSync(join(dir, 'both.mjs'), both);
    const r = run(process.execPath, ['both.mjs'], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('true 5.5\n');
    const cjs = run(process.execPath, ['-e', "const { compile } = require('adiff-cli'); console.log(compile('x*y').gradient({ x: 2, y: 3 }).x)"], dir);
    expect(cjs.stderr).toBe('');
    expect(cjs.stdout).toBe('3\n');
  });

  it('the browser condition (and the ./browser subpath) resolve to the browser bundle, which runs in Node too', () => {
    const code = "console.log(import.meta.resolve('adiff-cli').endsWith('/dist/adiff.browser.mjs'), import.meta.resolve('adiff-cli/browser').endsWith('/dist/adiff.browser.mjs'), (await import('adiff-cli')).compile('x*y').gradient([2, 3]).x)";
    const r = run(process.execPath, ['--conditions=browser', '--input-type=module', '-e', code], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('true true 3\n');
  });

  it('npx adiff-cli runs the installed command', () => {
    const r = run('npx', ['--offline', 'adiff-cli', 'eval', 'x*y', '--at', 'x=2,y=3', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).gradient).toEqual({ x: 3, y: 2 });
  });
});
