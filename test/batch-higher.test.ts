// `--points` for hessian, jacobian, jvp, vjp, hvp, and `eval --points --mode forward`. Expected numbers are hand
// derivations (written next to each test); every batch line is also compared with the single-point --json run
// of the same command at the same point.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { fakeIo, run } from './helpers/cli.js';

const lines = (s: string) => s.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const ROSENBROCK = '(1-x)^2 + 100(y-x^2)^2';
const UV = 'u = x*y; v = x + y';

/** f = (1-x)² + 100(y-x²)²: gradient and Hessian by hand. */
const rosenbrock = (x: number, y: number) => ({
  value: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  gradient: { x: -2 * (1 - x) - 400 * x * (y - x * x) + 0, y: 200 * (y - x * x) }, // + 0: JSON has no -0
  hessian: { x: { x: 2 - 400 * (y - x * x) + 800 * x * x, y: -400 * x + 0 }, y: { x: -400 * x + 0, y: 200 } },
});

/** Each batch line equals the single-point --json output of the same command at the same point, character for character. */
async function sameAsSinglePoint(command: string[], points: Record<string, number>[], extra: string[] = []) {
  const names = Object.keys(points[0]!);
  const csv = `${names.join(',')}\n${points.map((p) => names.map((n) => p[n]).join(',')).join('\n')}\n`;
  const batch = await run([...command, '--points', 'p.csv', ...extra], { files: { 'p.csv': csv } });
  const out = batch.stdout.split('\n').filter((l) => l !== '');
  expect(out).toHaveLength(points.length);
  for (let i = 0; i < points.length; i++) {
    const at = names.map((n) => `${n}=${points[i]![n]}`).join(',');
    const single = await run([...command, '--at', at, '--json', ...extra]);
    expect(out[i], `${command.join(' ')} at ${at}`).toBe(single.stdout.trim());
  }
  return batch;
}

describe('adiff hessian --points', () => {
  it('Rosenbrock: the Hessian at (1,1) is [[802,-400],[-400,200]], at every point as derived by hand', async () => {
    const t = await run(['hessian', ROSENBROCK, '--points', 'p.csv'], { files: { 'p.csv': 'x,y\n1,1\n1,2\n-1.5,0.5\n0,0\n' } });
    expect(t.code).toBe(0);
    expect(t.stderr).toBe('');
    const out = lines(t.stdout);
    expect(out).toHaveLength(4);
    expect(Object.keys(out[0])).toEqual(['value', 'gradient', 'hessian']); // as the single-point --json object
    expect(out[0]).toEqual({ value: 0, gradient: { x: 0, y: 0 }, hessian: { x: { x: 802, y: -400 }, y: { x: -400, y: 200 } } });
    [[1, 1], [1, 2], [-1.5, 0.5], [0, 0]].forEach(([x, y], i) => expect(out[i], `(${x},${y})`).toEqual(rosenbrock(x!, y!)));
  });

  it('a quadratic form has a constant Hessian (NDJSON input, three variables, --wrt order)', async () => {
    // f = 3x² + 2xy + 5y² + xz - z²: H = [[6, 2, 1], [2, 10, 0], [1, 0, -2]], ∇f = (6x + 2y + z, 2x + 10y, x - 2z)
    const f = '3x^2 + 2x*y + 5y^2 + x*z - z^2';
    const nd = '{"x": 1, "y": 2, "z": 3}\n{"x": -0.5, "y": 0.25, "z": 4, "note": "extra keys are ignored"}\n';
    const t = await run(['hessian', f, '--points', '-'], { stdin: nd });
    expect(t.code).toBe(0);
    const out = lines(t.stdout);
    const H = { x: { x: 6, y: 2, z: 1 }, y: { x: 2, y: 10, z: 0 }, z: { x: 1, y: 0, z: -2 } };
    expect(out[0]).toEqual({ value: 3 + 4 + 20 + 3 - 9, gradient: { x: 6 + 4 + 3, y: 2 + 20, z: 1 - 6 }, hessian: H });
    expect(out[1].hessian).toEqual(H);
    expect(out[1].gradient).toEqual({ x: -3 + 0.5 + 4, y: -1 + 2.5, z: -0.5 - 8 });
    const some = await run(['hessian', f, '--points', '-', '--wrt', 'z,x'], { stdin: nd });
    expect(lines(some.stdout)[0]).toEqual({ value: 21, gradient: { z: -5, x: 13 }, hessian: { z: { z: -2, x: 1 }, x: { z: 1, x: 6 } } });
  });

  it('gives the single-point output at every point, edge points included (0·∞ gradients, infinities, NaN)', async () => {
    const points = [[1, 1], [0, 0], [-1, 2], [0, 1], [2, 0], [Infinity, 1], [NaN, 1], [0.5, -0.25]].map(([x, y]) => ({ x: x!, y: y! }));
    for (const f of [ROSENBROCK, 'sqrt(x)*y', 'abs(x)*y^2', 'x^y', 'hypot(x, y)', 'max(x, y)*x', 'sin(x*y) + cos(x)', 'x^0.5*y^-1']) {
      await sameAsSinglePoint(['hessian', f], points);
    }
  });

  it('puts an error line in place of a bad point, goes on, and exits 1; --strict exits 3 on a non-finite entry', async () => {
    const t = await run(['hessian', ROSENBROCK, '--points', 'p.csv'], { files: { 'p.csv': 'x,y\n1,1\n1,zz\n1\n2,2\n' } });
    expect(t.code).toBe(1);
    const out = lines(t.stdout);
    expect(out).toHaveLength(4);
    expect(out[0].hessian.x.x).toBe(802);
    expect(out[1]).toEqual({ error: { kind: 'input', message: `the value of 'y' is not a number: "zz"`, line: 3 } });
    expect(out[2].error.line).toBe(4);
    expect(out[2].error.message).toMatch(/expected 2 values/);
    expect(out[3]).toEqual(rosenbrock(2, 2));
    expect(t.stderr).toMatch(/2 of 4 points could not be evaluated/);
    // f = sqrt(x): f'' = -1/(4 x^(3/2)) is -Infinity at 0
    const strict = await run(['hessian', 'sqrt(x)', '--points', 'p.csv', '--strict'], { files: { 'p.csv': 'x\n4\n0\n' } });
    expect(strict.code).toBe(3);
    expect(lines(strict.stdout)).toEqual([
      { value: 2, gradient: { x: 0.25 }, hessian: { x: { x: -1 / 32 } } },
      { value: 0, gradient: { x: 'Infinity' }, hessian: { x: { x: '-Infinity' } } },
    ]);
    expect((await run(['hessian', 'sqrt(x)', '--points', 'p.csv'], { files: { 'p.csv': 'x\n0\n' } })).code).toBe(0);
  });

  it('keeps order and count across blocks, and takes --at values for variables the points leave out', async () => {
    const n = 2500; // more than two blocks of 1024
    const csv = 'x\n' + Array.from({ length: n }, (_, i) => `${i}\n`).join('');
    const t = await run(['hessian', ROSENBROCK, '--points', 'p.csv', '--at', 'y=3'], { files: { 'p.csv': csv } });
    expect(t.code).toBe(0);
    const out = lines(t.stdout);
    expect(out).toHaveLength(n);
    out.forEach((o, i) => expect(o.hessian.x.x).toBe(2 - 400 * (3 - i * i) + 800 * i * i));
  });

  it('rejects what cannot be combined, before any output (exit 2)', async () => {
    const files = { 'p.csv': 'x,y\n1,1\n' };
    const trace = await run(['hessian', ROSENBROCK, '--points', 'p.csv', '--trace'], { files });
    expect(trace.code).toBe(2);
    expect(trace.stderr).toMatch(/--trace shows one point/);
    expect((await run(['hessian', ROSENBROCK, '--points', 'p.csv', '--input-format', 'xml'], { files })).code).toBe(2);
    expect((await run(['hessian', 'x; y', '--points', 'p.csv'], { files })).stderr).toMatch(/hessian takes one output/);
    const missing = await run(['hessian', ROSENBROCK, '--points', 'p.csv'], { files: { 'p.csv': 'x\n1\n' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no column for the variable 'y'/);
    expect(missing.stdout).toBe('');
    expect((await run(['eval', 'x^2', '--points', 'p.csv', '--order', '2'], { files: { 'p.csv': 'x\n1\n' } })).code).toBe(2);
  });

  it('stops on Ctrl-C with exit 130 after writing every finished line', async () => {
    const { io, out, err } = fakeIo();
    let interrupt: (() => void) | undefined;
    const stdin = (async function* () {
      yield new TextEncoder().encode('x,y\n1,1\n2,3\n');
      interrupt!();
      await new Promise(() => {});
    })();
    const code = await main(['hessian', ROSENBROCK, '--points', '-'], { ...io, stdinChunks: () => stdin, onInterrupt: (h) => ((interrupt = h), () => (interrupt = undefined)) });
    expect(code).toBe(130);
    expect(lines(out())).toEqual([rosenbrock(1, 1), rosenbrock(2, 3)]);
    expect(err()).toMatch(/interrupted after 2 points/);
  });
});

describe('adiff hvp --points', () => {
  it('H·d per point: Rosenbrock at (1,1) along (1,1) is (402, -200)', async () => {
    const t = await run(['hvp', ROSENBROCK, '--dir', 'x=1,y=1', '--points', 'p.csv'], { files: { 'p.csv': 'y,x\n1,1\n2,1\n' } });
    expect(t.code).toBe(0);
    const out = lines(t.stdout);
    expect(Object.keys(out[0])).toEqual(['value', 'gradient', 'dir', 'hvp']);
    expect(out[0]).toEqual({ value: 0, gradient: { x: 0, y: 0 }, dir: { x: 1, y: 1 }, hvp: { x: 802 - 400, y: -400 + 200 } });
    const h = rosenbrock(1, 2).hessian; // at (1, 2)
    expect(out[1].hvp).toEqual({ x: h.x.x + h.x.y, y: h.y.x + h.y.y });
  });

  it('gives the single-point output at every point', async () => {
    const points = [[1, 1], [0, 0], [-1, 2], [Infinity, 1], [0.5, -0.25]].map(([x, y]) => ({ x: x!, y: y! }));
    for (const f of [ROSENBROCK, 'sqrt(x)*y', 'x^y', 'exp(x*x)*y']) await sameAsSinglePoint(['hvp', f, '--dir', 'x=1,y=-2'], points);
  });
});

describe('adiff jacobian, jvp, vjp --points', () => {
  it('jacobian of u = x*y, v = x + y is [[y, x], [1, 1]] at every point, in the mode the shape chooses or --mode', async () => {
    const files = { 'p.csv': 'x,y\n2,3\n-1,0.5\n' };
    const t = await run(['jacobian', UV, '--of', 'u,v', '--points', 'p.csv'], { files });
    expect(t.code).toBe(0);
    const out = lines(t.stdout);
    expect(out[0]).toEqual({ outputs: ['u', 'v'], values: { u: 6, v: 5 }, jacobian: { u: { x: 3, y: 2 }, v: { x: 1, y: 1 } }, mode: 'reverse' });
    expect(out[1]).toEqual({ outputs: ['u', 'v'], values: { u: -0.5, v: -0.5 }, jacobian: { u: { x: 0.5, y: -1 }, v: { x: 1, y: 1 } }, mode: 'reverse' });
    const fwd = lines((await run(['jacobian', UV, '--of', 'u,v', '--points', 'p.csv', '--mode', 'forward'], { files })).stdout);
    expect(fwd.map((o) => o.mode)).toEqual(['forward', 'forward']);
    expect(fwd.map((o) => o.jacobian)).toEqual(out.map((o) => o.jacobian));
    // three outputs, two variables: forward sweeps by default, as at a single point
    const three = lines((await run(['jacobian', 'x*y; x + y; sin(x)', '--points', 'p.csv'], { files })).stdout);
    expect(three[0].mode).toBe('forward');
    expect(three[0].jacobian.f3).toEqual({ x: Math.cos(2), y: 0 });
  });

  it('jvp J·d and vjp cᵀ·J per point (NDJSON input)', async () => {
    const nd = '{"x": 2, "y": 3}\n{"x": 1, "y": -4}\n';
    // J·(1, -1) = (y - x, 0); (1, 2)ᵀ·J = (y + 2, x + 2)
    const jvp = await run(['jvp', UV, '--of', 'u,v', '--dir', 'x=1,y=-1', '--points', '-', '--input-format', 'ndjson'], { stdin: nd });
    expect(lines(jvp.stdout)).toEqual([
      { values: { u: 6, v: 5 }, dir: { x: 1, y: -1 }, jvp: { u: 1, v: 0 } },
      { values: { u: -4, v: -3 }, dir: { x: 1, y: -1 }, jvp: { u: -5, v: 0 } },
    ]);
    const vjp = await run(['vjp', UV, '--of', 'u,v', '--cotangent', 'u=1,v=2', '--points', '-'], { stdin: nd });
    expect(lines(vjp.stdout)).toEqual([
      { values: { u: 6, v: 5 }, cotangent: { u: 1, v: 2 }, vjp: { x: 5, y: 4 } },
      { values: { u: -4, v: -3 }, cotangent: { u: 1, v: 2 }, vjp: { x: -2, y: 3 } },
    ]);
  });

  it('gives the single-point output at every point', async () => {
    const points = [[2, 3], [0, 0], [-1, 0.5], [Infinity, 2], [NaN, 1]].map(([x, y]) => ({ x: x!, y: y! }));
    const program = 'u = x*y; v = sqrt(x) + y; w = ln(x)*sin(y)';
    await sameAsSinglePoint(['jacobian', program, '--of', 'u,v,w'], points);
    await sameAsSinglePoint(['jacobian', program, '--of', 'u,v,w'], points, ['--mode', 'reverse']);
    await sameAsSinglePoint(['jacobian', program, '--of', 'u,w', '--wrt', 'y'], points);
    await sameAsSinglePoint(['jvp', program, '--of', 'u,v,w', '--dir', 'x=0.5,y=2'], points);
    await sameAsSinglePoint(['vjp', program, '--of', 'u,v,w', '--cotangent', 'u=1,w=-3'], points);
  });

  it('error lines in place, exit 1; --strict exit 3; a bad --dir is an error before any output', async () => {
    const t = await run(['jvp', UV, '--of', 'u,v', '--dir', 'x=1', '--points', '-'], { stdin: '{"x": 1, "y": 1}\n{"x": 1}\nnot json\n{"x": 2, "y": 1}\n' });
    expect(t.code).toBe(1);
    const out = lines(t.stdout);
    expect(out).toHaveLength(4);
    expect(out[0].jvp).toEqual({ u: 1, v: 1 });
    expect(out[1]).toEqual({ error: { kind: 'input', message: "no value for 'y'", line: 2 } });
    expect(out[2].error.line).toBe(3);
    expect(out[3].jvp).toEqual({ u: 1, v: 1 });
    const strict = await run(['vjp', 'u = 1/x; v = x', '--of', 'u,v', '--cotangent', 'u=1', '--points', '-', '--strict'], { stdin: 'x\n1\n0\n' });
    expect(strict.code).toBe(3);
    expect(lines(strict.stdout)[1]).toEqual({ values: { u: 'Infinity', v: 0 }, cotangent: { u: 1, v: 0 }, vjp: { x: '-Infinity' } });
    const bad = await run(['jvp', UV, '--of', 'u,v', '--dir', 'z=1', '--points', '-'], { stdin: 'x,y\n1,1\n' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/'z' is not a variable/);
  });
});

describe('adiff eval --points --mode forward', () => {
  it('sweeps forward, once per variable, and says so; the same numbers as a single forward-mode point', async () => {
    // f = x*y^2: ∇f = (y², 2xy)
    const t = await run(['eval', 'x*y^2', '--points', 'p.csv', '--mode', 'forward'], { files: { 'p.csv': 'x,y\n1,2\n3,0.5\n' } });
    expect(t.code).toBe(0);
    expect(lines(t.stdout)).toEqual([
      { expression: 'x*y^2', at: { x: 1, y: 2 }, value: 4, gradient: { x: 4, y: 4 }, mode: 'forward' },
      { expression: 'x*y^2', at: { x: 3, y: 0.5 }, value: 0.75, gradient: { x: 0.25, y: 3 }, mode: 'forward' },
    ]);
    const points = [[2, 5], [1, 0], [0.5, 3], [-1, 2], [0, 0]].map(([x1, x2]) => ({ x1: x1!, x2: x2! }));
    for (const f of ['ln(x1)+x1*x2-sin(x2)', 'sqrt(x1)*x2', 'x1^x2']) await sameAsSinglePoint(['eval', f, '--mode', 'forward'], points);
    const csv = await run(['eval', 'x*y^2', '--points', 'p.csv', '--mode', 'forward', '--format', 'csv', '--wrt', 'y'], { files: { 'p.csv': 'x,y\n1,2\n' } });
    expect(csv.stdout).toBe('value,d/dy\n4,4\n');
  });
});

describe('--points for the higher-order commands, a real process', () => {
  it('hessian reads a file and writes one line per point (the bundled CLI loads the batch code)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adiff-batch-higher-'));
    const file = join(dir, 'p.csv');
    writeFileSync(file, 'x,y\n1,1\n' + '0.5,0.5\n'.repeat(3000));
    const bin = join(__dirname, '..', 'bin', 'adiff.js');
    const r = spawnSync('bash', ['-c', `node "${bin}" hessian "${ROSENBROCK}" --points "${file}" | head -n 2; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    const [first, second, status] = r.stdout.trim().split('\n');
    expect(JSON.parse(first!)).toEqual(rosenbrock(1, 1));
    expect(JSON.parse(second!)).toEqual(rosenbrock(0.5, 0.5));
    expect(status).toBe('status=0');
    expect(r.stderr).toBe('');
  });
});

describe("the --points examples of each command's help", () => {
  it.each(['eval', 'hessian', 'jacobian', 'jvp', 'vjp', 'hvp'])('%s --help shows --points and its examples run', async (command) => {
    const help = await run([command, '--help']);
    expect(help.stdout).toMatch(/--points <file>/);
    expect(help.stdout).toMatch(/--input-format <format>/);
    const examples = help.stdout.split('\n').filter((l) => l.startsWith('  adiff ') && l.includes('--points examples/'));
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const argv = [...example.trim().slice('adiff '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      const file = argv[argv.indexOf('--points') + 1]!;
      const t = await run(argv, { files: { [file]: readFileSync(join(__dirname, '..', file)) } });
      expect(t.code, example).toBe(0);
      expect(t.stdout.trim().split('\n'), example).toHaveLength(example.includes('--format csv') ? 3 : 2); // examples/xy.csv has two points
    }
  });
});

describe('hessian and hvp at edge points: the same numbers in batch and at one point, value and gradient as eval gives them', () => {
  // f = exp(x)·(y·0 + 1) at y = ∞: y·0 is NaN in IEEE arithmetic, so the value is NaN, as `eval` says, and so is
  // ∂f/∂x = exp(x)·(y·0 + 1); ∂f/∂y = exp(x)·0 = 0 by the zero-skip rule (a zero adjoint path). (The Hessian comes
  // from the derivative graph, where y·0 is folded to 0: ∂²f/∂x² = exp(2) there, the same in both forms.)
  it('exp(x)*(y*0+1) at (2, Infinity)', async () => {
    const f = 'exp(x)*(y*0+1)';
    const one = JSON.parse((await run(['hessian', f, '--at', 'x=2,y=Infinity', '--json'])).stdout);
    expect(one.value).toBe('NaN');
    expect(one.gradient).toEqual({ x: 'NaN', y: 0 });
    const ev = JSON.parse((await run(['eval', f, '--at', 'x=2,y=Infinity', '--json'])).stdout);
    expect(one.value).toBe(ev.value);
    expect(one.gradient).toEqual(ev.gradient);
    const batch = lines((await run(['hessian', f, '--points', '-'], { stdin: 'x,y\n2,Infinity\n' })).stdout);
    expect(batch).toEqual([one]);
    const hvpOne = JSON.parse((await run(['hvp', f, '--at', 'x=2,y=Infinity', '--dir', 'x=1,y=2', '--json'])).stdout);
    expect(hvpOne.value).toBe('NaN');
    const hvpBatch = lines((await run(['hvp', f, '--dir', 'x=1,y=2', '--points', '-'], { stdin: 'x,y\n2,Infinity\n' })).stdout);
    expect(hvpBatch).toEqual([hvpOne]);
  });

  it('many formulas and edge points: every batch line is the single-point object', async () => {
    const formulas = ['x+0*y', 'x*y-x*y', 'x^2*(y-y)', '1/x+0*y', 'a = x*y; b = a*a + sin(a); b/x', 'x*x*x*y + 3', 'x/y', 'hypot(x, y)', 'x^y'];
    const points = [[2, Infinity], [2, NaN], [0, 1], [0, Infinity], [0, 2], [-0, -1], [3.3899621963500977, -0.1402425765991211]];
    for (const f of formulas) {
      for (const [x, y] of points) {
        const one = (await run(['hessian', f, '--at', `x=${x},y=${y}`, '--json'])).stdout.trim();
        const batch = (await run(['hessian', f, '--points', '-'], { stdin: `x,y\n${x},${y}\n` })).stdout.trim();
        expect(batch, `${f} at (${x}, ${y})`).toBe(one);
      }
    }
  });
});
