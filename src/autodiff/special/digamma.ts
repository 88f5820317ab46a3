// ψ(x) = Γ'(x)/Γ(x) and the polygamma functions ψ^(n)(x) = dⁿψ/dxⁿ for real x, from the classical formulas:
//   - x ≥ X (X = 12 for ψ, 15 + n for ψ^(n)): the asymptotic series (DLMF 5.15.8 and 5.11.2 differentiated)
//       ψ(x)     ~ ln x - 1/(2x) - Σ_{k≥1} B_2k / (2k x^2k)
//       ψ^(n)(x) ~ (-1)^(n+1) [ (n-1)!/x^n + n!/(2x^(n+1)) + Σ_{k≥1} B_2k (2k+n-1)! / ((2k)! x^(2k+n)) ]
//     truncated when a term falls below 2^-60 of the sum (well before the series' terms start to grow);
//   - 0 < x < X: the recurrence ψ^(n)(x) = ψ^(n)(x + 1) - (-1)^n n! / x^(n+1) (DLMF 5.15.5), whose terms all have the
//     sign of the result for n ≥ 1 (no cancellation); for ψ on [0.9, 2) the power series about its positive zero
//     x0 ≈ 1.4616 (coefficients ψ^(k)(x0)/k! from mpmath), so that ψ keeps relative accuracy next to its zero, on
//     [2, 2.5) the derivative of the series of ln Γ about 2, and on [2.5, 12) the recurrence down to those;
//   - x < 0: the reflection formula ψ(1 - x) - ψ(x) = π cot(πx) (DLMF 5.5.4), differentiated n times:
//       ψ^(n)(x) = (-1)^n ψ^(n)(1 - x) - π^(n+1) cot^(n)(πx),
//     with cot^(n) written as a polynomial in c = cot: P_0 = c, P_(k+1) = -(1 + c²) P_k'.
// Poles (x = 0, -1, -2, …) give NaN: the sign of the infinity depends on the side. The measured worst errors
// against mpmath are in docs/functions.md (bench/special-accuracy.py).
import { BERNOULLI_2K, DIGAMMA_AT_ZERO, DIGAMMA_ZERO, LGAMMA_AT_2 } from './coefficients.js';
import { cospi, sinpi } from './gamma.js';

const TINY = 2 ** -60;

function digammaPositive(x: number): number {
  let shift = 0;
  // ψ(x) = ψ(x + 1) - 1/x: for small x, -1/x dominates and the sum does not cancel.
  while (x < 0.9) {
    shift -= 1 / x;
    x += 1;
  }
  if (x < 2) {
    const c = DIGAMMA_AT_ZERO;
    const z = x - DIGAMMA_ZERO; // exact (Sterbenz) on [0.9, 2)
    let s = 0;
    for (let k = c.length - 1; k >= 0; k--) s = s * z + c[k]!;
    return s + shift;
  }
  if (x < 12) {
    // Down to y in [1.5, 2.5) by ψ(y + 1) = ψ(y) + 1/y (y - 1 is exact): ψ(y) > 0 there and every 1/y is positive,
    // so nothing cancels (going up to 12 instead would cancel: ψ(2) = ψ(12) - (1/2 + … + 1/11) loses 3 bits).
    let y = x;
    let up = 0;
    while (y >= 2.5) {
      y -= 1;
      up += 1 / y;
    }
    return (y < 2 ? digammaPositive(y) : digammaNear2(y - 2)) + up + shift;
  }
  const r = 1 / (x * x);
  let tail = 0;
  for (let k = 12; k >= 1; k--) tail = tail * r + BERNOULLI_2K[k - 1]! / (2 * k);
  return Math.log(x) - 0.5 / x - tail * r + shift;
}

/** ψ(2 + z) for |z| ≤ 1/2: the derivative of the series of ln Γ about 2 (coefficients.ts), term by term. */
function digammaNear2(z: number): number {
  const c = LGAMMA_AT_2;
  let s = 0;
  for (let k = c.length - 1; k >= 1; k--) s = s * z + k * c[k]!;
  return s;
}

/** n! as a double (Infinity beyond 170). */
function factorial(n: number): number {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return f;
}

/** |ψ^(n)(x)| for x > 0 and n ≥ 1 (the sign is (-1)^(n+1)). */
function polygammaPositive(n: number, x: number): number {
  const nf = factorial(n);
  const X = 15 + n;
  let sum = 0;
  while (x < X) {
    sum += Math.pow(x, -(n + 1));
    x += 1;
  }
  // (n-1)!/x^n · [1 + n/(2x) + Σ_k B_2k/(2k)! · n(n+1)⋯(2k+n-1) / x^2k]
  const r = 1 / (x * x);
  let bracket = 1 + n / (2 * x);
  let rising = 1; // n (n+1) ⋯ (2k+n-1) / (2k)!, times r^k
  for (let k = 1; k <= 20; k++) {
    rising *= ((2 * k + n - 2) * (2 * k + n - 1) * r) / ((2 * k - 1) * (2 * k));
    const term = BERNOULLI_2K[k - 1]! * rising;
    bracket += term;
    if (Math.abs(term) < TINY * bracket) break;
  }
  return nf * sum + (nf / n) * Math.pow(x, -n) * bracket;
}

/** dⁿ/dθⁿ cot(θ) as a polynomial in c = cot θ, evaluated at c. */
function cotDerivative(n: number, c: number): number {
  let p = [0, 1]; // P_0 = c
  for (let k = 0; k < n; k++) {
    // P' then multiply by -(1 + c²)
    const d = p.slice(1).map((a, i) => a * (i + 1));
    const q = new Array<number>(d.length + 2).fill(0);
    d.forEach((a, i) => {
      q[i] = q[i]! - a;
      q[i + 2] = q[i + 2]! - a;
    });
    p = q;
  }
  let s = 0;
  for (let i = p.length - 1; i >= 0; i--) s = s * c + p[i]!;
  return s;
}

/** The digamma function ψ(x) = Γ'(x)/Γ(x); NaN at the poles 0, -1, -2, … and at -∞, +∞ at +∞. */
export function digamma(x: number): number {
  return polygamma(0, x);
}

/** The polygamma function ψ^(n)(x) for an integer order n ≥ 0 (NaN for any other n, and at the poles). */
export function polygamma(n: number, x: number): number {
  if (!Number.isInteger(n) || n < 0 || Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return n === 0 ? Infinity : 0;
  if (x > 0) return n === 0 ? digammaPositive(x) : (n % 2 === 1 ? 1 : -1) * polygammaPositive(n, x);
  const s = sinpi(x);
  if (s === 0) return NaN;
  const cot = cospi(x) / s;
  // ψ^(n)(1 - x), from ψ^(n)(-x) by the recurrence for x ≤ -1, where -x is exact and 1 - x may be rounded.
  const at = (y: number) => (n === 0 ? digammaPositive(y) : (n % 2 === 1 ? 1 : -1) * polygammaPositive(n, y));
  const reflected = x > -1 ? at(1 - x) : at(-x) + (n % 2 === 0 ? 1 : -1) * factorial(n) * Math.pow(-x, -(n + 1));
  return (n % 2 === 0 ? 1 : -1) * reflected - Math.pow(Math.PI, n + 1) * cotDerivative(n, cot);
}
