// The output lines of a `--points` run, written straight into UTF-8 bytes: constant pieces copied, numbers written
// digit by digit (number-bytes.ts), so no string is built per point and nothing is encoded afterwards. The bytes
// come out in chunks of their own buffers, which a worker thread can hand to the main thread without copying.
import { writeNumber } from './number-bytes.js';

/** Bytes per chunk. */
export const CHUNK = 1 << 16;
/** The longest number text: `-1.2345678901234567e-308` is 24 bytes, `-0.0000012345678901234567` 25. */
const NUMBER_ROOM = 32;

const encoder = new TextEncoder();

export class LineBytes {
  private chunks: Uint8Array[] = [];
  private buf = new Uint8Array(0);
  private p = 0;

  constructor(private readonly size = CHUNK) {}

  /** Room for n more bytes: the current chunk ends and a new one starts when they do not fit. */
  private room(n: number): void {
    if (this.p + n <= this.buf.length) return;
    if (this.p > 0) this.chunks.push(this.buf.subarray(0, this.p));
    this.buf = new Uint8Array(Math.max(this.size, n));
    this.p = 0;
  }

  /** Bytes, copied. */
  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    const buf = this.buf;
    let p = this.p;
    if (n <= 64) for (let i = 0; i < n; i++) buf[p++] = b[i]!;
    else {
      buf.set(b, p);
      p += n;
    }
    this.p = p;
  }

  /** A string, as UTF-8. */
  text(s: string): void {
    const n = s.length;
    let ascii = true;
    for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 127) ascii = false;
    if (!ascii) return this.bytes(encoder.encode(s));
    this.room(n);
    const buf = this.buf;
    let p = this.p;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.p = p;
  }

  /** A finite number as JavaScript writes it (`String(v)`). */
  number(v: number): void {
    this.room(NUMBER_ROOM);
    this.p = writeNumber(this.buf, this.p, v);
  }

  /** A number for NDJSON: finite numbers as JSON numbers, the others as the strings "NaN", "Infinity", "-Infinity". */
  jsonNumber(v: number): void {
    if (v - v === 0) this.number(v);
    else this.text(v !== v ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"');
  }

  /** A number for CSV: NaN, Infinity and -Infinity as words. */
  csvNumber(v: number): void {
    if (v - v === 0) this.number(v);
    else this.text(String(v));
  }

  /** The bytes written so far, in chunks (each a view of its own buffer), and a fresh start. */
  finish(): Uint8Array[] {
    if (this.p > 0) this.chunks.push(this.buf.subarray(0, this.p));
    const chunks = this.chunks;
    this.chunks = [];
    this.buf = new Uint8Array(0);
    this.p = 0;
    return chunks;
  }
}

/** The UTF-8 bytes of a string (a line's constant pieces, encoded once). */
export const utf8 = (s: string): Uint8Array => encoder.encode(s);
