// JSON output. One helper knows how numbers are written: non-finite values become the strings "NaN",
// "Infinity" and "-Infinity" (the proto3 JSON mapping), where JSON.stringify alone would write null.
// Objects are built from ordered [key, value] pairs, so keys keep their order and `__proto__` is a key like any other.

export type Json = number | string | boolean | null | Json[] | JsonObject;
/** An ordered object: a list of entries, written in order, any key allowed. */
export interface JsonObject {
  entries: [string, Json][];
}

export const obj = (entries: [string, Json][]): JsonObject => ({ entries });

export function jsonNumber(v: number): string {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  return JSON.stringify(v);
}

/** Serialises on one line, without recursion limits mattering for our shallow documents. */
export function stringify(value: Json): string {
  if (typeof value === 'number') return jsonNumber(value);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stringify).join(',')}]`;
  return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${stringify(v)}`).join(',')}}`;
}
