// What the terminal and SVG plots share: a y-range that ignores spikes, "nice" tick values, and curves cut into
// drawable pieces — a NaN or infinite value is a gap, and a jump from far above to far below the range (a pole,
// as tan has at π/2) is a gap too, never a vertical spike. Pure: no colour, no output.

export interface Range {
  lo: number;
  hi: number;
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const i = Math.floor(at);
  const frac = at - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - frac) + sorted[i + 1]! * frac : sorted[i]!;
}

/**
 * The y-range: all finite values, unless a few are so far out (near a pole) that they would flatten the rest;
 * then the 5%–95% quantile range widened by half its size. A 5% margin is added; a flat curve gets ±1.
 */
export function yRange(curves: ArrayLike<number>[], override: Partial<Range> = {}): Range {
  const finite: number[] = [];
  for (const c of curves) for (let i = 0; i < c.length; i++) if (Number.isFinite(c[i]!)) finite.push(c[i]!);
  finite.sort((a, b) => a - b);
  let lo = -1;
  let hi = 1;
  if (finite.length > 0) {
    lo = finite[0]!;
    hi = finite[finite.length - 1]!;
    const q05 = quantile(finite, 0.05);
    const q95 = quantile(finite, 0.95);
    const spread = q95 - q05;
    if (spread > 0 && hi - lo > 10 * spread) {
      lo = Math.max(lo, q05 - spread / 2);
      hi = Math.min(hi, q95 + spread / 2);
    }
    if (hi - lo === 0) {
      const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.5 : 1;
      lo = clamp(lo - pad);
      hi = clamp(hi + pad);
    } else {
      // Halves: hi - lo overflows when the values span more than the largest double (±1e308).
      const margin = (hi / 2 - lo / 2) * 0.1;
      lo = clamp(lo - margin);
      hi = clamp(hi + margin);
    }
  }
  // One end given (--ymin or --ymax) beyond the data's other end: the other end keeps the data's span (or 1) away.
  if (override.lo !== undefined && override.hi === undefined && !(hi > override.lo)) hi = clamp(override.lo + Math.max(1, hi / 2 - lo / 2));
  if (override.hi !== undefined && override.lo === undefined && !(override.hi > lo)) lo = clamp(override.hi - Math.max(1, hi / 2 - lo / 2));
  const range = { lo: override.lo ?? lo, hi: override.hi ?? hi };
  if (!(range.hi > range.lo)) return { lo: range.lo - 1, hi: range.lo + 1 };
  return range;
}

const clamp = (v: number) => Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, v));

/** Where `v` lies between `a` (0) and `b` (1); computed on halves, so that b - a may exceed the largest double. */
export function fraction(v: number, a: number, b: number): number {
  return (v / 2 - a / 2) / (b / 2 - a / 2);
}

/** Round tick values (1, 2 or 5 times a power of ten apart) inside [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const rough = ((hi / 2 - lo / 2) / Math.max(1, count)) * 2;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
    if (ticks.length > 100) break;
  }
  return ticks;
}

/**
 * A sampled curve as polylines inside [lo, hi]: a segment whose ends are both inside is kept; one leaving or
 * entering the range is cut at the boundary; non-finite values and jumps between the two sides break the line.
 */
export function clipCurve(xs: ArrayLike<number>, ys: ArrayLike<number>, range: Range): [number, number][][] {
  const pieces: [number, number][][] = [];
  let current: [number, number][] = [];
  const flush = () => {
    if (current.length > 0) pieces.push(current);
    current = [];
  };
  const inside = (y: number) => y >= range.lo && y <= range.hi;
  const cross = (x0: number, y0: number, x1: number, y1: number, edge: number): [number, number] => [x0 + ((x1 - x0) * (edge - y0)) / (y1 - y0), edge];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    const prevOk = i > 0 && Number.isFinite(ys[i - 1]!);
    if (!Number.isFinite(y)) {
      flush();
      continue;
    }
    if (inside(y)) {
      if (current.length === 0 && prevOk && !inside(ys[i - 1]!)) {
        const y0 = ys[i - 1]!;
        current.push(cross(xs[i - 1]!, y0, x, y, y0 > range.hi ? range.hi : range.lo));
      }
      current.push([x, y]);
    } else {
      if (current.length > 0 && prevOk) current.push(cross(xs[i - 1]!, ys[i - 1]!, x, y, y > range.hi ? range.hi : range.lo));
      flush();
    }
  }
  flush();
  return pieces;
}

/** Curve names: f, f', f'', f''', then f⁽⁴⁾, f⁽⁵⁾, … */
export function derivativeName(base: string, order: number): string {
  if (order <= 3) return base + "'".repeat(order);
  const sup = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return `${base}⁽${String(order).split('').map((d) => sup[Number(d)]).join('')}⁾`;
}
