// `adiff eval --points`: streaming batch evaluation, in-process with fake streams, plus a few real processes.
// Expected numbers are hand-derived (f = ln x1 + x1 x2 - sin x2; ∂1 = 1/x1 + x2; ∂2 = x1 - cos x2).
import { EventEmitter } from 'node:events';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { Io } from '../src/cli/io.js';
import { csvRecordBoundary, MAX_OPEN_RECORD, parseJsonLine, parseNumber, PointParser, quoteOpenAfter, readPoints, splitCsv } from '../src/cli/points.js';
import { Progress } from '../src/cli/run-points.js';
import { fakeIo, run } from './helpers/cli.js';

const E1 = 'ln(x1)+x1*x2-sin(x2)';
const f = (a: number, b: number) => Math.log(a) + a * b - Math.sin(b);
const g = (a: number, b: number) => [1 / a + b, a - Math.cos(b)];
const lines = (s: string) => s.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const num = (v: unknown) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : (v as number));

describe('reading points', () => {
  it('parses numbers strictly, with NaN and infinities', () => {
    expect(parseNumber('2.5')).toBe(2.5);
    expect(parseNumber('-1e-3')).toBe(-0.001);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber(' 7 ')).toBe(7);
    expect(parseNumber('NaN')).toBeNaN();
    expect(parseNumber('Infinity')).toBe(Infinity);
    expect(parseNumber('-Infinity')).toBe(-Infinity);
    expect(parseNumber('-inf')).toBe(-Infinity);
    for (const bad of ['', ' ', '0x10', '0b1', '0o7', '1_000', 'abc', '1e', '--1', '1,5']) expect(parseNumber(bad), bad).toBeUndefined();
  });

  it('reads NDJSON lines with bare NaN and infinities (as Python writes them), never inside strings', () => {
    expect(parseJsonLine('{"x": NaN, "y": -Infinity, "z": Infinity, "w": +Infinity}')).toEqual({ value: { x: 'NaN', y: '-Infinity', z: 'Infinity', w: 'Infinity' } });
    expect(parseJsonLine('{"s": "NaN \\" Infinity", "x": [NaN]}')).toEqual({ value: { s: 'NaN " Infinity', x: ['NaN'] } });
    expect(parseJsonLine('{"NaN": 1}')).toEqual({ value: { NaN: 1 } }); // well-formed: untouched
    expect(parseJsonLine('"abc"')).toEqual({ value: 'abc' }); // a JSON string is a value, not an error message
    const error = (text: string) => (parseJsonLine(text) as { error: string }).error;
    for (const bad of ['{"x": NaNa}', '{"x": xNaN}', '{"x": -NaN}', '{"x": Inf}']) expect(error(bad), bad).toMatch(/^not valid JSON/);
    // Where a line fails, the message says why and at which column (1-based) when V8 says where.
    expect(error('{"x": 1,}')).toMatch(/^not valid JSON: expected double-quoted property name, at column 9/);
    expect(error('{"x" 1}')).toMatch(/at column 6/);
  });

  it('splits quoted CSV fields', () => {
    expect(splitCsv('a,"b,c","d ""e"""')).toEqual(['a', 'b,c', 'd "e"']);
    expect(splitCsv('1,2,')).toEqual(['1', '2', '']);
  });

  it('gives the same points however the bytes are split into chunks (BOM, CRLF, UTF-8, quotes)', async () => {
    const text = '\uFEFFθ,"x,name",y\r\n1,"2",3\r\n\r\n"4",5,"6\r\n7"\r\n-1,NaN,Infinity';
    const bytes = new TextEncoder().encode(text);
    const collect = async (chunks: Uint8Array[]) => {
      const out: string[] = [];
      async function* gen() {
        yield* chunks;
      }
      for await (const b of readPoints(gen(), { names: ['θ', 'y'], needed: [true, true], label: 't', blockSize: 2 })) {
        for (let i = 0; i < b.count; i++) out.push(`${b.lines[i]}:${b.errors[i] ?? `${b.columns[0]![i]},${b.columns[1]![i]}`}`);
      }
      return out;
    };
    const whole = await collect([bytes]);
    expect(whole).toEqual(['2:1,3', "4:the value of 'y' is not a number: \"6\\n7\"", '6:-1,Infinity']);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await collect([bytes.slice(0, cut), bytes.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    }
    expect(await collect([...bytes].map((b) => Uint8Array.of(b)))).toEqual(whole);
  });
});

describe('adiff eval --points', () => {
  it('evaluates every CSV point in order; extra columns are ignored; bad points give error lines', async () => {
    const csv = 'x2,note,x1\n5,"a, b",2\n0,,1\n2,x,-1\n1,y,abc\n1,z\n\n';
    const t = await run(['eval', E1, '--points', 'p.csv'], { files: { 'p.csv': csv } });
    expect(t.code).toBe(1);
    const out = lines(t.stdout);
    expect(out).toHaveLength(5);
    expect(Object.keys(out[0])).toEqual(['expression', 'at', 'value', 'gradient', 'mode']); // as the single-point --json object
    expect(out[0].expression).toBe(E1);
    expect(out[0].mode).toBe('reverse');
    expect(out[0].at).toEqual({ x1: 2, x2: 5 });
    expect(out[0].value).toBeCloseTo(f(2, 5), 12);
    expect(out[0].gradient.x1).toBeCloseTo(g(2, 5)[0]!, 12);
    expect(out[0].gradient.x2).toBeCloseTo(g(2, 5)[1]!, 12);
    expect(out[1].value).toBe(0); // ln 1 + 0 - sin 0
    expect(out[1].gradient).toEqual({ x1: 1, x2: 0 }); // 1/1 + 0, 1 - cos 0
    expect(out[2].value).toBe('NaN'); // ln(-1)
    expect(out[2].gradient.x1).toBeCloseTo(1, 14); // 1/(-1) + 2
    expect(out[3]).toEqual({ error: { kind: 'input', message: `the value of 'x1' is not a number: "abc"`, line: 5 } });
    expect(out[4].error.line).toBe(6);
    expect(out[4].error.message).toMatch(/expected 3 values/);
    expect(t.stderr).toMatch(/2 of 5 points could not be evaluated/);
  });

  it('reads NDJSON (detected, or forced), with string NaN/Infinity, and reports missing variables', async () => {
    const nd = '{"x1": 1, "x2": 0}\n{"x1": "Infinity", "x2": 1, "z": true}\n{"x2": 1}\n[1,2]\n{"x1": 1, "x2": null}\n';
    for (const extra of [[], ['--input-format', 'ndjson']]) {
      const t = await run(['eval', E1, '--points', '-', ...extra], { stdin: nd });
      expect(t.code).toBe(1);
      const out = lines(t.stdout);
      expect(out).toHaveLength(5);
      expect(out[0].value).toBe(0);
      expect(out[1].at.x1).toBe('Infinity');
      expect(num(out[1].value)).toBe(Infinity); // ln ∞ + ∞·1 - sin 1
      expect(out[2].error).toEqual({ kind: 'input', message: "no value for 'x1'", line: 3 });
      expect(out[3].error.message).toMatch(/not a JSON object/);
      expect(out[4].error.message).toMatch(/'x2' is not a number/);
    }
  });

  it('--strict with both a failed point and a non-finite one: both are reported, exit 1', async () => {
    // 1/x at 0 is Infinity (line 2); "foo" fails (line 3)
    const t = await run(['eval', '1/x', '--points', '-', '--strict'], { stdin: 'x\n0\nfoo\n1\n' });
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('1 of 3 points could not be evaluated');
    expect(t.stderr).toContain('--strict: 1 of 3 points has a value or derivative that is NaN or infinite (the first at <stdin>, line 2)');
  });

  it('a line that is a JSON string is "not a JSON object", never its own text as the message', async () => {
    const t = await run(['eval', 'x', '--points', '-'], { stdin: '{"x": 1}\n"abc"\n""\n"adiff: warning: forged"\n' });
    expect(t.code).toBe(1);
    const out = lines(t.stdout);
    expect(out).toHaveLength(4);
    for (const o of out.slice(1)) expect(o.error.message).toMatch(/^not a JSON object/);
    const csv = await run(['eval', 'x', '--points', '-', '--format', 'csv'], { stdin: '{"x": 1}\n"adiff: warning: forged"\n' });
    expect(csv.stderr).not.toContain('forged');
  });

  it('reads bare NaN, Infinity and -Infinity in NDJSON, as the README says', async () => {
    const nd = '{"x1": Infinity, "x2": 1}\n{"x1": NaN, "x2": 1}\n{"x1": 1, "x2": -Infinity}\n';
    const t = await run(['eval', E1, '--points', '-'], { stdin: nd });
    expect(t.code).toBe(0);
    const out = lines(t.stdout);
    expect(out).toHaveLength(3);
    // ln ∞ + ∞·1 − sin 1 = ∞; ∂1 = 1/∞ + 1 = 1; ∂2 = ∞ − cos 1 = ∞.
    expect(out[0].at).toEqual({ x1: 'Infinity', x2: 1 });
    expect(out[0].value).toBe('Infinity');
    expect(out[0].gradient).toEqual({ x1: 1, x2: 'Infinity' });
    expect(out[1].value).toBe('NaN');
    expect(out[2].at).toEqual({ x1: 1, x2: '-Infinity' });
  });

  it('writes CSV with --format csv, and takes --wrt and --at defaults', async () => {
    const t = await run(['eval', E1, '--points', 'p.csv', '--format', 'csv', '--wrt', 'x2', '--at', 'x2=0'], { files: { 'p.csv': 'x1\n1\n2\n' } });
    expect(t.code).toBe(0);
    // x2 = 0: f = ln x1, ∂f/∂x2 = x1 - 1
    expect(t.stdout).toBe(`value,d/dx2\n0,0\n${Math.log(2)},1\n`);
  });

  it('evaluates the output of a program and exits 3 with --strict on a non-finite result', async () => {
    const t = await run(['eval', 'y = sqrt(x)', '--points', 'p.csv', '--strict'], { files: { 'p.csv': 'x\n4\n0\n' } });
    expect(t.code).toBe(3);
    const out = lines(t.stdout);
    expect(out[0]).toEqual({ expression: 'y = sqrt(x)', at: { x: 4 }, value: 2, gradient: { x: 0.25 }, mode: 'reverse' });
    expect(out[1]).toEqual({ expression: 'y = sqrt(x)', at: { x: 0 }, value: 0, gradient: { x: 'Infinity' }, mode: 'reverse' });
  });

  it('rejects unusable input as a whole with exit 2', async () => {
    const missing = await run(['eval', E1, '--points', 'p.csv'], { files: { 'p.csv': 'x1,y\n1,2\n' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no column for the variable 'x2'/);
    expect(missing.stdout).toBe('');
    expect((await run(['eval', E1, '--points', 'p.csv'], { files: { 'p.csv': '\n\n' } })).stderr).toMatch(/no points/);
    expect((await run(['eval', E1, '--points', 'nope.csv'])).stderr).toMatch(/cannot read 'nope.csv': no such file/);
    expect((await run(['eval', E1, '--points', 'p.csv', '--input-format', 'xml'], { files: { 'p.csv': 'x1,x2\n' } })).code).toBe(2);
    expect((await run(['eval', E1, '--points', 'p.csv', '--trace'], { files: { 'p.csv': 'x1,x2\n' } })).code).toBe(2);
  });

  it('stops quietly (exit 0) when stdout is closed by its reader', async () => {
    const { io } = fakeIo();
    const stdout = Object.assign(new EventEmitter(), {
      writes: 0,
      write(_s: string) {
        if (++this.writes === 2) queueMicrotask(() => (this as unknown as EventEmitter).emit('error', Object.assign(new Error('EPIPE'), { code: 'EPIPE' })));
        return true;
      },
    });
    let served = 0;
    const big: Io = {
      ...io,
      stdout,
      openFile: async () => ({
        chunks: (async function* () {
          yield new TextEncoder().encode('x1,x2\n');
          for (served = 0; served < 1000; served++) yield new TextEncoder().encode('1,2\n'.repeat(100));
        })(),
      }),
    };
    expect(await main(['eval', E1, '--points', 'big.csv'], big)).toBe(0);
    expect(served).toBeLessThan(10);
  });

  it('waits for drain when stdout is full, keeping every line in order', async () => {
    const { io } = fakeIo();
    let text = '';
    const stdout = Object.assign(new EventEmitter(), {
      write(s: string | Uint8Array) {
        text += typeof s === 'string' ? s : new TextDecoder().decode(s);
        setTimeout(() => stdout.emit('drain'), 1);
        return false;
      },
    });
    const csv = 'x1,x2\n' + Array.from({ length: 3000 }, (_, i) => `${i + 1},0\n`).join('');
    expect(await main(['eval', E1, '--points', 'p.csv'], { ...io, stdout, readFile: async () => new TextEncoder().encode(csv) })).toBe(0);
    const out = lines(text);
    expect(out).toHaveLength(3000);
    out.forEach((o, i) => expect(o.at.x1).toBe(i + 1));
  });

  it('stops on Ctrl-C with exit 130 after writing every finished line', async () => {
    const { io, out, err } = fakeIo();
    let interrupt: (() => void) | undefined;
    const stdin = (async function* () {
      yield new TextEncoder().encode('x1,x2\n1,2\n2,3\n');
      interrupt!();
      await new Promise(() => {}); // the input never ends: Ctrl-C must not wait for it
    })();
    const code = await main(['eval', E1, '--points', '-'], { ...io, stdinChunks: () => stdin, onInterrupt: (h) => ((interrupt = h), () => (interrupt = undefined)) });
    expect(code).toBe(130);
    expect(lines(out())).toHaveLength(2);
    expect(err()).toMatch(/interrupted after 2 points/);
    expect(interrupt).toBeUndefined(); // the handler was removed
  });

  it('draws progress only after a second, and clears it', () => {
    let now = 0;
    let text = '';
    const p = new Progress({ write: (s: string) => (text += s), isTTY: true }, 1000, () => now);
    now = 500;
    p.update(10, 100);
    expect(text).toBe('');
    now = 2000;
    p.update(1000, 250);
    // 1000 points in 2 s; 750 bytes left at 250 bytes per 2 s
    expect(text).toBe('\r\x1b[2Kadiff: 1,000 points, 500 points/s, about 6 s left');
    p.clear();
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('with stdout on the same terminal, the progress line is taken off before output and never sticks to it', async () => {
    // One terminal for both streams: '\r\x1b[2K' erases the current line, '\n' ends it.
    const screen: string[] = [''];
    const show = (s: string | Uint8Array) => {
      const text = typeof s === 'string' ? s : new TextDecoder().decode(s);
      for (const part of text.split(/(\r\x1b\[2K|\n)/)) {
        if (part === '\r\x1b[2K') screen[screen.length - 1] = '';
        else if (part === '\n') screen.push('');
        else screen[screen.length - 1] += part;
      }
      return true;
    };
    const { io } = fakeIo({ stdoutIsTTY: true, stderrIsTTY: true });
    io.stdout = { write: show, isTTY: true };
    io.stderr = { write: show, isTTY: true };
    // points arrive slowly: the second chunk after more than a second, so a progress line is drawn in between
    io.stdinChunks = async function* () {
      yield new TextEncoder().encode('x\n1\n2\n');
      await new Promise((r) => setTimeout(r, 1300));
      yield new TextEncoder().encode('3\n4\n');
      await new Promise((r) => setTimeout(r, 300));
      yield new TextEncoder().encode('5\n');
    };
    expect(await main(['eval', 'x', '--points', '-'], io)).toBe(0);
    const rows = screen.filter((l) => l !== '');
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r).toMatch(/^\{"expression"/);
  }, 10000);

  it('never writes progress when stderr is not a terminal', async () => {
    const t = await run(['eval', E1, '--points', 'p.csv'], { files: { 'p.csv': 'x1,x2\n1,2\n' } });
    expect(t.stderr).toBe('');
  });
});

describe('adiff eval --points, real processes', () => {
  const bin = join(__dirname, '..', 'bin', 'adiff.js');
  const dir = mkdtempSync(join(tmpdir(), 'adiff-batch-'));
  const big = join(dir, 'big.csv');
  writeFileSync(big, 'x1,x2\n' + '1.5,2.5\n'.repeat(200000));

  it('ends quietly with exit 0 when `head` closes the pipe early', () => {
    const shown = spawnSync('bash', ['-c', `node "${bin}" eval "${E1}" --points "${big}" | head -n 3; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(shown.stdout.trim().split('\n')).toHaveLength(4);
    expect(shown.stdout).toMatch(/status=0/);
    expect(shown.stderr).toBe('');
  });

  it('stops on SIGINT with exit 130, having written the lines it finished', async () => {
    const child = spawn('node', [bin, 'eval', E1, '--points', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.write('x1,x2\n1,2\n2,3\n');
    while (stdout.split('\n').length < 3) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(lines(stdout)).toHaveLength(2);
    expect(stderr).toMatch(/interrupted after 2 points/);
  });
});

describe('CSV quotes (RFC 4180, as Python csv reads them)', () => {
  /** Each point read from `text` as `line:x,y` or `line:error`, or `throws: message`. */
  const read = async (text: string, names = ['x', 'y']) => {
    const out: string[] = [];
    async function* gen() {
      yield new TextEncoder().encode(text);
    }
    try {
      for await (const b of readPoints(gen(), { names, needed: names.map(() => true), label: 't' })) {
        for (let i = 0; i < b.count; i++) out.push(`${b.lines[i]}:${b.errors[i] ?? b.columns.map((c) => c[i]).join(',')}`);
      }
    } catch (e) {
      out.push(`throws: ${(e as Error).message}`);
    }
    return out;
  };

  it('quotes a field only when it starts with a quote; "" is a quote; text after the closing quote is kept', () => {
    expect(splitCsv('1,2,5" screen')).toEqual(['1', '2', '5" screen']);
    expect(splitCsv('a"b,"c,d"')).toEqual(['a"b', 'c,d']);
    expect(splitCsv('"a ""b""",""""')).toEqual(['a "b"', '"']);
    expect(splitCsv('"",x,""')).toEqual(['', 'x', '']);
    expect(splitCsv('"1"5,"a"b",z')).toEqual(['15', 'ab"', 'z']); // after the closing quote: literal, up to the comma
    expect(splitCsv(' "a",b')).toEqual([' "a"', 'b']); // a space first: not quoted (no skipinitialspace)
    expect(splitCsv('"x\ny",2')).toEqual(['x\ny', '2']);
    // Whether a record goes on past the end of the line (open: the line began inside a quoted field).
    expect(quoteOpenAfter('1,2,5" screen', false)).toBe(false);
    expect(quoteOpenAfter('1,"x', false)).toBe(true);
    expect(quoteOpenAfter('1,"x""', false)).toBe(true); // "" is a quote: still open
    expect(quoteOpenAfter('1,"x"""', false)).toBe(false);
    expect(quoteOpenAfter('a"b,"c', false)).toBe(true); // the first quote is literal, the second opens
    expect(quoteOpenAfter('y",2', true)).toBe(false);
    expect(quoteOpenAfter('y"",2', true)).toBe(true);
    expect(quoteOpenAfter('y"z,"w', true)).toBe(true); // closes, then z is literal, then a new quoted field opens
    expect(quoteOpenAfter('', true)).toBe(true);
  });

  it('reads points around stray quotes, escaped quotes and quoted multi-line fields, with their first line numbers', async () => {
    const csv = [
      'x,y,note', // 1
      '1,2,5" screen', // 2: a literal inch mark
      '3,4,"a ""quoted"" note"', // 3
      '5,6,"two', // 4
      'lines"', // 5
      '"7","8",', // 6
      '9,10,"x""', // 7: "" is a quote, so the field goes on
      '"" end"', // 8
      '11,"1"2,z', // 9: "1" then 2: 12
      '13,1" 4,z', // 10: not a number
    ].join('\n');
    expect(await read(csv)).toEqual(['2:1,2', '3:3,4', '4:5,6', '6:7,8', '7:9,10', '9:11,12', `10:the value of 'y' is not a number: "1\\" 4"`]);
  });

  it('reads a quoted field of 30,000 lines in linear time (the record is not rescanned line by line)', async () => {
    const csv = 'x,y,note\n1,2,"' + 'a,"",\n'.repeat(30000) + 'end"\n3,4,z\n';
    const started = Date.now();
    expect(await read(csv)).toEqual(['2:1,2', '30003:3,4']);
    expect(Date.now() - started).toBeLessThan(10000); // was about 20 s (quadratic); now tens of milliseconds
    const breaks = 'x,y,note\n1,2,"' + '\n'.repeat(200000) + '"\n3,4,z\n';
    expect(await read(breaks)).toEqual(['2:1,2', '200003:3,4']);
  });

  it('a stray quote mid-field swallows nothing: 30,000 points after `1,2,5" screen`, N in and N out', async () => {
    const n = 30000;
    const csv = 'x1,x2,note\n1,2,5" screen\n' + Array.from({ length: n }, (_, i) => `${i + 1},0,n\n`).join('');
    const t = await run(['eval', 'x1*x2', '--points', 'p.csv', '--format', 'csv'], { files: { 'p.csv': csv } });
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const rows = t.stdout.trim().split('\n');
    expect(rows).toHaveLength(n + 2); // the header, 1,2 and the n points
    expect(rows[1]).toBe('2,2,1');
    expect(rows[n + 1]).toBe(`0,0,${n}`);
  });

  it('an unclosed quote at the end: an error for that point, with its line; every point before it is read', async () => {
    expect(await read('x,y\n1,2\n\n3,"4\n5,6\n7,8\n')).toEqual(['2:1,2', '4:unclosed quote: the record runs to the end of the input']);
    expect(await read('x,y\n1,2\n3,"4')).toEqual(['2:1,2', '3:unclosed quote: the record runs to the end of the input']);
    expect(await read('x,"y\n1,2\n')).toEqual(['throws: t: the header (line 1) has an unclosed quote']);
    const t = await run(['eval', 'x*y', '--points', '-'], { stdin: 'x,y\n1,2\n3,"4\n5,6\n' });
    expect(t.code).toBe(1);
    const out = lines(t.stdout);
    expect(out).toHaveLength(2);
    expect(out[0].value).toBe(2);
    expect(out[1]).toEqual({ error: { kind: 'input', message: 'unclosed quote: the record runs to the end of the input', line: 3 } });
  });

  it(`an open quote swallows at most ${MAX_OPEN_RECORD} characters: that point fails, and reading goes on at the next line`, async () => {
    const rows = Math.ceil(MAX_OPEN_RECORD / 8) + 1000; // "1234,5\n" and more: past the bound
    const body = Array.from({ length: rows }, (_, i) => `${i},5`);
    const csv = 'x,y\n1,2\n3,"4\n' + body.join('\n') + '\n';
    const got = await read(csv);
    expect(got[0]).toBe('2:1,2');
    const m = /^3:a quoted field runs on for more than 1048576 characters \(an unclosed quote\?\): lines 3-(\d+) are taken as one record, and reading goes on at line (\d+)$/.exec(got[1]!);
    expect(m, got[1]).not.toBeNull();
    const next = Number(m![2]);
    expect(next).toBe(Number(m![1]) + 1);
    // Every line from there on is a point again: N in, N out for the rest.
    expect(got).toHaveLength(2 + (rows + 4 - next));
    expect(got[2]).toBe(`${next}:${next - 4},5`);
    expect(got.at(-1)).toBe(`${rows + 3}:${rows - 1},5`);
    // Where a run of lines may be cut for another thread, the records are the parser's: the bound included.
    const after = csv.indexOf('\n', csv.indexOf('\n') + 1) + 1; // after the header and 1,2
    const cut = csvRecordBoundary(csv.slice(after) + 'x');
    expect(cut).toBe(csv.length - after); // the last line ends a record of its own
    const lineStarts = [0];
    for (let i = csv.indexOf('\n'); i >= 0; i = csv.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    const resume = lineStarts[next - 1]! - after; // where line `next` starts
    expect(csvRecordBoundary(csv.slice(after, after + resume))).toBe(resume);
    expect(csvRecordBoundary(csv.slice(after, after + resume - 1))).toBe(0); // still inside the open record
  });

  it('cuts runs of CSV lines for threads only between records as the parser reads them', () => {
    expect(csvRecordBoundary('1,2\n3,')).toBe(4);
    expect(csvRecordBoundary('1,"x\ny",2\n3')).toBe(10);
    expect(csvRecordBoundary('1,"x\ny\n')).toBe(0);
    expect(csvRecordBoundary('1,"x""\n')).toBe(0);
    expect(csvRecordBoundary('1,2,5" screen\n3,4\n')).toBe(18); // a stray quote opens nothing
    expect(csvRecordBoundary('1,a"b,"c\nd",2\n3,4\n')).toBe(18); // `a"b` is literal, `"c` opens: not after line 1
    expect(csvRecordBoundary('1,a"b,"c\nd",2\n')).toBe(14);
    expect(csvRecordBoundary('1,a"b,"c\n')).toBe(0);
    expect(csvRecordBoundary('1,"2"\r\n3')).toBe(7);
  });

  it('a CSV header without any point after it is an error (exit 2), as an empty input is', async () => {
    for (const input of ['x,y\n', 'x,y', 'x,y\n\n  \n\r\n', '"x","y"\n']) {
      const t = await run(['eval', 'x*y', '--points', '-'], { stdin: input });
      expect(t.code, JSON.stringify(input)).toBe(2);
      expect(t.stdout).toBe('');
      expect(t.stderr).toMatch(/<stdin>: there are no points: the CSV header is not followed by any row/);
      expect((await run(['eval', 'x*y', '--points', 'p.csv'], { files: { 'p.csv': input } })).code).toBe(2);
    }
    expect((await run(['eval', 'x*y', '--points', 'p.csv'], { files: { 'p.csv': '' } })).stderr).toMatch(/there are no points: the input is empty/);
    expect(await read('x,y\n')).toEqual(['throws: t: there are no points: the CSV header is not followed by any row']);
    // A header and only bad points: they are points (each gets its error line).
    expect((await run(['eval', 'x*y', '--points', '-'], { stdin: 'x,y\n1\n' })).code).toBe(1);
  });
});

describe('csvRecordBoundary agrees with PointParser', () => {
  it('cuts at the last line break between records as the parser reads them, on random quote-heavy CSV', () => {
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const pieces = ['1', '1', ',', '"', '"', '""', '\n', '\r\n', 'a', ' '];
    const options = { names: ['x', 'y'], needed: [true, true], label: 't', blockSize: 64 }; // more than the points of a body
    const points = (p: PointParser) => Array.from({ length: p.block.count }, (_, i) => `${p.block.lines[i]}:${p.block.errors[i] ?? `${p.block.columns[0]![i]},${p.block.columns[1]![i]}`}`);
    for (let n = 0; n < 400; n++) {
      let body = '';
      for (let k = Math.floor(random() * 40); k > 0; k--) body += pieces[Math.floor(random() * pieces.length)];
      const header = new PointParser(options);
      header.feed('x,y\n');
      const state = header.state()!;
      // The parser's own answer: the last line break after which no record is open.
      let best = 0;
      for (let nl = body.indexOf('\n'); nl >= 0; nl = body.indexOf('\n', nl + 1)) {
        const p = new PointParser(options, state);
        p.feed(body.slice(0, nl + 1));
        if (p.state()) best = nl + 1;
      }
      const cut = csvRecordBoundary(body);
      expect(cut, JSON.stringify(body)).toBe(best);
      // Read in two runs (as two threads would), the points are those of one run.
      const whole = new PointParser(options, state);
      whole.nextLine = 2;
      whole.last(body.slice(whole.feed(body)));
      whole.finish();
      const first = new PointParser(options, state);
      first.nextLine = 2;
      first.feed(body.slice(0, cut));
      const second = new PointParser(options, first.state());
      second.nextLine = first.nextLine;
      const rest = body.slice(cut);
      second.last(rest.slice(second.feed(rest)));
      second.finish();
      expect([...points(first), ...points(second)], JSON.stringify(body)).toEqual(points(whole));
    }
  });
});

describe('the "at" of a CSV point is the number, written as one point writes it', () => {
  it('1e400 is Infinity, 1.0 is 1, 1E5 is 100000, -0 and -0.0 are 0, 0.10 is 0.1, 1e-400 is 0', async () => {
    const t = await run(['eval', 'x*y', '--points', '-'], { stdin: 'x,y\n1e400,1\n1.0,1E5\n0.10,-0.0\n1e-400,-0\n2.5,0.000001\n' });
    const ats = lines(t.stdout).map((l) => l.at);
    expect(ats).toEqual([{ x: 'Infinity', y: 1 }, { x: 1, y: 100000 }, { x: 0.1, y: 0 }, { x: 0, y: 0 }, { x: 2.5, y: 0.000001 }]);
    // The raw text too (JSON.parse would read a bare 1e400 or 1.0 as a number): exactly String(v) for each.
    expect(t.stdout).toContain('"at":{"x":"Infinity","y":1}');
    expect(t.stdout).toContain('"at":{"x":1,"y":100000}');
    expect(t.stdout).toContain('"at":{"x":2.5,"y":0.000001}');
  });
});
