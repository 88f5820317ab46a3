// The library's `compile` API: single points by name or by position, batches over columns and row-major
// buffers, Hessians. Expectations are hand-derived.
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { AdiffError } from '../src/diagnostics.js';

const E1 = 'ln(x1)+x1*x2-sin(x2)';
// f = ln x1 + x1 x2 - sin x2; ∂1 = 1/x1 + x2; ∂2 = x1 - cos x2; ∂11 = -1/x1², ∂12 = 1, ∂22 = sin x2
const f1 = (a: number, b: number) => Math.log(a) + a * b - Math.sin(b);
const g1 = (a: number, b: number) => [1 / a + b, a - Math.cos(b)];

describe('compile', () => {
  const f = compile(E1);

  it('knows its inputs and evaluates at a point given by name or by position', () => {
    expect(f.inputs).toEqual(['x1', 'x2']);
    expect(f.output).toBeUndefined();
    expect(f.value({ x1: 2, x2: 5 })).toBeCloseTo(11.652071455, 9);
    expect(f.value([2, 5])).toBe(f.value({ x1: 2, x2: 5 }));
    const g = f.gradient({ x1: 2, x2: 5 });
    expect(Object.keys(g)).toEqual(['x1', 'x2']);
    expect(g.x1).toBeCloseTo(5.5, 14);
    expect(g.x2).toBeCloseTo(2 - Math.cos(5), 14);
  });

  it('computes the Hessian and Hessian-vector products', () => {
    const h = f.hessian({ x1: 2, x2: 5 });
    expect(h.x1!.x1).toBeCloseTo(-0.25, 14);
    expect(h.x1!.x2).toBe(1);
    expect(h.x2!.x1).toBe(1);
    expect(h.x2!.x2).toBeCloseTo(Math.sin(5), 14);
    const hv = f.hvp({ x1: 2, x2: 5 }, { x1: 1, x2: 2 });
    expect(hv.x1).toBeCloseTo(-0.25 + 2, 14);
    expect(hv.x2).toBeCloseTo(1 + 2 * Math.sin(5), 14);
    const rosen = compile('(1 - x)^2 + 100*(y - x^2)^2');
    expect(rosen.hessian({ x: 1, y: 1 })).toEqual({ x: { x: 802, y: -400 }, y: { x: -400, y: 200 } });
  });

  it('evaluates batches over columns and row-major buffers into the caller’s arrays', () => {
    const N = 1000;
    const a = new Float64Array(N);
    const b = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      a[i] = 0.5 + i / 100;
      b[i] = Math.cos(i);
    }
    const value = new Float64Array(N);
    const grad = [new Float64Array(N), new Float64Array(N)];
    f.gradientColumns([a, b], value, grad);
    const byName = new Float64Array(N);
    f.valueColumns({ x2: b, x1: a }, byName);
    const rows = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) [rows[2 * i], rows[2 * i + 1]] = [a[i]!, b[i]!];
    const rv = new Float64Array(N);
    const rg = new Float64Array(2 * N);
    f.gradientRows(rows, rv, rg);
    const vOnly = f.valueRows(rows, new Float64Array(N));
    for (let i = 0; i < N; i++) {
      const [ga, gb] = g1(a[i]!, b[i]!);
      expect(value[i]).toBeCloseTo(f1(a[i]!, b[i]!), 12);
      expect(grad[0]![i]).toBeCloseTo(ga!, 12);
      expect(grad[1]![i]).toBeCloseTo(gb!, 12);
      expect(byName[i]).toBe(value[i]);
      expect(rv[i]).toBe(value[i]);
      expect(vOnly[i]).toBe(value[i]);
      expect(rg[2 * i]).toBe(grad[0]![i]);
      expect(rg[2 * i + 1]).toBe(grad[1]![i]);
    }
  });

  it('differentiates a named output of a program, and names such as __proto__ are ordinary', () => {
    const p = compile('u = x*y; v = u + __proto__; w = 2v', { output: 'v' });
    expect(p.output).toBe('v');
    expect(p.inputs).toEqual(['x', 'y', '__proto__']);
    const g = p.gradient({ x: 2, y: 3, ['__proto__']: 4 } as Record<string, number>);
    expect(Object.keys(g)).toEqual(['x', 'y', '__proto__']);
    expect(g).toEqual(Object.fromEntries([['x', 3], ['y', 2], ['__proto__', 1]]));
  });

  it('rejects bad formulas and bad points with AdiffError', () => {
    expect(() => compile('sinn(x)')).toThrow(AdiffError);
    expect(() => compile('x +')).toThrow(AdiffError);
    expect(() => f.value({ x1: 2 })).toThrow(/no value for 'x2'/);
    expect(() => f.value([1])).toThrow(/2 variables/);
    expect(() => f.valueColumns([new Float64Array(2), new Float64Array(1)], new Float64Array(2))).toThrow(/fewer/);
    expect(() => compile('a = x; a', { output: 'b' })).toThrow(/not an assigned name/);
  });
});
