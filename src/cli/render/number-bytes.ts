// A finite number's text, exactly as JavaScript writes it (`String(v)`: the shortest decimal that reads back as v,
// the closest to v of those), written as ASCII bytes. `--points` writes three or more numbers per point, and V8's
// own conversion (~270 ns a number on this machine) was the largest part of a run; this one takes 0.45x-0.6x
// the time (bench/numbers.mjs), and writes bytes, not strings, so the lines need no encoding either.
//
// How: v = f·2^e is scaled by 10^q into w = v·10^q in [10^16, 10^17), as a double-double (a sum of two doubles,
// ~104 bits, from an exact product and a double-double table of powers of ten). The decimals of at most 17
// significant digits near v are then integers near w, and the rounding interval of v (the reals that read back as
// v, ±half an ulp, the bounds included when f is even) is w ± h with h between 0.55 and 22. The answer is the
// nearest multiple of 10^j to w for the largest j at which that multiple is still inside the interval (past
// j = 1 at most one multiple can be). Every decision (a nearest multiple, inside or not) is made with the error of
// w (below 1e-13 here) far inside a margin of 1e-7; a case closer than that to a tie or a bound, and numbers out of
// the table's range (beyond 1e±290, subnormals), take V8's conversion instead, so the result is always V8's.

const MARGIN = 1e-7;
/** The table covers 10^q for q in [Q_MIN, Q_MAX], so v in about [1e-290, 1e290]. */
const Q_MIN = -274;
const Q_MAX = 306;
const E10_MAX = 16 - Q_MIN;
const E10_MIN = 16 - Q_MAX;

/** 10^q as hi + lo (hi the nearest double, lo the rest, rounded), filled on first use; `ready[q]` says which. */
const HI = new Float64Array(Q_MAX - Q_MIN + 1);
/** HI split into halves of 26 bits for Dekker's exact product. */
const HH = new Float64Array(Q_MAX - Q_MIN + 1);
const HL = new Float64Array(Q_MAX - Q_MIN + 1);
const LO = new Float64Array(Q_MAX - Q_MIN + 1);
const READY = new Uint8Array(Q_MAX - Q_MIN + 1);
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HIGH = LITTLE ? 1 : 0;
const LOW = LITTLE ? 0 : 1;

/** Fills the table entry for 10^q exactly (BigInt arithmetic, once per q). */
function fill(q: number): void {
  const i = q - Q_MIN;
  if (q >= 0) {
    const t = 10n ** BigInt(q);
    const hi = Number(t); // correctly rounded
    HI[i] = hi;
    LO[i] = Number(t - BigInt(hi));
  } else {
    const hi = Number(`1e${q}`); // correctly rounded
    f64[0] = hi;
    const exp = (u32[HIGH]! >>> 20) & 0x7ff;
    const m = (BigInt(u32[HIGH]! & 0xfffff) << 32n) | BigInt(u32[LOW]!) | (1n << 52n);
    const s = BigInt(1075 - exp); // hi = m·2^-s
    // lo = 10^q - m·2^-s = (2^s - m·10^-q) / (2^s·10^-q), as a 64-bit quotient scaled by 2^k.
    const num = (1n << s) - m * 10n ** BigInt(-q);
    const den = (1n << s) * 10n ** BigInt(-q);
    const k = den.toString(2).length - (num < 0n ? -num : num).toString(2).length + 64;
    const quotient = Number((num << BigInt(k)) / den);
    const half = k >> 1;
    HI[i] = hi;
    LO[i] = quotient * 2 ** -half * 2 ** -(k - half); // two steps: no subnormal on the way
  }
  // Dekker's split of hi (scaled down first so that 2^27·hi cannot overflow; powers of two scale exactly).
  const scaled = HI[i]! * 2 ** -80;
  const c = 134217729 * scaled;
  const hh = c - (c - scaled);
  HH[i] = hh * 2 ** 80;
  HL[i] = (scaled - hh) * 2 ** 80;
  READY[i] = 1;
}

/** Writes `s` (ASCII) at p; returns the end. */
function writeText(buf: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
  return p;
}

/** Writes a non-negative integer below 2^31 at p; returns the end. */
function writeInt(buf: Uint8Array, p: number, n: number): number {
  let len = 1;
  for (let t = n; t >= 10; t = (t / 10) | 0) len++;
  const end = p + len;
  for (let i = end - 1; i >= p; i--) {
    const t = (n / 10) | 0;
    buf[i] = 48 + n - t * 10;
    n = t;
  }
  return end;
}

/**
 * Writes `String(v)` for a finite number v as ASCII bytes at `p` (at most 25 bytes); returns the end. The caller
 * writes NaN and the infinities as it needs (JSON strings, CSV words).
 */
export function writeNumber(buf: Uint8Array, p: number, v: number): number {
  if (v < 0) {
    buf[p++] = 45; // '-'
    v = -v;
  }
  if (v < 1e9 && (v | 0) === v) return writeInt(buf, p, v); // integers, 0 and -0 ("0")
  const end = shortest(buf, p, v);
  return end >= 0 ? end : writeText(buf, p, '' + v);
}

/** The shortest decimal of v > 0 written at p, or -1 when the fast path cannot be sure (V8 then writes it). */
function shortest(buf: Uint8Array, p: number, v: number): number {
  f64[0] = v;
  const high = u32[HIGH]!;
  const exp = (high >>> 20) & 0x7ff;
  // log10(v) from the exponent and the top of the significand (log2(1 + x) >= x: at most one too small, fixed below).
  // Math.floor, Math.round and Math.log10 are calls on this machine's V8 (~10 ns each); `| 0` truncates.
  let e10 = (((exp - 1023 + (high & 0xfffff) / 1048576) * 0.30102999566398120 + 1000) | 0) - 1000;
  if (!(e10 >= E10_MIN && e10 <= E10_MAX) || exp === 0) return -1;
  const powerOfTwo = (high & 0xfffff) === 0 && u32[LOW] === 0;

  // w = v·10^q as wh + wl, wh an (even) integer in [1e16, 1e17), |wl| <= 8.
  let q = 16 - e10;
  let wh = 0;
  let wl = 0;
  for (let attempt = 0; ; attempt++) {
    const i = q - Q_MIN;
    if (i < 0 || i >= READY.length || attempt > 1) return -1;
    if (READY[i] === 0) fill(q);
    const hi = HI[i]!;
    // Exact v·hi = p0 + err (Dekker's product), then + v·lo.
    const p0 = v * hi;
    const c1 = 134217729 * v;
    const vh = c1 - (c1 - v);
    const vl = v - vh;
    const hh = HH[i]!;
    const hl = HL[i]!;
    const err = vh * hh - p0 + vh * hl + vl * hh + vl * hl;
    const s = err + v * LO[i]!;
    wh = p0 + s;
    wl = s - (wh - p0);
    if (wh < 1e16) {
      q++;
      e10--;
    } else if (wh >= 1e17) {
      q--;
      e10++;
    } else break;
  }
  if (wh > 1e17 - 64) return -1; // rounding could reach 10^17: let V8 decide
  // The interval's half-widths in units of w: half an ulp of v, times 10^q (below: half that for a power of two).
  f64[0] = v;
  u32[LOW] = 0;
  u32[HIGH] = (exp - 53) << 20; // 2^(exponent - 53): exp >= 54 here (v >= 1e-290)
  const hUp = f64[0]! * HI[q - Q_MIN]!;
  const hDown = powerOfTwo && exp > 1 ? hUp / 2 : hUp;

  // N = round(w) = A·10^9 + B; frac = w - N.
  const r = ((wl + 16.5) | 0) - 16; // round(wl), |wl| <= 8
  const frac = wl - r;
  if (Math.abs(frac) > 0.5 - MARGIN) return -1;
  // A·10^9 is exact (A·1953125 < 2^53), so is B (an integer below 2^31), whatever the rounding of wh / 1e9.
  let A = (wh / 1e9) | 0;
  let B = wh - A * 1e9 + r;
  if (B < 0) {
    A--;
    B += 1e9;
  } else if (B >= 1e9) {
    A++;
    B -= 1e9;
  }
  // The answer so far: N (inside: |frac| <= 0.5 < 0.55 <= h). Then the nearest multiple of 10, 100, … while inside.
  let cA = A;
  let cB = B;
  for (let j = 1; j <= 16; j++) {
    let down: number; // offsets from w of the multiples of 10^j at or below N and above it (Infinity: too far to matter)
    let up: number;
    let downA = A;
    let downB: number;
    let upA = A;
    let upB: number;
    if (j <= 9) {
      const pow = POW10[j]!;
      const rem = B - ((B / pow) | 0) * pow;
      down = -rem - frac;
      up = pow - rem - frac;
      downB = B - rem;
      upB = downB + pow;
      if (upB >= 1e9) {
        upA++;
        upB -= 1e9;
      }
    } else {
      const m = POW10[j - 9]!;
      const ar = A - ((A / m) | 0) * m;
      downA = A - ar;
      downB = 0;
      upA = downA + m;
      upB = 0;
      down = ar === 0 ? -B - frac : -Infinity;
      up = ar === m - 1 ? 1e9 - B - frac : Infinity;
      if (down === -Infinity && up === Infinity) break;
    }
    // Inside the interval or not (a case too close to call goes to V8). Both can be inside only at j = 1; the
    // nearer is taken then. One alone can be inside when the other is nearer: below a power of two, where the
    // interval is half as wide.
    const dDown = -down;
    if (Math.abs(dDown - hDown) <= MARGIN || Math.abs(up - hUp) <= MARGIN) return -1;
    const inDown = dDown < hDown;
    const inUp = up < hUp;
    if (!inDown && !inUp) break;
    if (inDown && inUp && Math.abs(dDown - up) <= MARGIN) return -1; // halfway between two
    const below = inDown && (!inUp || dDown < up);
    if (below) {
      cA = downA;
      cB = downB;
    } else {
      cA = upA;
      cB = upB;
    }
  }

  // The answer is d = cA·10^9 + cB (17 digits, cA of 8) with value d·10^(e10 - 16): its k significant digits
  // d1…dk (the trailing zeros dropped) and n, with value 0.d1…dk × 10^n.
  let n = e10 + 1;
  if (cA >= 1e8) {
    cA /= 10; // 10^17: one digit more before the point
    n++;
  }
  if (cA < 1e7) return -1; // below 10^16: not expected; V8 decides
  let tz = 0;
  if (cB === 0) {
    tz = 9;
    for (let t = (cA / 10) | 0; t * 10 === cA; t = (cA / 10) | 0) {
      cA = t;
      tz++;
    }
  } else {
    for (let t = (cB / 10) | 0; t * 10 === cB; t = (cB / 10) | 0) {
      cB = t;
      tz++;
    }
  }
  const k = 17 - tz;
  // Number::toString's layout: where digit i goes is start + i, plus 1 from `dot` on (the decimal point).
  let start = p;
  let dot = 32;
  let end: number;
  const exponential = n <= -6 || n > 21;
  if (k <= n && n <= 21) {
    end = p + n;
    for (let i = p + k; i < end; i++) buf[i] = 48; // an integer: zeros after the digits
  } else if (0 < n && n <= 21) {
    dot = n;
    buf[p + n] = 46; // '.'
    end = p + k + 1;
  } else if (-6 < n && n <= 0) {
    buf[p] = 48;
    buf[p + 1] = 46;
    start = p + 2 - n;
    for (let i = p + 2; i < start; i++) buf[i] = 48;
    end = start + k;
  } else {
    if (k > 1) {
      dot = 1;
      buf[p + 1] = 46;
    }
    end = p + k + (k > 1 ? 1 : 0);
  }
  // The digits, last first: those of cB (digits 9..17 of d), then of cA (1..8).
  let i = k - 1;
  let a = cA | 0;
  if (tz < 9) {
    let b = cB | 0;
    for (; i >= 8; i--) {
      const t = (b / 10) | 0;
      buf[start + i + (i >= dot ? 1 : 0)] = 48 + b - t * 10;
      b = t;
    }
  }
  for (; i >= 0; i--) {
    const t = (a / 10) | 0;
    buf[start + i + (i >= dot ? 1 : 0)] = 48 + a - t * 10;
    a = t;
  }
  if (exponential) {
    // The exponent: e+x or e-x.
    const x = n - 1;
    buf[end++] = 101; // 'e'
    buf[end++] = x < 0 ? 45 : 43;
    end = writeInt(buf, end, x < 0 ? -x : x);
  }
  return end;
}

/**
 * Whether `text` is exactly what `String(Number(text))` gives, for a plain decimal (no exponent): then the text can
 * be written as the number's text without converting it. True for at most 15 significant digits without
 * superfluous zeros, in the range JavaScript writes without an exponent ("1.5", "-0.25", "120", "0.000001"); false
 * for "-0", "1.0", "01", "1e5", "0.0000001", and for 16 or more significant digits (these may not be the shortest).
 * (With at most 15 significant digits, a decimal is the only one that short in its number's rounding interval, so
 * it is the shortest, which is what String writes.)
 */
export function isNumberString(text: string): boolean {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const first = text.charCodeAt(i);
  let intDigits = 0;
  if (first === 48) {
    i++; // a zero integer part
  } else if (first >= 49 && first <= 57) {
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) {
      i++;
      intDigits++;
    }
  } else return false;
  if (i === n) {
    if (intDigits === 0) return text.length === 1; // "0" (not "-0")
    let trailing = 0;
    while (text.charCodeAt(n - 1 - trailing) === 48) trailing++;
    return intDigits <= 21 && intDigits - trailing <= 15;
  }
  if (text.charCodeAt(i) !== 46 || i + 1 === n || text.charCodeAt(n - 1) === 48) return false; // '.', a digit, no trailing 0
  let leadingZeros = 0;
  for (let j = i + 1; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) return false;
    if (c === 48 && intDigits === 0 && leadingZeros === j - i - 1) leadingZeros++;
  }
  const fracDigits = n - i - 1;
  if (intDigits === 0) return leadingZeros <= 5 && fracDigits - leadingZeros <= 15; // down to 0.000001
  return intDigits + fracDigits <= 15;
}
