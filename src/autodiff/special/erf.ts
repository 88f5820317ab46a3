// erf and erfc for real x, from two classical expansions (no standard JavaScript function exists):
//   - |x| < 0.5: erf x = (2/√π) e^(-x²) Σ_{n≥0} 2^n x^(2n+1) / (1·3·5⋯(2n+1))   (DLMF 7.6.2): all terms positive, so
//     no cancellation; e^(-x²) is formed from x² split exactly into hi + lo (Dekker), so x² is not rounded first;
//     erfc = 1 - erf there (erf < 0.53, no cancellation).
//   - 0.5 ≤ x < 2: Taylor series of erfc about 0.75, 1.25 and 1.75 (|z| ≤ 1/4; coefficients from mpmath.taylor in
//     coefficients.ts, 30 terms: the k-th is below 0.25^k·2^(k/2)/√(k!) of erfc, under 2^-60 by k = 24);
//   - x ≥ 2: the continued fraction (DLMF 7.9.2)
//       √π e^(x²) erfc x = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ⋯)))))
//     evaluated backwards from a depth N = 8 + 400/x² (the fraction has converged to the last bit by then:
//     100 terms at x = 2, checked against mpmath), which is the numerically stable direction;
//   - erf = 1 - erfc for x ≥ 0.5 (erfc ≤ 0.48 there, no cancellation). Negative x by erf(-x) = -erf(x),
//     erfc(-x) = 2 - erfc(x).
// The measured worst errors against mpmath are in docs/functions.md (bench/special-accuracy.py).

import { ERFC_AT_0, ERFC_AT_1, ERFC_AT_2 } from './coefficients.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const SPLIT = 134217729; // 2^27 + 1

/** e^(-x²) with x² split exactly into hi + lo, so that the rounding of x² is not multiplied by x². */
function expMinusSquare(x: number): number {
  const hi = x * x;
  const c = SPLIT * x;
  const xh = c - (c - x);
  const xl = x - xh;
  const lo = xh * xh - hi + 2 * xh * xl + xl * xl; // x² - hi, exactly (Dekker's product)
  return Math.exp(-hi) * Math.exp(-lo);
}

/** erf(x) for |x| < 0.5 by the series of positive terms. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 40; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 2 ** -60 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * expMinusSquare(x) * sum;
}

const CENTERS = [ERFC_AT_0, ERFC_AT_1, ERFC_AT_2];

/** erfc(x) for x ≥ 0.5: the Taylor series below 2, the continued fraction from 2 on. */
function erfcFraction(x: number): number {
  if (x < 2) {
    const j = Math.min(2, Math.floor((x - 0.5) * 2));
    const c = CENTERS[j]!;
    const z = x - (0.75 + 0.5 * j);
    let s = 0;
    for (let k = c.length - 1; k >= 0; k--) s = s * z + c[k]!;
    return s;
  }
  if (x > 27.3) return 0; // erfc(27.3) < 2^-1075: underflow
  const depth = Math.ceil(8 + 400 / (x * x));
  let f = x;
  for (let k = depth; k >= 1; k--) f = x + k / 2 / f;
  return (ONE_OVER_SQRT_PI * expMinusSquare(x)) / f;
}

/** The error function erf(x) = (2/√π) ∫₀ˣ e^(-t²) dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 0.5) return erfSeries(x);
  const v = 1 - erfcFraction(a);
  return x < 0 ? -v : v;
}

/** The complementary error function erfc(x) = 1 - erf(x), without the cancellation of 1 - erf(x) for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 0.5) return 1 - erfSeries(x);
  return x < 0 ? 2 - erfcFraction(-x) : erfcFraction(x);
}
