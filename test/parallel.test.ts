// `--points` on several threads (parallel.ts) must write exactly what one thread writes: the same lines in the
// same order, the same stderr, the same exit code, whatever the input's shape and wherever its chunks are cut.
// The workers exist only in the bundled CLI, so these run bin/adiff.js (built by `npm test`'s pretest) with
// ADIFF_PARALLEL_AFTER=0 (workers from the first chunk on) against ADIFF_THREADS=1 (the main thread only).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countLines, recordBoundary, threadCount } from '../src/cli/parallel.js';

const bin = fileURLToPath(new URL('../bin/adiff.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'adiff-parallel-'));
const run = (args: string[], env: Record<string, string>, input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1', ...env } });
const ONE = { ADIFF_THREADS: '1' };
const MANY = { ADIFF_THREADS: '3', ADIFF_PARALLEL_AFTER: '0' };
// LATE: from standard input, workers take over part way through; a file of that size starts them after its header.
const LATE = { ADIFF_THREADS: '2', ADIFF_PARALLEL_AFTER: '100000' };

/** Runs one command single-threaded and on several threads; both must agree exactly. */
function same(args: string[], input?: string) {
  const one = run(args, ONE, input);
  expect(one.stderr).not.toMatch(/\n\s+at /);
  expect([0, 1], one.stderr).toContain(one.status); // points were evaluated (1: some of them are bad)
  expect(one.stdout.length).toBeGreaterThan(10000);
  for (const env of [MANY, LATE]) {
    const many = run(args, env, input);
    expect(many.stdout, `stdout with ${JSON.stringify(env)}`).toBe(one.stdout);
    expect(many.stderr, `stderr with ${JSON.stringify(env)}`).toBe(one.stderr);
    expect(many.status).toBe(one.status);
  }
  return one;
}

/** A CSV of `n` points (a few hundred kB: several 64 kB chunks), with the oddities a reader must survive. */
function oddCsv(n: number): string {
  const rows = ['x1,note,x2'];
  for (let i = 0; i < n; i++) {
    const a = (0.5 + (i % 97) / 13).toString();
    const b = ((i * 7) % 89 / 11).toString();
    if (i % 1009 === 5) rows.push(`${a},"a quoted note,\nover two lines ""with quotes""",${b}`);
    else if (i % 1013 === 7) rows.push(`${a},x,not-a-number`);
    else if (i % 997 === 3) rows.push('');
    else if (i % 991 === 1) rows.push(`${a},only two`);
    else if (i % 983 === 2) rows.push(`1.50,"q",${b}\r`);
    else if (i % 977 === 4) rows.push(`Infinity,,-inf`);
    else rows.push(`${a},,${b}`);
  }
  return rows.join('\n');
}

describe('recordBoundary, countLines, threadCount', () => {
  it('cuts after the last line break outside quotes', () => {
    expect(recordBoundary('a,b\n1,2\n3,', true)).toBe(8);
    expect(recordBoundary('a,b\n1,"x\ny",2\n3', true)).toBe(14);
    expect(recordBoundary('1,"x\ny\n', true)).toBe(0); // the quote is still open
    expect(recordBoundary('1,"x""\n', true)).toBe(0); // "" is an escaped quote: still open
    expect(recordBoundary('{"a":"\\"x"}\n{"a"', false)).toBe(12);
    expect(recordBoundary('no break', true)).toBe(0);
    expect(countLines('a\nb\r\n\nc')).toBe(3);
  });
  it('threadCount: ADIFF_THREADS when set; else 2 for a file on two cores or more, 1 (no workers) for a pipe', () => {
    expect(threadCount({ ADIFF_THREADS: '1' }, true)).toBe(0);
    expect(threadCount({ ADIFF_THREADS: '3' }, false)).toBe(3);
    expect(threadCount({}, false)).toBe(0);
    expect(threadCount({}, true)).toBe(availableParallelism() >= 2 ? 2 : 0);
  });
});

describe('--points on several threads writes what one thread writes', { timeout: 60000 }, () => {
  const csv = join(dir, 'odd.csv');
  writeFileSync(csv, oddCsv(30000));
  it('eval: NDJSON out, bad points, quoted multi-line records, CRLF, blank lines', () => {
    const one = same(['eval', 'ln(x1)+x1*x2-sin(x2)', '--points', csv]);
    expect(one.status).toBe(1);
    expect(one.stdout.split('\n').length - 1).toBeGreaterThan(29000);
  });
  it('eval: CSV out (errors reported on stderr in order), --wrt, --at for a missing column', () => {
    same(['eval', 'ln(x1)+x1*x2-sin(x2)+y', '--points', csv, '--format', 'csv', '--wrt', 'x2', '--at', 'y=2']);
  });
  it('eval: forward mode, from standard input, without a final line break', () => {
    same(['eval', 'x1^2*x2', '--mode', 'forward', '--points', '-'], oddCsv(20000));
  });
  it('eval: an unclosed quote at the end of the input', () => {
    same(['eval', 'x1*x2', '--points', '-'], oddCsv(20000) + '\n1,"open,2\n3,4\n');
  });
  it('NDJSON input, with bad lines', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20000; i++) lines.push(i % 1000 === 9 ? '{"x1": "oops"}' : i % 1001 === 8 ? 'not json' : `{"x1": ${1 + (i % 50) / 7}, "x2": ${(i % 31) / 3}, "s": "a\\"b"}`);
    same(['eval', 'x1/x2', '--points', '-'], lines.join('\r\n') + '\r\n');
  });
  const small = join(dir, 'small.csv');
  writeFileSync(small, oddCsv(8000)); // two chunks and a bit
  it.each([
    ['hessian', 'x1^3*x2 - sin(x2)'],
    ['jacobian', 'x1*x2; sin(x1)+x2^2'],
    ['jvp', 'x1*x2; sin(x1)', '--dir', 'x1=1,x2=2'],
    ['vjp', 'x1*x2; sin(x1)', '--cotangent', 'f1=1,f2=-1'],
    ['hvp', 'x1^2*x2^3', '--dir', 'x1=1,x2=-1'],
  ])('%s', (...args) => {
    same([...args, '--points', small]);
  }, 60000);
  it('on ten threads into a pipe: the same output, and nothing from Node on stderr (no listener warnings)', () => {
    const one = run(['eval', 'x1*x2', '--points', csv], ONE);
    const ten = run(['eval', 'x1*x2', '--points', csv], { ADIFF_THREADS: '10', ADIFF_PARALLEL_AFTER: '0' });
    expect(ten.stdout).toBe(one.stdout);
    expect(ten.stderr).toBe(one.stderr);
    expect(ten.stderr).not.toMatch(/MaxListeners|\(node:/);
  });
  it('stops quietly when the reader goes away', () => {
    const r = spawnSync('bash', ['-c', `node ${bin} eval "x1*x2" --points ${csv} | head -n 3`], { encoding: 'utf8', env: { ...process.env, ...MANY } });
    expect(r.stdout.split('\n')).toHaveLength(4);
    expect(r.stderr).toBe('');
  });
});

describe('the workers really run', () => {
  /** The number of OS threads of an adiff reading points from a pipe, once it has answered the first points. */
  async function threadsWhileRunning(env: Record<string, string>): Promise<number> {
    const child = spawn(process.execPath, [bin, 'eval', 'x1*x2', '--points', '-'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
    let seen = 0;
    const answered = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((seen += d.length) > 0 ? resolve() : undefined)));
    child.stdin.write(oddCsv(5000) + '\n');
    await answered;
    await new Promise((r) => setTimeout(r, 300)); // the workers start after the first chunk
    child.stdin.write(oddCsv(5000).slice(11) + '\n');
    await new Promise((r) => setTimeout(r, 300));
    const count = readdirSync(`/proc/${child.pid}/task`).length;
    child.stdin.end();
    await new Promise((r) => child.on('close', r));
    return count;
  }
  it.runIf(existsSync('/proc/self/task'))('ADIFF_THREADS=3 starts two worker threads', async () => {
    const one = await threadsWhileRunning(ONE);
    const many = await threadsWhileRunning(MANY);
    expect(many - one, `${one} threads against ${many}`).toBeGreaterThanOrEqual(2);
  }, 30000);
  /** The most OS threads seen while adiff reads a file of points. */
  async function threadsOnFile(env: Record<string, string>, file: string): Promise<number> {
    const child = spawn(process.execPath, [bin, 'eval', 'x1*x2', '--points', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    let most = 0;
    const timer = setInterval(() => {
      try {
        most = Math.max(most, readdirSync(`/proc/${child.pid}/task`).length);
      } catch {
        // finished
      }
    }, 20);
    await new Promise((r) => child.on('close', r));
    clearInterval(timer);
    return most;
  }
  it.runIf(existsSync('/proc/self/task') && availableParallelism() >= 2)('by default, a large file of points starts one worker thread', async () => {
    const file = join(dir, 'large.csv');
    writeFileSync(file, oddCsv(400000)); // about 6 MB: past the 4 MB after which workers start
    const one = await threadsOnFile(ONE, file);
    const auto = await threadsOnFile({}, file);
    expect(auto - one, `${one} threads against ${auto}`).toBeGreaterThanOrEqual(1);
  }, 60000);
});

describe('Ctrl-C on several threads', () => {
  it('exits 130 having written every line it finished, whole and in order', async () => {
    const child = spawn(process.execPath, [bin, 'eval', 'x1*x2', '--points', '-'], { env: { ...process.env, ...MANY }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const rows = ['x1,x2'];
    for (let i = 0; i < 30000; i++) rows.push(`${i},2`);
    child.stdin.write(rows.join('\n') + '\n'); // the stream stays open: adiff waits for more
    while (stdout.split('\n').length < 20000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    const lines = stdout.split('\n');
    expect(lines.pop()).toBe(''); // ends with a whole line
    lines.forEach((l, i) => expect(JSON.parse(l).value).toBe(2 * i));
    expect(stderr).toBe(`adiff: interrupted after ${lines.length} points\n`);
  }, 30000);
});

describe('outside the bundle', () => {
  it('the ES-module build (dist/cli/main.js, no workers possible) runs --points on the main thread', () => {
    const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
    const script = `import { main, processIo } from ${JSON.stringify(main)}; process.exitCode = await main(process.argv.slice(1), processIo());`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, 'eval', 'x1*x2', '--points', '-'], {
      input: oddCsv(3000),
      encoding: 'utf8',
      env: { ...process.env, ADIFF_PARALLEL_AFTER: '0' }, // threads from the core count, as by default
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stdout).toBe(run(['eval', 'x1*x2', '--points', '-'], ONE, oddCsv(3000)).stdout);
  });
});
