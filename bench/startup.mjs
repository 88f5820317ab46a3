// Start-up as a whole process: `adiff eval "ln(x1)+x1*x2-sin(x2)" --at x1=2,x2=5` against `node -e 0`, and against
// other builds of adiff side by side (e.g. a copy of the previous build's bin/ and dist/), in interleaved runs so
// that the machine's load hits every command alike. Prints medians, quartiles and ratios to `node -e 0`.
//
// Usage: node bench/startup.mjs [--runs 41] [--stdout pipe|null|file] [--cpu] [label=path/to/bin/adiff.js ...]
//   --stdout pipe: stdout is a pipe read by this script (as in `adiff ... | cat`; Node builds a pipe stream);
//   --stdout null: stdout is /dev/null (as hyperfine does); --stdout file: a regular file;
//   --stdout tty: a pseudo-terminal (each command runs under `script`, whose own cost is in every time).
//   --cpu: measure each process's CPU time (user + system, from bash's `times`, in ms) instead of its wall time:
//   less sensitive to a loaded machine, which stretches wall times unevenly.
//   Without labels, it runs this checkout's bin/adiff.js as `adiff`. Run `npm run build` first.
//   Every adiff run's output is checked against the first one's (a broken build must not look fast).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let runs = 41;
let stdoutMode = 'pipe';
let cpu = false;
const bins = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--runs') runs = Number(args[++i]);
  else if (a === '--stdout') stdoutMode = args[++i];
  else if (a === '--cpu') cpu = true;
  else if (a.includes('=')) bins.push([a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]);
  else throw new Error(`unknown argument ${a}`);
}
if (!['pipe', 'null', 'file', 'tty'].includes(stdoutMode)) throw new Error('--stdout is pipe, null, file or tty');
if (stdoutMode === 'tty' && cpu) throw new Error('--cpu does not go with --stdout tty');
if (bins.length === 0) bins.push(['adiff', join(here, '..', 'bin', 'adiff.js')]);

const formula = ['eval', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5'];
const commands = [['node -e 0', ['-e', '0']], ...bins.map(([label, bin]) => [label, [bin, ...formula]])];

const dir = mkdtempSync(join(tmpdir(), 'adiff-startup-'));
const outFile = join(dir, 'out.txt');
/** Runs one command; returns its wall time (or CPU time) in ms and its output (for the check). */
function once(argv) {
  let target;
  let fd;
  if (stdoutMode === 'pipe' || stdoutMode === 'tty') target = 'pipe';
  else target = fd = openSync(stdoutMode === 'null' ? '/dev/null' : outFile, 'w');
  const quote = (a) => `'${a.replace(/'/g, `'\\''`)}'`;
  let r;
  let ms;
  if (cpu) {
    // The process writes to fd 3 (the chosen stdout); bash reports its children's CPU time on its own stdout.
    const script = '"$0" "$@" 1>&3 3>&-; s=$?; times; exit $s';
    r = spawnSync('bash', ['-c', script, process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'pipe', target], encoding: 'utf8' });
    const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stdout ?? '');
    if (!m) throw new Error(`no times output: ${r.stdout}`);
    ms = (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
  } else {
    const [file, args] = stdoutMode === 'tty' ? ['script', ['-qec', [process.execPath, ...argv].map(quote).join(' '), '/dev/null']] : [process.execPath, argv];
    const t = performance.now();
    r = spawnSync(file, args, { stdio: ['ignore', target, 'pipe'], encoding: 'utf8' });
    ms = performance.now() - t;
  }
  if (fd !== undefined) closeSync(fd);
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const out =
    stdoutMode === 'pipe' ? (cpu ? r.output[3] : r.stdout)
    : stdoutMode === 'file' ? readFileSync(outFile, 'utf8')
    : stdoutMode === 'tty' ? r.stdout.replace(/\u001b\[[0-9;]*m|\r/g, '')
    : undefined;
  return { ms, out };
}

const times = new Map(commands.map(([label]) => [label, []]));
const expected = new Map();
// Two warm-up rounds (file cache), then `runs` interleaved rounds, the order rotating each round.
for (let round = -2; round < runs; round++) {
  for (let k = 0; k < commands.length; k++) {
    const [label, argv] = commands[(k + Math.max(round, 0)) % commands.length];
    const { ms, out } = once(argv);
    if (label !== 'node -e 0' && out !== undefined) {
      if (!expected.has('adiff')) expected.set('adiff', out);
      else if (out !== expected.get('adiff')) throw new Error(`${label} printed something else:\n${out}\nnot\n${expected.get('adiff')}`);
    }
    if (round >= 0) times.get(label).push(ms);
  }
}
rmSync(dir, { recursive: true, force: true });

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};
const base = quantile(times.get('node -e 0'), 0.5);
console.log(`${runs} interleaved runs each, stdout: ${stdoutMode}, ${cpu ? 'CPU time (user + system)' : 'wall time'}, ${process.version}`);
// Besides the ratio of the medians, the median of each round's own ratio (the runs of one round are close in time,
// so a load that comes and goes cancels in them).
console.log('| process | median | quartiles | ratio of medians to `node -e 0` | median of per-round ratios |');
console.log('|---|---|---|---|---|');
const nodeTimes = times.get('node -e 0');
for (const [label, argv] of commands) {
  const xs = times.get(label);
  const med = quantile(xs, 0.5);
  const paired = quantile(xs.map((x, i) => x / nodeTimes[i]), 0.5);
  const name = label === 'node -e 0' ? label : `${label}: ${argv[0].replace(/.*?([^/]+\/[^/]+\/[^/]+)$/, '$1')} eval …`;
  console.log(`| ${name} | ${med.toFixed(1)} ms | ${quantile(xs, 0.25).toFixed(1)}–${quantile(xs, 0.75).toFixed(1)} ms | ${(med / base).toFixed(2)}x | ${paired.toFixed(2)}x |`);
}
