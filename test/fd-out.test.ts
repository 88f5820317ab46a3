// FdOut: standard output written straight to its file descriptor (no process.stdout at start-up), handing over to
// the real stream when stream events are wanted or the descriptor is non-blocking and full.
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FdOut, isTerminal } from '../src/cli/io.js';

const bin = fileURLToPath(new URL('../bin/adiff.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'adiff-fd-out-'));

/** A stand-in for process.stdout that records what it is given. */
class FakeStream extends EventEmitter {
  written: string[] = [];
  write(text: string | Uint8Array): boolean {
    this.written.push(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
    return true;
  }
}

describe('FdOut', () => {
  it('writes whole texts, multi-byte characters included, to the file descriptor', () => {
    const path = join(tmp, 'out.txt');
    const fd = openSync(path, 'w');
    const out = new FdOut(fd, () => {
      throw new Error('the stream is not needed');
    });
    const long = 'θ·∂'.repeat(100000);
    out.write('∂f/∂x = 6\n');
    out.write(long);
    out.write('');
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('∂f/∂x = 6\n' + long);
    expect(out.isTTY).toBe(false);
  });

  it('hands over to the real stream at the first stream event, after what was written, and only once', () => {
    const path = join(tmp, 'handover.txt');
    const fd = openSync(path, 'w');
    const fake = new FakeStream();
    let opened = 0;
    const out = new FdOut(fd, () => {
      opened++;
      return fake as unknown as NodeJS.WriteStream;
    });
    out.write('before\n');
    const onError = () => {};
    out.on('error', onError);
    out.write('after\n');
    out.once('drain', () => {});
    out.off('error', onError);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('before\n');
    expect(fake.written).toEqual(['after\n']);
    expect(opened).toBe(1);
    expect(fake.listenerCount('drain')).toBe(1);
    expect(fake.listenerCount('error')).toBe(0);
    expect(out.stream()).toBe(fake);
  });

  it('a regular file and /dev/null are not terminals', () => {
    const fd = openSync(join(tmp, 'plain.txt'), 'w');
    expect(isTerminal(fd)).toBe(false);
    closeSync(fd);
    if (existsSync('/dev/null')) {
      const devNull = openSync('/dev/null', 'w');
      expect(isTerminal(devNull)).toBe(false);
      closeSync(devNull);
    }
  });
});

describe('bin/adiff.js output', () => {
  it.skipIf(!existsSync('/dev/full'))('a full device is an input/output error (exit 2, one line), not a crash', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" eval "x^2" --at x=3 > /dev/full`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('adiff: error: cannot write to standard output: no space left on device\n');
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript || process.platform !== 'linux')('a terminal is recognised as one (colour), a pipe is not (no colour)', () => {
    const env = { ...process.env, TERM: 'xterm', NO_COLOR: '', FORCE_COLOR: undefined };
    delete env.FORCE_COLOR;
    const onTerminal = spawnSync('script', ['-qec', `"${process.execPath}" "${bin}" eval "x^2" --at x=3`, '/dev/null'], { encoding: 'utf8', env, timeout: 20000 });
    expect(onTerminal.stdout).toContain('\u001b[');
    expect(onTerminal.stdout.replace(/\u001b\[[0-9;]*m/g, '').replace(/\r/g, '')).toBe('f     = 9\n∂f/∂x = 6\n');
    const piped = spawnSync(process.execPath, [bin, 'eval', 'x^2', '--at', 'x=3'], { encoding: 'utf8', env });
    expect(piped.stdout).toBe('f     = 9\n∂f/∂x = 6\n');
  });

  const hasPython = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!hasPython || process.platform === 'win32')(
    'a non-blocking stdout pipe that fills up (EAGAIN) still receives the whole output, in order',
    () => {
      // A trace of about 1.5 MB, far more than a pipe holds; the reader waits before reading.
      const file = join(tmp, 'sum.txt');
      writeFileSync(file, Array.from({ length: 20000 }, (_, i) => `sin(${i}x)`).join(' + '));
      const args = [bin, 'eval', '--file', file, '--at', 'x=1', '--trace'];
      const plain = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, NO_COLOR: '1' } });
      expect(plain.status).toBe(0);
      const script = [
        'import fcntl, os, subprocess, sys, time',
        'r, w = os.pipe()',
        'fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)',
        'p = subprocess.Popen(sys.argv[1:], stdout=w)',
        'os.close(w)',
        'time.sleep(0.5)',
        'chunks = []',
        'while True:',
        '    b = os.read(r, 65536)',
        '    if not b: break',
        '    chunks.append(b)',
        'sys.stdout.buffer.write(b"".join(chunks))',
        'sys.exit(p.wait())',
      ].join('\n');
      const r = spawnSync('python3', ['-c', script, process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, NO_COLOR: '1' } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(1 << 20);
      expect(r.stdout).toBe(plain.stdout);
    },
    60000,
  );
});
