// The hand-written numeric functions of the rule table's special rows, and the one object compiled kernels call
// them through. Kernels are built with `new Function`, which sees only globals, so the object is installed once as
// the non-enumerable global `adiffMath` (code reads `adiffMath.erf(x)`; the name contains `Math.`, so the tape
// treats these calls as the costly calls they are, like `Math.sin`).
import { digamma, polygamma } from './digamma.js';
import { erf, erfc } from './erf.js';
import { gamma, lgamma } from './gamma.js';

/** asec(x) = acos(1/x) for |x| ≥ 1, as atan(√(|x|-1)·√(|x|+1)): |x| - 1 is exact near 1, where acos(1/x) is not. */
function asec(x: number): number {
  const a = Math.abs(x);
  const t = Math.atan(Math.sqrt(a - 1) * Math.sqrt(a + 1));
  return x < 0 ? Math.PI - t : t;
}

/** acsc(x) = asin(1/x) for |x| ≥ 1, as ±atan2(1, √(|x|-1)·√(|x|+1)), for the same reason. */
function acsc(x: number): number {
  const a = Math.abs(x);
  const t = Math.atan2(1, Math.sqrt(a - 1) * Math.sqrt(a + 1));
  return x < 0 ? -t : t;
}

/** acot(x) = atan(1/x), and π/2 at 0 (mathjs's and SymPy's convention: the range is (-π/2, π/2]). */
function acot(x: number): number {
  return x === 0 ? Math.PI / 2 : Math.atan(1 / x);
}

/**
 * asech(x) = acosh(1/x) for 0 < x ≤ 1, as log1p(((1 - x) + √(1-x)·√(1+x)) / x): no cancellation near 1, where
 * acosh(1/x) loses half the digits; below 1e-8 ln(2/x) (the next term, x²/4, is below 2^-53 of it).
 */
function asech(x: number): number {
  if (x > 0 && x < 1e-8) return Math.LN2 - Math.log(x);
  return Math.log1p((1 - x + Math.sqrt(1 - x) * Math.sqrt(1 + x)) / x);
}

/** acsch(x) = asinh(1/x); for |x| < 1e-300, where 1/x would overflow, ±ln(2/|x|). */
function acsch(x: number): number {
  const a = Math.abs(x);
  if (a !== 0 && a < 1e-300) return Math.sign(x) * (Math.LN2 - Math.log(a));
  return Math.asinh(1 / x);
}

/** acoth(x) = atanh(1/x) for |x| > 1, as ±log1p(2/(|x| - 1))/2: |x| - 1 is exact near 1, where 1/x is rounded. */
function acoth(x: number): number {
  const a = Math.abs(x);
  const t = Math.log1p(2 / (a - 1)) / 2;
  return x < 0 ? -t : a < 1 ? NaN : t;
}

/**
 * The real n-th root for an integer n ≠ 0: odd n takes negative x (nthRoot(-8, 3) = -2), even n at x < 0 is NaN.
 * Math.pow(|x|, 1/n) is off by up to |ln x|·2^-53/n because 1/n is rounded, so one Newton step on r^n = |x|
 * follows (r ← r - (r - |x|/r^(n-1))/n), which brings it to about an ulp.
 */
function nthRoot(x: number, n: number): number {
  if (!Number.isInteger(n) || n === 0) return NaN;
  if (n < 0) return 1 / nthRoot(x, -n);
  if (x < 0 && n % 2 === 0) return NaN;
  const a = Math.abs(x);
  let r = n === 2 ? Math.sqrt(a) : n === 3 ? Math.cbrt(a) : Math.pow(a, 1 / n);
  if (n > 3 && r > 0 && Number.isFinite(r)) {
    const p = Math.pow(r, n - 1);
    if (p > 0 && Number.isFinite(p)) r -= (r - a / p) / n;
  }
  return x < 0 ? -r : r;
}

/** Rounds half away from zero (mathjs's round; JavaScript's Math.round rounds half up: Math.round(-2.5) = -2). */
function round(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** mod(x, y) = x - y·floor(x/y): the sign of y (as in mathjs and Python); computed from the exact x % y. */
function mod(x: number, y: number): number {
  if (y === 0) return NaN;
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

export const SPECIAL = { asec, acsc, acot, asech, acsch, acoth, nthRoot, round, mod, erf, erfc, gamma, lgamma, digamma, polygamma };

if (!('adiffMath' in globalThis)) Object.defineProperty(globalThis, 'adiffMath', { value: SPECIAL, enumerable: false, configurable: true });
