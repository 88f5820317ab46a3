// Every primitive's local partials (the rule table with numbers as carrier) against central differences of its
// own value function, at several points inside its domain; plus the documented conventions at special points.
import { describe, expect, it } from 'vitest';
import { numberOps, PRIMS, type PrimName } from '../src/autodiff/primitives.js';

/** Points inside each primitive's domain where it is smooth. `param` is powc's constant exponent. */
const POINTS: Record<PrimName, { args: number[]; param?: number }[]> = {
  add: [{ args: [1, 2] }, { args: [-3.5, 0.25] }],
  sub: [{ args: [1, 2] }, { args: [-3.5, 0.25] }],
  mul: [{ args: [1.5, -2] }, { args: [0.3, 7] }],
  div: [{ args: [1.5, -2] }, { args: [0.3, 7] }, { args: [-4, 0.5] }],
  neg: [{ args: [1.5] }, { args: [-0.2] }],
  powc: [{ args: [1.7], param: 2 }, { args: [-1.3], param: 3 }, { args: [2.5], param: 0.5 }, { args: [-2], param: -2 }, { args: [0.7], param: -1.5 }],
  pow: [{ args: [1.7, 2.3] }, { args: [0.4, -1.2] }, { args: [3, 0.5] }],
  sin: [{ args: [0.3] }, { args: [2] }, { args: [-4] }],
  cos: [{ args: [0.3] }, { args: [2] }, { args: [-4] }],
  tan: [{ args: [0.3] }, { args: [1.2] }, { args: [-2] }],
  sec: [{ args: [0.3] }, { args: [2] }],
  csc: [{ args: [0.3] }, { args: [2] }],
  cot: [{ args: [0.3] }, { args: [2] }],
  asin: [{ args: [0.3] }, { args: [-0.8] }],
  acos: [{ args: [0.3] }, { args: [-0.8] }],
  atan: [{ args: [0.3] }, { args: [-5] }],
  sinh: [{ args: [0.3] }, { args: [-2] }],
  cosh: [{ args: [0.3] }, { args: [-2] }],
  tanh: [{ args: [0.3] }, { args: [-2] }],
  asinh: [{ args: [0.3] }, { args: [-5] }],
  acosh: [{ args: [1.3] }, { args: [5] }],
  atanh: [{ args: [0.3] }, { args: [-0.9] }],
  exp: [{ args: [0.3] }, { args: [-2] }, { args: [3] }],
  ln: [{ args: [0.3] }, { args: [5] }],
  log10: [{ args: [0.3] }, { args: [5] }],
  log2: [{ args: [0.3] }, { args: [5] }],
  logb: [{ args: [0.3, 2] }, { args: [5, 10] }, { args: [7, 0.5] }],
  sqrt: [{ args: [0.3] }, { args: [5] }],
  cbrt: [{ args: [0.3] }, { args: [-5] }],
  abs: [{ args: [0.3] }, { args: [-5] }],
  sign: [{ args: [0.3] }, { args: [-5] }],
  eq: [{ args: [0.3, 0.7] }],
  atan2: [{ args: [1, 2] }, { args: [-1, -0.5] }, { args: [0.5, -3] }],
  hypot: [{ args: [3, 4] }, { args: [-1, 0.5] }, { args: [1, 2, 2] }],
  min: [{ args: [3, 4] }, { args: [5, -1, 2] }],
  max: [{ args: [3, 4] }, { args: [5, -1, 2] }],
  sech: [{ args: [0.3] }, { args: [-2] }],
  csch: [{ args: [0.3] }, { args: [-2] }],
  coth: [{ args: [0.3] }, { args: [-2] }],
  asec: [{ args: [1.3] }, { args: [-5] }],
  acsc: [{ args: [1.3] }, { args: [-5] }],
  acot: [{ args: [0.3] }, { args: [-5] }],
  asech: [{ args: [0.3] }, { args: [0.9] }],
  acsch: [{ args: [0.3] }, { args: [-5] }],
  acoth: [{ args: [1.3] }, { args: [-5] }],
  nthRoot: [{ args: [5, 5] }, { args: [-5, 7] }, { args: [0.3, 4] }, { args: [2, -4] }],
  log1p: [{ args: [0.3] }, { args: [-0.9] }, { args: [5] }],
  expm1: [{ args: [0.3] }, { args: [-2] }, { args: [1e-5] }],
  floor: [{ args: [0.3] }, { args: [-2.5] }],
  ceil: [{ args: [0.3] }, { args: [-2.5] }],
  round: [{ args: [0.3] }, { args: [-2.7] }],
  trunc: [{ args: [0.3] }, { args: [-2.5] }],
  mod: [{ args: [7.5, 2] }, { args: [-7.5, 2] }, { args: [7.5, -2] }],
  erf: [{ args: [0.3] }, { args: [-1.2] }, { args: [2.5] }],
  erfc: [{ args: [0.3] }, { args: [-1.2] }, { args: [2.5] }],
  gamma: [{ args: [0.3] }, { args: [4.5] }, { args: [-1.5] }, { args: [15] }],
  lgamma: [{ args: [0.3] }, { args: [4.5] }, { args: [-1.5] }, { args: [15] }],
  digamma: [{ args: [0.3] }, { args: [4.5] }, { args: [-1.5] }, { args: [15] }],
  polygamma: [{ args: [1, 0.3] }, { args: [2, 4.5] }, { args: [3, -1.5] }, { args: [0, 15] }],
};

const INTEGER_ARG: Partial<Record<PrimName, number>> = { nthRoot: 1, polygamma: 0 };

function centralDifference(op: PrimName, args: number[], param: number, i: number): number {
  const h = 1e-6 * Math.max(1, Math.abs(args[i]!));
  const at = (d: number) => PRIMS[op].eval(args.map((a, j) => (j === i ? a + d : a)), param);
  return (at(h) - at(-h)) / (2 * h);
}

describe('partials agree with central differences', () => {
  it('every primitive has test points', () => {
    expect(Object.keys(POINTS).sort()).toEqual(Object.keys(PRIMS).sort());
  });
  for (const op of Object.keys(PRIMS) as PrimName[]) {
    it.each(POINTS[op])(`${op} at %j`, ({ args, param }) => {
      const p = param ?? NaN;
      const out = PRIMS[op].eval(args, p);
      const partials = PRIMS[op].partials(numberOps, args, out, p);
      expect(partials).toHaveLength(args.length);
      args.forEach((_, i) => {
        // The constant integer orders of nthRoot(x, n) and polygamma(n, x) are never variables: their partial is 0.
        if (INTEGER_ARG[op] === i) return expect(partials[i]).toBe(0);
        const fd = centralDifference(op, args, p, i);
        expect(Math.abs(partials[i]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      });
    });
  }
});

describe('values match the closed forms', () => {
  it.each([
    ['sec', [0.3], 1 / Math.cos(0.3)],
    ['csc', [0.3], 1 / Math.sin(0.3)],
    ['cot', [0.3], Math.cos(0.3) / Math.sin(0.3)],
    ['logb', [8, 2], 3],
    ['log10', [1000], 3],
    ['log2', [8], 3],
    ['cbrt', [-27], -3],
    ['hypot', [3, 4], 5],
    ['atan2', [1, -1], (3 * Math.PI) / 4],
    ['min', [3, -2, 5], -2],
    ['max', [3, -2, 5], 5],
  ] as [PrimName, number[], number][])('%s%j', (op, args, expected) => {
    expect(PRIMS[op].eval(args, NaN)).toBeCloseTo(expected, 14);
  });
});

describe('conventions at special points', () => {
  const partials = (op: PrimName, args: number[], param = NaN) => PRIMS[op].partials(numberOps, args, PRIMS[op].eval(args, param), param);
  it('abs at 0 takes the minimum-norm subgradient 0, and says it is a kink', () => {
    expect(partials('abs', [0])).toEqual([0]);
    expect(PRIMS.abs.kink!([0], NaN)).toMatch(/not differentiable/);
    expect(PRIMS.abs.kink!([1], NaN)).toBeUndefined();
  });
  it('min and max at a tie split the derivative equally among the tied arguments', () => {
    expect(partials('min', [2, 2])).toEqual([0.5, 0.5]);
    expect(partials('max', [1, 3, 3, 3])).toEqual([0, 1 / 3, 1 / 3, 1 / 3]);
    expect(partials('min', [1, 3])).toEqual([1, 0]);
    expect(PRIMS.max.kink!([3, 3], NaN)).toMatch(/tie of 2/);
  });
  it('hypot at the origin has derivative 0 (minimum-norm subgradient)', () => {
    expect(partials('hypot', [0, 0])).toEqual([0, 0]);
    expect(partials('hypot', [3, 4])).toEqual([0.6, 0.8]);
  });
  it('sqrt and cbrt at 0 have infinite derivative, as IEEE arithmetic of the formula gives', () => {
    expect(partials('sqrt', [0])).toEqual([Infinity]);
    expect(partials('cbrt', [0])).toEqual([Infinity]);
  });
  it('x^c with constant c: c*x^(c-1) at negative and zero x, and 0 for c = 0', () => {
    expect(partials('powc', [-3], 2)).toEqual([-6]);
    expect(partials('powc', [0], 2)).toEqual([0]);
    expect(partials('powc', [0], 0)).toEqual([0]);
    expect(partials('powc', [-2], 3)).toEqual([12]);
    expect(partials('powc', [-2], -2)).toEqual([0.25]); // -2 * (-2)^-3 = 0.25
  });
  it('x^y with variable y: the ln(x) term appears only in the y partial', () => {
    const [dx, dy] = partials('pow', [-2, 2]);
    expect(dx).toBe(-4);
    expect(dy).toBeNaN();
  });
});
