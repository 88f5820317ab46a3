// Time and size of the printed derivative (the printing simplifier) as the input grows: a sum of n terms,
// sin(sin(…)) n deep and Rosenbrock with n variables (every first partial). Columns: input characters, printed
// characters (simplified and --plain), milliseconds to print (the derivative graph is built before the clock starts),
// and per-input-character costs, which stay flat when time and size are linear.
// Run with `npm run bench:simplify` (builds first).
import { parse, lower, derivativeSet, printGraph, printDerivative } from '../dist/index.js';

const sum = (n) => Array.from({ length: n }, (_, i) => `sin(${i + 1}*x)`).join(" + ");
const chain = (n) => `${'sin('.repeat(n)}x${')'.repeat(n)}`;
const rosen = (n) => Array.from({ length: n - 1 }, (_, i) => `100*(x${i + 2} - x${i + 1}^2)^2 + (1 - x${i + 1})^2`).join(' + ');

console.log('| input | n | input chars | printed chars | --plain chars | print ms | ms per 1k chars | printed/input |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [label, make, sizes] of [
  ['sum of n terms', sum, [1000, 10000]],
  ['sin(sin(…)) n deep', chain, [100, 1000]],
  ['Rosenbrock, n variables', rosen, [100, 1000]],
]) {
  for (const n of sizes) {
    const text = make(n);
    const l = lower(parse(text));
    const set = derivativeSet(l.graph, [l.output.node], l.graph.inputs.map((_, k) => [k]));
    const out = set.nodes[0].map((node, k) => ({ node, name: `d${k}` }));
    const plain = printGraph(set.graph, out);
    printDerivative(set.graph, out); // warm up
    const runs = 3;
    const t0 = performance.now();
    let d;
    for (let r = 0; r < runs; r++) d = printDerivative(set.graph, out);
    const ms = (performance.now() - t0) / runs;
    console.log(`| ${label} | ${n} | ${text.length} | ${d.text.length} | ${plain.length} | ${ms.toFixed(1)} | ${((ms / text.length) * 1000).toFixed(2)} | ${(d.text.length / text.length).toFixed(2)} |`);
  }
}
