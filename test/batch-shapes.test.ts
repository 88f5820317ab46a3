// The lines of --points for every command: NDJSON lines are exactly the single-point --json object at the same
// point, and --format csv writes one column per number. Expected numbers are derived by hand.
import { describe, expect, it } from 'vitest';
import { run } from './helpers/cli.js';

const points = 'x,y\n1,2\n0.5,-1\n';
const at = ['x=1,y=2', 'x=0.5,y=-1'];
const files = { 'p.csv': points };

/** Each NDJSON line of `--points` equals the single-point `--json` output at that point. */
async function sameAsSinglePoints(args: string[]) {
  const batch = await run([...args, '--points', 'p.csv'], { files });
  expect(batch.code, batch.stderr).toBe(0);
  const lines = batch.stdout.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(at.length);
  for (let i = 0; i < at.length; i++) {
    const one = await run([...args, '--at', at[i]!, '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(lines[i]).toBe(one.stdout.trim());
  }
  return lines.map((l) => JSON.parse(l));
}

async function csv(args: string[], input = points) {
  const t = await run([...args, '--points', 'p.csv', '--format', 'csv'], { files: { 'p.csv': input } });
  return { ...t, rows: t.stdout.split('\n').filter((l) => l !== '').map((l) => l.split(',')) };
}

describe('eval --points with several outputs and --of', () => {
  it('--of v: the line of one named output', async () => {
    const [a, b] = await sameAsSinglePoints(['eval', 'u = x*y; v = x + y^2', '--of', 'v']);
    // v = x + y², ∂v/∂x = 1, ∂v/∂y = 2y
    expect(a).toMatchObject({ output: 'v', value: 5, gradient: { x: 1, y: 4 } });
    expect(b).toMatchObject({ output: 'v', value: 1.5, gradient: { x: 1, y: -2 } });
  });
  it('several bare expressions: values and gradients by output, in both modes', async () => {
    for (const mode of ['reverse', 'forward']) {
      const [a] = await sameAsSinglePoints(['eval', 'x*y; sin(x)', '--mode', mode]);
      expect(a).toMatchObject({ outputs: ['f1', 'f2'], values: { f1: 2, f2: Math.sin(1) }, gradients: { f1: { x: 2, y: 1 }, f2: { x: Math.cos(1), y: 0 } }, mode });
    }
  });
  it('--of u,v with --wrt, as CSV: values, then each output\'s gradient', async () => {
    const t = await csv(['eval', 'u = x*y; v = x + y^2', '--of', 'u,v', '--wrt', 'y']);
    expect(t.code).toBe(0);
    expect(t.rows).toEqual([
      ['u', 'v', 'du/dy', 'dv/dy'],
      ['2', '5', '1', '4'],
      ['-0.5', '1.5', '0.5', '-2'],
    ]);
  });
});

describe('--format csv for the higher-order commands', () => {
  it('hessian: value, gradient, and the Hessian on and above the diagonal', async () => {
    // f = x²y: ∇f = (2xy, x²), H = [[2y, 2x], [2x, 0]]
    const t = await csv(['hessian', 'x^2*y']);
    expect(t.rows).toEqual([
      ['value', 'd/dx', 'd/dy', 'd2/dxdx', 'd2/dxdy', 'd2/dydy'],
      ['2', '4', '1', '4', '2', '0'],
      ['-0.25', '-1', '0.25', '-2', '1', '0'],
    ]);
    await sameAsSinglePoints(['hessian', 'x^2*y']);
  });
  it('hessian: where plain column names would collide (xd, x, dx: d2/dxddx twice), every entry is written d2/da*db', async () => {
    // f = xd·x + x·dx² at (1, 2, 3): 2 + 18 = 20; ∇f = (x, xd + dx², 2x·dx) = (2, 10, 12);
    // H: ∂xd∂x = 1, ∂x∂dx = 2dx = 6, ∂dx∂dx = 2x = 4, the rest 0
    const t = await run(['hessian', 'xd*x + x*dx^2', '--points', '-', '--format', 'csv'], { stdin: 'xd,x,dx\n1,2,3\n' });
    expect(t.stdout).toBe('value,d/dxd,d/dx,d/ddx,d2/dxd*dxd,d2/dxd*dx,d2/dxd*ddx,d2/dx*dx,d2/dx*ddx,d2/ddx*ddx\n20,2,10,12,0,1,0,0,6,4\n');
  });

  it('jacobian: the values, then the rows of J', async () => {
    const t = await csv(['jacobian', 'x*y; x+y']);
    expect(t.rows).toEqual([
      ['f1', 'f2', 'df1/dx', 'df1/dy', 'df2/dx', 'df2/dy'],
      ['2', '3', '2', '1', '1', '1'],
      ['-0.5', '-0.5', '-1', '0.5', '1', '1'],
    ]);
    await sameAsSinglePoints(['jacobian', 'x*y; x+y']);
  });
  it('jvp, vjp and hvp', async () => {
    // J of (xy, x+y) = [[y, x], [1, 1]]; J·(1,0) = (y, 1); (1,0)·J = (y, x)
    expect((await csv(['jvp', 'x*y; x+y', '--dir', 'x=1'])).rows).toEqual([
      ['f1', 'f2', 'jvp.f1', 'jvp.f2'],
      ['2', '3', '2', '1'],
      ['-0.5', '-0.5', '-1', '1'],
    ]);
    expect((await csv(['vjp', 'x*y; x+y', '--cotangent', 'f1=1'])).rows).toEqual([
      ['f1', 'f2', 'vjp.x', 'vjp.y'],
      ['2', '3', '2', '1'],
      ['-0.5', '-0.5', '-1', '0.5'],
    ]);
    // f = x·x·y: ∇f = (2xy, x²), H·(1,0) = (2y, 2x)
    expect((await csv(['hvp', 'x*x*y', '--dir', 'x=1'])).rows).toEqual([
      ['value', 'd/dx', 'd/dy', 'hvp.x', 'hvp.y'],
      ['2', '4', '1', '4', '2'],
      ['-0.25', '-1', '0.25', '-2', '1'],
    ]);
    await sameAsSinglePoints(['jvp', 'x*y; x+y', '--dir', 'x=1']);
    await sameAsSinglePoints(['vjp', 'x*y; x+y', '--cotangent', 'f1=1']);
    await sameAsSinglePoints(['hvp', 'x*x*y', '--dir', 'x=1']);
  });
  it('a bad point: an empty row in its place, the error on stderr, exit 1; non-finite numbers as words', async () => {
    const t = await csv(['hessian', 'ln(x)*y'], 'x,y\n1,2\n1,abc\n0,1\n');
    expect(t.code).toBe(1);
    expect(t.stdout.split('\n')[2]).toBe(',,,,,');
    expect(t.stderr).toContain("line 3: the value of 'y' is not a number");
    // f = y ln x at (0, 1): f = -∞, ∂f/∂x = y/x = ∞, ∂f/∂y = ln x = -∞, ∂²f/∂x² = -y/x² = -∞, ∂²f/∂x∂y = 1/x = ∞
    expect(t.rows[3]).toEqual(['-Infinity', 'Infinity', '-Infinity', '-Infinity', 'Infinity', '0']);
  });
});

describe('the CSV header', () => {
  it('a variable named by two columns is an error (exit 2); other columns may repeat', async () => {
    const bad = await run(['eval', 'x*y', '--points', 'p.csv'], { files: { 'p.csv': 'x,y,x\n1,2,3\n' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("the header (line 1) has two columns named 'x'");
    const ok = await run(['eval', 'x*y', '--points', 'p.csv'], { files: { 'p.csv': 'note,x,note,y\na,1,b,2\n' } });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).value).toBe(2);
  });
});
