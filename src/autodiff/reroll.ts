// Loop rerolling: a kernel's straight-line statements, where they repeat (the terms of a long sum, Rosenbrock's
// n - 1 terms and their reverse sweep), are written as loops over the repetitions. A large kernel then compiles to
// a small function whose time no longer grows with its text (V8 runs a loop over the same sin sum about twice as
// fast as the same statements written out), and the value and the gradient each cost what their arithmetic costs.
//
// It works on the generated statements themselves: every local name (x3, v12, t4, a7, and y<k> for the kernel's
// k-th result) and every numeric literal is an operand; the rest of a statement's text is its shape. A run of R
// blocks of L statements whose shapes repeat becomes `for (let r = 0; r < R; r++) { block 0 }` when every operand
// of block 0 has a form that gives block r's operand for each r:
//   - a literal that is the same in every block, a step (`(4 + r * 3)`, when that gives each block's literal
//     exactly), or a table K of the R values (read `K[base + r * width]`);
//   - a name declared in the same block (a local of the loop body), or in the block before (carried: a variable
//     outside the loop, set at the end of each pass; the first block reads what the first block read);
//   - the same name in every block, declared before the run (read as it is);
//   - input k0 + d*r, result k0 + d*r (read from or written to the caller's arrays), or a name another run left
//     in the scratch array S at slot s0 + d*r.
// A name declared in a run and read after it is kept: in S (each block stores it at the end of the block), or,
// when only the last block's is read afterwards, in the carried variable. Block r of the loop then does exactly
// what block r of the straight-line code did: the same operations on the same doubles (a Float64Array holds a
// double exactly), in the same order, so rerolled and straight-line kernels agree bit for bit.

import { literal } from './emit.js';

/** How a rerolled kernel reads input k and writes result k (0: the value; k ≥ 1: gradient component k - 1). */
export interface Layout {
  /** Input k as a local (`x3`) is loaded by the caller; here the input with index expression `k`, inside a loop. */
  input(k: string): string;
  /** Gradient component k (an index expression), or the value when `value`, as an assignment target. */
  output(k: string, value: boolean): string;
}

export interface Rerolled {
  /** The statements of one point, with loops, for a layout, and the inputs they read as locals (loaded before). */
  body(layout: Layout): { lines: string[]; inputs: number[] };
  /** Size of the scratch array S. */
  scratch: number;
  /** The literal table K. */
  table: Float64Array;
  /** Number of loops written. */
  loops: number;
}

/** Name prefixes (x v t a y), as char codes. */
const PREFIXES = [120, 118, 116, 97, 121];
const isDigit = (c: number) => c >= 48 && c <= 57;
/** A character that can continue an identifier, a number or a member access (`Math.atan2`). */
const isWord = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c === 46;

/** The literals literal() prints in parentheses, and their values. */
const SPECIAL: Record<string, number> = Object.fromEntries([-0, NaN, Infinity, -Infinity].map((v) => [literal(v), v]));
const SPECIAL_TEXT = Object.keys(SPECIAL);

/** The end of the number (digits, '.', an exponent) that starts at i. */
function numberEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && (isDigit(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
  if (text.charCodeAt(j) === 101 /* e */ && (text[j + 1] === '+' || text[j + 1] === '-')) for (j += 2; isDigit(text.charCodeAt(j)); ) j++;
  return j;
}

/**
 * The end of the operand that starts at i (a name such as `v12`, or a literal as literal() prints it: `2.5`,
 * `1e-7`, `(-3)`, `(-0)`, `(0 / 0)`, `(1 / 0)`, `(-1 / 0)`), or -1 if none starts there.
 */
function tokenEnd(text: string, i: number): number {
  if (i > 0 && isWord(text.charCodeAt(i - 1))) return -1;
  const c = text.charCodeAt(i);
  if (PREFIXES.includes(c) && isDigit(text.charCodeAt(i + 1))) {
    let j = i + 1;
    while (isDigit(text.charCodeAt(j))) j++;
    return j < text.length && isWord(text.charCodeAt(j)) ? -1 : j;
  }
  if (isDigit(c)) return numberEnd(text, i);
  if (c !== 40) return -1;
  for (const special of SPECIAL_TEXT) if (text.startsWith(special, i)) return i + special.length;
  if (text.charCodeAt(i + 1) !== 45 /* - */ || !isDigit(text.charCodeAt(i + 2))) return -1;
  const j = numberEnd(text, i + 2);
  return text.charCodeAt(j) === 41 /* ) */ ? j + 1 : -1;
}

/** The prefixes of inputs and results. */
const X = 120;
const Y = 121;

/** The fewest repetitions written as a loop, and the longest block looked for. */
const MIN_REPS = 4;
const MAX_BLOCK = 64;

// Line kinds.
const DEF = 0; // const|let NAME = …
const ADD = 1; // NAME += …
const OUT = 2; // y<k> = …

// Operand forms in a loop.
const LIT = 0; // the same literal
const TABLE = 1; // K[base + r * width]
const SAME = 2; // the same name, declared before the run
const LOCAL = 3; // declared in the same block at position `a`
const CARRY = 4; // declared in the block before at position `a`; the first block reads `b` (an operand)
const INPUT = 5; // input a + b*r
const RESULT = 6; // result a + b*r
const SCRATCH = 7; // S[a + b*r]
const STEP = 8; // the literal a + r * b

interface Form {
  f: number;
  a: number;
  b: number;
}

/** The statements, parsed: each line's shape, kind and operands, and each name's declaration and last use. */
interface Parsed {
  N: number;
  /** Per line: its shape (an index into shapeText: the text around the operands), its kind, where its operands start. */
  shape: Int32Array;
  kind: Uint8Array;
  opAt: Int32Array;
  /** Operands: name ids ≥ 0, literals -1 - index. */
  ops: number[];
  shapeText: string[][];
  /** Per name: its text, prefix (char code) and number, the line that declares it (-1: none) and the last that uses it. */
  nameText: string[];
  family: number[];
  numberOf: number[];
  defLine: number[];
  lastUse: number[];
  /** Per literal: its text and value. */
  litText: string[];
  litValue: number[];
}

function parse(lines: readonly string[]): Parsed {
  const shapes = new Map<string, number>();
  const shapeText: string[][] = [];
  const nameText: string[] = [];
  const defLine: number[] = [];
  const lastUse: number[] = [];
  const litIds = new Map<string, number>();
  const litText: string[] = [];
  const litValue: number[] = [];
  const N = lines.length;
  const shape = new Int32Array(N);
  const kind = new Uint8Array(N);
  const opAt = new Int32Array(N + 1);
  const ops: number[] = [];
  const nameKey = new Map<number, number>(); // number * 8 + prefix → name id (no string per occurrence)
  const family: number[] = [];
  const numberOf: number[] = [];
  for (let l = 0; l < N; l++) {
    const text = lines[l]!;
    let key = '';
    let last = 0;
    for (let i = 0; i < text.length; ) {
      const end = tokenEnd(text, i);
      if (end < 0) {
        i++;
        continue;
      }
      key += `${text.slice(last, i)}\0`;
      const c = text.charCodeAt(i);
      if (c === 40 || (c >= 48 && c <= 57)) {
        const t = text.slice(i, end);
        let id = litIds.get(t);
        if (id === undefined) {
          id = litText.length;
          litIds.set(t, id);
          litText.push(t);
          litValue.push(t in SPECIAL ? SPECIAL[t]! : Number(c === 40 ? t.slice(1, -1) : t));
        }
        ops.push(-1 - id);
      } else {
        let num = 0;
        for (let j = i + 1; j < end; j++) num = num * 10 + text.charCodeAt(j) - 48;
        const k = num * 8 + PREFIXES.indexOf(c);
        let id = nameKey.get(k);
        if (id === undefined) {
          id = nameText.length;
          nameKey.set(k, id);
          nameText.push(text.slice(i, end));
          family.push(c);
          numberOf.push(num);
          defLine.push(-1);
          lastUse.push(-1);
        }
        ops.push(id);
        lastUse[id] = l;
      }
      last = i = end;
    }
    key += text.slice(last);
    let sid = shapes.get(key);
    if (sid === undefined) {
      sid = shapeText.length;
      shapes.set(key, sid);
      shapeText.push(key.split('\0'));
    }
    shape[l] = sid;
    opAt[l + 1] = ops.length;
    kind[l] = text.startsWith('const ') || text.startsWith('let ') ? DEF : text.charCodeAt(0) === 121 /* y */ ? OUT : ADD;
    if (kind[l] === DEF) defLine[ops[opAt[l]!]!] = l;
  }
  return { N, shape, kind, opAt, ops, shapeText, nameText, family, numberOf, defLine, lastUse, litText, litValue };
}

/** The loops found (and the straight lines between them), with the scratch slots and the literal table they use. */
interface Found {
  items: (number | Loop)[];
  /** Per name: its slot in S (names a loop keeps there), or -1. */
  slot: Int32Array;
  scratch: number;
  table: number[];
}

/** A loop: R blocks of L lines from line `start`, the form of each operand of block 0, and what it keeps. */
interface Loop {
  start: number;
  L: number;
  R: number;
  forms: Form[];
  /** Columns of the literal table read by the loop. */
  width: number;
  /** Positions in the block whose name is carried to the next pass or out of the loop. */
  carried: number[];
  /** Positions whose names are stored in S, and the first slot. */
  spilled: number[];
  spillAt: number;
  /** Positions whose last block's name is read after the loop (from the carried variable). */
  out: number[];
}

/** Finds runs of at least MIN_REPS blocks that can be loops, greedily from the first line (see the top). */
function findLoops(p: Parsed): Found {
  const { N, shape, kind, opAt, ops, family, numberOf, defLine, lastUse, litValue } = p;
  const number = (id: number) => numberOf[id]!;
  const slot = new Int32Array(family.length).fill(-1); // scratch slots of names kept in S
  let scratch = 0;
  const table: number[] = [];
  // Straight lines (a line index) and loops.
  const items: (number | Loop)[] = [];

  /** The form of operand slot k (index into ops of block 0's lines), given blocks 0 and 1; undefined: none. */
  const formOf = (start: number, L: number, l: number, k: number, o0: number, o1: number): Form | undefined => {
    if (o0 < 0 && o1 < 0) return o0 === o1 ? { f: LIT, a: 0, b: 0 } : { f: TABLE, a: 0, b: 0 };
    if (o1 >= 0 && defLine[o1] >= start && defLine[o1]! < start + L) {
      const a = defLine[o1]! - start; // declared in block 0: carried
      if (kind[l] === ADD && k === opAt[l]) return undefined; // `carried += …` would change a value already carried
      if (o0 >= 0 && defLine[o0]! >= start) return undefined;
      return { f: CARRY, a, b: o0 };
    }
    if (o0 < 0 || o1 < 0) return undefined;
    if (o0 === o1) return defLine[o0]! >= start ? undefined : { f: SAME, a: 0, b: 0 };
    if (defLine[o0]! >= start && defLine[o0]! < start + L) return { f: LOCAL, a: defLine[o0]! - start, b: 0 };
    const f0 = family[o0];
    if (f0 !== family[o1]) return undefined;
    if (f0 === X || f0 === Y) {
      const d = number(o1) - number(o0);
      if (f0 === Y && number(o0) === 0) return undefined; // the value is not a gradient component
      return { f: f0 === X ? INPUT : RESULT, a: number(o0), b: d };
    }
    if (slot[o0]! >= 0 && slot[o1]! >= 0) return { f: SCRATCH, a: slot[o0]!, b: slot[o1]! - slot[o0]! };
    return undefined;
  };
  /** Whether operand o of block r (starting at line `at`) has form `form`. */
  const fits = (form: Form, o: number, r: number, at: number, L: number, k0: number): boolean => {
    switch (form.f) {
      case LIT:
      case SAME:
        return o === ops[k0];
      case TABLE:
        return o < 0;
      case LOCAL:
        return o >= 0 && defLine[o] === at + form.a;
      case CARRY:
        return o >= 0 && defLine[o] === at - L + form.a;
      case INPUT:
      case RESULT:
        return o >= 0 && family[o] === (form.f === INPUT ? X : Y) && number(o) === form.a + form.b * r;
      default:
        return o >= 0 && slot[o]! >= 0 && slot[o] === form.a + form.b * r;
    }
  };

  /** The number of blocks of L lines from `start` that fit one loop (1 if none), and the operand forms. */
  const measure = (start: number, L: number): { R: number; forms: Form[] } => {
    const forms: Form[] = [];
    const k0 = opAt[start]!;
    const k1 = opAt[start + L]!;
    // Block 1 against block 0: shapes, then the forms.
    if (start + 2 * L > N) return { R: 1, forms };
    for (let j = 0; j < L; j++) if (shape[start + j] !== shape[start + L + j]) return { R: 1, forms };
    for (let j = 0; j < L; j++) {
      const l = start + j;
      for (let k = opAt[l]!; k < opAt[l + 1]!; k++) {
        const form = formOf(start, L, l, k, ops[k]!, ops[k - k0 + k1]!);
        if (!form) return { R: 1, forms };
        forms.push(form);
      }
    }
    for (let k = 0; k < forms.length; k++) if (!fits(forms[k]!, ops[k1 + k]!, 1, start + L, L, k0 + k)) return { R: 1, forms };
    // Carried values of the same declaration start from the same operand.
    const init = new Map<number, number>();
    for (const form of forms) {
      if (form.f !== CARRY) continue;
      if (init.has(form.a) && init.get(form.a) !== form.b) return { R: 1, forms };
      init.set(form.a, form.b);
    }
    let R = 2;
    for (; start + (R + 1) * L <= N; R++) {
      const at = start + R * L;
      let ok = true;
      for (let j = 0; j < L && ok; j++) if (shape[at + j] !== shape[start + j]) ok = false;
      const kr = opAt[at]!;
      for (let k = 0; k < forms.length && ok; k++) if (!fits(forms[k]!, ops[kr + k]!, R, at, L, k0 + k)) ok = false;
      if (!ok) break;
    }
    return { R, forms };
  };

  let l = 0;
  while (l < N) {
    let best: { L: number; R: number; forms: Form[] } | undefined;
    for (let L = 1; L <= MAX_BLOCK && l + MIN_REPS * L <= N; L++) {
      if (shape[l] !== shape[l + L] || shape[l + L - 1] !== shape[l + 2 * L - 1]) continue;
      const m = measure(l, L);
      if (m.R >= MIN_REPS && (!best || m.R * L > best.R * best.L)) best = { L, ...m };
    }
    if (!best) {
      items.push(l++);
      continue;
    }
    const { L, R, forms } = best;
    const start = l;
    const end = start + R * L;
    // Names declared in the run: kept in S if a block's is read after the next block or after the run (except
    // the last block's, read after the run: carried out).
    const carried: number[] = []; // positions whose value is carried (read by the next block, or after the run)
    const spilled: number[] = [];
    for (let j = 0; j < L; j++) {
      if (kind[start + j] !== DEF) continue;
      let spill = false;
      for (let r = 0; r < R - 1 && !spill; r++) if (lastUse[ops[opAt[start + r * L + j]!]!]! >= end) spill = true;
      if (spill) spilled.push(j);
    }
    const spillAt = scratch;
    spilled.forEach((j, f) => {
      for (let r = 0; r < R; r++) slot[ops[opAt[start + r * L + j]!]!] = spillAt + r * spilled.length + f;
    });
    scratch += R * spilled.length;
    for (const form of forms) if (form.f === CARRY && !carried.includes(form.a)) carried.push(form.a);
    const out: number[] = []; // positions whose last block's name is read after the run, from a carried variable
    for (let j = 0; j < L; j++) {
      if (kind[start + j] !== DEF || spilled.includes(j)) continue;
      if (lastUse[ops[opAt[start + (R - 1) * L + j]!]!]! >= end) {
        out.push(j);
        if (!carried.includes(j)) carried.push(j);
      }
    }
    // Varying literals: a step (v0 + r * d gives every one of them exactly, computed as the loop computes it, as
    // the numbers 1..n of a sum's terms are) or a column of the table, R rows of `width` (equal columns shared).
    const columns: number[][] = [];
    const columnOf = new Map<string, number>();
    forms.forEach((form, k) => {
      if (form.f !== TABLE) return;
      const values = Array.from({ length: R }, (_, r) => litValue[-1 - ops[opAt[start + r * L]! + k]!]!);
      const [v0, v1] = values as [number, number];
      const d = v1 - v0;
      if (Number.isFinite(v0) && Number.isFinite(d) && !Object.is(v0, -0) && values.every((v, r) => Object.is(v, v0 + r * d))) {
        Object.assign(form, { f: STEP, a: v0, b: d });
        return;
      }
      const key = values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',');
      let c = columnOf.get(key);
      if (c === undefined) {
        columnOf.set(key, (c = columns.length));
        columns.push(values);
      }
      form.a = c; // the column, until the table's place is known
    });
    const tableAt = table.length;
    const width = columns.length;
    for (const form of forms) if (form.f === TABLE) form.a += tableAt;
    for (let r = 0; r < R; r++) for (const column of columns) table.push(column[r]!);
    items.push({ start, L, R, forms, width, carried, spilled, spillAt, out });
    l = end;
  }

  return { items, slot, scratch, table };
}

/**
 * Rerolls `lines` (statements in which only the names and literals above vary, `y<k> = …` writing result k) into
 * loops where it finds runs of at least MIN_REPS repetitions.
 */
export function reroll(lines: readonly string[]): Rerolled {
  const p = parse(lines);
  const { shape, opAt, ops, shapeText, nameText, family, numberOf, litText } = p;
  const { items, slot, scratch, table } = findLoops(p);
  const number = (id: number) => numberOf[id]!;
  const inputs = new Set<number>(); // filled while a body is written
  let carries = 0;
  // Writing out, per layout: a straight line with its operands as they are outside loops; a loop as its carried
  // variables, then `for` over block 0 with each operand in its form.
  const carryName = new Map<string, string>(); // `${loop}:${position}` → variable
  const outside = (o: number, layout: Layout): string => {
    if (o < 0) return litText[-1 - o]!;
    if (slot[o]! >= 0) return `S[${slot[o]}]`;
    const f = family[o];
    if (f === X) inputs.add(number(o));
    if (f === Y) return number(o) === 0 ? layout.output('', true) : layout.output(String(number(o) - 1), false);
    return nameText[o]!;
  };
  const affine = (a: number, b: number) => (b === 0 ? `${a}` : b > 0 ? `${a} + r * ${b}` : `${a} - r * ${-b}`);
  const render = (pieces: string[], operand: (k: number) => string, count: number) => {
    let s = pieces[0]!;
    for (let k = 0; k < count; k++) s += operand(k) + pieces[k + 1]!;
    return s;
  };
  const body = (layout: Layout) => {
    inputs.clear();
    const outLines: string[] = [];
    items.forEach((item, index) => {
      if (typeof item === 'number') {
        const k0 = opAt[item]!;
        outLines.push(render(shapeText[shape[item]!]!, (k) => outside(ops[k0 + k]!, layout), opAt[item + 1]! - k0));
        return;
      }
      const { start, L, R, forms, width, carried, spilled, spillAt, out } = item;
      const q = (j: number) => {
        const key = `${index}:${j}`;
        let name = carryName.get(key);
        if (name === undefined) carryName.set(key, (name = `q${carries++}`));
        return name;
      };
      const nameAt = (j: number) => nameText[ops[opAt[start + j]!]!]!;
      for (const j of carried) {
        const form = forms.find((f) => f.f === CARRY && f.a === j);
        outLines.push(`let ${q(j)} = ${form ? outside(form.b, layout) : '0'};`);
      }
      outLines.push(`for (let r = 0; r < ${R}; r++) {`);
      // Each input the block reads is loaded once, at the start of the block (as the straight-line kernel loads
      // every input before its first statement).
      const loaded = new Map<string, string>();
      for (const form of forms) {
        if (form.f !== INPUT) continue;
        const index = affine(form.a, form.b);
        if (loaded.has(index)) continue;
        const name = `u${loaded.size}`;
        loaded.set(index, name);
        outLines.push(`  const ${name} = ${layout.input(index)};`);
      }
      let k = 0;
      for (let j = 0; j < L; j++) {
        const line = start + j;
        const k0 = opAt[line]!;
        const count = opAt[line + 1]! - k0;
        const base = k;
        const text = render(
          shapeText[shape[line]!]!,
          (m) => {
            const form = forms[base + m]!;
            const o = ops[k0 + m]!;
            switch (form.f) {
              case LIT:
                return litText[-1 - o]!;
              case TABLE:
                return `K[${affine(form.a, width)}]`;
              case STEP:
                return `(${literal(form.a)} + r * ${literal(form.b)})`;
              case SAME:
                return outside(o, layout);
              case LOCAL:
                return nameText[o]!;
              case CARRY:
                return q(form.a);
              case INPUT:
                return loaded.get(affine(form.a, form.b))!;
              case RESULT:
                return layout.output(affine(form.a - 1, form.b), false);
              default:
                return `S[${affine(form.a, form.b)}]`;
            }
          },
          count,
        );
        k += count;
        outLines.push(`  ${text}`);
      }
      spilled.forEach((j, f) => outLines.push(`  S[${affine(spillAt + f, spilled.length)}] = ${nameAt(j)};`));
      for (const j of carried) outLines.push(`  ${q(j)} = ${nameAt(j)};`);
      outLines.push('}');
      for (const j of out) outLines.push(`let ${nameText[ops[opAt[start + (R - 1) * L + j]!]!]} = ${q(j)};`);
    });
    return { lines: outLines, inputs: [...inputs].sort((a, b) => a - b) };
  };
  return {
    body,
    scratch,
    table: Float64Array.from(table),
    loops: items.filter((item) => typeof item !== 'number').length,
  };
}
