// Lowering, sharing, accumulation, effective subgraph, deep and long programs, and forward = reverse.
import { describe, expect, it } from 'vitest';
import { parse } from '../src/parser/parse.js';
import { lower } from '../src/autodiff/lower.js';
import { gradientAt, inputVector } from '../src/autodiff/gradient.js';
import { reaching } from '../src/autodiff/graph.js';
import { AdiffError } from '../src/diagnostics.js';

function grad(text: string, at: Record<string, number>, mode: 'reverse' | 'forward' = 'reverse') {
  const lowered = lower(parse(text));
  const x = inputVector(lowered, new Map(Object.entries(at)), reaching(lowered.graph.nodes, [lowered.output.node]));
  const r = gradientAt(lowered, x, { mode });
  return { value: r.value, gradient: Object.fromEntries(lowered.graph.inputNames.map((n, i) => [n, r.gradient[i]!])), lowered };
}

function lowerError(text: string) {
  try {
    lower(parse(text));
  } catch (e) {
    expect(e).toBeInstanceOf(AdiffError);
    return (e as AdiffError).diagnostic;
  }
  throw new Error('expected an error');
}

describe('lowering', () => {
  it('free variables in order of first appearance; constants and functions are not inputs', () => {
    expect(lower(parse('y*sin(x) + pi*e + z')).graph.inputNames).toEqual(['y', 'x', 'z']);
    expect(lower(parse('a = q + 1; b = p*a; b + a')).graph.inputNames).toEqual(['q', 'p']);
  });
  it('identical subexpressions are shared', () => {
    const { graph } = lower(parse('sin(x)*sin(x) + sin(x)'));
    expect(graph.nodes.filter((n) => n.kind === 'op' && n.op === 'sin')).toHaveLength(1);
  });
  it('assigning e shadows the constant e', () => {
    const r = grad('e = 2*x; e^2', { x: 3 });
    expect(r.value).toBe(36);
    expect(r.gradient).toEqual({ x: 24 });
    expect(grad('e^x', { x: 0 }).gradient.x).toBeCloseTo(1, 15);
  });
  it('the output is the last bare expression, or else the last assignment', () => {
    expect(grad('a = 2x; a + 1; a*3', { x: 1 }).value).toBe(6);
    expect(grad('a = 2x; b = a + 1', { x: 1 }).value).toBe(3);
  });
  it('constant exponents become x^c; expressions of constants count as constant', () => {
    const { graph } = lower(parse('x^(1/2) + x^n; n = 3'.replace('; n = 3', '')));
    void graph;
    const r = grad('n = 3; x^n + x^(1/2)', { x: 4 });
    expect(r.value).toBe(66);
    expect(r.gradient.x).toBeCloseTo(3 * 16 + 0.25, 14);
    const ops = r.lowered.graph.nodes.filter((n) => n.kind === 'op').map((n) => (n as { op: string }).op);
    expect(ops).not.toContain('pow');
  });
  it.each([
    ['sinn(x)', /unknown function 'sinn' \(did you mean 'sin'\?\)/],
    ['foo(x)', /unknown function 'foo'/],
    ['x(2)', /unknown function 'x'/],
    ['a = 2; a(3)', /'a' is not a function/],
    ['sin(x, y)', /sin takes 1 argument, but was given 2/],
    ['atan2(x)', /atan2 takes 2 arguments/],
    ['max()', /max takes 1 or more arguments/],
    ['hypot(x)', /hypot takes 2 or more arguments/],
    ['nthRoot(x, y)', /the root n of nthRoot\(x, n\) must be a constant nonzero integer; it depends on a variable/],
    ['nthRoot(x, 2.5)', /must be a constant nonzero integer; it is 2.5/],
    ['nthRoot(x, 0)', /must be a constant nonzero integer; it is 0/],
    ['polygamma(x, 1)', /the order n of polygamma\(n, x\) must be a constant integer ≥ 0; it depends on a variable/],
    ['polygamma(-1, x)', /must be a constant integer ≥ 0; it is -1/],
    ['erf(x, y)', /erf takes 1 argument, but was given 2/],
    ['log()', /log takes 1 or 2 arguments/],
    ['sin + 1', /'sin' is a function, not a value/],
    ['a = 1; a = 2', /'a' is assigned twice/],
    ['b = a + 1; a = 2; b', /'a' is used before it is assigned/],
    ['a = a + 1', /'a' is used in its own definition/],
    ['sin = 2', /cannot assign to 'sin'/],
    ['', /empty/],
    ['  \n ;; \n', /empty/],
  ])('%j is an error', (text, message) => {
    expect(lowerError(text).message).toMatch(message);
  });
});

describe('derivatives', () => {
  it('a diamond accumulates: b = x*x; b + b', () => {
    expect(grad('b = x*x; b + b', { x: 3 }).gradient.x).toBe(12);
    expect(grad('b = x*x; b + b', { x: 3 }, 'forward').gradient.x).toBe(12);
  });
  it('re-used assignments accumulate through several consumers', () => {
    // f = a*a + sin(a) + a/y with a = x^2 → df/dx = (2a + cos(a) + 1/y) * 2x
    const x = 0.7;
    const y = 1.9;
    const a = x * x;
    const r = grad('a = x^2; a*a + sin(a) + a/y', { x, y });
    expect(r.gradient.x).toBeCloseTo((2 * a + Math.cos(a) + 1 / y) * 2 * x, 14);
    expect(r.gradient.y).toBeCloseTo(-a / (y * y), 14);
  });
  it('a node\'s adjoint adds its consumers\' contributions first consumer first (the order is part of the result)', () => {
    // f = z*x + x + y*x at x = 1, z = -2^53, y = 2^53: x's consumers in order pass z, 1, y, and
    // (-2^53 + 1) + 2^53 = 1 exactly (-2^53 + 1 is a double). Adding from the last consumer instead would round
    // 2^53 + 1 to 2^53 and give 0. Forward mode adds in the same order here.
    const at = { z: -(2 ** 53), x: 1, y: 2 ** 53 };
    expect(grad('z*x + x + y*x', at).gradient.x).toBe(1);
    expect(grad('z*x + x + y*x', at, 'forward').gradient.x).toBe(1);
  });
  it('x^2 at -3 is -6 and (x-3)^-2 is fine at x = 1', () => {
    expect(grad('x^2', { x: -3 }).gradient.x).toBe(-6);
    expect(grad('(x-3)^-2', { x: 1 }).gradient.x).toBeCloseTo(-2 * Math.pow(-2, -3), 15);
  });
  it('x^y at x < 0: the unused NaN of ln(x) does not poison d/dx in forward mode', () => {
    const r = grad('x^y', { x: -2, y: 3 }, 'forward');
    expect(r.gradient.x).toBe(12);
    expect(r.gradient.y).toBeNaN();
  });
  it('an infinite partial behind a zero adjoint contributes nothing: 0*sqrt(x) at 0', () => {
    expect(grad('0*sqrt(x) + x', { x: 0 }).gradient.x).toBe(1);
    expect(grad('0*sqrt(x) + x', { x: 0 }, 'forward').gradient.x).toBe(1);
  });
  it('inputs outside the effective subgraph get 0 and need no value', () => {
    const r = grad('a = ln(z); x^2', { x: 3 });
    expect(r.gradient).toEqual({ z: 0, x: 6 });
  });
  it('a sum of 10,000 terms', () => {
    const n = 10000;
    const text = Array.from({ length: n }, (_, k) => `${k + 1}*sin(${k + 1}*x)`).join(' + ');
    const x = 0.1;
    let value = 0;
    let slope = 0;
    for (let k = 1; k <= n; k++) {
      value += k * Math.sin(k * x);
      slope += k * k * Math.cos(k * x);
    }
    const r = grad(text, { x });
    expect(r.value).toBeCloseTo(value, 6);
    expect(r.gradient.x / slope).toBeCloseTo(1, 12);
    expect(grad(text, { x }, 'forward').gradient.x / slope).toBeCloseTo(1, 12);
  });
  it('a 1,000-deep sin(sin(...))', () => {
    const depth = 1000;
    const text = 'sin('.repeat(depth) + 'x' + ')'.repeat(depth);
    let v = 0.5;
    let d = 1;
    for (let i = 0; i < depth; i++) {
      d *= Math.cos(v);
      v = Math.sin(v);
    }
    for (const mode of ['reverse', 'forward'] as const) {
      const r = grad(text, { x: 0.5 }, mode);
      expect(r.value).toBeCloseTo(v, 14);
      expect(r.gradient.x / d).toBeCloseTo(1, 12);
    }
  });
  it('a long chain of assignments', () => {
    const lines = ['t0 = x'];
    for (let i = 1; i <= 2000; i++) lines.push(`t${i} = t${i - 1} * 1.001 + y`);
    const r = grad(lines.join('\n'), { x: 1, y: 0 });
    expect(r.gradient.x).toBeCloseTo(Math.pow(1.001, 2000), 9);
  });
});

describe('forward mode equals reverse mode', () => {
  const programs: [string, Record<string, number>][] = [
    ['ln(x1)+x1*x2-sin(x2)', { x1: 2, x2: 5 }],
    ['(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))', { x1: 1.5, x2: 0.5 }],
    ['sec(x)+csc(y)+cot(x*y)+tan(x-y)', { x: 0.4, y: 1.1 }],
    ['asin(x/2)+acos(y/3)+atan(x*y)', { x: 0.4, y: 1.1 }],
    ['sinh(x)*cosh(y)/tanh(x+y)', { x: 0.4, y: 1.1 }],
    ['asinh(x)+acosh(1+y^2)+atanh(x/3)', { x: 0.4, y: 1.1 }],
    ['log(x, y+2) + log10(x) + log2(y) + cbrt(x-y) + sqrt(x*y)', { x: 0.4, y: 1.1 }],
    ['atan2(y, x) + hypot(x, y) + min(x, y, 1) + max(x^2, y) + abs(x - y)', { x: 0.4, y: 1.1 }],
    ['pow(x, y) + x^y + y^x + 2^x', { x: 0.4, y: 1.1 }],
    ['a = x*y; b = a^2 - x; c = exp(-b)*a; c/(1 + b^2)', { x: 0.4, y: 1.1 }],
  ];
  it.each(programs)('%s', (text, at) => {
    const r = grad(text, at, 'reverse');
    const f = grad(text, at, 'forward');
    expect(f.value).toBe(r.value);
    for (const k of Object.keys(r.gradient)) {
      const a = r.gradient[k]!;
      const b = f.gradient[k]!;
      expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a)));
    }
  });
});
