// Real subprocess runs for pipes: a reader that goes away (`| head -c1`, a closed pipe) ends adiff quietly.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/adiff.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'adiff-pipes-'));
// A formula whose --trace is about 1.5 MB: far more than a pipe buffer holds.
const file = join(tmp, 'sum.txt');
writeFileSync(file, Array.from({ length: 20000 }, (_, i) => `sin(${i}x)`).join(' + '));

describe('a closed stdout pipe ends quietly', () => {
  it('piping a long trace into head -c1: adiff exits 0 with nothing on stderr', () => {
    const script = `"${process.execPath}" "${bin}" eval --file "${file}" --at x=1 --trace 2>"${tmp}/err.txt" | head -c1 >/dev/null; echo "\${PIPESTATUS[0]}"; cat "${tmp}/err.txt"`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const [status, ...stderr] = r.stdout.split('\n');
    expect(status).toBe('0');
    expect(stderr.join('\n').trim()).toBe('');
  }, 60000);

  it('a reader that closes the pipe before the output is written: exit 0, no EPIPE, no stack trace', async () => {
    const child = spawn(process.execPath, [bin, 'eval', '--file', file, '--at', 'x=1', '--trace', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the read end goes away at once
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60000);
});

describe('a full disk is an input/output error, never a stack trace', () => {
  const points = join(tmp, 'points.csv');
  writeFileSync(points, 'x,y\n' + Array.from({ length: 20000 }, (_, i) => `${i},${i + 1}`).join('\n') + '\n');
  const cases: [string, string[]][] = [
    ['one point', ['eval', 'x*y', '--at', 'x=1,y=2', '--json']],
    ['--points (NDJSON)', ['eval', 'x*y', '--points', points]],
    ['--points --format csv', ['hessian', 'x*y', '--points', points, '--format', 'csv']],
  ];
  for (const [name, args] of cases) {
    it.runIf(process.platform === 'linux')(`${name} > /dev/full: exit 2 and one clear message`, () => {
      const quoted = args.map((a) => `'${a}'`).join(' ');
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" ${quoted} > /dev/full`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status).toBe(2);
      // One line (as JSON with --json, as the other errors are then), no stack trace.
      expect(r.stderr).toContain('cannot write to standard output: no space left on device');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }, 30000);
  }
});

describe('a very long line', () => {
  it('a 30 MB line (in a column the formula ignores) is read in linear time, from a file and from a pipe', () => {
    const long = join(tmp, 'long.csv');
    writeFileSync(long, `x,note\n1,${'a'.repeat(30e6)}\n2,b\n`);
    for (const script of [`"${process.execPath}" "${bin}" eval x --points "${long}"`, `cat "${long}" | "${process.execPath}" "${bin}" eval x --points -`]) {
      const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 10000 });
      expect(r.status, r.stderr).toBe(0); // before: about 24 s (the unfinished line was rescanned at every chunk)
      expect(r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l).value)).toEqual([1, 2]);
    }
  }, 30000);
});

describe('stdin that stays open does not keep adiff waiting once it has stopped reading', () => {
  const open = (args: string[], input: string) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.write(input); // and never ended: a producer that is idle, or a person at a terminal
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    const started = Date.now();
    return new Promise<{ code: number | null; stderr: string; stdout: string; ms: number }>((resolve) =>
      child.on('close', (code) => {
        child.stdin.destroy();
        resolve({ code, stderr, stdout, ms: Date.now() - started });
      }),
    );
  };

  it('a header without the formula\'s variable: exit 2 at once, not when the input ends', async () => {
    const r = await open(['eval', 'y', '--points', '-'], 'x\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the header (line 1) has no column for the variable 'y'");
    expect(r.ms).toBeLessThan(20000);
  }, 30000);

  it('a header with a repeated column: exit 2 at once', async () => {
    const r = await open(['eval', 'x', '--points', '-'], 'x,x\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("two columns named 'x'");
  }, 30000);
});
