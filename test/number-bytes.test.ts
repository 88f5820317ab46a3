// writeNumber must write exactly what JavaScript's own Number::toString writes (String(v)), for every finite number:
// the expectations here are V8's conversion (an independent implementation: double-conversion's Grisu3 with a
// bignum fallback), over random bit patterns, short decimals, and the cases where shortest-digit algorithms go wrong
// (powers of two, whose rounding interval is lopsided; powers of ten; ties; the layout thresholds 1e-7 and 1e21).
import { describe, expect, it } from 'vitest';
import { CHUNK, LineBytes } from '../src/cli/render/line-bytes.js';
import { isNumberString, writeNumber } from '../src/cli/render/number-bytes.js';

const buf = new Uint8Array(64);
const decoder = new TextDecoder();
const written = (v: number): string => decoder.decode(buf.subarray(0, writeNumber(buf, 0, v)));

/** A deterministic generator (xorshift), so a failure can be rerun. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** The values of `values` whose text differs from String(v), at most 10. */
function mismatches(values: Iterable<number>): string[] {
  const bad: string[] = [];
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const want = String(v);
    const got = written(v);
    if (got !== want && bad.length < 10) bad.push(`${want} written as ${got}`);
  }
  return bad;
}

function* bitPatterns(n: number, seed: number): Generator<number> {
  const next = random(seed);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < n; i++) {
    u[0] = next();
    u[1] = next();
    yield f[0]!;
  }
}

describe('writeNumber writes String(v)', () => {
  it('on the examples of the layout rules (integers, fractions, e-notation thresholds)', () => {
    const cases: [number, string][] = [
      [0, '0'], [-0, '0'], [1, '1'], [-1, '-1'], [0.5, '0.5'], [-0.5, '-0.5'], [0.1 + 0.2, '0.30000000000000004'],
      [123.456, '123.456'], [1e21, '1e+21'], [1e20, '100000000000000000000'], [123e18, '123000000000000000000'],
      [0.000001, '0.000001'], [1e-7, '1e-7'], [1.5e-7, '1.5e-7'], [1.2345e-7, '1.2345e-7'], [2 ** 53, '9007199254740992'],
      [Number.MAX_VALUE, '1.7976931348623157e+308'], [Number.MIN_VALUE, '5e-324'], [2.2250738585072014e-308, '2.2250738585072014e-308'],
      [-1.25e-300, '-1.25e-300'], [1e9, '1000000000'], [999999999, '999999999'], [2 ** -1074 * 3, '1.5e-323'],
    ];
    for (const [v, text] of cases) expect(written(v), String(v)).toBe(text);
  });

  it('on 200,000 random bit patterns', () => expect(mismatches(bitPatterns(200000, 12345))).toEqual([]));

  it('on short decimals of 1 to 17 digits at every exponent', () => {
    const next = random(777);
    const values: number[] = [];
    for (let i = 0; i < 100000; i++) {
      const length = 1 + (next() % 17);
      let digits = '';
      for (let k = 0; k < length; k++) digits += next() % 10;
      values.push(Number(`${digits}e${(next() % 660) - 340}`), Number(`0.${digits}`), -Number(`${digits}e${(next() % 40) - 20}`));
    }
    expect(mismatches(values)).toEqual([]);
  });

  it('on every power of two and its neighbours (the interval below a power of two is half as wide)', () => {
    const values: number[] = [];
    for (let e = -1074; e <= 1023; e++) {
      const v = 2 ** e;
      values.push(v, -v, v * (1 + 2 ** -52), v * (1 - 2 ** -53), 3 * v, v * 1.5);
    }
    expect(mismatches(values)).toEqual([]);
  });

  it('on powers of ten, their neighbouring doubles, and 9.99…', () => {
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    const values: number[] = [];
    for (let e = -330; e <= 310; e++) {
      const v = Number(`1e${e}`);
      values.push(v, 5 * v, Number(`9.999999999999999e${e}`), Number(`9.9999999999999999e${e}`), Number(`1.0000000000000001e${e}`));
      for (const step of [1, -1, 2, -2]) {
        f[0] = v;
        u[0] = (u[0]! + step) >>> 0;
        values.push(f[0]!);
      }
    }
    expect(mismatches(values)).toEqual([]);
  });

  it('on integers and halves near 2^53 and 1e21, and small fractions', () => {
    const values: number[] = [];
    for (let i = 0; i < 20000; i++) values.push(i, -i / 8, 2 ** 53 - i, 2 ** 53 + 2 * i, 1e21 - i * 65536, i * 1e9 + 0.5, i / 1e7, 2 ** 52 + i + 0.5);
    expect(mismatches(values)).toEqual([]);
  });

  it('on values computed the way results are (sines, exponentials, quotients)', () => {
    const values: number[] = [];
    for (let i = 1; i < 50000; i++) values.push(Math.sin(i) * Math.exp((i % 80) - 40), Math.log(i) / i, 1 / i, i * 0.1, Math.sqrt(i));
    expect(mismatches(values)).toEqual([]);
  });

  it('writes at the given position and returns the end', () => {
    const b = new Uint8Array(40).fill(120);
    const end = writeNumber(b, 3, -2.5);
    expect(end).toBe(7);
    expect(decoder.decode(b.subarray(0, 9))).toBe('xxx-2.5xx');
  });
});

describe('LineBytes', () => {
  it('keeps everything in order across chunks, numbers as String(v), non-finite numbers as JSON strings or CSV words', () => {
    const out = new LineBytes(100);
    let want = '';
    const piece = new TextEncoder().encode('{"π":');
    for (let i = 0; i < 500; i++) {
      const v = Math.sin(i) * 10 ** ((i % 30) - 15);
      out.bytes(piece);
      out.number(v);
      out.text(`,"s":"${'é'.repeat(i % 3)}x"}\n`);
      want += `{"π":${v},"s":"${'é'.repeat(i % 3)}x"}\n`;
    }
    for (const v of [NaN, Infinity, -Infinity, 1]) {
      out.jsonNumber(v);
      out.text(',');
      out.csvNumber(v);
      out.text('\n');
    }
    want += '"NaN",NaN\n"Infinity",Infinity\n"-Infinity",-Infinity\n1,1\n';
    const big = new Uint8Array(250).fill(97);
    out.bytes(big);
    want += 'a'.repeat(250);
    const chunks = out.finish();
    expect(chunks.length).toBeGreaterThan(100);
    for (const c of chunks) expect(c.byteOffset).toBe(0); // each a view of its own buffer (movable to another thread)
    expect(new Set(chunks.map((c) => c.buffer)).size).toBe(chunks.length);
    expect(decoder.decode(Buffer.concat(chunks))).toBe(want);
    expect(out.finish()).toEqual([]);
  });

  it('uses chunks of 64 KiB by default', () => {
    const out = new LineBytes();
    for (let i = 0; i < 10000; i++) out.number(i + 0.25);
    const chunks = out.finish();
    expect(chunks[0]!.buffer.byteLength).toBe(CHUNK);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(Array.from({ length: 10000 }, (_, i) => String(i + 0.25)).join('').length);
  });
});

describe('isNumberString: the text is exactly String(Number(text))', () => {
  it('accepts canonical decimals and rejects the rest (hand-listed)', () => {
    for (const t of ['0', '1', '-1', '1.5', '-0.25', '120', '0.000001', '-0.000123', '123456789012345', '0.123456789012345', '100000000000000000000', '1.5e0'.slice(0, 3)]) {
      expect(isNumberString(t), t).toBe(true);
    }
    for (const t of ['', '-', '-0', '0.0', '1.0', '01', '00', '+1', '.5', '1.', '1e5', '1E5', '0.0000001', '1234567890123456', '0.1000000000000000055511151231257827', '1000000000000000000000', 'NaN', 'Infinity', '1,5', ' 1']) {
      expect(isNumberString(t), t).toBe(false);
    }
  });

  it('never says yes where String(Number(text)) differs (random decimals of every shape)', () => {
    let s = 12345;
    const rand = (k: number) => ((s = (s * 1103515245 + 12345) >>> 0) % k);
    let yes = 0;
    for (let n = 0; n < 200000; n++) {
      const intLen = rand(4) === 0 ? 0 : rand(23);
      const fracLen = rand(3) === 0 ? 0 : rand(20);
      let t = rand(2) ? '-' : '';
      t += intLen === 0 ? '0' : Array.from({ length: intLen }, (_, j) => (j === 0 ? 1 + rand(9) : rand(10))).join('');
      if (fracLen > 0) t += '.' + Array.from({ length: fracLen }, () => (rand(3) === 0 ? 0 : rand(10))).join('');
      const canonical = String(Number(t)) === t;
      const said = isNumberString(t);
      if (said) yes++;
      // Sound: never claims a text is canonical when it is not. (It may say no to a canonical text of 16-17 digits.)
      if (said) expect(canonical, t).toBe(true);
      else if (canonical) expect(t.replace(/^-|\.|^0\.0*/g, '').length, t).toBeGreaterThan(15);
    }
    expect(yes).toBeGreaterThan(20000);
  });
});
