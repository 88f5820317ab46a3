// Argument checks for the library API. Every public function checks its arguments when it is called and throws an
// AdiffError (kind 'usage') whose message starts with the function and names the argument, instead of a TypeError
// from inside a kernel or a number silently coerced (null as 0, 'abc' as NaN, [2] as 2).
//
// Each argument is READ ONCE into a local copy, and the copy is checked: an array's entries and a record's values
// are read one time each (a getter that changes its answer, or a Proxy, cannot swap a value after the check), any
// exception thrown while reading (a throwing getter, a revoked Proxy) becomes an AdiffError, and only plain
// objects count as records (a Map, Date or RegExp is not silently a point without values). Typed arrays are used
// in place: their elements are plain numbers that no getter can intercept. Output arrays must be real
// Float64Arrays (never frozen, never a Proxy). The checks run once per call, before any loop over points.
import { AdiffError } from '../diagnostics.js';

export function usage(message: string): never {
  throw new AdiffError({ kind: 'usage', message });
}

const TypedArray = Object.getPrototypeOf(Int8Array) as { prototype: object };
const tag = Object.getOwnPropertyDescriptor(TypedArray.prototype, Symbol.toStringTag)!.get!;
const NUMBER_VIEWS = new Set(['Float64Array', 'Float32Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array']);

/** The kind of a real typed array (its internal name, which no subclass or Proxy can fake), else undefined. */
function viewKind(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && ArrayBuffer.isView(value) ? (tag.call(value) as string | undefined) : undefined;
}

const VIEWS = [Float64Array, Float32Array, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array];
const STANDARD = new Set<object>(VIEWS.map((V) => V.prototype));

/** A typed array as the language made it: its own prototype, no own `length` (so `length` is its true length). */
function standard(value: object): boolean {
  return STANDARD.has(Object.getPrototypeOf(value) as object) && !Object.hasOwn(value, 'length');
}

/** A real typed array of numbers (not a DataView, not a BigInt64Array); a subclass or a redefined `length` is copied. */
export function numberView(value: unknown): ArrayLike<number> | undefined {
  const kind = viewKind(value);
  if (kind === undefined || !NUMBER_VIEWS.has(kind)) return undefined;
  // The Float64Array constructor reads a typed array through its internal slots, never through its getters.
  return standard(value as object) ? (value as ArrayLike<number>) : new Float64Array(value as unknown as ArrayLike<number>);
}

/** A real, standard Float64Array (results are written into it), else undefined. */
export function float64(value: unknown): Float64Array | undefined {
  return viewKind(value) === 'Float64Array' && standard(value as object) ? (value as Float64Array) : undefined;
}

/** Runs `read`; an exception thrown by user code while reading (a getter, a Proxy trap) becomes an AdiffError. */
export function reading<T>(at: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof AdiffError) throw e;
    return usage(`${at}: reading ${what} threw: ${describeError(e)}`);
  }
}

function describeError(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : show(e);
  } catch {
    return 'an exception';
  }
}

/** A value as a message shows it: numbers and JSON-like values as written, anything else by its kind. Never throws. */
export function show(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  const kind = viewKind(value);
  if (kind !== undefined) return `a ${kind}`;
  try {
    if (value instanceof DataView) return 'a DataView';
    if (Array.isArray(value)) return `an array of length ${(value as unknown[]).length}`;
    if (value instanceof Map) return 'a Map';
    if (value instanceof Set) return 'a Set';
    if (value instanceof Date) return 'a Date';
    if (value instanceof RegExp) return 'a RegExp';
    if (value instanceof Promise) return 'a Promise';
  } catch {
    return 'an object';
  }
  return 'an object';
}

/** An array (a real one or a Proxy of one), without throwing (a revoked Proxy is no array). */
function isArray(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** An array or typed array of numbers, by its type only (its entries are checked when it is read). */
export function isNumbersLike(value: unknown): boolean {
  return isArray(value) || numberView(value) !== undefined;
}

/** A plain object (a record by name): its prototype is Object.prototype or null. Not a Map, Date, array, …. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || isArray(value)) return false;
  try {
    const proto = Object.getPrototypeOf(value) as unknown;
    return proto === Object.prototype || proto === null;
  } catch {
    return false;
  }
}

/** A record's own enumerable entries, each value read once, in the record's key order. */
export function readRecord(at: string, what: string, value: unknown, wanted: string): Map<string, unknown> {
  if (!isRecord(value)) usage(`${at}: ${what} must be ${wanted}, got ${show(value)}`);
  return reading(at, what, () => {
    const entries = new Map<string, unknown>();
    for (const key of Object.keys(value as object)) entries.set(key, (value as Record<string, unknown>)[key]);
    return entries;
  });
}

/** An array's entries, read once each into a local array (`length` read once too). */
export function readArray(at: string, what: string, value: unknown, wanted: string): unknown[] {
  if (!isArray(value)) usage(`${at}: ${what} must be ${wanted}, got ${show(value)}`);
  return reading(at, what, () => {
    const n = (value as readonly unknown[]).length;
    if (!Number.isSafeInteger(n) || n < 0) throw new TypeError('not a proper array length');
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = (value as readonly unknown[])[i];
    return out;
  });
}

/**
 * Numbers read by a function: a typed array of numbers (used in place), or an array whose first `count` entries
 * are numbers (NaN and ±Infinity included), copied into a Float64Array. `entry(i)` names entry i in a message.
 */
export function numbersIn(at: string, what: string, value: unknown, count: number, entry: (i: number) => string): ArrayLike<number> {
  const view = numberView(value);
  if (view !== undefined) return view;
  const array = readArray(at, what, value, 'a Float64Array or an array of numbers');
  const end = Math.min(count, array.length);
  const out = new Float64Array(array.length);
  for (let i = 0; i < end; i++) {
    const v = array[i];
    if (typeof v !== 'number') usage(`${at}: ${entry(i)} is not a number: ${show(v)}`);
    out[i] = v as number;
  }
  return out;
}

/** An array a function writes numbers into: a real Float64Array, of at least `size` numbers when a size is given. */
export function numbersOut(at: string, what: string, value: unknown, size?: number): Float64Array {
  const wanted = `${what} must be a Float64Array${size === undefined ? '' : ` of length ≥ ${size}`}`;
  const array = float64(value);
  if (array === undefined) return usage(`${at}: ${wanted}, got ${show(value)}`);
  if (size !== undefined && array.length < size) usage(`${at}: ${wanted}, got length ${array.length}`);
  return array;
}

/** An array of arrays (the result columns of the batch forms), read once into a local array. */
export function arrayOf(at: string, what: string, value: unknown, wanted: string): readonly unknown[] {
  return readArray(at, what, value, `an array of ${wanted}`);
}

/**
 * Results must not share memory with the inputs of the same call (results are written while later inputs are
 * still being read, so the numbers would silently be wrong). Arrays were copied when read; only typed arrays can
 * share memory.
 */
export function disjoint(at: string, inputs: readonly ArrayLike<number>[], outputs: readonly Float64Array[]): void {
  const ranges = (list: readonly ArrayLike<number>[]) =>
    list.flatMap((a) => (ArrayBuffer.isView(a) ? [{ buffer: a.buffer, start: a.byteOffset, end: a.byteOffset + a.byteLength }] : []));
  const ins = ranges(inputs);
  const outs = ranges(outputs);
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i]!;
    if (o.start === o.end) continue;
    for (const r of ins) if (r.buffer === o.buffer && r.start < o.end && o.start < r.end) usage(`${at}: a result array shares memory with an input; pass separate arrays`);
    for (let j = 0; j < i; j++) {
      const p = outs[j]!;
      if (p.buffer === o.buffer && p.start < o.end && o.start < p.end) usage(`${at}: two result arrays share memory; pass separate arrays`);
    }
  }
}
