// Properties of derivative graphs on random domain-safe programs (fast-check, seeded):
//  - the printed derivative, read back by parse + lower, evaluates to exactly the numbers of the derivative graph;
//  - the derivative graph agrees with numeric reverse mode, and Taylor mode with the derivative graph.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { printProgram } from '../src/parser/print.js';
import { parse } from '../src/parser/parse.js';
import { lower } from '../src/autodiff/lower.js';
import { evaluate } from '../src/autodiff/evaluate.js';
import { gradientAt } from '../src/autodiff/gradient.js';
import { reverseSweep } from '../src/autodiff/reverse.js';
import { derivativesGraph } from '../src/autodiff/derivative.js';
import { printGraph } from '../src/autodiff/symbolic.js';
import { derivativesAlong } from '../src/autodiff/taylor.js';
import { safeCase, type SafeCase } from './helpers/gen.js';

const options = { seed: 20261122, numRuns: 120 };

function setUp(c: SafeCase) {
  const lowered = lower(parse(printProgram(c.program)));
  const x = lowered.graph.inputNames.map((n) => c.point[n]!);
  return { lowered, x };
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('derivative graphs on random programs', () => {
  test('the printed gradient and Hessian re-parse to exactly the same numbers', () => {
    fc.assert(
      fc.property(safeCase, (c) => {
        const { lowered, x } = setUp(c);
        const n = lowered.graph.inputs.length;
        if (n === 0) return; // nothing to differentiate (adiff diff says so)
        const orders: number[][] = [];
        for (let i = 0; i < n; i++) orders.push([i]);
        for (let i = 0; i < n; i++) for (let j = i; j < n; j++) orders.push([i, j]);
        const d = derivativesGraph(lowered.graph, lowered.output.node, orders);
        const names = orders.map((_, q) => `d${q}`);
        const text = printGraph(d.graph, d.nodes.map((node, q) => ({ node, name: names[q]! })));
        const again = lower(parse(text));
        const direct = evaluate(d.graph, x);
        const xs = again.graph.inputNames.map((v) => x[lowered.graph.inputNames.indexOf(v)]!);
        const reread = evaluate(again.graph, xs);
        names.forEach((name, q) => {
          const node = again.graph.names.find((b) => b.name === name)!.node;
          if (!same(reread[node]!, direct[d.nodes[q]!]!)) throw new Error(`${text}\n${name}: ${reread[node]} vs ${direct[d.nodes[q]!]}`);
        });
      }),
      options,
    );
  });

  test('the derivative graph agrees with numeric reverse mode, and Taylor mode with both', () => {
    fc.assert(
      fc.property(safeCase, (c) => {
        const { lowered, x } = setUp(c);
        const n = lowered.graph.inputs.length;
        const rev = gradientAt(lowered, x);
        if (rev.values.some((v) => Number.isFinite(v) && v !== 0 && (Math.abs(v) > 1e100 || Math.abs(v) < 1e-100))) return;
        const absAdj = reverseSweep(lowered.graph, rev.partials.map((p) => p?.map(Math.abs)), [[rev.output, 1]], rev.mask);
        const d = derivativesGraph(lowered.graph, lowered.output.node, lowered.graph.inputs.map((_, k) => [k]));
        const vals = evaluate(d.graph, x);
        for (let k = 0; k < n; k++) {
          const r = rev.gradient[k]!;
          const g = vals[d.nodes[k]!]!;
          const scale = absAdj[lowered.graph.inputs[k]!]!;
          if (!Number.isFinite(r) || !Number.isFinite(scale)) continue;
          expect(Math.abs(g - r), `∂/∂${lowered.graph.inputNames[k]}: graph ${g}, reverse ${r}`).toBeLessThanOrEqual(1e-10 * Math.max(Math.abs(r), scale, 1e-300));
          const taylor = derivativesAlong(lowered.graph, lowered.output.node, k, x, 1);
          expect(same(taylor[0]!, rev.value)).toBe(true);
          expect(Math.abs(taylor[1]! - r)).toBeLessThanOrEqual(1e-10 * Math.max(Math.abs(r), scale, 1e-300));
        }
      }),
      options,
    );
  });
});
