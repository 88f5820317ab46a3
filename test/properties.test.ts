// Property-based tests over random programs: print → parse round trip, forward = reverse, AD = central
// differences. Seeded and small in `npm test`; `npm run test:fuzz` runs many more cases (see helpers/fuzz.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/autodiff/evaluate.js';
import { gradientAt } from '../src/autodiff/gradient.js';
import { reaching } from '../src/autodiff/graph.js';
import { FUNCTIONS, lower, type Lowered } from '../src/autodiff/lower.js';
import { reverseSweep } from '../src/autodiff/reverse.js';
import { parse } from '../src/parser/parse.js';
import { printProgram } from '../src/parser/print.js';
import { AdiffError } from '../src/diagnostics.js';
import { programDifference } from './helpers/ast.js';
import { runs, timeout } from './helpers/fuzz.js';
import { anyProgram, domainCalls, safeCase, type SafeCase } from './helpers/gen.js';
import { pieces } from './helpers/pieces.js';

const EPS = Number.EPSILON;

function lowerCase(c: SafeCase): { lowered: Lowered; x: number[]; v: number[]; text: string } {
  const text = printProgram(c.program);
  const lowered = lower(parse(text));
  const names = lowered.graph.inputNames;
  return { lowered, text, x: names.map((n) => c.point[n]!), v: names.map((n) => c.direction[n]!) };
}

/**
 * Forward and reverse derivatives agree: to 1e-12 relative, or absolutely relative to the size of the terms summed.
 * Where that size is infinite (an infinite local derivative, such as cbrt's at 0), either may be non-finite: forward
 * mode's zero tangent skips it (0·∞ counts as 0, so cbrt(x - x) adds nothing), while reverse mode's adjoint carries
 * ∞ into both paths of x - x, which then cancel to NaN (fuzz-mode counterexample: cbrt(x2 - x2) at x2 = 0).
 */
function agree(f: number, r: number, scale: number): boolean {
  if (Object.is(f, r)) return true;
  if (!Number.isFinite(f) || !Number.isFinite(r)) return !Number.isFinite(scale);
  const d = Math.abs(f - r);
  return d <= 1e-12 * Math.max(Math.abs(f), Math.abs(r)) || d <= 1e-12 * scale;
}

/**
 * Whether a value or local partial lies where a product of two of them can leave the normal range of doubles
 * (below 1e-150 or above 1e150). There the order of multiplication (forward: partial × tangent from the inputs
 * up; reverse: adjoint × partial from the output down) decides what underflows to 0 or overflows, so the two
 * modes may legitimately differ (seen with a subnormal input: cbrt(x2/(x1^2 + 0.5)) at x2 = 5e-324).
 */
function outsideSafeRange(values: Float64Array, partials: (number[] | undefined)[], mask: Uint8Array): boolean {
  const bad = (v: number) => v !== 0 && Number.isFinite(v) && (Math.abs(v) < 1e-150 || Math.abs(v) > 1e150);
  for (let i = 0; i < values.length; i++) {
    if (!mask[i]) continue;
    if (bad(values[i]!) || partials[i]?.some(bad)) return true;
  }
  return false;
}

describe('property: print → parse round trip', () => {
  it(
    'printing any AST and parsing the text gives the same AST, and printing again gives the same text',
    () => {
      fc.assert(
        fc.property(anyProgram, (p) => {
          const text = printProgram(p);
          const again = parse(text);
          const difference = programDifference(p, again);
          if (difference !== undefined) throw new Error(`${difference}\ntext: ${text}`);
          expect(printProgram(again)).toBe(text);
        }),
        runs(300),
      );
    },
    timeout(30000),
  );

  it('every text that parses prints to a text that parses to the same AST', () => {
    const tokens = ['x', 'y', '2', '.5', '1e3', 'e', 'pi', '+', '-', '*', '/', '^', '**', '(', ')', ',', 'sin', 'max', ' ', '3x', '2(', '=', ';', '\n', 'e1', '_'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 14 }), (parts) => {
        let ast;
        try {
          ast = parse(parts.join(''));
        } catch (e) {
          if (e instanceof AdiffError) return; // not a program: nothing to print
          throw e;
        }
        const text = printProgram(ast);
        expect(programDifference(ast, parse(text))).toBeUndefined();
      }),
      runs(500),
    );
  });
});

describe('the domain-safe generator', () => {
  it('covers every function of the language', () => {
    const id = (u: unknown) => u as never;
    expect(Object.keys(domainCalls(id, id, id)).sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });
});

describe('property: forward mode = reverse mode', () => {
  it(
    'agree on every input to 1e-12 relative (absolute, scaled by the summed terms, near zero)',
    () => {
      fc.assert(
        fc.property(safeCase, (c) => {
          const { lowered, x, text } = lowerCase(c);
          const rev = gradientAt(lowered, x, { mode: 'reverse' });
          const fwd = gradientAt(lowered, x, { mode: 'forward' });
          expect(Object.is(fwd.value, rev.value)).toBe(true);
          if (outsideSafeRange(rev.values, rev.partials, rev.mask)) return;
          // The size of the terms each derivative sums: the gradient computed with absolute local partials.
          const absPartials = rev.partials.map((p) => p?.map(Math.abs));
          const absAdj = reverseSweep(lowered.graph, absPartials, [[rev.output, 1]], rev.mask);
          rev.gradient.forEach((r, k) => {
            const f = fwd.gradient[k]!;
            const scale = absAdj[lowered.graph.inputs[k]!]!;
            if (!agree(f, r, scale)) throw new Error(`${text}\n∂/∂${lowered.graph.inputNames[k]}: forward ${f}, reverse ${r} (scale ${scale})`);
          });
        }),
        runs(300),
      );
    },
    timeout(30000),
  );
});

/** Operations whose derivative is singular where this argument (the divisor for div, else the first) is 0. */
const SINGULAR_AT_ZERO = new Set(['cbrt', 'sqrt', 'ln', 'log10', 'log2', 'logb', 'powc', 'pow', 'div']);

describe('property: AD = central finite differences where the function is smooth and well conditioned', () => {
  it(
    'the directional derivative ∇f·v matches (f(x+hv) - f(x-hv)) / 2h within a tolerance derived from the step',
    () => {
      let checked = 0;
      let skipped = 0;
      fc.assert(
        fc.property(safeCase, (c) => {
          const { lowered, x, v, text } = lowerCase(c);
          const { graph } = lowered;
          const out = lowered.output.node;
          const mask = reaching(graph.nodes, [out]);
          const rev = gradientAt(lowered, x, { mode: 'reverse' });
          const ad = rev.gradient.reduce((s, g, k) => s + g * v[k]!, 0);
          const h = 1e-4;
          const stencil = [-2, -1, 0, 1, 2].map((t) => evaluate(graph, x.map((xi, k) => xi + t * h * v[k]!), mask));
          const f = stencil.map((vals) => vals[out]!);
          const sig = stencil.map((vals) => pieces(graph, vals, mask));
          // Largest intermediate magnitude over the stencil: bounds the rounding error of each evaluation.
          let big = 0;
          for (const vals of stencil) vals.forEach((val, i) => mask[i] && (big = Math.max(big, Math.abs(val))));
          // A singular point inside the stencil that the sign pieces cannot see: the argument of cbrt, sqrt, a
          // logarithm, a fractional power or a divisor touches 0 from one side (cbrt(z*z) at z = -1.5e-154 is
          // |z|^(2/3), a cusp that a step of 1e-4 straddles symmetrically, so both differences are 0).
          const nearSingular = graph.nodes.some((n, i) => {
            if (!mask[i] || n.kind !== 'op' || !SINGULAR_AT_ZERO.has(n.op)) return false;
            const a = n.op === 'div' ? n.args[1]! : n.args[0]!;
            const spread = Math.max(...stencil.map((vals) => Math.abs(vals[a]!)));
            return Math.abs(stencil[2]![a]!) < 1e-6 * spread;
          });
          if (nearSingular || !Number.isFinite(ad) || !f.every(Number.isFinite) || !Number.isFinite(big) || sig.some((s) => s !== sig[0])) {
            skipped++;
            return;
          }
          const d1 = (f[3]! - f[1]!) / (2 * h);
          const d2 = (f[4]! - f[0]!) / (4 * h);
          // Truncation error of d1 ≈ (d2 - d1)/3 (Richardson); rounding ≈ (ops · ε · magnitude) / h.
          const rounding = (64 * graph.nodes.length * EPS * big) / h;
          // The tolerance and the conditioning gate come from the differences alone, never from the AD value
          // under test (a wrong, huge AD value must not loosen its own check).
          const tol = Math.abs(d2 - d1) + rounding + 1e-9 * Math.abs(d1) + 1e-300;
          if (tol > 1e-3 * (1 + Math.abs(d1))) {
            skipped++; // ill-conditioned at this step: no meaningful comparison
            return;
          }
          checked++;
          if (!(Math.abs(ad - d1) <= tol)) {
            throw new Error(`${text}\nat ${JSON.stringify(c.point)} along ${JSON.stringify(c.direction)}: AD ${ad}, FD ${d1} (d2 ${d2}, tol ${tol})`);
          }
        }),
        runs(300),
      );
      // The property must actually compare most cases (the skips are kinks, overflow and poles).
      expect(checked).toBeGreaterThan(2 * skipped);
    },
    timeout(30000),
  );
});
