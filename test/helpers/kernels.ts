// Runs a compiled kernel in all four shapes (value and value + gradient, over rows and over columns) at some
// points and checks every number against the interpreter, bit for bit (NaN equal to NaN; the sign of zero counts).
import { expect } from 'vitest';
import type { Kernels } from '../../src/autodiff/compile.js';
import { gradientAt } from '../../src/autodiff/gradient.js';
import type { Lowered } from '../../src/autodiff/lower.js';

export const same = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || Object.is(a, b);

export function expectAllShapesAgree(low: Lowered, k: Kernels, points: number[][], label: string): void {
  const n = low.graph.inputs.length;
  const count = points.length;
  const rows = new Float64Array(points.flat());
  const cols = Array.from({ length: n }, (_, j) => Float64Array.from(points, (p) => p[j]!));
  const [vr, vc, vOnly, vOnlyC] = Array.from({ length: 4 }, () => new Float64Array(count));
  const gr = new Float64Array(count * n);
  const gc = Array.from({ length: n }, () => new Float64Array(count));
  k.gradientRows(rows, count, vr, gr);
  k.gradientColumns(cols, count, vc, gc);
  k.valueRows(rows, count, vOnly);
  k.valueColumns(cols, count, vOnlyC);
  points.forEach((p, i) => {
    const ref = gradientAt(low, p);
    const at = `${label.slice(0, 50)} at point ${i} (${p.join(', ')})`;
    for (const v of [vr[i]!, vc[i]!, vOnly[i]!, vOnlyC[i]!]) expect(same(v, ref.value), `${at}: value ${v} vs ${ref.value}`).toBe(true);
    for (let j = 0; j < n; j++) {
      expect(same(gr[i * n + j]!, ref.gradient[j]!), `${at}: rows d/d${low.graph.inputNames[j]} ${gr[i * n + j]} vs ${ref.gradient[j]}`).toBe(true);
      expect(same(gc[j]![i]!, ref.gradient[j]!), `${at}: columns d/d${low.graph.inputNames[j]} ${gc[j]![i]} vs ${ref.gradient[j]}`).toBe(true);
    }
  });
}
