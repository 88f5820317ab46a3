// Higher-order derivatives, measured side by side in one run (ratios, not absolute times):
//  1. k-th derivative along x: Taylor mode (derivativesAlong) vs nested derivative graphs (differentiate the
//     derivative graph k times, then evaluate). Taylor mode grows like k², nested graphs much faster.
//  2. One Hessian-vector product vs the full Hessian of a function of n variables (n forward sweeps).
// Run with `npm run bench:higher-order` (builds first).
import { parse, lower, evaluate, derivativesAlong, higherDerivativeGraph, hvpAt, hessianAt } from '../dist/internals.js';

function time(fn, minMs = 150) {
  const warm = performance.now();
  while (performance.now() - warm < minMs / 3) fn(); // warm up (JIT)
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    fn();
    runs++;
    elapsed = performance.now() - start;
  }
  return elapsed / runs;
}

function tables(log) {
  const f = lower(parse('exp(sin(x)) / (1 + x^2) + sqrt(2 + cos(3*x))'));
  log('k-th derivative of exp(sin(x))/(1+x^2) + sqrt(2+cos(3x)) at x = 0.4');
  log('   k   taylor ms   nested-graph ms   nested/taylor');
  for (const k of [2, 4, 6, 8, 10]) {
    const taylor = time(() => derivativesAlong(f.graph, f.output.node, 0, [0.4], k));
    const nested = time(() => {
      const g = higherDerivativeGraph(f.graph, f.output.node, new Array(k).fill(0));
      evaluate(g.graph, [0.4])[g.node];
    }, 300);
    log(`${String(k).padStart(4)}  ${taylor.toFixed(3).padStart(10)}  ${nested.toFixed(3).padStart(16)}  ${(nested / taylor).toFixed(1).padStart(14)}`);
  }
  for (const k of [30, 100]) {
    const taylor = time(() => derivativesAlong(f.graph, f.output.node, 0, [0.4], k));
    log(`${String(k).padStart(4)}  ${taylor.toFixed(3).padStart(10)}  ${'(not run)'.padStart(16)}`);
  }

  log('\nHessian-vector product vs full Hessian, f = sum of sin(x_i * x_(i+1)) + x_i^2 * x_(i+2)');
  log('   n   hvp ms   hessian ms   hessian/hvp');
  for (const n of [10, 40, 160]) {
    const terms = [];
    for (let i = 0; i < n; i++) terms.push(`sin(x${i}*x${(i + 1) % n}) + x${i}^2*x${(i + 2) % n}`);
    const g = lower(parse(terms.join(' + ')));
    const x = g.graph.inputs.map((_, i) => 0.1 + (i % 7) / 10);
    const d = x.map((_, i) => (i % 2 ? 1 : -1));
    const all = g.graph.inputs.map((_, i) => i);
    const hvp = time(() => hvpAt(g.graph, g.output.node, x, d));
    const hess = time(() => hessianAt(g.graph, g.output.node, x, all));
    log(`${String(n).padStart(4)}  ${hvp.toFixed(3).padStart(7)}  ${hess.toFixed(3).padStart(11)}  ${(hess / hvp).toFixed(1).padStart(12)}`);
  }
}

// The first pass warms up the engine (JIT) for every code path; the second is reported.
tables(() => {});
tables(console.log);
