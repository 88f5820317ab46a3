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

console.log('| function | points | worst error (ulps) | at x |');
console.log('|---|---|---|---|');
for (const [name, { expr, samples }] of Object.entries(data)) {
  const f = compile(expr);
  let worst = 0;
  let at = NaN;
  for (const [x, exact] of samples) {
    const e = num(exact);
    const got = f.value({ x });
    const err = got === e ? 0 : Math.abs(got - e) / ulpOf(e);
    if (!(err <= worst)) {
      worst = err;
      at = x;
    }
  }
  console.log(`| ${expr} | ${samples.length} | ${worst.toPrecision(3)} | ${at} |`);
}
