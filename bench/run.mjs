// Benchmarks, side by side in one run: adiff's compiled kernels against mathjs (the JavaScript tool a user would
// otherwise pick: `derivative`, then `compile().evaluate` for each partial) and against hand-written JavaScript
// with hand-derived gradients over Float64Array columns (the practical limit); end-to-end `--points` against a
// plain read-CSV-write-NDJSON script; start-up against `node -e 0`; and how parse + lower + gradient scale.
// Run with `npm run bench` (builds first). `node bench/run.mjs --quick` for a short run, `--full` adds the
// 10^7-point memory run. Only ratios measured here, in one run, mean anything; absolute numbers depend on the machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, createWriteStream, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as math from 'mathjs';
import { compile } from '../dist/index.js';
import { compileKernels, parse, lower, gradientAt } from '../dist/internals.js';
import { deepSin, hand, handValue, rosenbrock, termSum } from './expressions.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'bin', 'adiff.js');
const quick = process.argv.includes('--quick');
const full = process.argv.includes('--full');
const REPS = quick ? 3 : 7;
// `--only kernels|e2e|memory|startup|scale` runs one section.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const want = (section) => only === undefined || only === section;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, d = 3) => Number(x.toPrecision(d)).toLocaleString('en-US', { maximumSignificantDigits: d });
const rate = (points, ms) => `${fmt(points / (ms / 1000))}/s`;
function columns(n, count, gen) {
  return Array.from({ length: n }, (_, k) => Float64Array.from({ length: count }, (_, i) => gen(k, i)));
}
/** Runs the named functions REPS times each, interleaved, and returns each one's median time in ms. */
function race(fns) {
  const times = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (const fn of Object.values(fns)) fn(); // warm up (and compile)
  for (let r = 0; r < REPS; r++) {
    for (const [k, fn] of Object.entries(fns)) {
      const t = performance.now();
      fn();
      times[k].push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

// ---------------------------------------------------------------------------------------------------------
// Expressions and their hand-written value + gradient over columns: bench/expressions.mjs.

const cases = [
  { name: 'E1  ln(x1)+x1*x2-sin(x2)', text: 'ln(x1)+x1*x2-sin(x2)', mathjs: 'log(x1)+x1*x2-sin(x2)', hand: hand.E1, handValue: handValue.E1, points: 1e6, mathjsPoints: 2e4, gen: (k, i) => (k === 0 ? 0.5 + (i % 997) / 300 : (i % 991) / 150) },
  { name: 'E2  (sin(x1/x2)+x1/x2-exp(x2))*(x1/x2-exp(x2))', text: '(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))', mathjs: '(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))', hand: hand.E2, handValue: handValue.E2, points: 1e6, mathjsPoints: 1e4, gen: (k, i) => (k === 0 ? 0.5 + (i % 997) / 300 : 0.2 + (i % 991) / 500) },
  { name: 'Rosenbrock n=10', text: rosenbrock(10), mathjs: rosenbrock(10), hand: hand.rosenbrock, handValue: handValue.rosenbrock, points: 1e6, mathjsPoints: 2e3, gen: (k, i) => ((i * 7 + k * 13) % 101) / 50 - 1 },
  { name: 'Rosenbrock n=100', text: rosenbrock(100), hand: hand.rosenbrock, handValue: handValue.rosenbrock, points: 1e5, gen: (k, i) => ((i * 7 + k * 13) % 101) / 50 - 1 },
  { name: 'Rosenbrock n=1000', text: rosenbrock(1000), hand: hand.rosenbrock, handValue: handValue.rosenbrock, points: 1e4, gen: (k, i) => ((i * 7 + k * 13) % 101) / 50 - 1 },
  { name: 'sin(sin(...)) 1000 deep', text: deepSin(1000), hand: hand.deepSin, handValue: handValue.deepSin, points: 2e4, gen: (_k, i) => (i % 100) / 30 },
  { name: 'sum of 10,000 terms k*sin(k*x+y)', text: termSum(10000), hand: hand.termSum, handValue: handValue.termSum, points: 2e3, gen: (k, i) => (k === 0 ? (i % 97) / 97 : (i % 89) / 89) },
];

console.log(`adiff benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${REPS} repetitions, medians\n`);
if (want('kernels')) {
  console.log('## In memory: value + full gradient over Float64Array columns\n');
  console.log('| expression | points | hand-written | adiff compiled | adiff / hand | mathjs | mathjs / adiff | adiff gradient / value | hand-written gradient / value |');
  console.log('|---|---|---|---|---|---|---|---|---|');
}
for (const c of want('kernels') ? cases : []) {
  const t0 = performance.now();
  const f = compile(c.text);
  const compileMs = performance.now() - t0;
  const n = f.inputs.length;
  // Columns in natural order (x1, x2, ... or x, y) for the hand-written code; adiff's inputs are in order of
  // first appearance (Rosenbrock's first term names x2 before x1), so its columns are the same arrays, reordered.
  const natural = [...f.inputs].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const cols = columns(n, c.points, c.gen);
  const order = f.inputs.map((name) => natural.indexOf(name));
  const adiffCols = order.map((k) => cols[k]);
  const v = new Float64Array(c.points);
  const gAdiff = Array.from({ length: n }, () => new Float64Array(c.points));
  const g = natural.map((name) => gAdiff[f.inputs.indexOf(name)]); // g[k] is the gradient column of natural[k]
  const hv = new Float64Array(c.points);
  const hg = Array.from({ length: n }, () => new Float64Array(c.points));
  const t = race({
    hand: () => c.hand(cols, c.points, hv, hg),
    adiff: () => f.gradientColumns(adiffCols, v, gAdiff),
    value: () => f.valueColumns(adiffCols, v),
    handValue: () => c.handValue(cols, c.points, hv),
  });
  c.hand(cols, c.points, hv, hg); // handValue wrote hv last
  // The two agree (a benchmark of wrong answers would be meaningless).
  for (let i = 0; i < c.points; i += Math.max(1, Math.floor(c.points / 100))) {
    const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
    if (!close(v[i], hv[i]) || !g.every((col, k) => close(col[i], hg[k][i]))) throw new Error(`${c.name}: adiff and the hand-written gradient disagree at point ${i}`);
  }
  let mathjsCell = 'n/a', mathjsRatio = 'n/a';
  if (c.mathjs) {
    const names = natural;
    const value = math.compile(c.mathjs);
    const partials = names.map((x) => math.derivative(c.mathjs, x).compile());
    const m = Math.min(c.mathjsPoints, c.points);
    const scope = {};
    const tm = race({
      mathjs: () => {
        for (let i = 0; i < m; i++) {
          for (let k = 0; k < n; k++) scope[names[k]] = cols[k][i];
          v[i] = value.evaluate(scope);
          for (let k = 0; k < n; k++) g[k][i] = partials[k].evaluate(scope);
        }
      },
    });
    const perPointAdiff = t.adiff / c.points;
    const perPointMathjs = tm.mathjs / m;
    mathjsCell = rate(m, tm.mathjs);
    mathjsRatio = `${fmt(perPointMathjs / perPointAdiff)}x`;
  }
  console.log(`| ${c.name} | ${fmt(c.points)} | ${rate(c.points, t.hand)} | ${rate(c.points, t.adiff)} | ${fmt(t.adiff / t.hand)}x | ${mathjsCell} | ${mathjsRatio} | ${fmt(t.adiff / t.value)} | ${fmt(t.hand / t.handValue)} |`);
  if (compileMs > 50) console.log(`|   (compile: ${fmt(compileMs)} ms) | | | | | | | | |`);
}

// ---------------------------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'adiff-bench-'));
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const kb = (x) => (x === undefined ? 'n/a' : `${fmt(x / 1024)} MB`);
/** Runs a shell command, returning wall time (ms) and the peak RSS (KB) of the timed process when measurable. */
function runTimed(command) {
  const t = performance.now();
  const r = timeBin ? spawnSync('bash', ['-c', `${timeBin} -f '%M' -o ${dir}/rss.txt ${command}`], { encoding: 'utf8' }) : spawnSync('bash', ['-c', command], { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr}`);
  let rss;
  if (timeBin) rss = Number(spawnSync('cat', [`${dir}/rss.txt`], { encoding: 'utf8' }).stdout.trim().split('\n').pop());
  return { ms, rss };
}
function raceCommands(commands, reps) {
  const res = Object.fromEntries(Object.keys(commands).map((k) => [k, { ms: [], rss: [] }]));
  for (let r = 0; r < reps; r++) {
    for (const [k, c] of Object.entries(commands)) {
      const { ms, rss } = runTimed(c);
      res[k].ms.push(ms);
      if (rss) res[k].rss.push(rss);
    }
  }
  return Object.fromEntries(Object.entries(res).map(([k, v]) => [k, { ms: median(v.ms), rss: v.rss.length ? Math.max(...v.rss) : undefined }]));
}

async function writeCsv(path, count) {
  const out = createWriteStream(path);
  out.write('x1,x2\n');
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${0.5 + ((i * 7919) % 10007) / 3000},${((i * 104729) % 10009) / 1600}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise((r) => out.end(r));
}

if (want('e2e')) {
  console.log('\n## End to end: `adiff eval E1 --points big.csv > out.ndjson`\n');
  const million = quick ? 1e5 : 1e6;
  const big = join(dir, 'big.csv');
  await writeCsv(big, million);
  const adiffE1 = `node ${bin} eval "ln(x1)+x1*x2-sin(x2)" --points ${big} > ${dir}/out.ndjson`;
  const e2e = raceCommands(
    {
      floor: `node ${join(here, 'io-floor.mjs')} ${big} > ${dir}/floor.ndjson`,
      floorChunks: `node ${join(here, 'io-floor-chunks.mjs')} ${big} > ${dir}/floor2.ndjson`,
      adiff: adiffE1,
      adiffOne: `env ADIFF_THREADS=1 ${adiffE1}`,
    },
    quick ? 1 : 3,
  );
  const row = (name, r) => console.log(`| ${name} | ${fmt(million)} | ${fmt(r.ms / 1000)} s | ${kb(r.rss)} | ${fmt(r.ms / e2e.floor.ms)}x | ${fmt(r.ms / e2e.floorChunks.ms)}x |`);
  console.log(`| run | points | time | peak RSS | ratio to the readline floor | ratio to the chunked floor |`);
  console.log('|---|---|---|---|---|---|');
  row('plain read-CSV-write-NDJSON script, readline (I/O floor)', e2e.floor);
  row('the same, reading chunks without readline', e2e.floorChunks);
  row('adiff eval --points (value + gradient; default: 2 threads on 2 cores or more)', e2e.adiff);
  row('adiff eval --points, ADIFF_THREADS=1', e2e.adiffOne);
}

if (want('memory')) {
console.log('\n## Memory does not grow with the number of points (points generated into a pipe, output to /dev/null)\n');
const gen = join(dir, 'gen.mjs');
writeFileSync(gen, `let n = Number(process.argv[2]); process.stdout.write('x1,x2\\n');
let i = 0; function more() { let s = ''; while (i < n && s.length < 1 << 16) { s += (0.5 + (i % 1000) / 300) + ',' + (i % 777) / 100 + '\\n'; i++; }
if (s) { if (process.stdout.write(s)) setImmediate(more); else process.stdout.once('drain', more); } } more();\n`);
const sizes = full ? [1e4, 1e6, 1e7] : quick ? [1e4, 1e5] : [1e4, 1e6];
console.log('| points | threads | time | peak RSS of adiff |');
console.log('|---|---|---|---|');
for (const size of sizes) {
  for (const threads of ['default', '1']) {
    const env = threads === '1' ? 'env ADIFF_THREADS=1 ' : '';
    const t = performance.now();
    const r = timeBin
      ? spawnSync('bash', ['-c', `node ${gen} ${size} | ${env}${timeBin} -f '%M' -o ${dir}/rss2.txt node ${bin} eval "ln(x1)+x1*x2-sin(x2)" --points - > /dev/null`], { encoding: 'utf8' })
      : spawnSync('bash', ['-c', `node ${gen} ${size} | ${env}node ${bin} eval "ln(x1)+x1*x2-sin(x2)" --points - > /dev/null`], { encoding: 'utf8' });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(r.stderr);
    const rss = timeBin ? Number(spawnSync('cat', [`${dir}/rss2.txt`], { encoding: 'utf8' }).stdout.trim().split('\n').pop()) : undefined;
    console.log(`| ${fmt(size)} | ${threads} | ${fmt(ms / 1000)} s | ${kb(rss)} |`);
  }
}
}

// ---------------------------------------------------------------------------------------------------------
if (want('startup')) {
console.log('\n## Start-up: one point as a whole process\n');
// A one-shot mathjs script (written next to this file, so that it resolves mathjs from this package).
const mathjsScript = join(here, '.mathjs-one.mjs');
writeFileSync(mathjsScript, `import { derivative, evaluate } from 'mathjs';
const s = { x1: 2, x2: 5 }; const e = 'log(x1)+x1*x2-sin(x2)';
console.log(evaluate(e, s), derivative(e, 'x1').evaluate(s), derivative(e, 'x2').evaluate(s));\n`);
const startReps = quick ? 5 : 15;
const st = raceCommands(
  {
    node: `node -e 0`,
    adiff: `node ${bin} eval "ln(x1)+x1*x2-sin(x2)" --at x1=2,x2=5 > /dev/null`,
    mathjs: `node ${mathjsScript} > /dev/null`,
  },
  startReps,
);
spawnSync('rm', ['-f', mathjsScript]);
console.log('| process | median wall time | ratio to `node -e 0` |');
console.log('|---|---|---|');
console.log(`| node -e 0 | ${fmt(st.node.ms)} ms | 1 |`);
console.log(`| adiff eval E1 --at x1=2,x2=5 | ${fmt(st.adiff.ms)} ms | ${fmt(st.adiff.ms / st.node.ms)}x |`);
console.log(`| mathjs one-shot (value + 2 derivatives) | ${fmt(st.mathjs.ms)} ms | ${fmt(st.mathjs.ms / st.node.ms)}x |`);

}

// ---------------------------------------------------------------------------------------------------------
if (want('scale')) {
console.log('\n## Scale: parse + lower + gradient (interpreter) and compile, per graph node\n');
console.log('| program | nodes | parse | lower | gradient | compile (codegen + new Function + one point) | total per node | heap per node |');
console.log('|---|---|---|---|---|---|---|---|');
const scaleCases = [
  ['Rosenbrock n=100', rosenbrock(100)],
  ['Rosenbrock n=1000', rosenbrock(1000)],
  ['Rosenbrock n=10000', rosenbrock(10000)],
  ['sum of 200 terms', termSum(200)],
  ['sum of 2,000 terms', termSum(2000)],
  ['sum of 20,000 terms', termSum(20000)],
  ...(quick ? [] : [['sum of 100,000 terms', termSum(100000)]]),
];
for (const [name, text] of scaleCases) {
  global.gc?.();
  const h0 = process.memoryUsage().heapUsed;
  const ts = [];
  const t0 = performance.now();
  const program = parse(text, { skipValidations: true });
  ts.push(performance.now() - t0);
  const t1 = performance.now();
  const low = lower(program);
  ts.push(performance.now() - t1);
  const nodes = low.graph.nodes.length;
  const x = low.graph.inputs.map((_, k) => 0.1 + k / nodes);
  const t2 = performance.now();
  gradientAt(low, x);
  ts.push(performance.now() - t2);
  const heap = process.memoryUsage().heapUsed - h0;
  // Code generation and V8's compile of the value + gradient kernel (kernels are built on first use, so one point
  // is run: compile() alone would time only parsing and lowering).
  const t3 = performance.now();
  const kernels = compileKernels(low.graph, low.output.node);
  kernels.gradientColumns(x.map((v) => Float64Array.of(v)), 1, new Float64Array(1), x.map(() => new Float64Array(1)));
  ts.push(performance.now() - t3);
  const total = ts[0] + ts[1] + ts[2];
  console.log(`| ${name} | ${fmt(nodes)} | ${fmt(ts[0])} ms | ${fmt(ts[1])} ms | ${fmt(ts[2])} ms | ${fmt(ts[3])} ms | ${fmt((total * 1000) / nodes)} µs | ${fmt(heap / nodes)} B |`);
}
const sumFile = join(dir, 'sum.txt');
writeFileSync(sumFile, termSum(100000));
const fromFile = raceCommands({ file: `node ${bin} eval --file ${sumFile} --at x=0.3,y=0.1 --json > /dev/null` }, 1);
console.log(`\nA 100,000-term sum (${fmt(termSum(100000).length / 1e6)} MB of text) read with --file: ${fmt(fromFile.file.ms / 1000)} s for the whole process, peak RSS ${kb(fromFile.file.rss)}.`);
}
