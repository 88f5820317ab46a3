// Points, directions, cotangents and batch columns as the library reads them: by name or in order, each read once
// into a local copy (args.ts) and checked, then handed to a kernel in the graph's input (or output) order.
import { isNumbersLike, isRecord, numbersIn, readArray, readRecord, show, usage } from './args.js';

/** The names a vector is indexed by (variables or outputs), and which of them must be given. */
export interface Space {
  /** 'formula' (variables) or 'program' (outputs), for messages. */
  what: string;
  noun: string;
  names: readonly string[];
  needed: readonly boolean[];
}

/**
 * A point, direction or cotangent as a Float64Array in the order of `space.names`: from an array of exactly that
 * length, or from a plain object naming every needed entry (others are NaN), or, when `missing` is given, any
 * entries (the others are `missing`). `strict`: an object naming something that is not in the space is an error (a
 * point may carry other names, as `--at` may).
 */
export function vector(at: string, value: unknown, what: string, space: Space, strict = false, missing?: number): Float64Array {
  const { names } = space;
  const n = names.length;
  const x = new Float64Array(n).fill(NaN);
  const valueOf = (k: number) => `the value of '${names[k]}'${what === 'point' ? '' : ` in the ${what}`}`;
  const wanted = `an object {name: value} or an array of ${n} numbers`;
  if (isNumbersLike(value)) {
    const numbers = numbersIn(at, `the ${what}`, value, Infinity, valueOf);
    if (numbers.length !== n) usage(`${at}: the ${what} has ${numbers.length} values, but the ${space.what} has ${n} ${space.noun} (${names.join(', ')})`);
    for (let k = 0; k < n; k++) x[k] = numbers[k]!;
    return x;
  }
  const record = readRecord(at, `the ${what}`, value, wanted);
  if (strict) {
    for (const key of record.keys()) {
      if (!names.includes(key)) usage(`${at}: the ${what} names '${key}', which is not one of the ${space.noun} (${names.join(', ')})`);
    }
  }
  names.forEach((name, k) => {
    if (record.has(name)) {
      const v = record.get(name);
      if (typeof v !== 'number') usage(`${at}: ${valueOf(k)} is not a number: ${show(v)}`);
      x[k] = v as number;
    } else if (missing !== undefined) x[k] = missing;
    else if (space.needed[k]) usage(`${at}: the ${what} has no value for '${name}'`);
  });
  return x;
}

/**
 * Columns in input order, each a typed array or an array of numbers with at least `count` values (checked), or a
 * number: a constant, the same at every point. A variable that the result does not need may be left out of an
 * object of columns (its column is then empty and never read).
 */
export function columnsOf(at: string, columns: unknown, count: number, space: Space): ArrayLike<number>[] {
  const { names, needed } = space;
  const n = names.length;
  const wanted = `an array of ${n} columns (${names.join(', ')}) or an object {name: column}`;
  let given: unknown[];
  if (isRecord(columns)) {
    const record = readRecord(at, 'the columns', columns, wanted);
    given = names.map((name, k) => {
      if (record.has(name)) return record.get(name);
      if (needed[k]) usage(`${at}: no column for '${name}'`);
      return new Float64Array(0);
    });
  } else {
    given = readArray(at, 'the columns', columns, wanted);
    if (given.length !== n) usage(`${at}: expected ${n} columns (${names.join(', ')}), got ${given.length}`);
  }
  return given.map((c, k) => {
    const name = names[k]!;
    if (typeof c === 'number') return new Float64Array(needed[k] ? count : 0).fill(c);
    if (!isNumbersLike(c)) usage(`${at}: column '${name}' must be a Float64Array, an array of numbers or a number (a constant), got ${show(c)}`);
    const numbers = numbersIn(at, `column '${name}'`, c, needed[k] ? count : 0, (i) => `column '${name}' at [${i}]`);
    if (needed[k] && numbers.length < count) usage(`${at}: column '${name}' has ${numbers.length} values, fewer than the ${count} points asked for`);
    return numbers;
  });
}
