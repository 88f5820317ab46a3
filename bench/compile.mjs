// Compile time and large-kernel speed of src/autodiff/compile.ts, side by side with an earlier version of the same
// file (the baseline, taken from git and run against the same build), in one run: interleaved repetitions, medians.
//
//   npm run build && node bench/compile.mjs [--quick] [--only compile|kernels] [--baseline <commit>] [--no-baseline]
//
// - Compile: parse + lower (for reference), then compileKernels and the first gradientColumns call on one point
//   (which is when V8 compiles the generated code: the current version builds each kernel shape on first use),
//   per graph node, from 10^3 to 6·10^5 nodes.
// - Kernels: value + gradient of large formulas against hand-written JavaScript (the hand-written functions of
//   bench/run.mjs), and the gradient / value cost ratio.
// Only ratios measured in one run mean anything on a shared machine; absolute times move with its load.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { parse, lower } from '../dist/internals.js';
import * as current from '../dist/autodiff/compile.js';
import { deepSin, hand, rosenbrock, termSum } from './expressions.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const baselineRef = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : 'c89ab29';
const useBaseline = !args.includes('--no-baseline');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

/** The baseline compile.ts from git, compiled to JavaScript that imports the current build's other modules. */
async function loadBaseline(ref) {
  const ts = execFileSync('git', ['show', `${ref}:src/autodiff/compile.ts`], { cwd: root, encoding: 'utf8' });
  let js = transformSync(ts, { loader: 'ts', format: 'esm' }).code;
  js = js.replace(/from ['"]\.\/([\w-]+\.js)['"]/g, (_, file) => `from ${JSON.stringify(pathToFileURL(join(root, 'dist', 'autodiff', file)).href)}`);
  const dir = mkdtempSync(join(tmpdir(), 'adiff-bench-compile-'));
  const path = join(dir, 'compile-baseline.mjs');
  writeFileSync(path, js);
  return import(pathToFileURL(path).href);
}
const versions = { current };
if (useBaseline) versions[`baseline ${baselineRef}`] = await loadBaseline(baselineRef);
const names = Object.keys(versions);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, d = 3) => Number(x.toPrecision(d)).toLocaleString('en-US', { maximumSignificantDigits: d });
const lowered = (text) => lower(parse(text, { skipValidations: true }));


console.log(`compile bench — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; versions: ${names.join(', ')}\n`);

// ---------------------------------------------------------------------------------------------------------
if (only === undefined || only === 'compile') {
console.log('## Compile time: compileKernels + first gradient call (one point), per graph node\n');
console.log(`| program | nodes | parse + lower | ${names.map((v) => `${v}: codegen | ${v}: first call | ${v}: total | ${v}: per node`).join(' | ')} | ${names.length > 1 ? 'speed-up |' : ''}`);
console.log(`|---|---|---|${names.map(() => '---|---|---|---|').join('')}${names.length > 1 ? '---|' : ''}`);
const compileCases = [
  ['sum of 200 terms', termSum(200), 5],
  ['Rosenbrock n=1000', rosenbrock(1000), 5],
  ['sum of 2,000 terms', termSum(2000), 5],
  ['Rosenbrock n=10000', rosenbrock(10000), 3],
  ['sum of 20,000 terms', termSum(20000), 3],
  ...(quick ? [] : [['sum of 100,000 terms', termSum(100000), 1]]),
];
for (const [name, text, reps] of compileCases) {
  const times = Object.fromEntries(names.map((v) => [v, { codegen: [], first: [] }]));
  const front = [];
  let nodes = 0;
  for (let r = 0; r < reps; r++) {
    for (const v of names) {
      global.gc?.();
      const t0 = performance.now();
      const low = lowered(text);
      front.push(performance.now() - t0);
      nodes = low.graph.nodes.length;
      const n = low.graph.inputs.length;
      const t1 = performance.now();
      const k = versions[v].compileKernels(low.graph, low.output.node);
      const t2 = performance.now();
      k.gradientColumns(
        Array.from({ length: n }, () => new Float64Array([0.3])),
        1,
        new Float64Array(1),
        Array.from({ length: n }, () => new Float64Array(1)),
      );
      const t3 = performance.now();
      times[v].codegen.push(t2 - t1);
      times[v].first.push(t3 - t2);
    }
  }
  const cells = names.map((v) => {
    const c = median(times[v].codegen);
    const f = median(times[v].first);
    return `${fmt(c)} ms | ${fmt(f)} ms | ${fmt(c + f)} ms | ${fmt(((c + f) * 1000) / nodes)} µs`;
  });
  const total = (v) => median(times[v].codegen) + median(times[v].first);
  const speedup = names.length > 1 ? ` ${fmt(total(names[1]) / total(names[0]))}x |` : '';
  console.log(`| ${name} | ${fmt(nodes)} | ${fmt(median(front))} ms (${fmt((median(front) * 1000) / nodes)} µs/node) | ${cells.join(' | ')} |${speedup}`);
}

}

// ---------------------------------------------------------------------------------------------------------

if (only === undefined || only === 'kernels') {
console.log('\n## Kernels: value + gradient against hand-written code; gradient / value\n');
const REPS = quick ? 5 : 9;
const kernelCases = [
  { name: 'Rosenbrock n=1000', text: rosenbrock(1000), hand: hand.rosenbrock, points: quick ? 2e3 : 1e4, gen: (k, i) => ((i * 7 + k * 13) % 101) / 50 - 1 },
  { name: 'sin(sin(...)) 1000 deep', text: deepSin(1000), hand: hand.deepSin, points: quick ? 4e3 : 2e4, gen: (_k, i) => (i % 100) / 30 },
  { name: 'sum of 10,000 terms k*sin(k*x+y)', text: termSum(10000), hand: hand.termSum, points: quick ? 400 : 2e3, gen: (k, i) => (k === 0 ? (i % 97) / 97 : (i % 89) / 89) },
];
console.log(`| expression | points | hand-written | ${names.map((v) => `${v}: gradient / hand | ${v}: value / hand | ${v}: gradient / value`).join(' | ')} |`);
console.log(`|---|---|---|${names.map(() => '---|---|---|').join('')}`);
for (const c of kernelCases) {
  const low = lowered(c.text);
  const n = low.graph.inputs.length;
  const natural = [...low.graph.inputNames].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const cols = Array.from({ length: n }, (_, k) => Float64Array.from({ length: c.points }, (_, i) => c.gen(k, i)));
  const adiffCols = low.graph.inputNames.map((name) => cols[natural.indexOf(name)]);
  const hv = new Float64Array(c.points);
  const hg = Array.from({ length: n }, () => new Float64Array(c.points));
  const fns = { hand: () => c.hand(cols, c.points, hv, hg) };
  fns.hand();
  const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  for (const v of names) {
    const k = versions[v].compileKernels(low.graph, low.output.node);
    const out = new Float64Array(c.points);
    const g = Array.from({ length: n }, () => new Float64Array(c.points));
    fns[`${v} gradient`] = () => k.gradientColumns(adiffCols, c.points, out, g);
    fns[`${v} value`] = () => k.valueColumns(adiffCols, c.points, out);
    // Warm up (and compile), checking against the hand-written gradient (a benchmark of wrong answers would be
    // meaningless).
    fns[`${v} gradient`]();
    for (let i = 0; i < c.points; i += Math.max(1, Math.floor(c.points / 50))) {
      const ok = close(out[i], hv[i]) && natural.every((name, j) => close(g[low.graph.inputNames.indexOf(name)][i], hg[j][i]));
      if (!ok) throw new Error(`${c.name}: ${v} and the hand-written gradient disagree at point ${i}`);
    }
    fns[`${v} value`]();
  }
  const times = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let r = 0; r < REPS; r++) {
    for (const [k, fn] of Object.entries(fns)) {
      const t = performance.now();
      fn();
      times[k].push(performance.now() - t);
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const cells = names.map((v) => `${fmt(m[`${v} gradient`] / m.hand)}x | ${fmt(m[`${v} value`] / m.hand)}x | ${fmt(m[`${v} gradient`] / m[`${v} value`])}`);
  console.log(`| ${c.name} | ${fmt(c.points)} | ${fmt(c.points / (m.hand / 1000))}/s | ${cells.join(' | ')} |`);
}
}
