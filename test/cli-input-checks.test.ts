// Regression tests for command-line input that used to be accepted or reported badly: whole programs in --at, silent
// NaN and infinities, traces cut on a pipe, formulas that begin with `--`, plot ranges and axes, repeated options,
// the output label `f` next to a user's `f`, superscripts. Expected values are worked out by hand in the comments.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { json, run } from './helpers/cli.js';
import { linspace } from '../src/autodiff/sample.js';

const bin = fileURLToPath(new URL('../bin/adiff.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)));

/** Runs the built CLI in a subprocess: real argv, real pipes for stdout and stderr. */
function spawn(args: string[], options: { input?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input: options.input ?? '', cwd: options.cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('adiff: warning:'));

/** Every error names its place and never shows a stack trace. */
function expectCleanError(t: { code: number | null; stdout: string; stderr: string }, message: RegExp, where?: string) {
  expect(t.code).toBe(2);
  expect(t.stdout).toBe('');
  expect(t.stderr).toMatch(message);
  if (where) expect(t.stderr).toContain(` --> ${where}\n`);
  expect(t.stderr).not.toMatch(/\bat .*\.(js|ts):\d+/);
}

describe('--at takes name=value pairs, never a program', () => {
  it.each([
    // [text, the 1-based column of the bad character, what the message says about it]
    ['x=1;2', 4, /';' separates the statements of a formula/],
    ['x=pi=3', 5, /'=' assigns in a formula/],
    ['x=1 # c', 5, /'#' starts a comment/],
    ['y=2,x=1;y=3', 8, /the value of 'x' must be one number or constant expression/],
  ])('--at %j is an error at column %i', async (at, column, message) => {
    const t = await run(['eval', 'x^2', '--at', at]);
    expectCleanError(t, message, `--at:1:${column}`);
    // The caret sits under the bad character: the gutter "  | " and then column - 1 characters.
    expect(t.stderr).toContain(`  | ${' '.repeat(column - 1)}^\n`);
  });

  it('a line break in a value is an error too (it would start a second statement)', async () => {
    const t = await run(['eval', 'x^2', '--at', 'x=1\n2']);
    expectCleanError(t, /a line break separates the statements/, '--at:1:4');
  });

  it('numbers and constant expressions are still values', async () => {
    // (pi/2)^2; -1e3 squared is 1e6; max(1, 2) = 2 keeps its comma inside the parentheses; sqrt(2)^2 rounds to 2.0000000000000004.
    expect(json(await run(['eval', 'x^2', '--at', 'x=pi/2', '--json'])).value).toBe((Math.PI / 2) ** 2);
    expect(json(await run(['eval', 'x^2', '--at', 'x=-1e3', '--json'])).value).toBe(1e6);
    expect(json(await run(['eval', 'x*y', '--at', 'x=max(1, 2),y=3', '--json'])).value).toBe(6);
    expect(json(await run(['eval', 'x', '--at', 'x=-sqrt(2)', '--json'])).value).toBe(-Math.SQRT2);
  });

  it('--dir, --cotangent, plot --from and the REPL :at read values the same way', async () => {
    expectCleanError(await run(['jvp', 'x*y', '--at', 'x=1,y=2', '--dir', 'x=1;y=2']), /';' separates/, '--dir:1:4');
    expectCleanError(await run(['vjp', 'u = x*y; v = x', '--of', 'u,v', '--at', 'x=1,y=2', '--cotangent', 'u=v=1']), /'=' assigns/, '--cotangent:1:4');
    expectCleanError(await run(['hvp', 'x*y', '--at', 'x=1,y=2', '--dir', 'x=1 #']), /'#' starts a comment/, '--dir:1:5');
    expectCleanError(await run(['plot', 'x', '--from', '0;1', '--to', '2']), /';' separates/, '--from:1:2');
    const repl = await run(['repl'], { stdin: 'x^2\n:at x=1;2\n:at x=3\n:grad\n' });
    expect(repl.code).toBe(1); // a failed line
    expect(repl.stderr).toContain(' --> :at:1:4\n');
    expect(repl.stdout).toContain('f     = 9\n∂f/∂x = 6\n'); // the session went on with x = 3
  });
});

describe('a NaN or an infinity that the user did not type is explained, once', () => {
  it("x - x at x = Infinity: the subexpression where NaN appears, and why", async () => {
    const t = await run(['eval', 'x-x', '--at', 'x=Infinity']);
    expect(t.code).toBe(0);
    expect(t.stdout).toBe('f     = NaN\n∂f/∂x = 0\n'); // ∞ - ∞; the derivative 1 - 1 = 0 does not depend on the value
    expect(warnings(t.stderr)).toEqual(["adiff: warning: 'x-x' is NaN at this point because the input 'x' is Infinity"]);
  });

  it('--strict always says why it exits 3', async () => {
    const t = await run(['eval', 'x-x', '--at', 'x=Infinity', '--strict']);
    expect(t.code).toBe(3);
    expect(t.stderr).toContain('adiff: error: --strict: f is NaN\n');
    const j = await run(['eval', 'x-x', '--at', 'x=Infinity', '--strict', '--json']);
    expect(j.code).toBe(3);
    const lines = j.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => Object.keys(l)[0])).toEqual(['warning', 'error']);
    expect(lines[1].error.message).toBe('--strict: f is NaN');
  });

  it('an infinite input that only propagates is named at its place in --at', async () => {
    // f = 2x = Infinity; ∂f/∂x = 2 is finite.
    const t = await run(['eval', '2*x', '--at', 'y=1,x=Infinity']);
    expect(t.stdout).toBe('f     = Infinity\n∂f/∂x = 2\n');
    expect(warnings(t.stderr)).toEqual([
      "adiff: warning: 'y' is not a variable of the formula; its value is ignored",
      "adiff: warning: f is Infinity because the input 'x' is Infinity",
    ]);
    expect(t.stderr).toContain("adiff: warning: f is Infinity because the input 'x' is Infinity\n --> --at:1:7\n");
  });

  it('--at x=1e400 warns that the value overflows to Infinity, at its place, and nothing else', async () => {
    const t = await run(['eval', 'x^2', '--at', 'x=1e400']);
    expect(t.stdout).toBe('f     = Infinity\n∂f/∂x = Infinity\n');
    expect(warnings(t.stderr)).toEqual(["adiff: warning: the value of 'x', 1e400, is too large for double precision; it is Infinity"]);
    expect(t.stderr).toContain(' --> --at:1:3\n');
    // 1e-400 underflows to 0, as the same literal in a formula does.
    expect(warnings((await run(['eval', 'x', '--at', 'x=1e-400'])).stderr)).toEqual(["adiff: warning: the value of 'x', 1e-400, is too small for double precision; it is 0"]);
    // A constant expression whose value is not finite.
    expect(warnings((await run(['eval', 'x', '--at', 'x=ln(0)'])).stderr)).toEqual(["adiff: warning: the value of 'x', ln(0), is -Infinity"]);
  });

  it('eval --order: where a higher derivative first stops being finite', async () => {
    // x^1.5 at 0: f = 0, f' = 1.5·0^0.5 = 0, f'' = 0.75·0^-0.5 is infinite (no Taylor series at 0).
    const t = await run(['eval', 'x^1.5', '--at', 'x=0', '--order', '3', '--wrt', 'x', '--json']);
    const out = json(t);
    expect(out.derivatives.slice(0, 2)).toEqual([0, 0]);
    expect(out.derivatives.slice(2).every((d: unknown) => typeof d === 'string')).toBe(true);
    expect(t.stderr.trim().split('\n').map((l) => JSON.parse(l).warning.message)).toEqual(["the second derivative of 'x^1.5' along x is not finite at this point"]);
    const strict = await run(['eval', 'x^1.5', '--at', 'x=0', '--order', '3', '--strict']);
    expect(strict.code).toBe(3);
    expect(strict.stderr).toMatch(/adiff: error: --strict: ∂²f\/∂x² is NaN and ∂³f\/∂x³ is NaN\n/);
  });

  it('hessian "sqrt(x)*y" at (0, 0): the infinite mixed partial is explained by sqrt', async () => {
    // ∂²(sqrt(x)·y)/∂x∂y = 0.5/sqrt(x) = Infinity at x = 0; the gradient (y/(2 sqrt x), sqrt x) is 0 by the zero-skip rule.
    const t = await run(['hessian', 'sqrt(x)*y', '--at', 'x=0,y=0', '--json', '--strict']);
    expect(t.code).toBe(3);
    expect(json(t).hessian).toEqual({ x: { x: 0, y: 'Infinity' }, y: { x: 'Infinity', y: 0 } });
    const messages = t.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(messages).toEqual([
      { warning: { kind: 'domain', message: "the derivative of 'sqrt(x)' is Infinity at this point", line: 1, column: 1, source: 'expr', hint: 'domain of sqrt(x): x ≥ 0 (derivative for x > 0)' } },
      { error: { kind: 'domain', message: '--strict: ∂²f/∂x∂y is Infinity', line: null, column: null, source: null, hint: 'the warnings above say where' } },
    ]);
  });

  it('hvp and vjp: a direction or cotangent that overflows is warned about where it is written', async () => {
    const h = await run(['hvp', 'x*y', '--at', 'x=1,y=1', '--dir', 'x=1e999']);
    expect(warnings(h.stderr)).toEqual(["adiff: warning: the value of 'x', 1e999, is too large for double precision; it is Infinity"]);
    expect(h.stderr).toContain(' --> --dir:1:3\n');
    const v = await run(['vjp', 'x*y; x + y', '--at', 'x=1,y=1', '--cotangent', 'f1=Infinity']);
    // s = ∞·1 + 0·2 = Infinity; ∂s/∂x = ∞·y = Infinity: explained by the cotangent as typed.
    expect(warnings(v.stderr)).toEqual(["adiff: warning: s is Infinity, ∂s/∂x is Infinity and ∂s/∂y is Infinity because the cotangent 'f1' is Infinity"]);
  });

  it('every command that exits 3 under --strict prints the reason on stderr', async () => {
    const cases: string[][] = [
      ['eval', 'ln(x)', '--at', 'x=0'],
      ['eval', 'x*2', '--at', 'x=NaN'],
      ['eval', 'x*y; x', '--at', 'x=Infinity,y=1'],
      ['eval', '1/(1-x)', '--at', 'x=1', '--order', '2'],
      ['hessian', 'x^1.5*y', '--at', 'x=0,y=1'],
      ['jacobian', 'x*y; x', '--at', 'x=-Infinity,y=1'],
      ['jvp', 'sqrt(x)', '--at', 'x=0', '--dir', 'x=1'],
      ['vjp', 'u = ln(x); v = x', '--of', 'u,v', '--at', 'x=0', '--cotangent', 'u=1'],
      ['hvp', 'x^1.5', '--at', 'x=0', '--dir', 'x=1'],
    ];
    for (const argv of cases) {
      const t = await run([...argv, '--strict']);
      expect([argv, t.code]).toEqual([argv, 3]);
      expect(t.stderr).toMatch(/^adiff: error: --strict: .+ is (NaN|-?Infinity)/m);
      expect(warnings(t.stderr).length).toBeGreaterThan(0);
    }
  });

  it('--points --strict says how many points are not finite and where the first is', async () => {
    const t = await run(['eval', 'ln(x)', '--points', '-', '--strict'], { stdin: 'x\n1\n0\n-1\n' });
    expect(t.code).toBe(3);
    expect(t.stderr).toBe('adiff: error: --strict: 2 of 3 points have a value or derivative that is NaN or infinite (the first at <stdin>, line 3)\n');
  });

  it('a domain warning is not repeated by the explanation', async () => {
    const t = await run(['hessian', 'sqrt(x)', '--at', 'x=0']);
    expect(warnings(t.stderr)).toEqual(["adiff: warning: the derivative of 'sqrt(x)' is Infinity at this point"]);
  });
});

describe('traces are cut only on a terminal', () => {
  const name = 'a_rather_long_intermediate_name';
  const expr = `${name} = sin(x)*cos(y)*exp(x*y)*ln(x+y+1)*sqrt(x^2+y^2+1); ${name}*2`;

  it.skipIf(!built)('a pipe gets every name and source in full', () => {
    const t = spawn(['eval', expr, '--at', 'x=1,y=2', '--trace']);
    expect(t.code).toBe(0);
    expect(t.stdout).not.toContain('…');
    expect(t.stdout).toMatch(new RegExp(`v16 = v10 \\* v15 +${name} +sin\\(x\\)\\*cos\\(y\\)\\*exp\\(x\\*y\\)\\*ln\\(x\\+y\\+1\\)\\*sqrt\\(x\\^2\\+y\\^2\\+1\\) `));
    // hessian's two tables (their titles say "w1, w2, …"): no cell is cut.
    const h = spawn(['hessian', expr, '--at', 'x=1,y=2', '--trace']);
    const cells = h.stdout.split('\n').filter((l) => !l.includes('sweep'));
    expect(cells.filter((l) => l.includes('…'))).toEqual([]);
    expect(cells.filter((l) => l.includes(`  ${name}  `)).length).toBe(1);
  });

  it('a terminal of 80 columns gets a table that fits, cut with …', async () => {
    const t = await run(['eval', expr, '--at', 'x=1,y=2', '--trace'], { columns: 80, stdoutIsTTY: true, env: { NO_COLOR: '1' } });
    const table = t.stdout.split('\n\n')[0]!.split('\n');
    expect(Math.max(...table.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(t.stdout).toContain('…');
    expect(t.stdout).toContain('-17.572590327860976'); // numbers are never cut
  });
});

describe('formulas that begin with minus signs', () => {
  it.skipIf(!built)('"--x^2" is the formula -(-(x^2)): 9 at x = 3, in any position', () => {
    for (const argv of [
      ['eval', '--x^2', '--at', 'x=3'],
      ['eval', '--at', 'x=3', '--x^2'],
      ['eval', '--at', 'x=3', '--', '--x^2'],
      ['eval', '--', '--x^2', '--at', 'x=3'],
    ]) {
      const t = spawn(argv);
      expect([argv, t.code, t.stdout, t.stderr]).toEqual([argv, 0, 'f     = 9\n∂f/∂x = 6\n', '']);
    }
  });

  it.skipIf(!built)('"--x" looks like an option: the error says how to pass it, and that way works', () => {
    const t = spawn(['eval', '--x', '--at', 'x=3']);
    expect(t.code).toBe(2);
    expect(t.stderr).toBe(`adiff: error: unknown option '--x'\n= hint: if --x is a formula, write "- -x", or put it right after --: adiff eval -- "--x" --at x=3\n`);
    expect(spawn(['eval', '--', '--x', '--at', 'x=3']).stdout).toBe('f     = 3\n∂f/∂x = 1\n');
    expect(spawn(['eval', '- -x', '--at', 'x=3']).stdout).toBe('f     = 3\n∂f/∂x = 1\n');
  });

  it('an unknown option after a formula is just unknown: no hint that it might be the formula', async () => {
    const t = await run(['eval', 'x^2', '--bogus']);
    expect(t.code).toBe(2);
    expect(t.stderr).toBe("adiff: error: unknown option '--bogus'\n= hint: adiff eval has no option --bogus: see adiff eval --help\n");
    const jvp = await run(['jvp', 'u=x*y; v=u+x', '--of', 'u,v', '--dir', 'x=1', '--mode', 'reverse']);
    expect(jvp.stderr).toContain('hint: adiff jvp has no option --mode');
    const file = await run(['eval', '--file', 'f.txt', '--bogus'], { files: { 'f.txt': 'x' } });
    expect(file.stderr).toContain('hint: adiff eval has no option --bogus');
  });

  it('one minus sign, and a mistyped option (a suggestion, not the formula hint)', async () => {
    expect((await run(['eval', '-x', '--at', 'x=1'])).stdout).toBe('f     = -1\n∂f/∂x = -1\n');
    expect((await run(['eval', '-1'])).stdout).toBe('f = -1\n');
    const typo = await run(['eval', 'x', '--at', 'x=1', '--strcit']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Did you mean --strict\?/);
    expect(typo.stderr).not.toMatch(/is a formula/);
  });
});

describe('plot ranges and axes', () => {
  it('a range wider than the largest double is an error, not NaN samples', async () => {
    expectCleanError(await run(['plot', 'x', '--from', '-1e308', '--to', '1e308']), /the range from -1e308 to 1e308 is too wide/);
    // Just inside: the width 1.6e308 is a double, and every sample is finite.
    const t = await run(['plot', 'x', '--from', '-8e307', '--to', '8e307', '--json', '--samples', '5']);
    // Spaced 4e307 apart (to rounding: 3·1.6e308 overflows, so the fraction 3/4 is taken first).
    const x: number[] = json(t).x;
    expect(x.length).toBe(5);
    expect([x[0], x[2], x[4]]).toEqual([-8e307, 0, 8e307]);
    expect(x[1]! / -4e307).toBeCloseTo(1, 12);
    expect(x[3]! / 4e307).toBeCloseTo(1, 12);
    const xs = linspace(-8e307, 8e307, 600);
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
  });

  it('--ymin and --ymax are finite, and --ymin is below --ymax', async () => {
    expectCleanError(await run(['plot', 'x', '--from', '0', '--to', '1', '--ymin', '5', '--ymax', '1']), /--ymin must be below --ymax/, '--ymin:1:1');
    expectCleanError(await run(['plot', 'x', '--from', '0', '--to', '1', '--ymin', 'NaN']), /--ymin must be a finite number, not NaN/, '--ymin:1:1');
    expectCleanError(await run(['plot', 'x', '--from', '0', '--to', '1', '--ymax', '1e999']), /--ymax must be a finite number, not Infinity/, '--ymax:1:1');
    expectCleanError(await run(['plot', 'x', '--from', 'Infinity', '--to', '1']), /--from must be a finite number/, '--from:1:1');
  });

  it('--ymin alone above the data keeps the axis at or above it', async () => {
    // x on [0, 1] lies below 5: the axis runs from 5 up (ticks 5, 5.5, 6 for a span of 1).
    const t = await run(['plot', 'x', '--from', '0', '--to', '1', '--ymin', '5', '--width', '40', '--height', '5']);
    const ticks = t.stdout.split('\n').map((l) => /^\s*(-?[\d.]+) ┤/.exec(l)?.[1]).filter((v) => v !== undefined).map(Number);
    expect(ticks.length).toBeGreaterThan(1);
    expect(Math.min(...ticks)).toBeGreaterThanOrEqual(5);
  });

  it('a reversed range (5 to -5) is drawn with x decreasing, and its axis labels in that order', async () => {
    const t = await run(['plot', 'x', '--from', '5', '--to', '-5', '--width', '40', '--height', '6', '--order', '0']);
    expect(t.code).toBe(0);
    const lines = t.stdout.split('\n');
    const axis = lines.findIndex((l) => l.includes('└'));
    const labels = lines[axis + 1]!.trim().split(/\s+/).map(Number);
    expect(labels).toEqual([5, 0, -5]);
    // f(x) = x falls from left to right: its first Braille dot is in the top row, its last in the bottom row.
    const rows = lines.slice(1, axis);
    expect(rows[0]!).toMatch(/┤[\u2801-\u28ff]/);
    expect(rows[rows.length - 1]!.trimEnd()).toMatch(/[\u2801-\u28ff]$/);
  });

  it.skipIf(!built)('--out into a missing directory is a clear exit-2 error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adiff-plot-'));
    const t = spawn(['plot', 'x', '--from', '0', '--to', '1', '--out', 'missing-dir/x.svg'], { cwd: dir });
    expect(t.code).toBe(2);
    expect(t.stderr).toBe("adiff: error: cannot write 'missing-dir/x.svg': no such directory 'missing-dir'\n");
  });
});

describe('repeated options, the label f, superscripts', () => {
  it('--wrt given twice is an error (it used to keep only the last)', async () => {
    const t = await run(['eval', 'x*y', '--at', 'x=1,y=2', '--wrt', 'x', '--wrt', 'y']);
    expectCleanError(t, /--wrt is given twice/);
    expect(t.stderr).toContain('hint: give the names in one list, e.g. --wrt x,y');
    expectCleanError(await run(['eval', 'x', '--at', 'x=1', '--mode', 'forward', '--mode=reverse']), /--mode is given twice/);
    // Repeatable options still collect, and flags may repeat.
    expect(json(await run(['eval', 'x*y', '--at', 'x=1', '--at', 'y=2', '--json', '--json'])).value).toBe(2);
  });

  it('the output of "f = x^2; f*2" is not called f (that is the user\'s f, which is 1)', async () => {
    // The output f*2 = 2x^2 = 2 at x = 1, derivative 4x = 4.
    expect((await run(['eval', 'f = x^2; f*2', '--at', 'x=1'])).stdout).toBe('f_     = 2\n∂f_/∂x = 4\n');
    expect((await run(['eval', 'f*2', '--at', 'f=3'])).stdout).toBe('f_     = 6\n∂f_/∂f = 2\n');
    expect((await run(['eval', 'g = x^2; g*2', '--at', 'x=1'])).stdout).toBe('f     = 2\n∂f/∂x = 4\n');
  });

  it('x² is an error that says to write x^2; x₁ is still a name', async () => {
    const t = await run(['eval', 'x² + 1', '--at', 'x=2']);
    expectCleanError(t, /superscript '²': powers are written with \^/, 'expr:1:2');
    expect(t.stderr).toContain('= hint: write x^2\n');
    expect((await run(['eval', '3x⁻¹', '--at', 'x=2'])).stderr).toContain('= hint: write 3x^(-1)\n');
    expect(json(await run(['eval', 'x₁^2', '--at', 'x₁=3', '--json'])).gradient).toEqual({ 'x₁': 6 });
    expectCleanError(await run(['eval', 'x', '--at', 'x²=1']), /'x²' is not a variable name/, '--at:1:1');
  });
});
