// CLI transcripts of the higher-order commands: hessian, jacobian, jvp, vjp, hvp, diff, eval --order and eval
// with several outputs; success and error cases. Expected numbers are derived by hand in the comments.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { json, run } from './helpers/cli.js';

const env = { NO_COLOR: '1' };
const adiff = (argv: string[]) => run(argv, { env });
const close = (actual: number, expected: number, rel = 1e-12) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));

/** Runs a command that must fail with exit 2, and returns its stderr. */
async function badInput(argv: string[]): Promise<string> {
  const t = await adiff(argv);
  expect(t.code, t.stderr).toBe(2);
  expect(t.stdout).toBe('');
  expect(t.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return t.stderr;
}

describe('adiff hessian', () => {
  test('Rosenbrock at (1,1): a labelled matrix [[802,-400],[-400,200]]', async () => {
    const t = await adiff(['hessian', '(1-x)^2 + 100(y-x^2)^2', '--at', 'x=1,y=1']);
    expect(t.code).toBe(0);
    expect(t.stderr).toBe('');
    expect(t.stdout).toBe(
      ['f     = 0', '∂f/∂x = 0', '∂f/∂y = 0', '', 'Hessian ∂²f/∂row∂column:', '      x     y', 'x   802  -400', 'y  -400   200', ''].join('\n'),
    );
  });

  test('JSON: value, gradient, and the Hessian keyed by variable, in first-appearance order', async () => {
    // f = x²y + sin(z): ∇f = (2xy, x², cos z); H = [[2y, 2x, 0], [2x, 0, 0], [0, 0, -sin z]]
    const [x, y, z] = [1.5, -2, 0.5];
    const t = await adiff(['hessian', 'x^2*y + sin(z)', '--at', `x=${x},y=${y},z=${z}`, '--json']);
    expect(t.code).toBe(0);
    const out = json(t);
    expect(Object.keys(out)).toEqual(['value', 'gradient', 'hessian']);
    close(out.value, x * x * y + Math.sin(z));
    expect(Object.keys(out.gradient)).toEqual(['x', 'y', 'z']);
    close(out.gradient.z, Math.cos(z));
    expect(out.hessian.x).toEqual({ x: 2 * y, y: 2 * x, z: 0 });
    expect(out.hessian.y).toEqual({ x: 2 * x, y: 0, z: 0 });
    close(out.hessian.z.z, -Math.sin(z));
  });

  test('--of chooses the output, --wrt the variables; --trace adds the first-order sweep', async () => {
    // g = a*b with a = x*y, b = x + y: g = x²y + xy²; ∂²g/∂y² = 2x, ∂²g/∂y∂x = 2x + 2y
    const t = await adiff(['hessian', 'a = x*y; b = x + y; g = a*b; g - 1', '--of', 'g', '--wrt', 'y,x', '--at', 'x=2,y=3', '--json', '--trace']);
    expect(t.code).toBe(0);
    const out = json(t);
    expect(out.value).toBe(30);
    expect(out.hessian).toEqual({ y: { y: 4, x: 10 }, x: { y: 10, x: 6 } });
    expect(out.trace.map((r: { node: string }) => r.node)).toEqual(['v-1', 'v0', 'v1', 'v2', 'v3']);
    // The forward-over-reverse table along the first --wrt variable (y): the gradient entries carry column y.
    const fr = out.forwardOverReverse;
    expect(fr.wrt).toBe('y');
    const row = (name: string) => fr.trace.find((r: { names: string[] }) => r.names.includes(name));
    expect(row('∂g/∂y').tangent).toBe(4);
    expect(row('∂g/∂x').tangent).toBe(10);
    expect(row('g').tangent).toBe(out.gradient.y);
    const human = await adiff(['hessian', 'x^3', '--at', 'x=2', '--trace']);
    expect(human.stdout).toContain('forward-over-reverse sweep along x');
    expect(human.stdout).toContain('adjoint ∂f/∂v');
    expect(human.stdout).toContain('∂f/∂x = 12');
  });

  test('errors: several outputs, an --of that does not exist, --strict', async () => {
    expect(await badInput(['hessian', 'x; y', '--at', 'x=1,y=2'])).toMatch(/hessian takes one output, but the program has 2 bare expressions[\s\S]*\^/);
    expect(await badInput(['hessian', 'u = x*y; v = x', '--of', 'u,v', '--at', 'x=1,y=2'])).toMatch(/hessian takes one output, but --of names 2/);
    const stderr = await badInput(['hessian', 'u = x*y', '--of', 'w', '--at', 'x=1,y=2']);
    expect(stderr).toContain("the program assigns no 'w'");
    expect(stderr).toContain('--> --of:1:1');
    expect(stderr).toContain('the assigned names are: u');
    expect((await adiff(['hessian', 'sqrt(x)', '--at', 'x=0', '--strict'])).code).toBe(3);
  });
});

describe('a formula without variables', () => {
  test('hessian and jacobian say the matrix is empty instead of printing a bare heading', async () => {
    expect((await adiff(['hessian', '5'])).stdout).toBe('f = 5\n(no variables: the Hessian is empty)\n');
    expect((await adiff(['jacobian', '5; 2'])).stdout).toBe('f1 = 5\nf2 = 2\n(no variables: the Jacobian has no columns)\n');
    expect(json(await adiff(['hessian', '5', '--json']))).toEqual({ value: 5, gradient: {}, hessian: {} });
  });
});

describe('adiff jacobian', () => {
  // u = xy, v = x + y at (2,3): J = [[3, 2], [1, 1]]
  test('--of u,v, reverse sweeps for a square Jacobian; --mode forward gives the same matrix', async () => {
    const t = await adiff(['jacobian', 'u = x*y; v = x + y', '--of', 'u,v', '--at', 'x=2,y=3']);
    expect(t.code).toBe(0);
    expect(t.stdout).toBe(['u = 6', 'v = 5', '', 'Jacobian ∂row/∂column (2 reverse sweeps):', '   x  y', 'u  3  2', 'v  1  1', ''].join('\n'));
    const f = json(await adiff(['jacobian', 'u = x*y; v = x + y', '--of', 'u,v', '--at', 'x=2,y=3', '--mode', 'forward', '--json']));
    expect(f).toEqual({ outputs: ['u', 'v'], values: { u: 6, v: 5 }, jacobian: { u: { x: 3, y: 2 }, v: { x: 1, y: 1 } }, mode: 'forward' });
  });

  test('without --of every bare expression is an output; more outputs than variables → forward', async () => {
    const out = json(await adiff(['jacobian', 'x*y; x + y; sin(x)', '--at', 'x=2,y=3', '--json']));
    expect(out.outputs).toEqual(['f1', 'f2', 'f3']);
    expect(out.mode).toBe('forward');
    expect(out.jacobian.f1).toEqual({ x: 3, y: 2 });
    expect(out.jacobian.f3).toEqual({ x: Math.cos(2), y: 0 });
    const r = json(await adiff(['jacobian', 'x*y; x + y; sin(x)', '--at', 'x=2,y=3', '--json', '--mode', 'reverse', '--trace']));
    expect(r.jacobian).toEqual(out.jacobian);
    expect(r.traces.map((s: { output: string }) => s.output)).toEqual(['f1', 'f2', 'f3']);
  });

  test('errors: --of naming a variable or nothing, a bad --mode', async () => {
    expect(await badInput(['jacobian', 'u = x*y', '--of', 'u,x', '--at', 'x=1,y=2'])).toMatch(/'x' is a variable, not an assigned name[\s\S]*--of:1:3/);
    expect(await badInput(['jacobian', 'u = x*y', '--of', 'u,', '--at', 'x=1,y=2'])).toContain('empty name in --of');
    expect(await badInput(['jacobian', 'x*y', '--of', 'q', '--at', 'x=1,y=2'])).toContain('the program assigns no names');
    expect(await badInput(['jacobian', 'x*y', '--mode', 'sideways', '--at', 'x=1,y=2'])).toContain("unknown mode 'sideways'");
  });
});

describe('adiff jvp, vjp, hvp', () => {
  test('jvp: J·d for u = xy, v = x + y along d = (1, -1): (y - x, 0)', async () => {
    const out = json(await adiff(['jvp', 'u = x*y; v = x + y', '--of', 'u,v', '--at', 'x=2,y=3', '--dir', 'x=1,y=-1', '--json']));
    expect(out).toEqual({ values: { u: 6, v: 5 }, dir: { x: 1, y: -1 }, jvp: { u: 1, v: 0 } });
    const t = await adiff(['jvp', 'x^2 + y^2', '--at', 'x=3,y=4', '--dir', 'x=0.6', '--dir', 'y=0.8']);
    // ∇f·d = 2·3·0.6 + 2·4·0.8 = 10
    expect(t.stdout).toBe('f    = 25\n∇f·d = 10\nwhere d = (x: 0.6, y: 0.8)\n');
  });

  test('vjp: cᵀ·J with c = (1, 2): (y + 2, x + 2); outputs left out weigh 0', async () => {
    const out = json(await adiff(['vjp', 'u = x*y; v = x + y', '--of', 'u,v', '--at', 'x=2,y=3', '--cotangent', 'u=1,v=2', '--json']));
    expect(out).toEqual({ values: { u: 6, v: 5 }, cotangent: { u: 1, v: 2 }, vjp: { x: 5, y: 4 } });
    const only = json(await adiff(['vjp', 'x*y; x + y', '--at', 'x=2,y=3', '--cotangent', 'f2=3', '--json']));
    expect(only.vjp).toEqual({ x: 3, y: 3 });
    const t = await adiff(['vjp', 'u = x*y; v = x + y', '--of', 'u,v', '--at', 'x=2,y=3', '--cotangent', 'u=1,v=2']);
    expect(t.stdout).toBe('u     = 6\nv     = 5\ns     = 16\n∂s/∂x = 5\n∂s/∂y = 4\nwhere s = 1·u + 2·v\n');
    // negative weights read as a difference: s = -u - 2v
    const neg = await adiff(['vjp', 'u = x*y; v = x + y', '--of', 'u,v', '--at', 'x=2,y=3', '--cotangent', 'u=-1,v=-2']);
    expect(neg.stdout.trim().split('\n').at(-1)).toBe('where s = -1·u - 2·v');
  });

  test('hvp: H·d for f = x²y + sin(z), H = [[2y, 2x, 0], [2x, 0, 0], [0, 0, -sin z]]', async () => {
    const [x, y, z] = [1.5, -2, 0.3];
    const out = json(await adiff(['hvp', 'x^2*y + sin(z)', '--at', `x=${x},y=${y},z=${z}`, '--dir', 'x=1,y=2,z=-3', '--json']));
    expect(out.hvp.x).toBe(2 * y * 1 + 2 * x * 2);
    expect(out.hvp.y).toBe(2 * x * 1);
    close(out.hvp.z, -Math.sin(z) * -3);
    // Rosenbrock at (1,1) along (1,1): [[802,-400],[-400,200]]·(1,1) = (402, -200)
    const r = json(await adiff(['hvp', '(1-x)^2 + 100(y-x^2)^2', '--at', 'x=1,y=1', '--dir', 'x=1,y=1', '--json']));
    expect(r.hvp).toEqual({ x: 402, y: -200 });
  });

  test('errors: --dir with a name that is not a variable, --cotangent with one that is not an output, missing vectors', async () => {
    const dir = await badInput(['jvp', 'x*y', '--at', 'x=1,y=2', '--dir', 'x=1,z=1']);
    expect(dir).toContain("'z' is not a variable of the formula");
    expect(dir).toContain('--> --dir:1:5');
    expect(dir).toContain('the variables are: x, y');
    expect(await badInput(['hvp', 'x*y', '--at', 'x=1,y=2', '--dir', 'y=abc'])).toContain("the value of 'y' is not a number");
    const cot = await badInput(['vjp', 'u = x*y; v = x', '--of', 'u,v', '--at', 'x=1,y=2', '--cotangent', 'x=1']);
    expect(cot).toContain("'x' is not an output");
    expect(cot).toContain('the outputs are: u, v');
    expect(await badInput(['jvp', 'x*y', '--at', 'x=1,y=2'])).toContain('--dir is required');
    expect(await badInput(['vjp', 'x*y', '--at', 'x=1,y=2'])).toContain('--cotangent is required');
    expect(await badInput(['hvp', 'x*y', '--dir', 'x=1'])).toContain("no value for 'x'");
  });
});

describe('adiff diff', () => {
  /** Evaluates a printed derivative with `adiff eval` (in-process) and returns its JSON. */
  const evalText = async (text: string, at: string, extra: string[] = []) => {
    const t = await adiff(['eval', text, '--at', at, '--json', ...extra]);
    expect(t.code, t.stderr).toBe(0);
    return json(t);
  };

  test('d/dx sin(x²)·y = 2xy·cos(x²), printed in adiff\'s language and read back by adiff eval', async () => {
    const t = await adiff(['diff', 'sin(x^2)*y', '--wrt', 'x']);
    expect(t.code).toBe(0);
    expect(t.stdout.trim().split('\n')).toHaveLength(1);
    const [x, y] = [0.7, -1.3];
    close((await evalText(t.stdout, `x=${x},y=${y}`)).value, 2 * x * y * Math.cos(x * x));
  });

  test('--wrt x,y: the gradient as named formulas; --order 2: the mixed partials', async () => {
    // f = x³y²: ∂f/∂x = 3x²y², ∂f/∂y = 2x³y; ∂²f/∂x² = 6xy², ∂²f/∂x∂y = 6x²y, ∂²f/∂y² = 2x³
    const [x, y] = [1.25, -0.5];
    const grad = (await adiff(['diff', 'x^3*y^2'])).stdout;
    expect(grad).toMatch(/^df_dx = .*\ndf_dy = .*\n$/);
    const values = (await evalText(grad, `x=${x},y=${y}`, ['--of', 'df_dx,df_dy'])).values;
    close(values.df_dx, 3 * x * x * y * y);
    close(values.df_dy, 2 * x ** 3 * y);
    const second = (await adiff(['diff', 'x^3*y^2', '--wrt', 'x,y', '--order', '2'])).stdout;
    const v2 = (await evalText(second, `x=${x},y=${y}`, ['--of', 'd2f_dx2,d2f_dxdy,d2f_dy2'])).values;
    close(v2.d2f_dx2, 6 * x * y * y);
    close(v2.d2f_dxdy, 6 * x * x * y);
    close(v2.d2f_dy2, 2 * x ** 3);
  });

  test('--order 3 of exp(-x²/2) is (3x - x³)·exp(-x²/2), printed so; shared subexpressions become assignments', async () => {
    const text = (await adiff(['diff', 'exp(-x^2/2)', '--order', '3'])).stdout;
    expect(text).toBe('x*(3 - x^2)*exp(-x^2/2)\n');
    expect((await adiff(['diff', 'exp(-x^2/2)', '--order', '3', '--plain'])).stdout).toMatch(/^t1 = /);
    expect((await adiff(['diff', 'hypot(x, y)'])).stdout).toMatch(/^t1 = hypot\(x, y\)\n/);
    for (const x of [-1.5, 0.3, 2]) close((await evalText(text, `x=${x}`)).value, (3 * x - x ** 3) * Math.exp((-x * x) / 2));
  });

  test('--format json and latex', async () => {
    const out = json(await adiff(['diff', 'x^2', '--format', 'json']));
    expect(Object.keys(out)).toEqual(['derivative']);
    close((await evalText(out.derivative, 'x=3')).value, 6);
    expect(json(await adiff(['diff', 'x*y', '--json'])).names).toEqual(['df_dx', 'df_dy']);
    const latex = await adiff(['diff', 'x/y', '--wrt', 'y', '--format', 'latex']);
    expect(latex.stdout).toBe('-\\frac{x}{{y}^{2}}\n');
    const labelled = await adiff(['diff', 'sin(theta)*r', '--format', 'latex']);
    expect(labelled.stdout).toContain('\\frac{\\partial f}{\\partial \\theta} = r \\cos\\left(\\theta\\right)');
  });

  test('several outputs and names that would collide', async () => {
    const text = (await adiff(['diff', 'u = x*y; v = x/y; df_dx = 1', '--of', 'u,v', '--wrt', 'y'])).stdout;
    // du/dy = x, dv/dy = -x/y²
    const v = (await evalText(text, 'x=3,y=2', ['--of', 'du_dy,dv_dy'])).values;
    expect(v).toEqual({ du_dy: 3, dv_dy: -0.75 });
    const collide = (await adiff(['diff', 'df_dx = x^2; df_dx + 1'])).stdout;
    expect(collide.trim()).toBe('2*x');
  });

  test('errors: --order not a positive integer, a bad --format, --wrt not a variable', async () => {
    for (const bad of ['0', '-1', '1.5', 'two', '']) {
      const stderr = await badInput(['diff', 'x^2', '--order', bad]);
      expect(stderr).toContain('--order must be a positive integer');
      expect(stderr).toContain('--> --order:1:1');
    }
    expect(await badInput(['diff', 'x^2', '--order', '99'])).toContain('above the limit');
    expect(await badInput(['diff', 'x^2', '--format', 'pdf'])).toContain("unknown format 'pdf'");
    expect(await badInput(['diff', 'x^2', '--wrt', 'y'])).toContain("'y' is not a variable of the formula");
    expect(await badInput(['diff', '2 + 3'])).toContain('nothing to differentiate');
  });
});

describe('adiff eval --order and several outputs', () => {
  test('exp(sin(x)) at 0: 1, 1, 1, 0, -3, -8, -3, 56 (JSON)', async () => {
    const out = json(await adiff(['eval', 'exp(sin(x))', '--at', 'x=0', '--order', '7', '--json']));
    expect(out.wrt).toBe('x');
    [1, 1, 1, 0, -3, -8, -3, 56].forEach((v, k) => close(out.derivatives[k], v));
    expect(out.derivatives).toHaveLength(8);
  });

  test('1/(1-x) at 0: k! up to 30; human output labels f, ∂f/∂x, ∂²f/∂x², …', async () => {
    const out = json(await adiff(['eval', '1/(1-x)', '--at', 'x=0', '--order', '30', '--json']));
    let f = 1;
    out.derivatives.forEach((v: number, k: number) => close(v, k === 0 ? 1 : (f *= k)));
    const t = await adiff(['eval', 'x^3 + y', '--at', 'x=2,y=1', '--wrt', 'x', '--order', '4']);
    // 9, 3x² = 12, 6x = 12, 6, 0
    expect(t.stdout).toBe('f       = 9\n∂f/∂x   = 12\n∂²f/∂x² = 12\n∂³f/∂x³ = 6\n∂⁴f/∂x⁴ = 0\n');
  });

  test('orders spoiled by rounding get a precision warning (exit 0); well-conditioned ones none', async () => {
    // sin(x)/x at 0.1: Taylor division by 0.1 multiplies the rounding error tenfold per order
    const t = await adiff(['eval', 'sin(x)/x', '--at', 'x=0.1', '--order', '12']);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/warning: rounding errors grow with the order here: ∂[⁵⁶⁷]f\/∂x[⁵⁶⁷] = /);
    const j = await adiff(['eval', 'sin(x)/x', '--at', 'x=0.1', '--order', '12', '--json']);
    expect(JSON.parse(j.stderr.trim().split('\n')[0]!).warning).toMatchObject({ kind: 'precision' });
    expect((await adiff(['eval', 'exp(sin(x))', '--at', 'x=0', '--order', '12'])).stderr).toBe('');
  });

  test('errors: --order not a positive integer, no single --wrt, --trace', async () => {
    expect(await badInput(['eval', 'x^2', '--at', 'x=1', '--order', '0'])).toContain('--order must be a positive integer');
    expect(await badInput(['eval', 'x^2', '--at', 'x=1', '--order', '2.5'])).toContain("not '2.5'");
    expect(await badInput(['eval', 'x*y', '--at', 'x=1,y=2', '--order', '2'])).toContain('--order needs --wrt');
    const two = await badInput(['eval', 'x*y', '--at', 'x=1,y=2', '--order', '2', '--wrt', 'x,y']);
    expect(two).toContain('give --wrt exactly one name');
    expect(two).toContain('--> --wrt:1:3');
    expect(await badInput(['eval', 'x^2', '--at', 'x=1', '--order', '2', '--trace'])).toContain('does not combine with --order');
    expect(await badInput(['eval', 'x^2', '--at', 'x=1', '--order', '171'])).toContain('above the limit');
  });

  test('several bare expressions: each output\'s value and gradient', async () => {
    const t = await adiff(['eval', 'x*y; x + y', '--at', 'x=2,y=3']);
    expect(t.stdout).toBe('f1     = 6\n∂f1/∂x = 3\n∂f1/∂y = 2\n\nf2     = 5\n∂f2/∂x = 1\n∂f2/∂y = 1\n');
    const out = json(await adiff(['eval', 'x*y; x + y', '--at', 'x=2,y=3', '--json']));
    expect(out.outputs).toEqual(['f1', 'f2']);
    expect(out.values).toEqual({ f1: 6, f2: 5 });
    expect(out.gradients).toEqual({ f1: { x: 3, y: 2 }, f2: { x: 1, y: 1 } });
    const one = json(await adiff(['eval', 'u = x*y; v = u + 1', '--of', 'u', '--at', 'x=2,y=3', '--json']));
    expect(one.output).toBe('u');
    expect(one.value).toBe(6);
    expect(one.gradient).toEqual({ x: 3, y: 2 });
  });
});

test('a real run: adiff diff piped into adiff eval', () => {
  const bin = fileURLToPath(new URL('../bin/adiff.js', import.meta.url));
  const sh = (args: string[], input?: string) => spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const d = sh(['diff', 'atan(x/y)', '--wrt', 'x']);
  expect(d.status).toBe(0);
  const e = sh(['eval', '-', '--at', 'x=1,y=2', '--json'], d.stdout);
  expect(e.status).toBe(0);
  // ∂/∂x atan(x/y) = y/(x² + y²) = 2/5
  close(JSON.parse(e.stdout).value, 0.4);
});
