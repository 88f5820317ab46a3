// The library's start-up and batch speed (issue 18).
//
// 1. Import time, as whole processes side by side: `node -e 0`; a script that only does
//    `import { compile } from 'adiff-cli'` (the bundle, dist/adiff.mjs); one that does `require('adiff-cli')`
//    (dist/adiff.cjs); an empty ES module (Node's ES-module loader alone); and, for reference, the unbundled tsc
//    output (dist/index.js, which loads Chevrotain's lodash-es tree). The runs are interleaved (round-robin) so
//    that a busy machine slows every variant alike; the median of each is reported, and each ratio to `node -e 0`.
// 2. The batch Hessian over columns, f.hessianColumns, for E1 = ln(x1)+x1*x2-sin(x2) at 10^6 points: points per
//    second (best of 5 runs after a warm-up), next to the value + gradient kernel.
//
// Usage: npm run bench:library  (or node bench/library.mjs [rounds], after npm run build)
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const rounds = Number(process.argv[2] ?? 30);
const scratch = mkdtempSync(join(tmpdir(), 'adiff-bench-lib-'));
const unbundled = join(scratch, 'unbundled.mjs');
writeFileSync(unbundled, `import { compile } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};\nif (typeof compile !== 'function') throw new Error('no compile');\n`);

const variants = [
  ['node -e 0', ['-e', '0']],
  ['empty ES module', [join(here, 'library/empty.mjs')]],
  ["import 'adiff-cli' (bundle)", [join(here, 'library/import.mjs')]],
  ["require('adiff-cli') (bundle)", [join(here, 'library/require.cjs')]],
  ['import dist/index.js (unbundled)', [unbundled]],
];
const times = variants.map(() => []);
for (let r = 0; r < rounds; r++) {
  variants.forEach(([, args], v) => {
    const t0 = process.hrtime.bigint();
    const p = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (p.status !== 0) throw new Error(`${variants[v][0]} failed: ${p.stderr}`);
    times[v].push(ms);
  });
}
rmSync(scratch, { recursive: true, force: true });
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const base = median(times[0]);
console.log(`Import time, whole process, median of ${rounds} interleaved runs (Node ${process.version}):`);
variants.forEach(([name], v) => {
  const m = median(times[v]);
  console.log(`  ${name.padEnd(34)} ${m.toFixed(1).padStart(7)} ms   ${(m / base).toFixed(2)}x node -e 0`);
});

const { compile } = await import('adiff-cli');
const f = compile('ln(x1)+x1*x2-sin(x2)');
const N = 1_000_000;
const x1 = new Float64Array(N).map((_, i) => 0.5 + (i % 1000) / 100);
const x2 = new Float64Array(N).map((_, i) => -3 + (i % 777) / 100);
const value = new Float64Array(N);
const h = [[new Float64Array(N), new Float64Array(N)], [new Float64Array(N), new Float64Array(N)]];
const g = [new Float64Array(N), new Float64Array(N)];
const rate = (run) => {
  run();
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return N / best / 1e6;
};
console.log(`\nE1 = ln(x1)+x1*x2-sin(x2) over ${N.toLocaleString('en')} points given as columns (best of 5):`);
console.log(`  f.hessianColumns   ${rate(() => f.hessianColumns([x1, x2], value, h)).toFixed(2)} M points/s`);
console.log(`  f.gradientColumns  ${rate(() => f.gradientColumns([x1, x2], value, g)).toFixed(2)} M points/s`);
