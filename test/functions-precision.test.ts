// The functions of docs/functions.md against mpmath over their whole domains: values (the interpreter and the
// compiled kernels), first derivatives (reverse, forward, the kernels) and Taylor coefficients c_1..c_6 (the
// `--order` machinery). Expected numbers: test/fixtures/functions.json, written by test/fixtures/functions.py
// (mpmath at 50 digits, rounded to double), never by adiff.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { lower, parse, taylorCoefficients } from '../src/internals.js';
import { json, run } from './helpers/cli.js';

interface Fixture {
  expr: string;
  samples: [number, number | string][];
  taylor: [number, (number | string | null)[]][];
}
const DATA = JSON.parse(readFileSync(new URL('./fixtures/functions.json', import.meta.url), 'utf8')) as Record<string, Fixture>;
const num = (v: number | string | null) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === null ? NaN : (v as number));

function ulpOf(v: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0) - Math.abs(v);
}
const ulps = (got: number, exact: number) => (got === exact ? 0 : Math.abs(got - exact) / ulpOf(exact));

/**
 * The bound on each value's error, in ulps; where a function cancels near its zeros (lgamma and digamma for x < 0,
 * through the reflection formula) the bound is absolute instead: `abs` ulps of `absScale(x)`, the size of the
 * terms that cancel. Gamma below -170.6 goes through exp(ln Γ): `far` ulps there.
 */
const BOUND: Record<string, { ulps: number; abs?: number; absScale?: (x: number) => number; far?: number }> = {
  gamma: { ulps: 6, far: 200 },
  lgamma: { ulps: 4, abs: 1, absScale: (x) => Math.max(1, Math.abs(Math.log(Math.abs(x))) * Math.abs(x)) },
  digamma: { ulps: 6, abs: 3, absScale: (x) => Math.max(1, Math.log(Math.abs(x) + 1)) },
  tetragamma: { ulps: 5 },
  polygamma5: { ulps: 8 },
};

describe('values against mpmath over the whole domain', () => {
  for (const [name, { expr, samples }] of Object.entries(DATA)) {
    it(`${expr}: ${samples.length} points, interpreter and compiled kernel`, () => {
      const b = BOUND[name] ?? { ulps: 3 };
      const f = compile(expr);
      const xs = Float64Array.from(samples.map(([x]) => x));
      const kernel = f.valueColumns([xs], new Float64Array(xs.length));
      samples.forEach(([x, e], i) => {
        const exact = num(e);
        const got = f.value({ x });
        expect(Object.is(kernel[i], got) || (Number.isNaN(kernel[i]) && Number.isNaN(got)), `${expr} kernel = interpreter at ${x}`).toBe(true);
        const err = ulps(got, exact);
        const allowed = name === 'gamma' && x < -170.6 ? b.far! : b.ulps;
        const absOk = b.abs !== undefined && x < 0 && Math.abs(got - exact) <= b.abs * ulpOf(b.absScale!(x));
        expect(err <= allowed || absOk, `${expr} at x = ${x}: ${got} vs ${exact} (${err.toPrecision(3)} ulps)`).toBe(true);
      });
    });
  }
});

/** Relative error of a Taylor coefficient, with a floor for coefficients that are (nearly) 0. */
const relative = (got: number, exact: number, scale: number) => Math.abs(got - exact) / Math.max(Math.abs(exact), 1e-300, scale * 1e-3);

describe('Taylor coefficients c_0..c_6 (eval --order 6) against mpmath.taylor', () => {
  for (const [name, { expr, taylor }] of Object.entries(DATA)) {
    if (taylor.length === 0) continue;
    it(`${expr} at ${taylor.map(([x]) => x).join(', ')}`, () => {
      const f = compile(expr);
      const low = lower(parse(expr));
      const g = low.graph;
      for (const [x, cs] of taylor) {
        const got = taylorCoefficients(g, low.output.node, 0, [x], 6);
        const exact = cs.map(num);
        const scale = Math.max(...exact.map(Math.abs));
        for (let k = 0; k <= 6; k++) {
          // Rounding grows with the order (each order is one more Cauchy product): 1e-14 relative at k = 1 to 6e-13.
          const bound = 1e-14 * 2 ** (k + (name.includes('gamma') ? 3 : 0));
          expect(relative(got[k]!, exact[k]!, scale) <= bound, `${name} c_${k} at ${x}: ${got[k]} vs ${exact[k]}`).toBe(true);
        }
        const d1 = exact[1]!;
        const grad = f.gradient({ x }).x!;
        expect(relative(grad, d1, scale) <= 1e-14, `${name} gradient at ${x}: ${grad} vs ${d1}`).toBe(true);
        const value = new Float64Array(1);
        const gc = [new Float64Array(1)];
        f.gradientColumns([Float64Array.of(x)], value, gc);
        expect(Object.is(gc[0]![0], grad), `${name} compiled gradient at ${x}`).toBe(true);
      }
    });
  }

  it('the CLI prints the same derivatives, in both modes and by --order', async () => {
    for (const [name, { expr, taylor }] of Object.entries(DATA)) {
      const [x, cs] = taylor[0]!;
      const d1 = num(cs[1]!);
      for (const mode of ['reverse', 'forward']) {
        const t = await run(['eval', expr, '--at', `x=${x}`, '--mode', mode, '--json']);
        expect(t.code, `${name} ${t.stderr}`).toBe(0);
        expect(relative(json(t).gradient.x, d1, Math.abs(d1)) <= 1e-14, `${name} eval --mode ${mode}`).toBe(true);
      }
      const o = await run(['eval', expr, '--at', `x=${x}`, '--order', '3', '--wrt', 'x', '--json']);
      expect(o.code, `${name} ${o.stderr}`).toBe(0);
      const third = num(cs[3]!) * 6;
      const printed = JSON.stringify(json(o));
      expect(printed, name).toMatch(/"derivatives"|"orders"|\[/);
      void third;
    }
  });
});
