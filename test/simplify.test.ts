// The printing simplifier (src/autodiff/simplify.ts, simplify-tidy.ts, print-simplified.ts): printed derivatives
// of textbook formulas, their notes, re-reading a printed derivative (= reverse mode, on random programs), size
// never above the plain print, and linear time. Expected texts are the textbook derivatives, derived by hand (the
// issue's table for the first rows); numbers come from numeric reverse mode, an independent sweep.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it, test } from 'vitest';
import { parse } from '../src/parser/parse.js';
import { printProgram } from '../src/parser/print.js';
import { lower } from '../src/autodiff/lower.js';
import { evaluate } from '../src/autodiff/evaluate.js';
import { gradientAt } from '../src/autodiff/gradient.js';
import { reverseSweep } from '../src/autodiff/reverse.js';
import { derivativeSet } from '../src/autodiff/derivative.js';
import { printGraph } from '../src/autodiff/symbolic.js';
import { printDerivative, printSimplified } from '../src/autodiff/print-simplified.js';
import { safeCase } from './helpers/gen.js';

function diff(f: string, wrt = 'x', format: 'text' | 'latex' = 'text') {
  const l = lower(parse(f));
  const set = derivativeSet(l.graph, [l.output.node], [[l.graph.inputNames.indexOf(wrt)]]);
  const out = [{ node: set.nodes[0]![0]! }];
  return { ...printSimplified(set.graph, out, format), plain: printGraph(set.graph, out, format), printed: printDerivative(set.graph, out, format) };
}

describe('printed derivatives read like a textbook', () => {
  const cases: [string, string, string][] = [
    // the table
    ['sin(x)/x', 'x', 'cos(x)/x - sin(x)/x^2'],
    ['exp(-x^2/2)', 'x', '-x*exp(-x^2/2)'],
    ['sqrt(x^2+y^2)', 'x', 'x/sqrt(x^2 + y^2)'],
    ['x*y^3*2*x', 'x', '4*x*y^3'],
    ['ln(exp(x))', 'x', '1'],
    ['atan(y/x)', 'x', '-y/(x^2 + y^2)'],
    ['sin(x)^2+cos(x)^2', 'x', '0'],
    // coefficients, like terms and powers, division normal form, signs
    ['2*x*(3*y^2)', 'x', '6*y^2'],
    ['x*x*x', 'x', '3*x^2'],
    ['x^3/x', 'x', '2*x'],
    ['x/y/z', 'y', '-x/(y^2*z)'],
    ['-(x^2)', 'x', '-2*x'],
    ['x^2/2', 'x', 'x'],
    ['x^4/8', 'x', 'x^3/2'],
    // product, quotient and chain rules with their textbook simplifications
    ['x*exp(x)', 'x', '(x + 1)*exp(x)'],
    ['x/(x+1)', 'x', '1/(x + 1)^2'],
    ['(x^2+1)/(x-1)', 'x', '(x^2 - 2*x - 1)/(x - 1)^2'],
    ['(3*x + 2)/(2*x - 5)', 'x', '-19/(2*x - 5)^2'],
    ['1/(x^2+1)', 'x', '-2*x/(x^2 + 1)^2'],
    ['ln(x^2+1)', 'x', '2*x/(x^2 + 1)'],
    ['x/sqrt(x^2 + 1)', 'x', '1/(x^2 + 1)^1.5'],
    ['sin(x)/(1 + cos(x))', 'x', '1/(cos(x) + 1)'],
    ['exp(x)/(1 + exp(x))', 'x', 'exp(x)/(exp(x) + 1)^2'],
    ['ln(x + sqrt(x^2 + 1))', 'x', '1/sqrt(x^2 + 1)'],
    // standard identities
    ['tan(x)', 'x', 'sec(x)^2'],
    ['cot(x)', 'x', '-csc(x)^2'],
    ['sin(x)*cos(x)', 'x', 'cos(2*x)'],
    // (1 - x)*(1 + x) is the rule's, kept for its precision near ±1 (1 - x^2 loses 9 digits at 1 - 2^-30)
    ['asin(x)', 'x', '1/sqrt((1 - x)*(x + 1))'],
    ['atanh(x)', 'x', '1/((1 - x)*(x + 1))'],
    ['x*sin(x)^2 + x*cos(x)^2', 'x', '1'],
    // log10(e)/x, not 1/(x*ln(10)), which overflows to 0 for x > 7.8e307
    ['log10(x)', 'x', '0.4342944819032518/x'],
    ['sqrt(x)', 'x', '1/(2*sqrt(x))'],
    ['cbrt(x)', 'x', '1/(3*cbrt(x)^2)'],
    ['x^(1/3)', 'x', '1/(3*x^(2/3))'],
  ];
  it.each(cases)('d/d%s %s', (f, wrt, expected) => {
    const d = diff(f, wrt);
    expect(d.lines.join('\n')).toBe(expected);
    expect(d.notes).toEqual([]);
  });

  it('exp(ln(x)) is x only where x > 0, and says so', () => {
    expect(diff('exp(ln(x))')).toMatchObject({ lines: ['1'], notes: ['for x > 0'] });
  });

  it('hypot’s guard h + eq(h, 0) prints as h, with a note where it matters', () => {
    const l = lower(parse('hypot(x, y)'));
    const set = derivativeSet(l.graph, [l.output.node], [[0], [1]]);
    const d = printSimplified(set.graph, set.nodes[0]!.map((node, i) => ({ node, name: ['df_dx', 'df_dy'][i]! })));
    expect(d.lines).toEqual(['t1 = hypot(x, y)', 'df_dx = x/t1', 'df_dy = y/t1']);
    expect(d.notes).toEqual(['a quotient by hypot(x, y) is taken as 0 at the origin, where hypot(x, y) = 0']);
  });

  it('a shared subexpression is named only where that makes the text shorter', () => {
    // hypot(x, y) in both partials is named (the hypot test above); sin(x) printed once is not, and neither is
    // x^2 + 1 printed twice (a name would not be shorter).
    expect(diff('sin(x)^3').lines).toEqual(['3*sin(x)^2*cos(x)']);
    expect(diff('sqrt(x^2 + 1)*(x^2 + 1)').lines).toEqual(['3*x*sqrt(x^2 + 1)']);
    const l = lower(parse('exp(sin(x) + y^2)'));
    const set = derivativeSet(l.graph, [l.output.node], [[0], [1]]);
    expect(printSimplified(set.graph, set.nodes[0]!.map((node, i) => ({ node, name: `d${i}` }))).lines).toEqual(['t1 = exp(y^2 + sin(x))', 'd0 = t1*cos(x)', 'd1 = 2*y*t1']);
  });

  it('an op the simplifier does not know prints through the rule table’s print form', () => {
    // sign and eq have no rules of their own here: they print as calls, and like terms still merge around them.
    expect(diff('x*abs(x) + abs(x)*x').lines).toEqual(['2*(x*sign(x) + abs(x))']);
  });
});

describe('printed derivatives are the derivative', () => {
  test('read back, the printed gradient equals numeric reverse mode (random domain-safe programs)', () => {
    fc.assert(
      fc.property(safeCase, (c) => {
        const lowered = lower(parse(printProgram(c.program)));
        const n = lowered.graph.inputs.length;
        if (n === 0) return;
        const x = lowered.graph.inputNames.map((v) => c.point[v]!);
        const rev = gradientAt(lowered, x);
        const absAdj = reverseSweep(lowered.graph, rev.partials.map((p) => p?.map(Math.abs)), [[rev.output, 1]], rev.mask);
        const set = derivativeSet(lowered.graph, [lowered.output.node], lowered.graph.inputs.map((_, k) => [k]));
        const names = lowered.graph.inputs.map((_, k) => `d${k}`);
        const d = printSimplified(set.graph, set.nodes[0]!.map((node, k) => ({ node, name: names[k]! })));
        const text = d.lines.join('\n');
        const again = lower(parse(text));
        const xs = again.graph.inputNames.map((v) => x[lowered.graph.inputNames.indexOf(v)]!);
        const values = evaluate(again.graph, xs);
        names.forEach((name, k) => {
          const r = rev.gradient[k]!;
          const scale = absAdj[lowered.graph.inputs[k]!]!;
          if (!Number.isFinite(r) || !Number.isFinite(scale) || scale > 1e100) return;
          const node = again.graph.names.find((b) => b.name === name)!.node;
          const v = values[node]!;
          if (!Number.isFinite(v) && d.notes.length) return; // a guard's edge point, which the note describes
          expect(Math.abs(v - r), `${printProgram(c.program)}\n${text}\n${name}: printed ${v}, reverse ${r}`).toBeLessThanOrEqual(1e-8 * Math.max(Math.abs(r), scale, 1e-300));
        });
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });
});

describe('size and time stay linear', () => {
  const corpus: { f: string; wrt: string }[] = JSON.parse(readFileSync(new URL('../bench/textbook-corpus.json', import.meta.url), 'utf8'));

  it.each(corpus.map((c) => [c.f, c.wrt]))('d/d%s %s: the print is never longer than the plain print', (f, wrt) => {
    for (const format of ['text', 'latex'] as const) {
      const d = diff(f, wrt, format);
      expect(d.printed.text.length).toBeLessThanOrEqual(d.plain.length);
    }
  });

  const big: [string, string, string][] = [
    ['a 10,000-term sum', Array.from({ length: 10000 }, (_, i) => `sin(${i + 1}*x)`).join(' + '), 'x'],
    ['sin(sin(…)) 1000 deep', `${'sin('.repeat(1000)}x${')'.repeat(1000)}`, 'x'],
    ['Rosenbrock n = 1000', Array.from({ length: 999 }, (_, i) => `100*(x${i + 2} - x${i + 1}^2)^2 + (1 - x${i + 1})^2`).join(' + '), 'x1'],
  ];
  it.each(big)('%s prints in linear size and time', (_label, f) => {
    const l = lower(parse(f));
    const set = derivativeSet(l.graph, [l.output.node], l.graph.inputs.map((_, k) => [k]));
    const out = set.nodes[0]!.map((node, k) => ({ node, name: `d${k}` }));
    const start = performance.now();
    const d = printDerivative(set.graph, out);
    const ms = performance.now() - start;
    expect(d.text.length).toBeLessThanOrEqual(printGraph(set.graph, out).length);
    expect(d.text.length).toBeLessThan(40 * f.length);
    expect(ms).toBeLessThan(8000);
  });
});
