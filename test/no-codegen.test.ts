// Without code generation (issue 18): under `node --disallow-code-generation-from-strings` (what a strict
// Content-Security-Policy does in a browser), `new Function` throws, and every compiler falls back to the
// interpreter (src/autodiff/interpreted.ts). The suite's agreement cases, the worked examples of design.md and a
// sample of random programs (test/helpers/gen.ts), run through every library call in a child process with the
// flag and in one without it; both must give the same numbers bit for bit (and the worked examples their values
// from the fixture). Every CLI command too: the same bytes with and without the flag. Uses dist/ (npm run build).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { safeCase } from './helpers/gen.js';
import { printProgram } from '../src/parser/print.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'adiff-nocodegen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const FLAG = '--disallow-code-generation-from-strings';

interface Case {
  text: string;
  point: Record<string, number>;
  /** By variable; without one, the direction (1, 2, 3, …) in input order. */
  direction?: Record<string, number>;
  /** The variables, in order (a random program may leave some of them out). */
  variables?: string[];
}
const fixture = JSON.parse(readFileSync(join(root, 'test/fixtures/worked-examples.json'), 'utf8')) as {
  examples: { program: string; at: Record<string, number>; value: number; gradient: Record<string, number>; tolerance: number }[];
};
const worked: Case[] = fixture.examples.map((e) => ({ text: e.program, point: e.at }));
const random: Case[] = fc.sample(safeCase, { seed: 18, numRuns: 40 }).map((c) => ({ text: printProgram(c.program), point: { ...c.point }, direction: { ...c.direction }, variables: c.inputs }));

// Every library call on each case; numbers written so that -0, NaN and ±Infinity survive JSON.
const script = `
import { readFileSync } from 'node:fs';
import { compile, derivative } from ${JSON.stringify(pathToFileURL(join(root, 'dist/adiff.mjs')).href)};
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const num = (x) => (Object.is(x, -0) ? '-0' : String(x));
const nums = (v) => JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'number' ? num(x) : ArrayBuffer.isView(x) ? Array.from(x, num) : x)));
let codegen = true;
try { new Function('return 1')(); } catch { codegen = false; }
const out = cases.map(({ text, point, direction: given, variables }) => {
  const f = compile(text, variables && { variables });
  const n = f.inputs.length;
  const direction = given ?? f.inputs.map((_, i) => i + 1);
  const x = f.inputs.map((k) => point[k]);
  const cols = x.map((v) => Float64Array.of(v, v / 2 + 0.25));
  const value = new Float64Array(2);
  const grad = f.inputs.map(() => new Float64Array(2));
  f.gradientColumns(cols, value, grad);
  const hv = new Float64Array(2);
  const H = f.inputs.map(() => f.inputs.map(() => new Float64Array(2)));
  f.hessianColumns(cols, hv, H);
  const rows = new Float64Array(2 * n);
  f.gradientRows(Float64Array.from([...x, ...x.map((v) => v / 2 + 0.25)]), new Float64Array(2), rows);
  const jac = f.outputs.map(() => f.inputs.map(() => new Float64Array(2)));
  f.jacobianColumns(cols, f.outputs.map(() => new Float64Array(2)), jac);
  const d = n > 0 ? derivative(text, f.inputs[0], variables && { variables }) : undefined;
  return nums({
    value: f.value(point), gradient: f.gradient(point), hessian: f.hessian(point), hvp: f.hvp(point, direction),
    taylor: n > 0 ? f.taylor(point, f.inputs[0], 3) : [], values: f.values(point), jacobian: f.jacobian(point),
    jacobianForward: f.jacobian(point, { mode: 'forward' }), jvp: f.jvp(point, direction), vjp: f.vjp(point, f.outputs.map(() => 1)),
    batch: { value, grad, hv, H, rows, jac }, derivative: d && { text: d.text, value: d.formula.value(point), gradient: d.formula.gradient(point) },
  });
});
process.stdout.write(JSON.stringify({ codegen, out }));
`;

function runLibrary(flags: string[], cases: Case[]): { codegen: boolean; out: unknown[] } {
  const file = join(tmp, 'calls.mjs');
  const data = join(tmp, 'cases.json');
  writeFileSync(file, script);
  writeFileSync(data, JSON.stringify(cases));
  const r = spawnSync(process.execPath, [...flags, file, data], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe('the library without code generation', () => {
  it('gives the same numbers through the interpreter: the worked examples and 40 random programs, every call', () => {
    const cases = [...worked, ...random];
    const strict = runLibrary([FLAG], cases);
    const normal = runLibrary([], cases);
    expect(strict.codegen).toBe(false);
    expect(normal.codegen).toBe(true);
    cases.forEach((c, i) => expect(strict.out[i], c.text).toEqual(normal.out[i]));
    // And the worked examples' values and gradients are the fixture's (hand-derived).
    fixture.examples.forEach((e, i) => {
      const r = strict.out[i] as { value: string; gradient: Record<string, string> };
      expect(Math.abs(Number(r.value) - e.value)).toBeLessThanOrEqual(e.tolerance);
      for (const [k, g] of Object.entries(e.gradient)) expect(Math.abs(Number(r.gradient[k]) - g)).toBeLessThanOrEqual(e.tolerance);
    });
  }, 120000);
});

describe('every CLI command without code generation', () => {
  const bin = join(root, 'bin/adiff.js');
  const commands: string[][] = [
    ['eval', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5'],
    ['eval', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5', '--mode', 'forward', '--trace'],
    ['eval', 'sin(x)*y', '--at', 'x=1,y=2', '--order', '4', '--wrt', 'x'],
    ['eval', 'x*y^2', '--points', 'examples/xy.csv'],
    ['eval', 'x*y^2', '--points', 'examples/xy.csv', '--mode', 'forward', '--format', 'csv'],
    ['eval', 'u = x*y; v = x + y^2', '--of', 'u,v', '--points', 'examples/xy.csv'],
    ['hessian', '(1-x)^2 + 100(y-x^2)^2', '--at', 'x=1,y=2'],
    ['hessian', '(1-x)^2 + 100(y-x^2)^2', '--points', 'examples/xy.csv', '--format', 'csv'],
    ['jacobian', 'u = x*y; v = sin(x) + y^2', '--of', 'u,v', '--at', 'x=0,y=3'],
    ['jacobian', 'u = x*y; v = sin(x) + y^2', '--of', 'u,v', '--points', 'examples/xy.csv'],
    ['jvp', 'u = x*y; v = x + y', '--of', 'u,v', '--dir', 'x=1', '--at', 'x=2,y=3'],
    ['jvp', 'u = x*y; v = x + y', '--of', 'u,v', '--dir', 'x=1', '--points', 'examples/xy.csv'],
    ['vjp', 'u = x*y; v = x + y', '--of', 'u,v', '--cotangent', 'u=1,v=2', '--points', 'examples/xy.csv'],
    ['hvp', 'x^2*y + exp(y)', '--dir', 'x=1,y=2', '--at', 'x=1,y=0.5'],
    ['hvp', 'x^2*y + exp(y)', '--dir', 'x=1,y=2', '--points', 'examples/xy.csv'],
    ['diff', 'x^3*y^2', '--wrt', 'x,y', '--order', '2'],
    ['graph', 'b = x*y; b + sin(b)', '--at', 'x=2,y=3'],
    ['check', 'sqrt(x^2 + y^2)', '--at', 'x=3,y=4'],
    ['explain', '(x+y)*x', '--at', 'x=2,y=3'],
    ['plot', 'sin(x)', '--from', '0', '--to', '3'],
    ['completion', 'bash'],
    ['eval', '2 + sinn(x)', '--at', 'x=1'],
  ];
  it.each(commands.map((c) => [c.join(' '), c] as const))('%s: the same bytes with and without the flag', (_, argv) => {
    const strict = spawnSync(process.execPath, [FLAG, bin, ...argv], { encoding: 'utf8', cwd: root });
    const normal = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', cwd: root });
    expect(strict.stderr).toBe(normal.stderr);
    expect(strict.stdout).toBe(normal.stdout);
    expect(strict.status).toBe(normal.status);
    expect(strict.stdout.length + strict.stderr.length).toBeGreaterThan(0);
  });
});
