// Hostile and odd input: names that collide with Object.prototype, a 10 MB formula, deep nesting, odd numbers,
// unreadable files. Each case states the expected exit code and message; values are derived by hand.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeIo, json, run } from './helpers/cli.js';
import { Chalk } from 'chalk';
import { main } from '../src/cli/main.js';
import { renderDiagnostic } from '../src/cli/render/diagnostic.js';

const bin = fileURLToPath(new URL('../bin/adiff.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'adiff-hostile-'));

describe('names that collide with Object.prototype', () => {
  const protoKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
  const before = protoKeys();

  it('work as variables: in the formula, in --at, in --wrt and as JSON keys, in order', async () => {
    // f = p*c + t - h at p=2, c=3, t=5, h=7: value 6 + 5 - 7 = 4; ∂p = c = 3, ∂c = p = 2, ∂t = 1, ∂h = -1.
    const t = await run([
      'eval', '__proto__ * constructor + toString - hasOwnProperty',
      '--at', '__proto__=2,constructor=3,toString=5,hasOwnProperty=7', '--json',
    ]);
    expect(t.code).toBe(0);
    expect(t.stderr).toBe('');
    expect(t.stdout).toContain('"gradient":{"__proto__":3,"constructor":2,"toString":1,"hasOwnProperty":-1}');
    expect(t.stdout).toContain('"at":{"__proto__":2,"constructor":3,"toString":5,"hasOwnProperty":7}');
    expect(json(t).value).toBe(4);
    const w = await run(['eval', '__proto__ * constructor', '--at', '__proto__=2,constructor=3', '--wrt', 'constructor,__proto__', '--json']);
    expect(w.stdout).toContain('"gradient":{"constructor":2,"__proto__":3}');
  });

  it('work as assigned names, including as the output', async () => {
    // `3__proto__` is a coefficient (a digit must follow '_' for a digit separator).
    // P = x^2 = 4; C = 3P = 12; T = C + 1 = 13; H = T*x = 26. dH/dx = T + x*dT/dx = 13 + 2*(3*2x) = 13 + 24 = 37.
    const t = await run([
      'eval', '__proto__ = x^2; constructor = 3__proto__; toString = constructor + 1; hasOwnProperty = toString * x',
      '--at', 'x=2', '--json', '--trace',
    ]);
    expect(t.code).toBe(0);
    const out = json(t);
    expect(out.value).toBe(26);
    expect(out.gradient).toEqual({ x: 37 });
    const assigned = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    const named = out.trace.filter((r: { names: string[] }) => assigned.includes(r.names[0]!)).map((r: { names: string[]; adjoint: number }) => [r.names[0], r.adjoint]);
    // Adjoints: ∂H/∂T = x = 2, ∂H/∂C = 2, ∂H/∂P = 3*2 = 6.
    expect(named).toEqual([['__proto__', 6], ['constructor', 2], ['toString', 2], ['hasOwnProperty', 1]]);
  });

  it('an unused __proto__ in --at is only a warning, and the JSON "at" keeps it as a key', async () => {
    const t = await run(['eval', 'x + 1', '--at', 'x=1,__proto__=5', '--json']);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('"at":{"x":1,"__proto__":5}');
    expect(JSON.parse(t.stderr.trim()).warning.message).toMatch(/'__proto__' is not a variable/);
  });

  it('calling them as functions is a clean name error', async () => {
    const t = await run(['eval', 'constructor(x) + toString(1)', '--at', 'x=1']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/unknown function 'constructor'/);
  });

  it('no global object is modified', () => {
    expect(protoKeys()).toEqual(before);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(typeof Object.prototype.toString).toBe('function');
    expect(typeof Object.prototype.hasOwnProperty).toBe('function');
  });
});

describe('very long input', () => {
  // A sum of 10^5 terms of about 100 characters: c_i*x_(i mod 10) with c_i = 1.000...0(i) written with many digits.
  const terms: string[] = [];
  let expected = 0;
  const grad = new Array<number>(10).fill(0);
  for (let i = 0; i < 100000; i++) {
    const c = `${(i % 997) + 1}.${'0'.repeat(92)}`; // = (i mod 997) + 1 exactly, spelled with 94+ characters
    terms.push(`${c}*x${i % 10}`);
    expected += ((i % 997) + 1) * (i % 10);
    grad[i % 10] += (i % 997) + 1;
  }
  const big = terms.join(' + ');
  const file = join(tmp, 'big.txt');
  writeFileSync(file, big);
  const at = Array.from({ length: 10 }, (_, k) => `x${k}=${k}`).join(',');

  it('a 10 MB formula (10^5 terms) differentiates in a subprocess limited to 512 MB of heap', () => {
    expect(big.length).toBeGreaterThan(10_000_000);
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=512', bin, 'eval', '--file', file, '--at', at, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const seconds = (Date.now() - started) / 1000;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.value).toBe(expected); // integers below 2^53: exact
    expect(Object.values(out.gradient)).toEqual(grad);
    expect(out.expression.length).toBe(big.length);
    // Generous bound for a slow, shared machine (about 3 s on a developer machine).
    expect(seconds).toBeLessThan(60);
  }, 90000);

  it('a 10 MB formula with an error fails cleanly, pointing at it', async () => {
    const bad = `${terms.slice(0, 50000).join(' + ')} + x y + ${terms.slice(50000).join(' + ')}`;
    const t = await run(['eval', '--file', 'bad.txt', '--at', at], { files: { 'bad.txt': bad } });
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/missing operator between 'x' and 'y'/);
    expect(t.stderr).toMatch(/bad\.txt:1:\d+/);
    // The caret line shows an excerpt, not 10 MB.
    expect(t.stderr.length).toBeLessThan(2000);
  }, 60000);
});

describe('deep nesting', () => {
  it('1,000 levels of parentheses and of sin(...) work', async () => {
    const parens = await run(['eval', '('.repeat(1000) + 'x^2' + ')'.repeat(1000), '--at', 'x=3', '--json']);
    expect(json(parens)).toMatchObject({ value: 9, gradient: { x: 6 } });
    // sin∘...∘sin (1000 times) at 0.5: value by iterating Math.sin; derivative the product of cosines on the way.
    let v = 0.5;
    let d = 1;
    for (let i = 0; i < 1000; i++) {
      d *= Math.cos(v);
      v = Math.sin(v);
    }
    const sins = await run(['eval', 'sin('.repeat(1000) + 'x' + ')'.repeat(1000), '--at', 'x=0.5', '--json']);
    expect(sins.code).toBe(0);
    expect(json(sins).value).toBe(v);
    expect(json(sins).gradient.x).toBeCloseTo(d, 15);
  });

  it('a call whose arguments are nested deeper than one parsing chunk keeps its arguments apart', async () => {
    // Groups 40 levels deep are parsed bottom-up, a call's arguments one by one (parse.ts, collapseDeepGroups).
    const deep = (e: string) => '('.repeat(45) + e + ')'.repeat(45);
    const t = await run(['eval', `max(${deep('x')}, ${deep('(y, z)')}, 2) + atan2(${deep('y')}, ${deep('x')})`.replace('(y, z)', 'y*z'), '--at', 'x=1,y=3,z=2', '--json']);
    // max(1, 6, 2) = 6 (∂: y*z wins: ∂y = z = 2, ∂z = y = 3); atan2(3, 1): ∂y = x/(x²+y²) = 0.1, ∂x = -y/(x²+y²) = -0.3.
    expect(t.code).toBe(0);
    const out = json(t);
    expect(out.value).toBeCloseTo(6 + Math.atan2(3, 1), 15);
    expect(out.gradient.x).toBeCloseTo(-0.3, 15);
    expect(out.gradient.y).toBeCloseTo(2.1, 15);
    expect(out.gradient.z).toBe(3);
  });

  it('100,000 levels of parentheses or calls are a clean exit-2 error', async () => {
    for (const [open, close] of [['(', ')'], ['sin(', ')'], ['max(1,', ')']]) {
      const t = await run(['eval', open!.repeat(100000) + 'x' + close!.repeat(100000), '--at', 'x=1']);
      expect(t.code).toBe(2);
      expect(t.stderr).toMatch(/nested too deeply \(the limit is 10000 levels of parentheses\)/);
      expect(t.stderr).toMatch(/hint: split it into assignments/);
    }
  });

  it('a trace of a 20,000-deep chain stays linear in size: long source excerpts keep their two ends', async () => {
    // Every one of the 20,000 nested nodes spans nearly the whole text: full excerpts would be 2*10^8 characters.
    const text = '-'.repeat(20000) + 'x';
    const t = await run(['eval', text, '--at', 'x=2', '--trace', '--json']);
    expect(t.code).toBe(0);
    const rows = json(t).trace as { source: string; definition: string }[];
    expect(rows.length).toBe(20001);
    expect(Math.max(...rows.map((r) => r.source.length))).toBeLessThanOrEqual(123);
    expect(rows[rows.length - 1]!.source).toBe(`${'-'.repeat(60)} … ${'-'.repeat(59)}x`);
    expect(rows.find((r) => r.definition === 'v3 = -v2')!.source).toBe('---x'); // short ones are whole
  });

  it('100,000 unary minus signs, or a 10,000-level power tower, need no recursion', async () => {
    const minus = await run(['eval', '-'.repeat(100000) + 'x', '--at', 'x=3', '--json']);
    expect(json(minus)).toMatchObject({ value: 3, gradient: { x: 1 } }); // an even number of signs
    const odd = await run(['eval', '-'.repeat(99999) + 'x', '--at', 'x=3', '--json']);
    expect(json(odd)).toMatchObject({ value: -3, gradient: { x: -1 } });
    // 1^1^...^x = 1 for any x, and its derivative is 0 (powers of 1: d/dy 1^y = 1^y ln 1 = 0).
    const tower = await run(['eval', '1^'.repeat(10000) + 'x', '--at', 'x=2', '--json']);
    expect(json(tower)).toMatchObject({ value: 1, gradient: { x: 0 } });
  });
});

describe('graph, explain and warnings stay linear on huge formulas', () => {
  // Each of the n nested nodes of a chain spans nearly the whole text: a full source per node is O(n²) output
  // (a 20,000-deep chain: 2*10^8 characters; 100,000 deep: out of memory or "Invalid string length", exit 70).
  it('a 20,000-deep chain: graph JSON carries the text once, and per node at most ~120 characters and a span', async () => {
    const text = '-'.repeat(20000) + 'x';
    const t = await run(['graph', text, '--json']);
    expect(t.code).toBe(0);
    const g = json(t);
    expect(g.expression).toBe(text);
    expect(g.nodes.length).toBe(20001);
    expect(Math.max(...g.nodes.map((n: any) => n.source.length))).toBeLessThanOrEqual(123);
    const out = g.nodes.find((n: any) => n.id === g.outputs[0]);
    expect(out.span).toEqual([0, 20001]);
    expect(out.source).toBe(`${'-'.repeat(60)} … ${'-'.repeat(59)}x`);
    expect(g.nodes.find((n: any) => n.definition === 'v2 = -v1')).toMatchObject({ source: '--x', span: [19998, 20001] });
    expect(t.stdout.length).toBeLessThan(300 * 20001);
    // explain: every step bounded too; 20,000 signs cancel, so f = x and ∂f/∂x = 1.
    const e = await run(['explain', text, '--at', 'x=2']);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/∂f\/∂x = v̄0 = 1\n$/);
    expect(e.stdout.length).toBeLessThan(1000 * 20001);
    expect(Math.max(...e.stdout.split('\n').map((l) => l.length))).toBeLessThan(400);
  }, 60000);

  it('a sum of 6,000 terms: graph JSON is linear in the formula (it was 336 MB)', async () => {
    const text = Array.from({ length: 6000 }, (_, i) => `${i + 1}*sin(${i + 1}*x+y)`).join('+');
    const t = await run(['graph', text, '--json']);
    expect(t.code).toBe(0);
    const g = json(t);
    expect(g.expression).toBe(text);
    expect(t.stdout.length).toBeLessThan(300 * g.nodes.length);
    // The output node is the whole sum; its span is the whole text.
    expect(g.nodes.find((n: any) => n.id === g.outputs[0]).span).toEqual([0, text.length]);
  }, 60000);

  it('100,000 unary minus signs: graph (JSON and text) and explain in a subprocess with 512 MB of heap', () => {
    const file = join(tmp, 'minus.txt');
    writeFileSync(file, '-'.repeat(100000) + 'x');
    for (const args of [['graph', '--json'], ['graph'], ['explain', '--at', 'x=3']]) {
      const started = Date.now();
      const r = spawnSync(process.execPath, ['--max-old-space-size=512', bin, ...args, '--file', file], { encoding: 'utf8', maxBuffer: 1 << 27, env: { ...process.env, NO_COLOR: '1' } });
      const seconds = (Date.now() - started) / 1000;
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.status).toBe(0);
      if (args[1] === '--json') expect(JSON.parse(r.stdout).nodes.length).toBe(100001);
      if (args[0] === 'explain') expect(r.stdout).toMatch(/∂f\/∂x = v̄0 = 1\n$/); // an even number of signs: f = x
      // Generous for a slow, shared machine: about 3 s each here; the text graph took about 5 minutes before.
      expect(seconds).toBeLessThan(60);
    }
  }, 200000);

  it('the text graph of a derivative graph where one node has 30,000 users draws in linear time', async () => {
    // ∂max(x0, …, x29999)/∂xi = eq(xi, max) / (number of ties): each of those nodes refers to the max node.
    const text = `max(${Array.from({ length: 30000 }, (_, i) => `x${i}`).join(', ')})`;
    const started = Date.now();
    const t = await run(['graph', text, '--backward']);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('(∂f/∂x29999)');
    // About 2 s; listing a node's arguments at every reference to it took about a minute.
    expect((Date.now() - started) / 1000).toBeLessThan(30);
  }, 60000);

  it('20,000 warnings about one long line are rendered in linear time, each with an excerpt of the line', async () => {
    // ln(k*x - y) at x = 0, y = 1 is ln(-1) = NaN for every k: one domain warning per term.
    const text = Array.from({ length: 20000 }, (_, i) => `ln(${i + 1}*x-y)`).join('+');
    const started = Date.now();
    const t = await run(['eval', '--file', 'ln.txt', '--at', 'x=0,y=1'], { files: { 'ln.txt': text } });
    expect(t.code).toBe(0);
    expect(t.stderr.match(/^adiff: warning: 'ln\(\d+\*x-y\)' is NaN at this point$/gm)).toHaveLength(20000);
    const last = text.lastIndexOf('ln(');
    expect(t.stderr).toContain(`--> ln.txt:1:${last + 1}\n`);
    expect(t.stderr).toContain(`1 | …${text.slice(last - 60)}\n`);
    // About 2 s; finding the line and column anew for every warning took over 5 minutes.
    expect((Date.now() - started) / 1000).toBeLessThan(30);
  }, 60000);
});

describe('the caret excerpt of a warning or error reads only a window of a long line', () => {
  // The whole-line version this replaced (kept here as the reference): line and column by scanning from the
  // start, and the cut made on the whole line, split into code points.
  function reference(text: string, span: { start: number; end: number }): string[] {
    const at = Math.max(0, Math.min(span.start, text.length));
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        line++;
        lineStart = i + 1;
      }
    }
    let lineEnd = lineStart;
    while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
    const lineText = text.slice(lineStart, lineEnd);
    const startColumn = Array.from(text.slice(lineStart, at)).length + 1;
    const caretEnd = Math.max(span.start + 1, Math.min(span.end, lineEnd));
    const width = Math.max(1, Array.from(text.slice(span.start, caretEnd)).length);
    let shown = lineText;
    let column = startColumn;
    if (Array.from(shown).length > 200) {
      const chars = Array.from(shown);
      const from = Math.max(0, column - 1 - 60);
      shown = (from > 0 ? '…' : '') + chars.slice(from, from + 200).join('') + (from + 200 < chars.length ? '…' : '');
      column = column - from + (from > 0 ? 1 : 0);
    }
    const pad = ' '.repeat(String(line).length);
    return [`${pad}--> t:${line}:${startColumn}`, `${line} | ${shown}`, `${pad} | ${' '.repeat(column - 1)}${'^'.repeat(Math.min(width, 200))}`];
  }

  it('shows exactly what cutting the whole line showed (random lines of 1- and 2-unit characters)', () => {
    let seed = 12345; // mulberry32
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    const pieces = ['a', 'θ', '𝑥', '𝑥', '+', ' ', '(', '1'];
    const breaks = ['\n', '\r\n', '\r'];
    let cut = 0;
    for (let round = 0; round < 400; round++) {
      const parts: string[] = [];
      const length = [5, 150, 260, 500, 1200][random(5)]!;
      const set = round % 3 === 0 ? ['𝑥', '𝑥', '𝑥', 'a'] : pieces; // a third of the lines mostly 2-unit characters
      for (let i = 0; i < length; i++) parts.push(random(300) === 0 ? breaks[random(3)]! : set[random(set.length)]!);
      const text = parts.join('');
      // A span starting on a character boundary (never inside a surrogate pair).
      let start = random(text.length + 1);
      if (/[\udc00-\udfff]/.test(text[start] ?? '')) start--;
      const end = Math.min(text.length, start + random(400));
      const d = { severity: 'warning' as const, kind: 'domain' as const, message: 'm', source: { name: 't', text }, span: { start, end } };
      const lines = renderDiagnostic(d, new Chalk({ level: 0 })).split('\n');
      expect([lines[1], lines[3], lines[4]], JSON.stringify({ text, start, end })).toEqual(reference(text, d.span));
      if (lines[3]!.includes('…')) cut++;
    }
    expect(cut).toBeGreaterThan(100); // long lines were cut often
  });
});

describe('odd numbers', () => {
  const cases: { expr: string; code: number; value?: number | string; err?: RegExp; hint?: RegExp }[] = [
    { expr: '1e309 + x', code: 0, value: 'Infinity', err: /warning: the number 1e309 is too large for double precision; it is Infinity/ },
    { expr: '9'.repeat(400) + ' + x', code: 0, value: 'Infinity', err: /too large for double precision/ },
    { expr: '1e-400 + x', code: 0, value: 1, err: /warning: the number 1e-400 is too small for double precision; it is 0/ },
    { expr: '0.0 + 0e5 + x', code: 0, value: 1, err: /^$/ }, // zeros written as zeros do not warn
    { expr: '1/(-0) + 0*x', code: 0, value: '-Infinity', err: /'1\/\(-0\)' is -Infinity/, hint: /division by zero/ }, // -0 keeps its sign
    { expr: '0x10', code: 2, err: /'0x10': only decimal numbers are supported/, hint: /write 16/ },
    { expr: '0b101 + x', code: 2, err: /only decimal numbers/, hint: /write 5/ },
    { expr: '1_000', code: 2, err: /'1_000': digit separators '_' are not supported/, hint: /write 1000/ },
    { expr: '.', code: 2, err: /unexpected character '\.'/, hint: /a number needs a digit/ },
    { expr: '1..2', code: 2, err: /missing operator between '1\.' and '\.2'/ },
    { expr: '1.2.3', code: 2, err: /missing operator between '1\.2' and '\.3'/ },
    { expr: '1e', code: 0, value: Math.E }, // 1 times the constant e
    { expr: '1e+', code: 2, err: /expected an expression after '\+'/ },
  ];
  it.each(cases)('$expr → exit $code', async ({ expr, code, value, err, hint }) => {
    const t = await run(['eval', expr, '--at', 'x=1', '--json']);
    expect(t.code).toBe(code);
    if (value !== undefined) expect(json(t).value).toBe(value);
    const stderr = t.stderr.trim() === '' ? '' : t.stderr.trim().split('\n').map((l) => JSON.parse(l)[code === 2 ? 'error' : 'warning']);
    if (err) expect(stderr === '' ? '' : `${code === 2 ? 'error' : 'warning'}: ${stderr[0].message}`).toMatch(err);
    if (hint) expect(stderr[0].hint).toMatch(hint);
  });

  it('--strict turns an infinite literal into exit 3', async () => {
    expect((await run(['eval', '1e309*x', '--at', 'x=1', '--strict'])).code).toBe(3);
  });

  it('--at accepts -0, nan and inf, and 1e309 as Infinity', async () => {
    expect(json(await run(['eval', '1/x', '--at', 'x=-0', '--json'])).value).toBe('-Infinity');
    expect(json(await run(['eval', 'x + 1', '--at', 'x=nan', '--json'])).value).toBe('NaN');
    expect(json(await run(['eval', 'atan(x)', '--at', 'x=-inf', '--json'])).value).toBe(-Math.PI / 2);
    expect(json(await run(['eval', 'atan(x)', '--at', 'x=1e309', '--json'])).value).toBe(Math.PI / 2);
  });
});

describe('files that cannot be read', () => {
  it('a missing file is an exit-2 error naming it', async () => {
    const t = await run(['eval', '--file', 'nope.txt', '--at', 'x=1']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/cannot read 'nope\.txt': no such file/);
    const j = await run(['eval', '--file', 'nope.txt', '--json']);
    expect(JSON.parse(j.stderr).error).toMatchObject({ kind: 'io', message: "cannot read 'nope.txt': no such file" });
  });

  it('a file without permission is an exit-2 error naming it', async () => {
    const { io, err } = fakeIo();
    io.readFile = async (path: string) => {
      throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
    };
    expect(await main(['eval', '--file', 'secret.txt', '--at', 'x=1'], io)).toBe(2);
    expect(err()).toMatch(/cannot read 'secret\.txt': permission denied/);
  });

  it('invalid UTF-8 in a file is a clean error, a BOM is dropped', async () => {
    const t = await run(['eval', '--file', 'f.txt', '--at', 'x=1'], { files: { 'f.txt': new Uint8Array([0x78, 0x2b, 0xff, 0xfe]) } });
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/'f\.txt' is not valid UTF-8 text/);
    const bom = await run(['eval', '--file', 'f.txt', '--at', 'x=2', '--json'], { files: { 'f.txt': new Uint8Array([0xef, 0xbb, 0xbf, 0x78, 0x5e, 0x32]) } });
    expect(json(bom)).toMatchObject({ value: 4, gradient: { x: 4 } });
  });

  it('real files: a directory and invalid UTF-8 (subprocess)', () => {
    const badFile = join(tmp, 'latin1.txt');
    writeFileSync(badFile, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2a, 0x78])); // "café*x" in Latin-1
    const cases: [string, RegExp][] = [
      [tmp, /cannot read '.*': it is a directory/],
      [badFile, /'.*latin1\.txt' is not valid UTF-8 text/],
    ];
    for (const [path, message] of cases) {
      const r = spawnSync(process.execPath, [bin, 'eval', '--file', path, '--at', 'x=1'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    }
  });
});
