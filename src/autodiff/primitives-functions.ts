// Rows of THE rule table (primitives.ts spreads them into PRIMITIVES) for the functions beyond the elementary set:
// reciprocal hyperbolics and inverse reciprocals, nthRoot, log1p/expm1, the rounding steps and mod, and the
// special functions erf, erfc, gamma, lgamma, digamma, polygamma (their numeric code is in special/, with its
// method and source). Each row's precision is argued next to it; test/functions-precision.test.ts checks every row
// against mpmath over its domain, value and Taylor coefficients up to order 6.
import type { Ops, Primitive, PrintForm } from './primitives.js';
import { SPECIAL } from './special/index.js';

const call = (name: string): PrintForm => ({ kind: 'call', name });
const S = SPECIAL;
const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** 1/(|x|·√(|x|-1)·√(|x|+1)) = 1/(|x|√(x²-1)): no cancellation near |x| = 1 and no overflow of x². */
const secLike = <T>(k: Ops<T>, x: T) => {
  const a = k.abs(x);
  return k.div(k.num(1), k.mul(k.mul(a, k.sqrt(k.sub(a, k.num(1)))), k.sqrt(k.add(a, k.num(1)))));
};
/** The step functions' derivative: 0 wherever it exists; at a jump, 0 is the derivative of either side. */
const flat = <T>(k: Ops<T>) => [k.num(0)];
const jumpAt = (name: string, where: string) => `${name} jumps at ${where}; its derivative there is taken as 0 (the derivative of either side)`;

export type FunctionPrimName =
  | 'sech' | 'csch' | 'coth' | 'asec' | 'acsc' | 'acot' | 'asech' | 'acsch' | 'acoth'
  | 'nthRoot' | 'log1p' | 'expm1' | 'floor' | 'ceil' | 'round' | 'trunc' | 'mod'
  | 'erf' | 'erfc' | 'gamma' | 'lgamma' | 'digamma' | 'polygamma';

export const FUNCTION_ROWS = {
  // 1/cosh(x): two roundings. ∂ = -sech·tanh: both factors accurate, and 0·1 (not NaN) once cosh overflows.
  sech: { arity: 1, eval: ([x]) => 1 / Math.cosh(x!), partials: (k, [x], out) => [k.neg(k.mul(out, k.tanh(x!)))], code: ([a]) => `1 / Math.cosh(${a})`, print: call('sech') },
  csch: { arity: 1, domain: 'x ≠ 0', eval: ([x]) => 1 / Math.sinh(x!), partials: (k, [x], out) => [k.neg(k.mul(out, k.coth(x!)))], code: ([a]) => `1 / Math.sinh(${a})`, print: call('csch') },
  // ∂ = -sinh(x)^-2 rather than 1 - coth², which cancels to 0 for large |x| (as tanh's row explains).
  coth: { arity: 1, domain: 'x ≠ 0', eval: ([x]) => 1 / Math.tanh(x!), partials: (k, [x]) => [k.neg(k.powc(k.sinh(x!), -2))], code: ([a]) => `1 / Math.tanh(${a})`, print: call('coth') },
  // asec = acos(1/x) and acsc = asin(1/x) are computed without the rounding of 1/x near |x| = 1 (special/index.ts).
  asec: { arity: 1, domain: '|x| ≥ 1 (derivative for |x| > 1)', eval: ([x]) => S.asec(x!), partials: (k, [x]) => [secLike(k, x!)], code: ([a]) => `adiffMath.asec(${a})`, print: call('asec') },
  acsc: { arity: 1, domain: '|x| ≥ 1 (derivative for |x| > 1)', eval: ([x]) => S.acsc(x!), partials: (k, [x]) => [k.neg(secLike(k, x!))], code: ([a]) => `adiffMath.acsc(${a})`, print: call('acsc') },
  // acot(x) = atan(1/x) (mathjs and SymPy agree): range (-π/2, π/2], a jump of π at 0 where acot(0) = π/2.
  acot: {
    arity: 1,
    eval: ([x]) => S.acot(x!),
    partials: (k, [x]) => [k.neg(k.div(k.num(1), k.add(k.num(1), k.powc(x!, 2))))],
    code: ([a]) => `adiffMath.acot(${a})`, print: call('acot'),
    kink: ([x]) => (x === 0 ? 'acot jumps at 0 (from -π/2 to acot(0) = π/2, the convention acot(x) = atan(1/x) of mathjs and SymPy); its derivative there is taken as -1 (the derivative of either side)' : undefined),
  },
  // ∂ asech = -1/(x·√(1-x)·√(1+x)): 1 ∓ x exact near 1, as for asin.
  asech: {
    arity: 1, domain: '0 < x ≤ 1 (derivative for 0 < x < 1)',
    eval: ([x]) => S.asech(x!),
    partials: (k, [x]) => [k.neg(k.div(k.num(1), k.mul(k.mul(x!, k.sqrt(k.sub(k.num(1), x!))), k.sqrt(k.add(k.num(1), x!)))))],
    code: ([a]) => `adiffMath.asech(${a})`, print: call('asech'),
  },
  // ∂ acsch = -1/(|x|·hypot(1, x)): no overflow of x² (as asinh's row).
  acsch: { arity: 1, domain: 'x ≠ 0', eval: ([x]) => S.acsch(x!), partials: (k, [x]) => [k.neg(k.div(k.num(1), k.mul(k.abs(x!), k.hypot(k.num(1), x!))))], code: ([a]) => `adiffMath.acsch(${a})`, print: call('acsch') },
  // ∂ acoth = 1/((1-x)(1+x)), as atanh's (the same function of x, on |x| > 1).
  acoth: { arity: 1, domain: '|x| > 1', eval: ([x]) => S.acoth(x!), partials: (k, [x]) => [k.div(k.num(1), k.mul(k.sub(k.num(1), x!), k.add(k.num(1), x!)))], code: ([a]) => `adiffMath.acoth(${a})`, print: call('acoth') },

  // nthRoot(x, n), n a constant integer (checked when lowering; n = 1, 2, 3 lower to x, sqrt, cbrt). ∂/∂x = r/(n·x):
  // three roundings on exact inputs, no power of r. ∂/∂n is 0: n is a constant, never a variable.
  nthRoot: {
    arity: 2, domain: 'x ≥ 0 for an even n, any x for an odd n (derivative for x ≠ 0)',
    eval: ([x, n]) => S.nthRoot(x!, n!),
    partials: (k, [x, n], out) => [k.div(out, k.mul(n!, x!)), k.num(0)],
    code: ([a, b]) => `adiffMath.nthRoot(${a}, ${b})`, print: call('nthRoot'),
  },
  // ∂ log1p = 1/(1 + x): the rounding of 1 + x is at most half an ulp of the sum, so ≤ 1 ulp in all.
  log1p: { arity: 1, domain: 'x > -1', eval: ([x]) => Math.log1p(x!), partials: (k, [x]) => [k.div(k.num(1), k.add(k.num(1), x!))], code: ([a]) => `Math.log1p(${a})`, print: call('log1p') },
  // ∂ expm1 = exp(x) (not out + 1, which would round away the low digits of e^x - 1 + 1 for small x: it is 1 anyway).
  expm1: { arity: 1, domain: 'results below about 1.8e308', eval: ([x]) => Math.expm1(x!), partials: (k, [x]) => [k.exp(x!)], code: ([a]) => `Math.expm1(${a})`, print: call('expm1') },

  // The steps: exact values; derivative 0 away from the jumps, and at a jump 0 as well (either side's derivative).
  floor: { arity: 1, eval: ([x]) => Math.floor(x!), partials: flat, code: ([a]) => `Math.floor(${a})`, print: call('floor'), kink: ([x]) => (Number.isInteger(x) ? jumpAt('floor', 'the integers') : undefined) },
  ceil: { arity: 1, eval: ([x]) => Math.ceil(x!), partials: flat, code: ([a]) => `Math.ceil(${a})`, print: call('ceil'), kink: ([x]) => (Number.isInteger(x) ? jumpAt('ceil', 'the integers') : undefined) },
  // Half away from zero (mathjs; C's round): round(2.5) = 3, round(-2.5) = -3.
  round: { arity: 1, eval: ([x]) => S.round(x!), partials: flat, code: ([a]) => `adiffMath.round(${a})`, print: call('round'), kink: ([x]) => (Number.isInteger(x! - 0.5) ? jumpAt('round', 'the half-integers') : undefined) },
  trunc: { arity: 1, eval: ([x]) => Math.trunc(x!), partials: flat, code: ([a]) => `Math.trunc(${a})`, print: call('trunc'), kink: ([x]) => (Number.isInteger(x) && x !== 0 ? jumpAt('trunc', 'the nonzero integers') : undefined) },
  // mod(x, y) = x - y·floor(x/y), value exact from x % y. ∂/∂x = 1, ∂/∂y = -floor(x/y); at a jump (x/y an integer)
  // these are the derivatives of the side the value takes (mod = 0 there).
  mod: {
    arity: 2, domain: 'y ≠ 0',
    eval: ([x, y]) => S.mod(x!, y!),
    partials: (k, [x, y]) => [k.num(1), k.neg(k.floor(k.div(x!, y!)))],
    code: ([a, b]) => `adiffMath.mod(${a}, ${b})`, print: call('mod'),
    kink: ([x, y]) => (y !== 0 && Number.isFinite(x) && x! % y! === 0 ? 'mod(x, y) jumps where x/y is an integer; the derivative of the side it takes there (where mod = 0) is used: 1 in x, -x/y in y' : undefined),
  },

  // erf' = (2/√π)·e^(-x²): x² is rounded first, so the result carries up to x²·2^-53 relative error (about 14 ulp
  // at |x| = 5, where erf' is 3e-11; it underflows beyond |x| ≈ 27).
  erf: { arity: 1, eval: ([x]) => S.erf(x!), partials: (k, [x]) => [k.mul(k.num(TWO_OVER_SQRT_PI), k.exp(k.neg(k.powc(x!, 2))))], code: ([a]) => `adiffMath.erf(${a})`, print: call('erf') },
  erfc: { arity: 1, eval: ([x]) => S.erfc(x!), partials: (k, [x]) => [k.neg(k.mul(k.num(TWO_OVER_SQRT_PI), k.exp(k.neg(k.powc(x!, 2)))))], code: ([a]) => `adiffMath.erfc(${a})`, print: call('erfc') },
  // Γ' = Γ·ψ: two accurate factors (ψ keeps relative accuracy at its zero, where Γ' = 0).
  gamma: { arity: 1, domain: 'x ≠ 0, -1, -2, …', eval: ([x]) => S.gamma(x!), partials: (k, [x], out) => [k.mul(out, k.digamma(x!))], code: ([a]) => `adiffMath.gamma(${a})`, print: call('gamma') },
  // lgamma(x) = ln|Γ(x)| (real-valued for x < 0 as well, as C's lgamma and SciPy's gammaln); its derivative is ψ.
  lgamma: { arity: 1, domain: 'x ≠ 0, -1, -2, …', eval: ([x]) => S.lgamma(x!), partials: (k, [x]) => [k.digamma(x!)], code: ([a]) => `adiffMath.lgamma(${a})`, print: call('lgamma') },
  digamma: { arity: 1, domain: 'x ≠ 0, -1, -2, …', eval: ([x]) => S.digamma(x!), partials: (k, [x]) => [k.polygamma(k.num(1), x!)], code: ([a]) => `adiffMath.digamma(${a})`, print: call('digamma') },
  // polygamma(n, x): n a constant integer ≥ 0 (checked when lowering); ∂/∂x = polygamma(n + 1, x); ∂/∂n is 0 (n is
  // never a variable). n + 1 is folded to a constant in derivative graphs.
  polygamma: {
    arity: 2, domain: 'x ≠ 0, -1, -2, …, and an integer order n ≥ 0',
    eval: ([n, x]) => S.polygamma(n!, x!),
    partials: (k, [n, x]) => [k.num(0), k.polygamma(k.add(n!, k.num(1)), x!)],
    code: ([a, b]) => `adiffMath.polygamma(${a}, ${b})`, print: call('polygamma'),
  },
} satisfies Record<FunctionPrimName, Primitive>;
