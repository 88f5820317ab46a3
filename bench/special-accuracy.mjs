// The worst error of every function of docs/functions.md against mpmath, in ulps of the exact value.
//   python3 test/fixtures/functions.py --dense 20 > /tmp/functions-dense.json
//   npm run build && node bench/special-accuracy.mjs /tmp/functions-dense.json
// (without an argument it reads the test fixture, test/fixtures/functions.json). Values through the library's
// interpreter (compile(expr).value); the compiled kernels compute the same (test/functions-precision.test.ts).
import { readFileSync } from 'node:fs';
import { compile } from '../dist/index.js';

const file = process.argv[2] ?? new URL('../test/fixtures/functions.json', import.meta.url);
const data = JSON.parse(readFileSync(file, 'utf8'));

const view = new DataView(new ArrayBuffer(8));
/** The spacing of doubles at |v| (2^-1074 for 0 and subnormals). */
function ulpOf(v) {
  view.setFloat64(0, Math.abs(v));
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0) - Math.abs(v);
}
const num = (v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v);

// Two measures: the error in ulps of the exact value, for x > 0 and for x < 0 apart; and, for x < 0, where the
// reflection formula cancels next to the zeros of lgamma, digamma and polygamma, the error in ulps of the function's
// size nearby (the largest |f| within 1/2 of x), which is the absolute accuracy there.
console.log('| function | points | worst, x ≥ 0 (ulps) | worst, x < 0 (ulps) | x < 0, in ulps of max |f| within ±1/2 |');
console.log('|---|---|---|---|---|');
for (const [name, { expr, samples }] of Object.entries(data)) {
  const f = compile(expr);
  const rows = samples.map(([x, e]) => [x, num(e), f.value({ x })]).sort((a, b) => a[0] - b[0]);
  const worst = { pos: [0, NaN], neg: [0, NaN], abs: [0, NaN] };
  const note = (k, err, x) => {
    if (!(err <= worst[k][0])) worst[k] = [err, x];
  };
  let lo = 0;
  let hi = 0;
  rows.forEach(([x, e, got], i) => {
    const err = got === e ? 0 : Math.abs(got - e) / ulpOf(e);
    note(x >= 0 ? 'pos' : 'neg', err, x);
    if (x >= 0) return;
    while (rows[lo][0] < x - 0.5) lo++;
    while (hi + 1 < rows.length && rows[hi + 1][0] <= x + 0.5) hi++;
    let size = 0;
    for (let j = lo; j <= hi; j++) if (Number.isFinite(rows[j][1])) size = Math.max(size, Math.abs(rows[j][1]));
    note('abs', got === e ? 0 : Math.abs(got - e) / ulpOf(size), x);
    void i;
  });
  const cell = ([err, x]) => (Number.isNaN(x) ? (err === 0 && rows.some((r) => r[0] < 0) ? '0' : '–') : `${err.toPrecision(3)} (x = ${+x.toPrecision(6)})`);
  console.log(`| \`${expr}\` | ${samples.length} | ${cell(worst.pos)} | ${cell(worst.neg)} | ${cell(worst.abs)} |`);
}
