// Printed size of `adiff diff` against SymPy and mathjs on a corpus of textbook-calculus formulas
// (bench/textbook-corpus.json). For each formula d/dx is printed by adiff (the simplified print, and the plain
// print of the graph as before the printing simplifier), by mathjs's derivative(), and by SymPy as
// simplify(diff(f)); bench/textbook_sympy.py counts operations with SymPy's count_ops (of every printed statement,
// parsed without evaluation) and checks each printed adiff derivative against SymPy's at random points.
// Run with `npm run bench:textbook` (builds first; needs python3 with sympy).
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { derivative, parse as mparse } from 'mathjs';
import { parse, lower, derivativeSet, printGraph, printDerivative, withNotes } from '../dist/index.js';

const here = new URL('.', import.meta.url);
const corpus = JSON.parse(readFileSync(new URL('textbook-corpus.json', here), 'utf8'));
const toMathjs = (f) => f.replace(/\bln\(/g, 'log(');

const rows = corpus.map(({ f, wrt }) => {
  const l = lower(parse(f));
  const k = l.graph.inputNames.indexOf(wrt);
  const set = derivativeSet(l.graph, [l.output.node], [[k]]);
  const out = [{ node: set.nodes[0][0] }];
  const t0 = performance.now();
  const d = printDerivative(set.graph, out);
  const ms = performance.now() - t0;
  let mathjs = null;
  try {
    mathjs = derivative(mparse(toMathjs(f)), wrt).toString();
  } catch (e) {
    mathjs = null;
  }
  return { f, wrt, adiff: d.text, notes: d.notes, plain: printGraph(set.graph, out), latex: withNotes(printDerivative(set.graph, out, 'latex'), 'latex'), mathjs, ms };
});
const tmp = new URL('textbook-printed.json', here);
writeFileSync(tmp, JSON.stringify(rows, null, 1));
const py = spawnSync('python3', [new URL('textbook_sympy.py', here).pathname, tmp.pathname], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(py.stdout);
process.exitCode = py.status ?? 1;
