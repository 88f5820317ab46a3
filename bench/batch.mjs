// `--points` for every command as a whole process, side by side in one run (interleaved repetitions, medians):
// adiff as built, the same on one thread (ADIFF_THREADS=1), and optionally another build of adiff given with
// `--before path/to/bin/adiff.js` (e.g. a git worktree of an older commit, built). Ratios are what to read.
// Run with `npm run build && node bench/batch.mjs [--points N] [--reps R] [--before BIN]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'bin', 'adiff.js');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const points = Number(arg('--points', 1e5));
const reps = Number(arg('--reps', 3));
const before = arg('--before', undefined);

const dir = mkdtempSync(join(tmpdir(), 'adiff-batch-bench-'));
const csv = join(dir, 'points.csv');
let text = 'x,y\n';
for (let i = 0; i < points; i++) text += `${0.5 + (i % 997) / 300},${(i % 991) / 150 - 3}\n`;
writeFileSync(csv, text);

const commands = [
  ['eval E1', `eval "ln(x)+x*y-sin(y)"`],
  ['eval E1 --mode forward', `eval "ln(x)+x*y-sin(y)" --mode forward`],
  ['eval, two outputs', `eval "x*y; sin(x)+y^2"`],
  ['hessian (Rosenbrock 2)', `hessian "(1-x)^2 + 100(y-x^2)^2"`],
  ['jacobian, two outputs', `jacobian "x*y; sin(x)+y^2"`],
  ['jvp, two outputs', `jvp "x*y; sin(x)+y^2" --dir x=1,y=2`],
  ['vjp, two outputs', `vjp "x*y; sin(x)+y^2" --cotangent f1=1,f2=2`],
  ['hvp (Rosenbrock 2)', `hvp "(1-x)^2 + 100(y-x^2)^2" --dir x=1,y=1`],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => Number(x.toPrecision(3)).toLocaleString('en-US');
function timed(command, env = {}) {
  const t = performance.now();
  const r = spawnSync('bash', ['-c', `${command} --points ${csv} > /dev/null`], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command}: ${r.stderr}`);
  return performance.now() - t;
}

console.log(`--points, ${fmt(points)} points, Node ${process.version}, ${cpus().length} cores, medians of ${reps}\n`);
console.log(`| command | adiff | ADIFF_THREADS=1 |${before ? ' before |' : ''} one thread / adiff |${before ? ' before / adiff |' : ''}`);
console.log(`|---|---|---|${before ? '---|' : ''}---|${before ? '---|' : ''}`);
for (const [name, args] of commands) {
  const t = { now: [], one: [], before: [] };
  for (let r = 0; r < reps; r++) {
    t.now.push(timed(`node ${bin} ${args}`));
    t.one.push(timed(`node ${bin} ${args}`, { ADIFF_THREADS: '1' }));
    if (before) t.before.push(timed(`node ${before} ${args}`));
  }
  const [now, one, old] = [median(t.now), median(t.one), before ? median(t.before) : 0];
  console.log(`| ${name} | ${fmt(now / 1000)} s | ${fmt(one / 1000)} s |${before ? ` ${fmt(old / 1000)} s |` : ''} ${fmt(one / now)}x |${before ? ` ${fmt(old / now)}x |` : ''}`);
}
