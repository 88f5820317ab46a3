// Property tests across engines, over the domain-safe random programs of helpers/gen.ts (every function, kinks,
// coefficients, assignments): derivative graph = reverse mode, compiled kernels = interpreter, Hessian symmetric
// and equal to central differences of the gradient, compiled H·v = Hessian times v.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileKernels } from '../src/autodiff/compile.js';
import { compileHvp } from '../src/autodiff/compile-hvp.js';
import { derivativeGraph, higherDerivativeGraph } from '../src/autodiff/derivative.js';
import { evaluate } from '../src/autodiff/evaluate.js';
import { reaching } from '../src/autodiff/graph.js';
import { gradientAt } from '../src/autodiff/gradient.js';
import { lower } from '../src/autodiff/lower.js';
import { reverseSweep } from '../src/autodiff/reverse.js';
import { parse } from '../src/parser/parse.js';
import { printProgram } from '../src/parser/print.js';
import { runs, timeout } from './helpers/fuzz.js';
import { safeCase, type SafeCase } from './helpers/gen.js';
import { pieces } from './helpers/pieces.js';

function setUp(c: SafeCase) {
  const text = printProgram(c.program);
  const lowered = lower(parse(text));
  const names = lowered.graph.inputNames;
  const x = names.map((n) => c.point[n]!);
  const v = names.map((n) => c.direction[n]!);
  const rev = gradientAt(lowered, x, { mode: 'reverse' });
  // The size of the terms each derivative sums (absolute partials through the same sweep): the error scale.
  const scale = reverseSweep(lowered.graph, rev.partials.map((p) => p?.map(Math.abs)), [[rev.output, 1]], rev.mask);
  const moderate = (u: number) => u === 0 || (Number.isFinite(u) && Math.abs(u) > 1e-150 && Math.abs(u) < 1e150);
  // Engines may order their roundings differently; they are compared where every value and partial is moderate.
  let comparable = true;
  rev.values.forEach((val, i) => {
    if (rev.mask[i] && (!moderate(val) || rev.partials[i]?.some((p) => !moderate(p)))) comparable = false;
  });
  // First-order rounding: each value v rounded by ε|v| moves the output by |∂f/∂v|·ε|v|. Where the sum is large
  // against the output (sin((t^2)^2) with t^4 ≈ 4e12: the argument's last bit is 4e-4), engines that round in
  // different places disagree in the leading digits and cannot be compared to a tolerance.
  let rounding = 0;
  rev.values.forEach((val, i) => {
    if (rev.mask[i]) rounding += Math.abs(rev.adjoints[i]! * val);
  });
  const wellConditioned = Number.EPSILON * rounding <= 1e-10 * Math.max(1, Math.abs(rev.value));
  return { text, lowered, x, v, rev, scale, comparable, wellConditioned };
}

const close = (a: number, b: number, scale: number, rel: number) =>
  Object.is(a, b) || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), scale);

describe('property: engines agree on random programs', () => {
  it(
    'the derivative graph evaluates to the reverse-mode gradient; compiled kernels give the interpreter\'s numbers',
    () => {
      let compared = 0;
      fc.assert(
        fc.property(safeCase, (c) => {
          const { text, lowered, x, rev, scale, comparable, wellConditioned } = setUp(c);
          const { graph } = lowered;
          const out = lowered.output.node;
          const wrt = graph.inputs.map((_, k) => k);
          const kernels = compileKernels(graph, out);
          const value = new Float64Array(1);
          const grad = new Float64Array(graph.inputs.length);
          kernels.gradientRows(Float64Array.from(x), 1, value, grad);
          if (!comparable) return;
          compared++;
          expect(close(value[0]!, rev.value, 0, 1e-12)).toBe(true);
          wrt.forEach((k) => {
            if (!close(grad[k]!, rev.gradient[k]!, scale[graph.inputs[k]!]!, 1e-12)) throw new Error(`${text}\ncompiled ∂/∂${graph.inputNames[k]} = ${grad[k]}, reverse ${rev.gradient[k]}`);
          });
          if (!wellConditioned) return;
          const d = derivativeGraph(graph, out, wrt);
          const dv = evaluate(d.graph, x);
          // The derivative graph is built simplified ((t^2)^2 becomes t^4, constants fold), which rounds differently,
          // and sin of a large argument turns a relative rounding of the argument into an absolute one.
          expect(close(dv[d.value]!, rev.value, 1, 1e-8)).toBe(true);
          wrt.forEach((k) => {
            const s = scale[graph.inputs[k]!]!;
            const symbolic = dv[d.partials[k]!]!;
            // 1e-8: the simplified graph rounds differently, amplified by conditioning (sin of ~4e5 in seed 13169172).
            if (!close(symbolic, rev.gradient[k]!, s, 1e-8)) throw new Error(`${text}\nsymbolic ∂/∂${graph.inputNames[k]} = ${symbolic}, reverse ${rev.gradient[k]}`);
          });
        }),
        runs(150),
      );
      expect(compared).toBeGreaterThan(runs(150).numRuns / 3);
    },
    timeout(60000),
  );

  it(
    'the Hessian is symmetric, equals central differences of the gradient along v, and the compiled H·v agrees',
    () => {
      let checked = 0;
      fc.assert(
        fc.property(safeCase, (c) => {
          const { text, lowered, x, v, comparable } = setUp(c);
          if (!comparable) return;
          const { graph } = lowered;
          const out = lowered.output.node;
          const n = graph.inputs.length;
          // Each entry, and the largest value its computation goes through: where terms of that size cancel (the
          // second derivative of hypot(u, u, u) + u at u = -1e-150 is 0, from terms of 1e150), two engines that
          // round in different places differ by rounding errors of the terms, not of the result.
          let terms = 0;
          const H = Array.from({ length: n }, (_, i) =>
            Array.from({ length: n }, (_, j) => {
              const h = higherDerivativeGraph(graph, out, [i, j]);
              const values = evaluate(h.graph, x);
              const used = reaching(h.graph.nodes, [h.node]);
              values.forEach((u, k) => {
                if (used[k] && Math.abs(u) > terms) terms = Math.abs(u);
              });
              return values[h.node]!;
            }),
          );
          if (!H.flat().every(Number.isFinite)) return;
          const big = Math.max(1, ...H.flat().map(Math.abs), 1e-4 * terms);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < i; j++) {
              if (!(Math.abs(H[i]![j]! - H[j]![i]!) <= 1e-9 * big)) throw new Error(`${text}\nH[${i}][${j}] = ${H[i]![j]}, H[${j}][${i}] = ${H[j]![i]}`);
            }
          }
          const Hv = H.map((row) => row.reduce((s, hij, j) => s + hij * v[j]!, 0));
          const { hvp } = compileHvp(graph, out);
          const grad = new Float64Array(n);
          const hv = new Float64Array(n);
          hvp(x, v, grad, hv);
          Hv.forEach((e, i) => {
            if (!(Math.abs(hv[i]! - e) <= 1e-9 * big)) throw new Error(`${text}\ncompiled (H·v)[${i}] = ${hv[i]}, Hessian·v = ${e}`);
          });
          // Central differences of the reverse gradient along v, with the Richardson estimate as tolerance; kinks
          // and poles make the two step sizes disagree, and such points are skipped.
          const step = 1e-4;
          const at = (t: number) => gradientAt(lowered, x.map((xi, k) => xi + t * v[k]!), { mode: 'reverse' });
          const stencil = [-2, -1, 0, 1, 2].map((t) => at(t * step));
          const sig = stencil.map((r) => pieces(graph, r.values, r.mask));
          if (sig.some((s) => s !== sig[0])) return; // the stencil crosses a kink: the gradient jumps
          const [gm2, gm1, , gp1, gp2] = stencil.map((r) => r.gradient);
          for (let i = 0; i < n; i++) {
            const d1 = (gp1[i]! - gm1[i]!) / (2 * step);
            const d2 = (gp2[i]! - gm2[i]!) / (4 * step);
            if (!Number.isFinite(d1) || !Number.isFinite(d2)) return;
            const tol = Math.abs(d2 - d1) + (1e3 * Number.EPSILON * big) / step + 1e-9 * Math.abs(d1);
            if (tol > 1e-3 * (1 + Math.abs(d1))) return;
            if (!(Math.abs(Hv[i]! - d1) <= tol)) throw new Error(`${text}\n(H·v)[${i}] = ${Hv[i]}, differences ${d1} (tol ${tol})`);
          }
          checked++;
        }),
        runs(60),
      );
      expect(checked).toBeGreaterThan(runs(60).numRuns / 3);
    },
    timeout(60000),
  );
});
