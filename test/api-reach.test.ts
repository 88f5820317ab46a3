// The library's public entry (issue 18): a fixed variable order, second and higher derivatives at a point and
// over batches, derivative() as a formula, AdiffError's place and caret text, and hostile arguments. Expected
// numbers are derived by hand in the comments.
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { AdiffError, compile, derivative } from '../src/index.js';

const E1 = 'ln(x1)+x1*x2-sin(x2)';
// E1: ∂²/∂x1² = -1/x1², ∂²/∂x1∂x2 = 1, ∂²/∂x2² = sin(x2).
const hessianE1 = (x1: number, x2: number) => [[-1 / (x1 * x1), 1], [1, Math.sin(x2)]];

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};
const adiffError = (fn: () => unknown, message?: RegExp) => {
  const e = thrown(fn);
  expect(e, 'throws an AdiffError').toBeInstanceOf(AdiffError);
  if (message) expect((e as Error).message).toMatch(message);
  return e as AdiffError;
};

describe('the public entry', () => {
  it('is a short, deliberate list: compile, derivative, AdiffError, formatDiagnostic and two limits', () => {
    expect(Object.keys(api).sort()).toEqual(['AdiffError', 'MAX_DERIVATIVE_ORDER', 'MAX_TAYLOR_ORDER', 'compile', 'derivative', 'formatDiagnostic']);
  });
});

describe('compile(text, { variables })', () => {
  it('fixes the order of the variables; a listed name the formula does not use is an input with zero derivatives', () => {
    expect(compile('y + x').inputs).toEqual(['y', 'x']);
    const f = compile('y + x*y', { variables: ['x', 'y', 'z'] });
    expect(f.inputs).toEqual(['x', 'y', 'z']);
    // ∂/∂x = y = 3, ∂/∂y = 1 + x = 3, ∂/∂z = 0 at (2, 3, 7); value 3 + 6 = 9.
    expect(f.value([2, 3, 7])).toBe(9);
    expect(f.gradient([2, 3, 7])).toEqual({ x: 3, y: 3, z: 0 });
    expect(f.value({ x: 2, y: 3 })).toBe(9); // z is not needed
    expect(f.hessian([2, 3, 7])).toEqual({ x: { x: 0, y: 1, z: 0 }, y: { x: 1, y: 0, z: 0 }, z: { x: 0, y: 0, z: 0 } });
  });

  it('a free variable that is not listed is an error at its first use; so are junk, constants, duplicates and assigned names', () => {
    const e = adiffError(() => compile('x + y', { variables: ['x'] }), /^'y' is not one of the variables \(x\)$/);
    expect([e.kind, e.line, e.column]).toEqual(['name', 1, 5]);
    adiffError(() => compile('x', { variables: ['x', 'x'] }), /^compile: `variables` lists 'x' twice$/);
    adiffError(() => compile('x', { variables: ['x', 'e'] }), /^compile: `variables` lists "e", which is not a variable name/);
    adiffError(() => compile('x', { variables: ['x', 'sin'] }), /which is not a variable name/);
    adiffError(() => compile('x', { variables: ['x', 'a b'] }), /which is not a variable name/);
    adiffError(() => compile('x', { variables: ['x', 3 as never] }), /^compile: `variables` lists 3, which is not a name$/);
    adiffError(() => compile('x', { variables: 'x' as never }), /^compile: `variables` must be an array of names/);
    adiffError(() => compile('b = 2*x; b + 1', { variables: ['x', 'b'] }), /^'b' is assigned by the program/);
    adiffError(() => compile('x', { varaibles: ['x'] } as never), /^compile: unknown option 'varaibles'/);
  });
});

describe('second and higher derivatives, at a point and over batches', () => {
  const f = compile(E1);
  const pts: [number, number][] = [[2, 5], [0.5, -1], [3, 0.25]];

  it('hessian, hvp and taylor at a point match the closed forms', () => {
    const h = f.hessian({ x1: 2, x2: 5 });
    expect(h).toEqual({ x1: { x1: -0.25, x2: 1 }, x2: { x1: 1, x2: Math.sin(5) } });
    // H·(1, 2) = (-0.25 + 2, 1 + 2 sin 5).
    expect(f.hvp([2, 5], [1, 2])).toEqual({ x1: 1.75, x2: 1 + 2 * Math.sin(5) });
    // Along x1 at (2, 5): ln(2 + t) + 5(2 + t) - sin 5 = c0 + (1/2 + 5) t - t²/8 + t³/24 - t⁴/64.
    const c = f.taylor([2, 5], 'x1', 4);
    expect(c[0]).toBeCloseTo(Math.log(2) + 10 - Math.sin(5), 14);
    expect(c.slice(1)).toEqual([5.5, -0.125, 1 / 24, -1 / 64]);
  });

  it('hessianColumns and hessianRows fill one array per entry (or row-major), equal to hessian() at each point', () => {
    const x1 = Float64Array.from(pts, (p) => p[0]);
    const x2 = Float64Array.from(pts, (p) => p[1]);
    const value = new Float64Array(3);
    const H = [[new Float64Array(3), new Float64Array(3)], [new Float64Array(3), new Float64Array(3)]];
    f.hessianColumns([x1, x2], value, H);
    const rows = new Float64Array(12);
    const rv = new Float64Array(3);
    f.hessianRows(Float64Array.from(pts.flat()), rv, rows);
    pts.forEach(([a, b], i) => {
      expect(value[i]).toBe(f.value([a, b]));
      expect(rv[i]).toBe(value[i]);
      const want = hessianE1(a, b);
      const at = f.hessian([a, b]);
      for (let r = 0; r < 2; r++) {
        for (let s = 0; s < 2; s++) {
          expect(H[r]![s]![i]).toBeCloseTo(want[r]![s]!, 14);
          expect(H[r]![s]![i]).toBe(at[f.inputs[r]!]![f.inputs[s]!]);
          expect(rows[i * 4 + r * 2 + s]).toBe(H[r]![s]![i]);
        }
      }
    });
  });

  it('hvpColumns, hvpRows, taylorColumns and taylorRows agree with the single-point forms', () => {
    const cols = [Float64Array.of(2, 0.5), Float64Array.of(5, -1)];
    const v = new Float64Array(2);
    const hv = [new Float64Array(2), new Float64Array(2)];
    f.hvpColumns(cols, { x2: 1 }, v, hv);
    // H·e2 = (1, sin x2).
    expect([hv[0]![0], hv[1]![0], hv[0]![1], hv[1]![1]]).toEqual([1, Math.sin(5), 1, Math.sin(-1)]);
    const hr = new Float64Array(4);
    f.hvpRows([2, 5, 0.5, -1], [0, 1], new Float64Array(2), hr);
    expect(Array.from(hr)).toEqual([1, Math.sin(5), 1, Math.sin(-1)]);
    const tc = [new Float64Array(2), new Float64Array(2), new Float64Array(2)];
    f.taylorColumns(cols, 'x2', 2, tc);
    // Along x2: x1·(x2 + t) - sin(x2 + t): c1 = x1 - cos x2, c2 = sin(x2)/2.
    expect([tc[1]![0], tc[2]![0]]).toEqual([2 - Math.cos(5), Math.sin(5) / 2]);
    const tr = new Float64Array(6);
    f.taylorRows([2, 5, 0.5, -1], 'x2', 2, tr);
    expect(Array.from(tr)).toEqual([tc[0]![0], tc[1]![0], tc[2]![0], tc[0]![1], tc[1]![1], tc[2]![1]]);
    adiffError(() => f.taylor([2, 5], 'z', 2), /^taylor: wrt must be one of the variables \(x1, x2\), got "z"$/);
    adiffError(() => f.taylor([2, 5], 'x1', 1.5), /^taylor: order must be an integer from 0 to 170, got 1.5$/);
  });

  it('a number in place of a column is a constant at every point', () => {
    const value = new Float64Array(2);
    const g = [new Float64Array(2), new Float64Array(2)];
    f.gradientColumns([Float64Array.of(2, 4), 5], value, g);
    expect(Array.from(value)).toEqual([f.value([2, 5]), f.value([4, 5])]);
    // ∂/∂x1 = 1/x1 + x2.
    expect(Array.from(g[0]!)).toEqual([5.5, 5.25]);
    const H = [[new Float64Array(2), new Float64Array(2)], [new Float64Array(2), new Float64Array(2)]];
    f.hessianColumns({ x1: 2, x2: Float64Array.of(5, 0) }, value, H);
    expect([H[1]![1]![0], H[1]![1]![1]]).toEqual([Math.sin(5), 0]);
  });
});

describe('derivative(text, wrt, { order })', () => {
  it('returns the derivative as text and LaTeX, and compiled with the formula’s variables', () => {
    // ∂(x²y)/∂x = 2xy; at (3, 4): 24.
    const d = derivative('x^2*y', 'x');
    expect(d.wrt).toEqual(['x']);
    expect(d.text).toBe('2*x*y');
    expect(d.latex).toBe('2 \\cdot x \\cdot y');
    expect(d.formula.inputs).toEqual(['x', 'y']);
    expect(d.formula.value({ x: 3, y: 4 })).toBe(24);
    // ∂²/∂x² = 2y (x is then unused but still an input); ∂²/∂x∂y = 2x.
    const d2 = derivative('x^2*y', 'x', { order: 2 });
    expect(d2.text).toBe('2*y');
    expect(d2.formula.inputs).toEqual(['x', 'y']);
    expect(d2.formula.value([3, 4])).toBe(8);
    expect(derivative('x^2*y', ['x', 'y']).formula.value([3, 4])).toBe(6);
  });

  it('checks its arguments', () => {
    adiffError(() => derivative('x^2', 'y'), /^derivative: 'y' is not a variable of the formula \(x\)$/);
    adiffError(() => derivative('x^2', 'x', { order: 0 }), /^derivative: order must be an integer from 1 to 12, got 0$/);
    adiffError(() => derivative('x^2', ['x', 'x'], { order: 3 }), /^derivative: order is 3, but wrt lists 2 names$/);
    adiffError(() => derivative('x^2', null as never), /^derivative: wrt must be a variable name/);
    const e = adiffError(() => derivative('x^', 'x'));
    expect(e.kind).toBe('syntax');
  });
});

describe('AdiffError', () => {
  it('has a kind, a line and a column, and format() gives the caret text the CLI prints', () => {
    const e = adiffError(() => compile('2 + sinn(x)'));
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('AdiffError');
    expect([e.kind, e.line, e.column]).toEqual(['name', 1, 5]);
    expect(e.format()).toBe(
      ["adiff: error: unknown function 'sinn' (did you mean 'sin'?)", ' --> expr:1:5', '  |', '1 | 2 + sinn(x)', '  |     ^^^^', ''].join('\n'),
    );
    const onLine2 = adiffError(() => compile('a = 1\nb = a +', { sourceName: 'model' }));
    expect([onLine2.kind, onLine2.line]).toEqual(['syntax', 2]);
    expect(onLine2.format()).toContain(' --> model:2:');
    // An argument error has no place in the formula.
    const u = adiffError(() => compile('x').value(null as never));
    expect([u.kind, u.line, u.column]).toEqual(['usage', undefined, undefined]);
    expect(u.format()).toBe(`adiff: error: ${u.message}\n`);
  });
});

describe('hostile arguments get an AdiffError, never a TypeError or a silently wrong number', () => {
  const f = compile(E1);
  const g = compile('u = x*y; v = x + y', { of: ['u', 'v'] });

  it('a Map, Date, RegExp or class instance is not a point, direction or cotangent', () => {
    for (const bad of [new Map([['x1', 1]]), new Date(), /x/, new (class P { x1 = 2; x2 = 5 })(), new Set([1, 2])]) {
      adiffError(() => f.value(bad as never), /^value: the point must be an object \{name: value\} or an array of 2 numbers, got /);
      adiffError(() => f.hvp([2, 5], bad as never), /^hvp: the direction must be/);
      adiffError(() => g.jvp([1, 2], bad as never), /^jvp: the direction must be/);
      adiffError(() => g.vjp([1, 2], bad as never), /^vjp: the cotangent must be/);
    }
  });

  it('a getter is read once (it cannot change the value after the check); a throwing one is an AdiffError', () => {
    let reads = 0;
    const sly = { x2: 5 } as Record<string, unknown>;
    Object.defineProperty(sly, 'x1', { enumerable: true, get: () => (reads++ === 0 ? 2 : 'not a number') });
    expect(f.value(sly as never)).toBe(f.value([2, 5]));
    expect(reads).toBe(1);
    const bomb = { x2: 5 };
    Object.defineProperty(bomb, 'x1', { enumerable: true, get: () => { throw new RangeError('boom'); } });
    adiffError(() => f.value(bomb as never), /^value: reading the point threw: RangeError: boom$/);
    const arr = [2, 5];
    let n = 0;
    Object.defineProperty(arr, 0, { get: () => (n++ === 0 ? 2 : NaN) });
    expect(f.value(arr)).toBe(f.value([2, 5]));
    expect(n).toBe(1);
  });

  it('Proxies are read through once; a revoked or throwing Proxy is an AdiffError', () => {
    const gets: PropertyKey[] = [];
    const column = new Proxy([2, 4], { get: (t, k, r) => (gets.push(k), Reflect.get(t, k, r)) });
    const out = new Float64Array(2);
    f.valueColumns([column, [5, 5]], out);
    expect(Array.from(out)).toEqual([f.value([2, 5]), f.value([4, 5])]);
    expect(gets.filter((k) => k === '0' || k === '1')).toEqual(['0', '1']);
    const { proxy, revoke } = Proxy.revocable({ x1: 1, x2: 2 }, {});
    revoke();
    adiffError(() => f.value(proxy as never));
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    adiffError(() => f.value(trap as never), /reading the point threw: Error: trap/);
    adiffError(() => f.valueColumns(new Proxy([], { get: () => { throw new Error('no'); } }) as never, out), /^valueColumns: reading the columns threw/);
  });

  it('frozen, plain or lying result arrays, and results that share memory with the inputs, are refused', () => {
    const x1 = Float64Array.of(1, 2);
    const x2 = Float64Array.of(3, 4);
    adiffError(() => f.valueColumns([x1, x2], Object.freeze([0, 0]) as never), /^valueColumns: out must be a Float64Array, got an array of length 2$/);
    const lying = new Float64Array(2);
    Object.defineProperty(lying, 'length', { value: 1e9 });
    adiffError(() => f.valueColumns([x1, x2], lying), /^valueColumns: out must be a Float64Array/);
    class Longer extends Float64Array {
      override get length() {
        return 1e9;
      }
    }
    // A subclass used as an input is read through its true length (2), as an output it is refused.
    adiffError(() => f.valueColumns([new Longer(2), x2], new Float64Array(3)), /^valueColumns: column 'x1' has 2 values, fewer than the 3 points/);
    adiffError(() => f.valueColumns([x1, x2], new Longer(2)), /^valueColumns: out must be a Float64Array/);
    adiffError(() => f.valueColumns([x1, x2], x1), /^valueColumns: a result array shares memory with an input/);
    const buf = new Float64Array(4);
    adiffError(() => f.gradientColumns([x1, x2], buf.subarray(0, 2), [buf.subarray(1, 3), new Float64Array(2)]), /two result arrays share memory/);
    adiffError(() => f.valueRows(buf, buf.subarray(2)), /shares memory with an input/);
    // Disjoint parts of one buffer are fine.
    const whole = new Float64Array(6);
    whole.set([2, 5, 3, 1]);
    f.valueRows(whole.subarray(0, 4), whole.subarray(4));
    expect(Array.from(whole.subarray(4))).toEqual([f.value([2, 5]), f.value([3, 1])]);
  });

  it('every method, with each hostile value in each argument: an AdiffError or a result, never another exception', () => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const hostile: unknown[] = [
      null, undefined, 'x', true, 1n, Symbol('s'), () => 1, {}, [], [null], new Map(), new Date(), /x/, new Set(),
      Object.freeze([1, 2]), new DataView(new ArrayBuffer(16)), new BigInt64Array(2), revoked,
      new Proxy({}, { get: () => { throw new Error('get'); }, ownKeys: () => { throw new Error('keys'); } }),
      new Proxy([1, 2], { get: () => { throw new Error('get'); } }), NaN, -1, 1e300,
    ];
    const c2 = () => [Float64Array.of(1, 2), Float64Array.of(3, 4)];
    const v2 = () => new Float64Array(2);
    // `any`: each method is called with arbitrary values on purpose.
    const calls: [string, (...a: any[]) => unknown, () => unknown[]][] = [
      ['value', f.value, () => [[2, 5]]],
      ['gradient', f.gradient, () => [[2, 5]]],
      ['hessian', f.hessian, () => [[2, 5]]],
      ['hvp', f.hvp, () => [[2, 5], [1, 0]]],
      ['taylor', f.taylor, () => [[2, 5], 'x1', 3]],
      ['valueColumns', f.valueColumns, () => [c2(), v2()]],
      ['gradientColumns', f.gradientColumns, () => [c2(), v2(), [v2(), v2()]]],
      ['hessianColumns', f.hessianColumns, () => [c2(), v2(), [[v2(), v2()], [v2(), v2()]]]],
      ['hvpColumns', f.hvpColumns, () => [c2(), [1, 0], v2(), [v2(), v2()]]],
      ['taylorColumns', f.taylorColumns, () => [c2(), 'x1', 1, [v2(), v2()]]],
      ['valueRows', f.valueRows, () => [Float64Array.of(1, 3, 2, 4), v2()]],
      ['gradientRows', f.gradientRows, () => [Float64Array.of(1, 3, 2, 4), v2(), new Float64Array(4)]],
      ['hessianRows', f.hessianRows, () => [Float64Array.of(1, 3, 2, 4), v2(), new Float64Array(8)]],
      ['hvpRows', f.hvpRows, () => [Float64Array.of(1, 3, 2, 4), [1, 0], v2(), new Float64Array(4)]],
      ['taylorRows', f.taylorRows, () => [Float64Array.of(1, 3, 2, 4), 'x1', 1, new Float64Array(4)]],
      ['values', g.values, () => [[1, 2]]],
      ['jacobian', g.jacobian, () => [[1, 2], { mode: 'forward' }]],
      ['jvp', g.jvp, () => [[1, 2], [1, 0]]],
      ['vjp', g.vjp, () => [[1, 2], [1, 0]]],
      ['valuesColumns', g.valuesColumns, () => [c2(), [v2(), v2()]]],
      ['jacobianColumns', g.jacobianColumns, () => [c2(), [v2(), v2()], [[v2(), v2()], [v2(), v2()]]]],
      ['jvpColumns', g.jvpColumns, () => [c2(), [1, 0], [v2(), v2()], [v2(), v2()]]],
      ['vjpColumns', g.vjpColumns, () => [c2(), [1, 0], [v2(), v2()], [v2(), v2()]]],
      ['valuesRows', g.valuesRows, () => [Float64Array.of(1, 3, 2, 4), new Float64Array(4)]],
      ['jacobianRows', g.jacobianRows, () => [Float64Array.of(1, 3, 2, 4), new Float64Array(4), new Float64Array(8)]],
      ['jvpRows', g.jvpRows, () => [Float64Array.of(1, 3, 2, 4), [1, 0], new Float64Array(4), new Float64Array(4)]],
      ['vjpRows', g.vjpRows, () => [Float64Array.of(1, 3, 2, 4), [1, 0], new Float64Array(4), new Float64Array(4)]],
      ['compile', compile as never, () => [E1, { of: undefined }]],
      ['derivative', derivative as never, () => [E1, 'x1', { order: 1 }]],
    ];
    let refused = 0;
    for (const [name, fn, args] of calls) {
      fn(...args()); // the valid call works
      for (let k = 0; k < args().length; k++) {
        for (const [h, bad] of hostile.entries()) {
          const a = args();
          a[k] = bad;
          const e = thrown(() => fn(...a));
          if (e !== undefined) {
            expect(e, `${name} argument ${k} = hostile[${h}]: ${String(e)}`).toBeInstanceOf(AdiffError);
            refused++;
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });
});
