// Γ(x) and ln|Γ(x)| for real x, written from the classical formulas (no standard JavaScript function exists):
//   - on [0.5, 2.5) the power series of ln Γ about 1 and about 2 (DLMF 5.7.3, coefficients ζ(k)/k from mpmath in
//     coefficients.ts): |z| ≤ 1/2, so 56 terms reach 2^-56, and the series is exact near the zeros of ln Γ at 1
//     and 2 (relative accuracy there, where log(Γ(x)) would only give absolute accuracy);
//   - the recurrence Γ(x + 1) = x Γ(x) (DLMF 5.5.1) down to that interval from x < 12, and up from (0, 0.5);
//   - Stirling's series for x ≥ 12 (DLMF 5.11.1): ln Γ(x) = (x - 1/2) ln x - x + ln(2π)/2 + Σ B_2k/(2k(2k-1)x^(2k-1)),
//     the sum's 10th term is below 2^-60 at x = 12; for Γ itself x^(x-1/2) e^-x is formed as two halves so that
//     it does not overflow before Γ does, and each factor is one correctly rounded-ish libm call on exact arguments;
//   - the reflection formula Γ(x) Γ(1 - x) = π / sin(πx) (DLMF 5.5.3) for x < 0.5, with sin(πx) from an exact
//     reduction of x (sinpi), so that the poles at 0, -1, -2, … are where they should be.
// The measured worst errors against mpmath are in docs/functions.md (bench/special-accuracy.py).
import { BERNOULLI_2K, LGAMMA_AT_1, LGAMMA_AT_2 } from './coefficients.js';

const LN_SQRT_2PI = 0.9189385332046728; // ln(2π)/2
const SQRT_2PI = 2.5066282746310002;
const LN_PI = 1.1447298858494002;

/** Σ c_k z^k by Horner's rule. */
function series(c: readonly number[], z: number): number {
  let s = 0;
  for (let k = c.length - 1; k >= 0; k--) s = s * z + c[k]!;
  return s;
}

/** sin(πx), with x reduced exactly to [-1/2, 1/2] first: exactly 0 at the integers, ±1 at the half-integers. */
export function sinpi(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  let r = x - 2 * Math.round(x / 2); // exact: r in [-1, 1]
  let sign = 1;
  if (r < 0) {
    r = -r;
    sign = -1;
  }
  if (r > 0.5) r = 1 - r; // exact (Sterbenz)
  return r === 0 ? 0 * sign : sign * Math.sin(Math.PI * r);
}

/** cos(πx), reduced the same way: exactly 0 at the half-integers. */
export function cospi(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const r = Math.abs(x - 2 * Math.round(x / 2)); // [0, 1], exact
  if (r === 0.5) return 0;
  return r < 0.5 ? Math.cos(Math.PI * r) : -Math.cos(Math.PI * (1 - r));
}

/** ln Γ(x) for x in [0.5, 2.5), from the series about 1 or 2. */
function lgammaNear12(x: number): number {
  return x < 1.5 ? series(LGAMMA_AT_1, x - 1) : series(LGAMMA_AT_2, x - 2);
}

/** Σ B_2k / (2k(2k-1) x^(2k-1)), Stirling's correction, for x ≥ 12. */
function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  let s = 0;
  for (let k = 10; k >= 1; k--) s = s * r + BERNOULLI_2K[k - 1]! / (2 * k * (2 * k - 1));
  return s / x;
}

/** ln |Γ(x)| for x > 0. */
function lgammaPositive(x: number): number {
  if (x >= 12) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x);
  if (x < 0.5) return lgammaNear12(x + 1) - Math.log(x);
  if (x < 2.5) return lgammaNear12(x);
  // x in [2.5, 12): ln Γ(x) = ln Γ(y) + ln(y (y+1) ⋯ (x-1)) with y in [1.5, 2.5); the product is ≤ 11! and exact
  // to a few roundings, and ln Γ(x) ≥ 0.28 here, so the sum does not cancel.
  let y = x;
  let p = 1;
  while (y >= 2.5) {
    y -= 1;
    p *= y;
  }
  return lgammaNear12(y) + Math.log(p);
}

/**
 * ln |Γ(x)| (the real-valued convention of C's lgamma and SciPy's gammaln): +∞ at the poles 0, -1, -2, …, NaN for
 * NaN, +∞ for ±∞.
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x > 0) return lgammaPositive(x);
  const s = sinpi(x);
  if (s === 0) return Infinity;
  // Reflection: ln|Γ(x)| = ln π - ln|sin(πx)| - ln Γ(1 - x), with Γ(1 - x) = -x Γ(-x) for x ≤ -1: -x is exact where
  // 1 - x may be rounded (by up to 2^-53 relative, which ψ(1 - x)(1 - x) multiplies: 300 ulps of Γ at x = -127.6).
  if (x > -1) return LN_PI - Math.log(Math.abs(s)) - lgammaPositive(1 - x);
  return LN_PI - Math.log(Math.abs(s)) - Math.log(-x) - lgammaPositive(-x);
}

/** Γ(x) for x > 0. */
function gammaPositive(x: number): number {
  if (x > 171.62437695630271) return Infinity;
  if (Number.isInteger(x) && x <= 23) {
    // (x - 1)! exactly: every partial product up to 22! is a double (22! = 2^19 times an odd number below 2^53).
    let f = 1;
    for (let k = 2; k < x; k++) f *= k;
    return f;
  }
  if (x >= 12) {
    const half = Math.pow(x, (x - 0.5) / 2); // (x - 1/2)/2 is exact
    return SQRT_2PI * half * (half * Math.exp(-x)) * Math.exp(stirlingCorrection(x));
  }
  if (x < 0.5) return Math.exp(lgammaNear12(x + 1)) / x;
  let y = x;
  let p = 1;
  while (y >= 2.5) {
    y -= 1;
    p *= y;
  }
  return Math.exp(lgammaNear12(y)) * p;
}

/** Γ(x) for real x: NaN at the poles 0, -1, -2, … (the sign of the infinity depends on the side), +∞ at +∞. */
export function gamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x > 0) return gammaPositive(x);
  const s = sinpi(x);
  if (s === 0) return NaN;
  // Reflection: Γ(x) = π / (sin(πx) Γ(1 - x)); below about -170.6, Γ(1 - x) overflows, and the result (below
  // 1e-306, down to the subnormals and 0 by -184) is formed from the logarithms instead.
  // As in lgamma, Γ(1 - x) is -x Γ(-x) for x ≤ -1, so that its argument is exact.
  if (x > -1) return Math.PI / (s * gammaPositive(1 - x));
  const g = -x * gammaPositive(-x);
  if (g === Infinity) return Math.sign(s) * Math.exp(LN_PI - Math.log(Math.abs(s)) - Math.log(-x) - lgammaPositive(-x));
  return Math.PI / (s * g);
}
