// J·d, cᵀJ and Jacobians of several outputs per point: the interpreter (jvpAt, vjpAt, jacobianAt, with the
// effective subgraph computed once, as `--points` does) against the compiled kernels of compile-products.ts,
// measured side by side in one run. Each row times both over the same 1,000 points, in alternating rounds,
// and reports medians (µs per point) and the ratio interpreter / compiled, and the time to compile the kernel.
// Run with `npm run build && node bench/products.mjs` (reads dist/).
import { parse } from '../dist/parser/parse.js';
import { lower } from '../dist/autodiff/lower.js';
import { reaching } from '../dist/autodiff/graph.js';
import { jacobianAt, jvpAt, vjpAt } from '../dist/autodiff/jacobian.js';
import { compileJacobian, compileJvp, compileVjp } from '../dist/autodiff/compile-products.js';

const rosenbrock = (n) => Array.from({ length: n - 1 }, (_, i) => `100*(x${i + 2} - x${i + 1}^2)^2 + (1 - x${i + 1})^2`).join(' + ');

const PROGRAMS = [
  { name: 'E1 + x1*x2', text: 'ln(x1)+x1*x2-sin(x2); x1*x2' },
  { name: 'E2 + x1/x2-exp(x2)', text: '(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2)); x1/x2 - exp(x2)' },
  { name: 'Rosenbrock n=100 + sum of squares', text: `${rosenbrock(100)}; ${Array.from({ length: 100 }, (_, i) => `x${i + 1}^2`).join(' + ')}` },
];

const POINTS = 1000;
const ROUNDS = 7;

/** Mean time per call of fn (cycling through the points) over at least `minMs`, in µs. */
function perPoint(fn, minMs) {
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < minMs) {
    for (let k = 0; k < 16; k++) fn((calls + k) % POINTS);
    calls += 16;
  }
  return ((performance.now() - start) * 1000) / calls;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function compare(interp, compiled, minMs) {
  perPoint(interp, 3 * minMs); // warm up both (the JIT)
  perPoint(compiled, 3 * minMs);
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(perPoint(interp, minMs));
    b.push(perPoint(compiled, minMs));
  }
  return { interp: median(a), compiled: median(b) };
}

function ms(fn) {
  const t = performance.now();
  const r = fn();
  return { r, ms: performance.now() - t };
}

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

console.log(`${POINTS} points cycled, ${ROUNDS} alternating rounds, medians; µs per point; ratio = interpreter / compiled\n`);
console.log('| program | product | interpreter µs | compiled µs | ratio | compile ms |');
console.log('|---|---|---|---|---|---|');
for (const p of PROGRAMS) {
  const low = lower(parse(p.text));
  const { graph } = low;
  const outputs = low.expressions.map((s) => s.node);
  const n = graph.inputs.length;
  const m = outputs.length;
  const mask = reaching(graph.nodes, outputs);
  const xs = Array.from({ length: POINTS }, (_, i) => Float64Array.from({ length: n }, (_, k) => 0.5 + ((i * 7 + k * 13) % 97) / 50));
  const d = Float64Array.from({ length: n }, (_, k) => ((k % 5) - 2) / 3);
  const c = [1.5, -0.5];
  const wrt = graph.inputs.map((_, k) => k);
  const values = new Float64Array(m);
  const out = new Float64Array(Math.max(n, m));
  const jac = new Float64Array(m * n);
  const minMs = n > 10 ? 200 : 100;
  const row = (what, interp, compiled, compileMs) => {
    const r = compare(interp, compiled, minMs);
    console.log(`| ${p.name} | ${what} | ${fmt(r.interp)} | ${fmt(r.compiled)} | **${(r.interp / r.compiled).toFixed(1)}x** | ${compileMs.toFixed(1)} |`);
  };

  const jv = ms(() => compileJvp(graph, outputs));
  row('jvp', (i) => jvpAt(graph, outputs, xs[i], d, mask), (i) => jv.r.jvp(xs[i], d, values, out), jv.ms);
  const vj = ms(() => compileVjp(graph, outputs));
  row('vjp', (i) => vjpAt(graph, outputs, xs[i], c, mask), (i) => vj.r.vjp(xs[i], c, values, out), vj.ms);
  for (const mode of ['reverse', 'forward']) {
    for (const strategy of ['sweeps', 'products']) {
      const k = ms(() => compileJacobian(graph, outputs, wrt, mode, { strategy }));
      row(
        `jacobian ${mode}, ${strategy} (${k.r.statements} statements)`,
        (i) => jacobianAt(graph, outputs, xs[i], wrt, mode, mask),
        (i) => k.r.jacobian(xs[i], values, jac),
        k.ms,
      );
    }
  }
}
