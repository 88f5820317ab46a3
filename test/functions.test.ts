// The conventions of the functions of docs/functions.md at their edge points and jumps, in both modes, with the
// kink and domain warnings; and the same rows through the other commands (hessian, --order, diff, --points,
// check). Every expected value is derived by hand from the rule in the comment beside it.
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
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
function both(expr: string, point: Record<string, number>) {
  const rev = at(expr, point, 'reverse');
  const fwd = at(expr, point, 'forward');
  expect(Object.is(fwd.value, rev.value)).toBe(true);
  for (const k of Object.keys(rev.grad)) expect([k, fwd.grad[k]]).toEqual([k, rev.grad[k]]);
  return rev;
}

describe('steps: derivative 0, and at a jump the side taken, with a kink warning naming the subexpression', () => {
  it('floor, ceil, trunc at integers; round at half-integers, half away from zero', () => {
    for (const [f, x, v] of [['floor', -2, -2], ['ceil', 3, 3], ['trunc', -4, -4], ['round', 2.5, 3], ['round', -2.5, -3]] as const) {
      const r = both(`${f}(x)`, { x });
      expect(r).toMatchObject({ value: v, grad: { x: 0 } });
      expect(r.warnings).toEqual([expect.stringMatching(new RegExp(`^kink: '${f}\\(x\\)' is at a kink: ${f} jumps`))]);
    }
    expect(both('floor(x) + ceil(x) + trunc(x) + round(x)', { x: -1.7 })).toMatchObject({ value: -2 - 1 - 1 - 2, grad: { x: 0 }, warnings: [] });
    expect(both('round(x)', { x: 0.49999999999999994 }).value).toBe(0); // not 1, as floor(x + 0.5) would give
    expect(both('trunc(x)', { x: 0 }).warnings).toEqual([]); // trunc is continuous at 0
  });

  it('mod(x, y) = x - y·floor(x/y): the sign of y; ∂x = 1, ∂y = -floor(x/y); a jump where x/y is an integer', () => {
    expect(both('mod(x, y)', { x: 7.5, y: 2 })).toMatchObject({ value: 1.5, grad: { x: 1, y: -3 }, warnings: [] });
    expect(both('mod(x, y)', { x: -7.5, y: 2 })).toMatchObject({ value: 0.5, grad: { x: 1, y: 4 } }); // floor(-3.75) = -4
    expect(both('mod(x, y)', { x: 7.5, y: -2 })).toMatchObject({ value: -0.5, grad: { x: 1, y: 4 } });
    const jump = both('mod(x, y)', { x: 6, y: 3 });
    expect(jump).toMatchObject({ value: 0, grad: { x: 1, y: -2 } }); // the side where floor(x/y) = 2
    expect(jump.warnings).toEqual([expect.stringMatching(/^kink: 'mod\(x, y\)' is at a kink: mod\(x, y\) jumps where x\/y is an integer/)]);
    const zero = both('mod(x, y)', { x: 1, y: 0 });
    expect(zero.value).toBeNaN();
    expect(zero.warnings[0]).toMatch(/^domain: 'mod\(x, y\)' is NaN/);
  });

  it('acot(x) = atan(1/x) with acot(0) = π/2: a jump of π at 0, derivative -1/(1 + x²) on both sides', () => {
    const r = both('acot(x)', { x: 0 });
    expect(r).toMatchObject({ value: Math.PI / 2, grad: { x: -1 } });
    expect(r.warnings[0]).toMatch(/^kink: 'acot\(x\)' is at a kink: acot jumps at 0/);
    expect(both('acot(x)', { x: -1 })).toMatchObject({ value: -Math.PI / 4, grad: { x: -0.5 }, warnings: [] });
  });
});

describe('roots, powers and the small conventions', () => {
  it('nthRoot: odd n takes negative x; even n at x < 0 is NaN with the domain said; n = 1, 2, 3 are x, sqrt, cbrt', () => {
    expect(both('nthRoot(x, 5)', { x: -32 })).toMatchObject({ value: -2, grad: { x: 1 / 80 }, warnings: [] }); // r/(5x) = -2/-160
    expect(both('nthRoot(x, -2)', { x: 4 })).toMatchObject({ value: 0.5, grad: { x: -1 / 16 } }); // x^(-1/2): -x^(-3/2)/2
    const even = both('nthRoot(x, 4)', { x: -16 });
    expect(even.value).toBeNaN();
    expect(even.warnings[0]).toMatch(/^domain: 'nthRoot\(x, 4\)' is NaN at this point/);
    expect(both('nthRoot(x, 3)', { x: -8 })).toMatchObject({ value: -2, grad: { x: 1 / 12 } }); // 1/(3·4)
    expect(both('nthRoot(x, 2)', { x: 0 })).toMatchObject({ value: 0, grad: { x: Infinity } }); // sqrt's row
    expect(both('nthRoot(x, 1)', { x: -3 })).toMatchObject({ value: -3, grad: { x: 1 } });
    // The Newton step: Math.pow(100000, 1/5) is 10.000000000000002 and Math.pow(78125, 1/7) is 4.999999999999999.
    expect(compile('nthRoot(x, 5)').value({ x: 100000 })).toBe(10);
    expect(compile('nthRoot(x, 7)').value({ x: 78125 })).toBe(5);
    expect(compile('nthRoot(x, 6)').value({ x: 117649 })).toBe(7);
  });

  it('0^u: 0 for u > 0, 1 at 0 (a jump, warned), +∞ below; derivative 0 (not 0·ln 0 = NaN), at every order', async () => {
    expect(both('0^x', { x: 2 })).toMatchObject({ value: 0, grad: { x: 0 }, warnings: [] });
    const jump = both('0^x', { x: 0 });
    expect(jump).toMatchObject({ value: 1, grad: { x: 0 } });
    expect(jump.warnings[0]).toMatch(/^kink: '0\^x' is at a kink/);
    expect(both('0^(x + 1)', { x: -3 })).toMatchObject({ value: Infinity, grad: { x: 0 } });
    const o = await run(['eval', 'pow(0, x^2 + 1)', '--at', 'x=1', '--order', '3', '--wrt', 'x', '--json']);
    expect(json(o).derivatives).toEqual([0, 0, 0, 0]);
  });

  it('nthRoot(x) is sqrt(x), as in mathjs (the root defaults to 2)', () => {
    expect(both('nthRoot(x)', { x: 9 })).toMatchObject({ value: 3, grad: { x: 1 / 6 } });
  });

  it('unary plus and one-argument max/min are the argument', () => {
    expect(both('+x + max(x) - min(+x)', { x: 3 })).toMatchObject({ value: 3, grad: { x: 1 }, warnings: [] });
  });

  it('log1p and expm1 keep the digits near 0 that ln(1 + x) and exp(x) - 1 lose', () => {
    expect(both('log1p(x)', { x: 1e-20 })).toMatchObject({ value: 1e-20, grad: { x: 1 } });
    expect(both('expm1(x)', { x: 1e-20 })).toMatchObject({ value: 1e-20, grad: { x: 1 } });
    expect(both('log1p(x)', { x: -1 }).value).toBe(-Infinity);
  });
});

describe('special functions at their poles and through every command', () => {
  it('gamma, lgamma, digamma at a pole: NaN (Γ) or +∞ (ln|Γ|), with the domain said', () => {
    const g = both('gamma(x)', { x: -2 });
    expect(g.value).toBeNaN();
    expect(g.warnings[0]).toMatch(/^domain: 'gamma\(x\)' is NaN/);
    expect(both('lgamma(x)', { x: 0 }).value).toBe(Infinity);
    expect(both('gamma(x)', { x: 5 })).toMatchObject({ value: 24 }); // 4! exactly
    expect(both('gamma(x)', { x: 0.5 }).value).toBe(1.772453850905516); // √π rounded
  });

  it('second derivatives: erf″(x) = -4x e^(-x²)/√π; lgamma″ = ψ′; hessian at a point and at many points agree', async () => {
    const x = 0.75;
    const erf2 = (-4 * x * Math.exp(-x * x)) / Math.sqrt(Math.PI);
    const h = await run(['hessian', 'erf(x)', '--at', `x=${x}`, '--json']);
    expect(h.code).toBe(0);
    expect(json(h).hessian.x.x).toBeCloseTo(erf2, 15);
    const batch = await run(['hessian', 'erf(x)', '--points', '-'], { stdin: `{"x":${x}}\n` });
    expect(JSON.parse(batch.stdout).hessian.x.x).toBe(json(h).hessian.x.x);
    // ψ′(1) = π²/6
    expect(compile('lgamma(x)').hessian({ x: 1 }).x!.x).toBeCloseTo(Math.PI ** 2 / 6, 14);
  });

  it('--order 8 of gamma at 1 uses polygamma up to order 7 (the partials need not close); diff prints them', async () => {
    const t = await run(['eval', 'digamma(x)', '--at', 'x=1', '--order', '4', '--wrt', 'x', '--json']);
    expect(t.code, t.stderr).toBe(0);
    // ψ^(k)(1) = (-1)^(k+1) k! ζ(k+1): ψ(1) = -γ, ψ′(1) = π²/6, ψ″(1) = -2ζ(3), ψ‴(1) = π⁴/15, ψ⁗(1) = -24ζ(5)
    const expected = [-0.5772156649015329, Math.PI ** 2 / 6, -2 * 1.2020569031595942, Math.PI ** 4 / 15, -24 * 1.0369277551433699];
    const got = JSON.stringify(json(t));
    const numbers = (got.match(/-?\d+\.\d+(e-?\d+)?/g) ?? []).map(Number);
    for (const e of expected) expect(numbers.some((v) => Math.abs(v - e) <= 1e-13 * Math.abs(e)), `${e} in ${got}`).toBe(true);
    const eight = await run(['eval', 'gamma(x)', '--at', 'x=1', '--order', '8', '--wrt', 'x']);
    expect(eight.code, eight.stderr).toBe(0);
    const d = await run(['diff', 'gamma(x)', '--order', '2']);
    expect(d.stdout.trim()).toMatch(/digamma\(x\)/);
    expect(d.stdout).toMatch(/polygamma\(1, x\)/);
  });

  it('check agrees on every new function at once; the order of polygamma is an error at its place', async () => {
    const c = await run(['check', 'sech(x) + csch(x) + coth(x) + asec(x+1) + acsc(x+1) + asech(x/4) + acsch(x) + acoth(x+1) + erf(x) + erfc(x) + gamma(x) + lgamma(x) + digamma(x) + polygamma(3, x) + log1p(x) + expm1(x) + nthRoot(x, 7)', '--at', 'x=1.3']);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    const e = await run(['eval', 'polygamma(x, 2)', '--at', 'x=1']);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('the order n of polygamma(n, x) must be a constant integer ≥ 0; it depends on a variable');
    expect(e.stderr).toContain(' --> expr:1:11');
  });
});
