// Numerical edge points, each with its documented convention (README, "Reliability"). Every expected value is
// derived by hand from the rule written in the comment; both modes must give it.
import { describe, expect, it } from 'vitest';
import { diagnosePoint } from '../src/autodiff/diagnose.js';
import { gradientAt, type Mode } from '../src/autodiff/gradient.js';
import { lower } from '../src/autodiff/lower.js';
import { parse } from '../src/parser/parse.js';
import { json, run } from './helpers/cli.js';

function at(expr: string, point: Record<string, number>, mode: Mode = 'reverse') {
  const lowered = lower(parse(expr));
  const x = lowered.graph.inputNames.map((n) => point[n]!);
  const r = gradientAt(lowered, x, { mode });
  const grad: Record<string, number> = Object.fromEntries(lowered.graph.inputNames.map((n, k) => [n, r.gradient[k]!]));
  const warnings = diagnosePoint(lowered, r).map((d) => `${d.kind}: ${d.message}`);
  return { value: r.value, grad, warnings };
}

/** Same value and gradient in both modes (Object.is: NaN equals NaN, -0 differs from 0). */
function both(expr: string, point: Record<string, number>) {
  const rev = at(expr, point, 'reverse');
  const fwd = at(expr, point, 'forward');
  expect(Object.is(fwd.value, rev.value)).toBe(true);
  for (const k of Object.keys(rev.grad)) expect([k, fwd.grad[k]]).toEqual([k, rev.grad[k]]);
  return rev;
}

describe('powers with a base ≤ 0', () => {
  it('x^3 and x^-2 (constant exponents) at negative x: c*x^(c-1), never ln(x)', () => {
    expect(both('x^3', { x: -2 })).toMatchObject({ value: -8, grad: { x: 12 }, warnings: [] }); // 3*(-2)^2
    expect(both('x^-2', { x: -1 })).toMatchObject({ value: 1, grad: { x: 2 }, warnings: [] }); // -2*(-1)^-3
    expect(both('(x-3)^-2', { x: 1 })).toMatchObject({ value: 0.25, grad: { x: 0.25 } }); // -2*(-2)^-3
    expect(both('x^(2*3 - 4)', { x: -3 })).toMatchObject({ value: 9, grad: { x: -6 } }); // a constant expression as exponent
  });

  it('x^y with x < 0 and integer y: ∂/∂x = y*x^(y-1) stays finite; ∂/∂y = x^y ln x is NaN and warned about', () => {
    const r = both('x^y', { x: -2, y: 3 });
    expect(r.value).toBe(-8);
    expect(r.grad.x).toBe(12); // 3*(-2)^2
    expect(r.grad.y).toBeNaN(); // ln(-2)
    expect(r.warnings).toEqual(["domain: the derivative of 'x^y' is NaN at this point"]);
  });

  it('with --wrt x, the NaN of ∂/∂y does not leak into ∂/∂x, in either mode', async () => {
    for (const mode of ['reverse', 'forward']) {
      const t = await run(['eval', 'x^y + y*x', '--at', 'x=-2,y=3', '--wrt', 'x', '--mode', mode, '--json']);
      expect(json(t)).toMatchObject({ value: -14, gradient: { x: 15 } }); // 12 + y
    }
  });

  it('0^0 = 1; x^0 has derivative 0 everywhere, x = 0 included', () => {
    expect(both('0^0 + x', { x: 1 })).toMatchObject({ value: 2, grad: { x: 1 } });
    expect(both('x^0', { x: 0 })).toMatchObject({ value: 1, grad: { x: 0 }, warnings: [] });
    expect(both('x^2', { x: 0 })).toMatchObject({ value: 0, grad: { x: 0 } });
  });

  it('x^y at x = 0: ∂/∂x = y*0^(y-1); ∂/∂y = 0^y ln 0 is NaN (0·-∞) for y > 0, and the origin is NaN/-∞', () => {
    const a = both('x^y', { x: 0, y: 2 });
    expect(a.value).toBe(0);
    expect(a.grad.x).toBe(0); // 2*0^1
    expect(a.grad.y).toBeNaN(); // 0*ln(0): the documented limitation (the true one-sided value is 0)
    const o = both('x^y', { x: 0, y: 0 });
    expect(o.value).toBe(1); // 0^0
    expect(o.grad.x).toBeNaN(); // 0*0^(-1) = 0*∞: x^y is not continuous at the origin
    expect(o.grad.y).toBe(-Infinity); // 1*ln(0)
  });
});

describe('functions at their edge points', () => {
  it('sqrt and cbrt at 0: derivative +Infinity, as IEEE arithmetic of the rule gives, with a warning', () => {
    expect(both('sqrt(x)', { x: 0 })).toMatchObject({ value: 0, grad: { x: Infinity } }); // 0.5/0
    expect(both('cbrt(x)', { x: 0 })).toMatchObject({ value: 0, grad: { x: Infinity } }); // 1/(3*0^2)
    expect(at('sqrt(x)', { x: 0 }).warnings).toEqual(["domain: the derivative of 'sqrt(x)' is Infinity at this point"]);
  });

  it('abs at 0: derivative 0 (the minimum-norm subgradient), warned as a kink', () => {
    const r = both('abs(x)', { x: 0 });
    expect(r).toMatchObject({ value: 0, grad: { x: 0 } });
    expect(r.warnings[0]).toMatch(/^kink: 'abs\(x\)' is at a kink: .*taken as 0/);
    expect(both('abs(x)', { x: -0 }).grad.x).toBe(0);
    expect(both('abs(x)', { x: -3 }).grad.x).toBe(-1);
  });

  it('hypot at the origin: derivative 0 in every argument (minimum-norm subgradient); elsewhere x/h', () => {
    const r = both('hypot(x, y)', { x: 0, y: 0 });
    expect(r).toMatchObject({ value: 0, grad: { x: 0, y: 0 } });
    expect(r.warnings[0]).toMatch(/^kink: 'hypot\(x, y\)' is at a kink/);
    expect(both('hypot(x, y)', { x: 3, y: 4 })).toMatchObject({ value: 5, grad: { x: 0.6, y: 0.8 } });
    expect(both('hypot(x, y, z)', { x: 0, y: 0, z: -2 })).toMatchObject({ value: 2, grad: { x: 0, y: 0, z: -1 } });
  });

  it('min and max at a tie of m arguments: 1/m each (minimum-norm subgradient), warned as a kink', () => {
    expect(both('min(x, y)', { x: 1, y: 1 })).toMatchObject({ value: 1, grad: { x: 0.5, y: 0.5 } });
    expect(both('max(x, y, z)', { x: 2, y: 2, z: 1 })).toMatchObject({ value: 2, grad: { x: 0.5, y: 0.5, z: 0 } });
    const three = both('max(x, y, z)', { x: 7, y: 7, z: 7 });
    expect(three.grad).toEqual({ x: 1 / 3, y: 1 / 3, z: 1 / 3 });
    expect(three.warnings[0]).toMatch(/tie of 3 arguments; each tied argument gets 1\/3/);
    // The same variable twice: min(x, x) = x, so the two halves add up to 1.
    expect(both('min(x, x)', { x: 5 })).toMatchObject({ value: 5, grad: { x: 1 } });
    // No tie: the winner takes the derivative.
    expect(both('min(x, 2y)', { x: 1, y: 3 })).toMatchObject({ value: 1, grad: { x: 1, y: 0 } });
  });

  it('atan2(0, 0): value 0 (Math.atan2), derivatives NaN (0/0), with one domain warning', () => {
    const r = both('atan2(y, x)', { y: 0, x: 0 });
    expect(r.value).toBe(0);
    expect(r.grad.y).toBeNaN();
    expect(r.grad.x).toBeNaN();
    // one warning for the node, although both of its partials are NaN
    expect(r.warnings).toEqual(["domain: the derivative of 'atan2(y, x)' is NaN at this point"]);
    // Away from the origin: ∂/∂y = x/(x²+y²), ∂/∂x = -y/(x²+y²). At (1, -1): -1/2 and -1/2.
    expect(both('atan2(y, x)', { y: 1, x: -1 })).toMatchObject({ value: (3 * Math.PI) / 4, grad: { y: -0.5, x: -0.5 } });
  });

  it('x^y at the origin: its two non-finite partials (NaN and -Infinity) make one warning', () => {
    expect(at('x^y', { x: 0, y: 0 }).warnings).toEqual(["domain: the derivatives of 'x^y' are NaN and -Infinity at this point"]);
  });

  it('ln(0) = -Infinity with derivative +Infinity (1/0); ln of a negative number is NaN', () => {
    expect(both('ln(x)', { x: 0 })).toMatchObject({ value: -Infinity, grad: { x: Infinity } });
    expect(at('ln(x)', { x: 0 }).warnings).toEqual(["domain: 'ln(x)' is -Infinity at this point"]);
    const neg = both('ln(x)', { x: -1 });
    expect(neg.value).toBeNaN();
    expect(neg.grad.x).toBe(-1); // the rule 1/x is still defined; the value warns
  });

  it('exp overflows to Infinity above ln(MAX_VALUE) ≈ 709.78, and underflows to 0 quietly', () => {
    expect(both('exp(x)', { x: 709 }).value).toBe(Math.exp(709));
    const over = both('exp(x)', { x: 710 });
    expect(over).toMatchObject({ value: Infinity, grad: { x: Infinity } });
    expect(over.warnings).toEqual(["domain: 'exp(x)' is Infinity at this point"]);
    expect(both('exp(x)', { x: -800 })).toMatchObject({ value: 0, grad: { x: 0 }, warnings: [] });
    expect(at('exp(x) - exp(x)', { x: 710 }).value).toBeNaN(); // ∞ - ∞ (its derivative: see the known limitation below)
  });

  it('cancellation in (1 + x) - 1: the value loses x below 2^-53, the derivative is exactly 1', () => {
    const tiny = both('(1 + x) - 1', { x: 1e-20 });
    expect(tiny.value).toBe(0); // 1 + 1e-20 rounds to 1
    expect(tiny.grad.x).toBe(1); // AD differentiates the operations, not the rounded values
    const small = both('(1 + x) - 1', { x: 1e-10 });
    expect(Math.abs(small.value - 1e-10)).toBeLessThanOrEqual(Number.EPSILON); // one rounding of 1 + x
    expect(small.grad.x).toBe(1);
  });
});

describe('0 * Infinity in the sweeps: a partial that no derivative flows through never poisons the result', () => {
  it('x*sqrt(y) at (0, 0): ∂/∂y = x * 0.5/sqrt(y) = 0 * ∞ counts as 0, since f(0, y) = 0 for every y', () => {
    expect(both('x*sqrt(y)', { x: 0, y: 0 })).toMatchObject({ value: 0, grad: { x: 0, y: 0 } });
  });

  it('max(x, sqrt(y)) at x = 1, y = 0: sqrt loses, so its infinite partial is never used', () => {
    expect(both('max(x, sqrt(y))', { x: 1, y: 0 })).toMatchObject({ value: 1, grad: { x: 1, y: 0 } });
  });

  it('a sum with an infinite term keeps the finite partials of the other variables', () => {
    const r = both('x + ln(y)', { x: 2, y: 0 });
    expect(r).toMatchObject({ value: -Infinity, grad: { x: 1, y: Infinity } });
  });

  it('known limitation: where a local partial is infinite the chain rule fails, and the modes may differ', () => {
    // sqrt(x - x) is 0 for every x, so the true derivative is 0. Forward mode sums the tangents of x - x first
    // (1 - 1 = 0) and 0 * ∞ counts as 0; reverse mode sends ∞ to both uses of x first, and ∞ - ∞ is NaN.
    // Both warn that the derivative of sqrt is infinite here.
    expect(at('sqrt(x - x)', { x: 1 }, 'forward').grad.x).toBe(0);
    expect(at('sqrt(x - x)', { x: 1 }, 'reverse').grad.x).toBeNaN();
    expect(at('sqrt(x - x)', { x: 1 }, 'reverse').warnings).toEqual(["domain: the derivative of 'sqrt(x - x)' is Infinity at this point"]);
    // The mirror image: exp(x) - exp(x) at x = 710 has an infinite tangent ∞ - ∞ = NaN in forward mode, while in
    // reverse mode the adjoints of the shared exp(x) cancel (1 - 1 = 0) before meeting the infinite value.
    expect(at('exp(x) - exp(x)', { x: 710 }, 'forward').grad.x).toBeNaN();
    expect(at('exp(x) - exp(x)', { x: 710 }, 'reverse').grad.x).toBe(0);
  });
});

describe('non-finite inputs and results through the CLI', () => {
  it('warns, exits 0, and exits 3 with --strict', async () => {
    const t = await run(['eval', '1/x', '--at', 'x=0', '--json']);
    expect(t.code).toBe(0);
    expect(json(t)).toMatchObject({ value: 'Infinity', gradient: { x: '-Infinity' } }); // -1/0²
    expect(JSON.parse(t.stderr.trim().split('\n')[0]!).warning).toMatchObject({ kind: 'domain', hint: 'division by zero' });
    expect((await run(['eval', '1/x', '--at', 'x=0', '--strict'])).code).toBe(3);
    expect((await run(['eval', 'x', '--at', 'x=nan', '--strict'])).code).toBe(3);
  });
});

describe('symbolic and higher-order derivatives keep the NaN a formula computes', () => {
  it('diff of x*(0/0) is NaN (0/0), and diff of x + (0/0)*x^2 is 2x·NaN + 1, not 1', async () => {
    // d/dx x·c = c for the constant c = 0/0; d/dx (x + c·x²) = 1 + 2cx
    // the printed derivative, read back by eval, is NaN at any x
    for (const text of ['x*(0/0)', 'x + (0/0)*x^2']) {
      const d = json(await run(['diff', text, '--json'])) as { derivative: string };
      expect(json(await run(['eval', d.derivative, '--at', 'x=2', '--json']))).toMatchObject({ value: 'NaN' });
    }
  });

  it('the Hessian of x²·(0/0) is NaN (2·NaN), in --at and --points alike', async () => {
    const t = await run(['hessian', 'x^2*(0/0)', '--at', 'x=1', '--json']);
    expect(json(t)).toMatchObject({ hessian: { x: { x: 'NaN' } } });
    const p = await run(['hessian', 'x^2*(0/0)', '--points', '-'], { stdin: 'x\n1\n' });
    expect(JSON.parse(p.stdout)).toMatchObject({ hessian: { x: { x: 'NaN' } } });
  });

  it('eval --order gives the plain value at 0/y with y = 0 (NaN), not a folded 0', async () => {
    const t = await run(['eval', 'x + 0/y', '--at', 'x=1,y=0', '--order', '1', '--wrt', 'x', '--json']);
    expect(json(t)).toMatchObject({ derivatives: ['NaN', 1] });
  });
});

describe('warning hints say why: division by zero, overflow, or the function\'s domain; quotes stay short', () => {
  const hints = (expr: string, point: Record<string, number>) => {
    const lowered = lower(parse(expr));
    const x = lowered.graph.inputNames.map((n) => point[n]!);
    return diagnosePoint(lowered, gradientAt(lowered, x)).map((d) => d.hint);
  };

  it('exp(710), x·y at 1e200 and x^2 at 1e200 overflow; 1/x at 0 divides by zero; ln and asin leave their domain', () => {
    const overflow = 'overflow: the result is beyond the largest double, about 1.8e308';
    expect(hints('exp(x)', { x: 710 })).toEqual([overflow]);
    expect(hints('x*y', { x: 1e200, y: 1e200 })).toEqual([overflow]);
    expect(hints('x^2', { x: 1e200 })).toEqual([overflow]);
    expect(hints('x/y', { x: 1e300, y: 1e-300 })).toEqual([overflow]);
    expect(hints('1/x', { x: 0 })).toEqual(['division by zero']);
    // the domain is stated for the function's own parameter, not the user's variable of the same name
    expect(hints('ln(x + y)', { x: 0, y: 0 })).toEqual(['domain of ln(x): x > 0']);
    expect(hints('asin(x)', { x: 2 })[0]).toMatch(/^domain of asin\(x\): -1 ≤ x ≤ 1/);
    expect(hints('x^-1', { x: 0 })[0]).toMatch(/^domain of x\^c: /); // a pole, not an overflow
  });

  it('a subexpression of a huge formula is quoted with its middle cut out', async () => {
    const text = `ln(${'x+'.repeat(50000)}x)`;
    const lowered = lower(parse(text));
    const [d] = diagnosePoint(lowered, gradientAt(lowered, [0]));
    // the first and last 60 characters around ' … ' (sourceExcerpt)
    expect(d!.message).toBe(`'ln(${'x+'.repeat(28)}x … x${'+x'.repeat(29)})' is -Infinity at this point`);
  });
});
