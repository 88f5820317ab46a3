// Argument checks for the library API (api.ts). Every public method checks its arguments when it is called and
// throws an AdiffError (kind 'usage') whose message starts with the method and names the argument, instead of a
// TypeError from inside a kernel or a number silently coerced (null as 0, 'abc' as NaN, [2] as 2). The checks run
// once per call, before any loop over points: a batch's loop then reads only arrays known to hold numbers.
import { AdiffError } from '../diagnostics.js';

export function usage(message: string): never {
  throw new AdiffError({ kind: 'usage', message });
}

/** A value as a message shows it: numbers and JSON-like values as written, anything else by its kind. */
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
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return 'an object';
}

/** A typed array whose elements are numbers (not a DataView, not a BigInt64Array). */
function isNumberView(value: unknown): value is ArrayLike<number> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

/** An array or typed array of numbers, by its type only (the entries of an array are checked by numbersIn). */
export function isNumbersLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || isNumberView(value);
}

/** A plain object (a record by name): not null, not an array or typed array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * Numbers read by a method: a Float64Array (or another typed array of numbers), or an array whose first `count`
 * entries are numbers (NaN and ±Infinity included). `entry(i)` names entry i in a message.
 */
export function numbersIn(at: string, what: string, value: unknown, count: number, entry: (i: number) => string): ArrayLike<number> {
  if (isNumberView(value)) return value;
  if (!Array.isArray(value)) usage(`${at}: ${what} must be a Float64Array or an array of numbers, got ${show(value)}`);
  const array = value as unknown[];
  const end = Math.min(count, array.length);
  for (let i = 0; i < end; i++) {
    if (typeof array[i] !== 'number') usage(`${at}: ${entry(i)} is not a number: ${show(array[i])}`);
  }
  return array as number[];
}

/**
 * An array a method writes numbers into: a Float64Array, or an array (its entries are overwritten), of at least
 * `size` numbers when a size is given.
 */
export function numbersOut(at: string, what: string, value: unknown, size?: number): Float64Array {
  const wanted = `${what} must be a Float64Array (or an array of numbers)${size === undefined ? '' : ` of length ≥ ${size}`}`;
  if (!(value instanceof Float64Array) && !Array.isArray(value)) usage(`${at}: ${wanted}, got ${show(value)}`);
  const array = value as Float64Array;
  if (size !== undefined && array.length < size) usage(`${at}: ${wanted}, got length ${array.length}`);
  return array;
}

/** An array of arrays (the result columns of the batch forms), by its type. */
export function arrayOf(at: string, what: string, value: unknown, wanted: string): readonly unknown[] {
  if (!Array.isArray(value)) usage(`${at}: ${what} must be an array of ${wanted}, got ${show(value)}`);
  return value as unknown[];
}
