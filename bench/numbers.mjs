// Numbers to text, the largest cost of `--points` output: V8's own conversion (`'' + v`, a string per number)
// against src/cli/render/number-bytes.ts's writeNumber (the same text, written as bytes into a buffer), side by
// side over the same 3·10^6 values (interleaved repetitions, medians), on the kind of numbers results are and on
// random bit patterns. Run with `npm run bench:numbers`.
import { writeNumber } from '../dist/cli/render/number-bytes.js';

const N = 3e6;
const reps = 7;
const sets = {
  'results (sin·exp over 40 decades)': Float64Array.from({ length: N }, (_, i) => Math.sin(i) * Math.exp((i % 92) - 46)),
  'random bit patterns (finite)': (() => {
    const a = new Float64Array(N);
    const u = new Uint32Array(a.buffer);
    for (let i = 0; i < u.length; i++) u[i] = (Math.random() * 2 ** 32) >>> 0;
    for (let i = 0; i < N; i++) if (!Number.isFinite(a[i])) a[i] = i;
    return a;
  })(),
  'short decimals (k/1000)': Float64Array.from({ length: N }, (_, i) => (i % 100003) / 1000 + 0.001),
};
const buf = new Uint8Array(N * 26);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

console.log(`Numbers to text, ${N.toExponential(0)} values, ${reps} repetitions, medians (Node ${process.version})\n`);
console.log('| values | String(v) | writeNumber | ratio |');
console.log('|---|---|---|---|');
for (const [name, values] of Object.entries(sets)) {
  const a = [];
  const b = [];
  let check = 0;
  for (let r = 0; r < reps; r++) {
    let t = performance.now();
    let length = 0;
    for (let i = 0; i < N; i++) length += ('' + values[i]).length;
    a.push(performance.now() - t);
    t = performance.now();
    let p = 0;
    for (let i = 0; i < N; i++) p = writeNumber(buf, p, values[i]);
    b.push(performance.now() - t);
    check = length - p; // the same number of characters
  }
  if (check !== 0) throw new Error(`${name}: the texts differ in length`);
  const sa = median(a);
  const sb = median(b);
  console.log(`| ${name} | ${((sa / N) * 1e6).toFixed(0)} ns | ${((sb / N) * 1e6).toFixed(0)} ns | ${(sb / sa).toFixed(2)}x |`);
}
