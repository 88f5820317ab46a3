// Hessian-vector products compiled by forward-over-reverse: the reverse sweep written over duals (value, tangent),
// whose arithmetic is the rule table with code as the carrier. A kernel over the size budget is cut into functions
// over a workspace (chunkedHvp), so a sum of any length compiles and runs. At edge points (0·∞, signs of zero) some
// entries differ from the interpreter's (hessian.ts); compile-hessian.ts compiles the interpreter's computation.
import { dependsOnInput, reaching, usersOf, type Graph, type NodeId } from './graph.js';
import { makeOps, PRIMS, type Ops, type PrimName } from './primitives.js';
import { Emitter } from './emit.js';
import { canGenerateCode, interpretedHvp } from './interpreted.js';

/** A value and its tangent along a direction, as code (forward-over-reverse for Hessian-vector products). */
interface Dual {
  v: string;
  d: string;
}

/**
 * Hessian-vector products by forward-over-reverse: the reverse sweep is written over duals (value, tangent),
 * and the duals' arithmetic is itself the rule table with code as the carrier, so a partial's tangent comes
 * from the partials of the primitives that make it up. Every product follows `term()` (0 times anything is 0).
 */
export function hvpSource(graph: Graph, output: NodeId): { body: string[]; value: string; gradient: string[]; hv: string[]; needed: boolean[] } {
  const { nodes } = graph;
  const mask = reaching(nodes, [output]);
  const varies = dependsOnInput(nodes);
  const e = new Emitter('t');
  const c = e.ops();
  const zero = e.lit(0);
  const isZero = (s: string) => e.constOf(s) === 0;
  const times = (p: string, q: string): string => {
    const pc = e.constOf(p);
    const qc = e.constOf(q);
    if (pc === 0 || qc === 0) return zero;
    if ((pc !== undefined && Number.isFinite(pc)) || (qc !== undefined && Number.isFinite(qc))) return e.apply('mul', [p, q], NaN);
    return e.temp(`(${p} === 0 || ${q} === 0 ? 0 : ${p} * ${q})`);
  };
  const plus = (p: string, q: string): string => (isZero(p) ? q : isZero(q) ? p : e.apply('add', [p, q], NaN));
  const dualOps: Ops<Dual> = makeOps<Dual>(
    (x) => ({ v: e.lit(x), d: zero }),
    (op, args, param) => {
      const v = e.apply(op, args.map((a) => a.v), param);
      if (args.every((a) => isZero(a.d))) return { v, d: zero };
      const p = PRIMS[op].partials(c, args.map((a) => a.v), v, param);
      let d = zero;
      args.forEach((a, j) => (d = plus(d, times(p[j]!, a.d))));
      return { v, d };
    },
  );
  const val: Dual[] = new Array(nodes.length);
  graph.inputs.forEach((id, k) => {
    if (mask[id]) val[id] = { v: `x${k}`, d: `d${k}` };
  });
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (!mask[i] || n.kind === 'input') continue;
    if (n.kind === 'const') val[i] = { v: e.lit(n.value), d: zero };
    else val[i] = applyDual(dualOps, n.op, n.args.map((a) => val[a]!), n.param);
  }
  const adj: (Dual | undefined)[] = new Array(nodes.length);
  adj[output] = { v: e.lit(1), d: zero };
  // Each node pulls its contributions from its first consumer to its last, as reverseSweep adds them.
  const users = usersOf(nodes);
  const partialsOf: (Dual[] | undefined)[] = new Array(nodes.length);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!mask[i] || !varies[i]) continue;
    for (let k = users.start[i]!; k < users.start[i + 1]!; k++) {
      const c = users.node[k]!;
      const p = partialsOf[c]?.[users.position[k]!];
      if (p === undefined) continue;
      const a = adj[c]!;
      const t: Dual = { v: times(p.v, a.v), d: plus(times(p.d, a.v), times(p.v, a.d)) };
      const cur = adj[i];
      adj[i] = cur === undefined ? t : { v: plus(cur.v, t.v), d: plus(cur.d, t.d) };
    }
    const n = nodes[i]!;
    const a = adj[i];
    if (n.kind !== 'op' || a === undefined || (isZero(a.v) && isZero(a.d))) continue;
    partialsOf[i] = PRIMS[n.op].partials(dualOps, n.args.map((x) => val[x]!), val[i]!, n.param);
  }
  const gradient = graph.inputs.map((id) => adj[id]?.v ?? zero);
  const hv = graph.inputs.map((id) => adj[id]?.d ?? zero);
  return { body: e.lines, value: val[output]!.v, gradient, hv, needed: graph.inputs.map((id) => mask[id] === 1) };
}

function applyDual(ops: Ops<Dual>, op: PrimName, args: Dual[], param: number): Dual {
  return op === 'powc' ? ops.powc(args[0]!, param) : (ops[op] as (...a: Dual[]) => Dual)(...args);
}

/** Value, gradient and H·v at one point (x and v in input order); writes `grad` and `hv`, returns the value. */
export type HvpKernel = (x: ArrayLike<number>, v: ArrayLike<number>, grad: Float64Array, hv: Float64Array) => number;

/**
 * The size of one generated function, in characters of statement text plus CROSSING for each name it loads or
 * stores: the gradient compiler's budget (compile.ts BUDGET), below which V8 optimizes a function. A kernel over it
 * is cut into functions: one straight-line function keeps every temporary in its frame, and a long one (a sum of
 * 10^4 terms has about 10^5 temporaries) overflows the stack when it is called.
 */
const BUDGET = 24000;
/** Estimated size of loading one name (`const t12 = w[345];`) or storing one. */
const CROSSING = 20;

/**
 * Compiles `hvpSource` into a kernel: one function when its text fits BUDGET, else functions cut where the next
 * statement would take one over BUDGET (`chunk`, for tests: every `chunk` statements, whatever their size). Cut
 * or not, the statements and their order are the same, and a value that crosses functions goes through a
 * Float64Array (which holds a double exactly), so every result is the same double.
 */
export function compileHvp(graph: Graph, output: NodeId, options: { chunk?: number } = {}): { hvp: HvpKernel; source: string } {
  if (!canGenerateCode()) return { hvp: interpretedHvp(graph, output), source: '' };
  const src = hvpSource(graph, output);
  const n = graph.inputs.length;
  const idx = [...Array(n).keys()];
  const results = [...idx.map((k) => `grad[${k}] = ${src.gradient[k]};`), ...idx.map((k) => `hv[${k}] = ${src.hv[k]};`)];
  let size = 0;
  for (const line of src.body) size += line.length;
  if (options.chunk === undefined && size <= BUDGET) {
    const code = [
      ...idx.filter((k) => src.needed[k]).map((k) => `const x${k} = x[${k}], d${k} = v[${k}];`),
      ...src.body,
      ...results,
      `return ${src.value};`,
    ].join('\n');
    return { hvp: new Function('x', 'v', 'grad', 'hv', `'use strict';\n${code}`) as HvpKernel, source: code };
  }
  // The value goes to the workspace's slot 0, and the kernel returns it from there.
  return chunkedHvp([...src.body, ...results, `w[0] = ${src.value};`], n, options.chunk);
}

/**
 * The local names of a statement: t12 (a temporary), x3 (input 3) and d3 (direction 3), as ids 3·12, 3·3 + 1
 * and 3·3 + 2, each once; a declaration (`const t12 = …;`) gives the name it declares first, as -1 - id. The
 * rest of the text (operators, literals such as 1e-7 or (0 / 0), `Math.tan`, `grad[3]`) is not a name: a name
 * starts after a character that cannot continue a word and is a letter followed by digits only.
 */
function namesOf(line: string, seen: Int32Array, stamp: number): number[] {
  const ids: number[] = [];
  let i = 0;
  if (line.startsWith('const t')) {
    let j = 7;
    let k = 0;
    for (; isDigit(line.charCodeAt(j)); j++) k = k * 10 + line.charCodeAt(j) - 48;
    ids.push(-1 - 3 * k);
    i = j;
  }
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const kind = c === 116 /* t */ ? 0 : c === 120 /* x */ ? 1 : c === 100 /* d */ ? 2 : -1;
    if (kind < 0 || (i > 0 && isWord(line.charCodeAt(i - 1))) || !isDigit(line.charCodeAt(i + 1))) continue;
    let j = i + 1;
    let k = 0;
    for (; isDigit(line.charCodeAt(j)); j++) k = k * 10 + line.charCodeAt(j) - 48;
    if (isWord(line.charCodeAt(j))) continue;
    const id = 3 * k + kind;
    if (seen[id] !== stamp) {
      seen[id] = stamp;
      ids.push(id);
    }
    i = j - 1;
  }
  return ids;
}
const isDigit = (c: number) => c >= 48 && c <= 57;
/** A character that can continue a name, a number or a member access (`Math.tan`). */
const isWord = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c === 46;
const nameOf = (id: number) => `${'txd'[id % 3]}${Math.floor(id / 3)}`;

/**
 * Straight-line statements (`const t12 = …;` declarations, then the results' assignments) cut into functions
 * over a shared workspace `w`, called in turn. A function loads each input and direction entry it reads from the
 * caller's `x` and `v`, and each temporary declared in an earlier function from its slot in `w`; it stores each
 * temporary that a later function reads into its slot. Slot 0 holds the value. `n`: the number of inputs.
 */
function chunkedHvp(lines: readonly string[], n: number, chunk: number | undefined): { hvp: HvpKernel; source: string } {
  const count = lines.length;
  // Temporaries are numbered from 0, one per declaration, so every id is below 3·max(count, n).
  const ids = 3 * Math.max(count, n) + 3;
  const reads: number[][] = [];
  const declares = new Int32Array(count).fill(-1);
  const lastRead = new Int32Array(ids).fill(-1);
  const seen = new Int32Array(ids).fill(-1);
  for (let i = 0; i < count; i++) {
    const names = namesOf(lines[i]!, seen, i);
    if (names[0] !== undefined && names[0] < 0) declares[i] = -1 - names.shift()!;
    reads.push(names);
    for (const id of names) lastRead[id] = i;
  }

  // Cut where the next statement would take the function over BUDGET: its text, a load for each name it reads
  // that the function has not, and a store for each temporary declared in the function and read after it.
  const starts: number[] = [];
  const known = seen.fill(-1); // id → the last function that declared or loaded it
  const due = new Int32Array(count + 1); // per statement: pending stores whose last read it is
  let declared: number[] = [];
  let pending = 0;
  let cost = 0;
  let c = -1;
  const costOf = (i: number) => {
    let k = lines[i]!.length;
    for (const id of reads[i]!) if (known[id] !== c) k += CROSSING;
    if (declares[i]! >= 0 && lastRead[declares[i]!]! > i) k += CROSSING;
    return k;
  };
  for (let i = 0; i < count; i++) {
    let k = costOf(i);
    const full = c < 0 || (chunk !== undefined ? i - starts[c]! >= chunk : cost > 0 && cost + k + pending * CROSSING > BUDGET);
    if (full) {
      for (const d of declared) if (lastRead[d]! >= i) due[lastRead[d]!]--;
      starts.push(i);
      c++;
      declared = [];
      pending = 0;
      cost = 0;
      k = costOf(i);
    }
    cost += k;
    for (const id of reads[i]!) known[id] = c;
    const d = declares[i]!;
    if (d >= 0) {
      known[d] = c;
      if (lastRead[d]! > i) {
        declared.push(d);
        pending++;
        due[lastRead[d]!]++;
      }
    }
    pending -= due[i]!;
    due[i] = 0;
  }
  starts.push(count);

  // Write each function: loads, statements, stores of the temporaries that later functions read.
  const slot = new Int32Array(ids).fill(-1);
  let slots = 1;
  const slotOf = (id: number) => (slot[id] = slot[id]! >= 0 ? slot[id]! : slots++);
  const sources: string[] = [];
  for (let f = 0; f + 1 < starts.length; f++) {
    const [from, to] = [starts[f]!, starts[f + 1]!];
    const loads: string[] = [];
    const stores: string[] = [];
    const here = -2 - f; // `known` stamps: the names this function has
    for (let i = from; i < to; i++) {
      for (const id of reads[i]!) {
        if (known[id] === here) continue;
        known[id] = here;
        const k = Math.floor(id / 3);
        const at = id % 3 === 0 ? `w[${slotOf(id)}]` : id % 3 === 1 ? `x[${k}]` : `v[${k}]`;
        loads.push(`const ${nameOf(id)} = ${at};`);
      }
      const d = declares[i]!;
      if (d >= 0) {
        known[d] = here;
        if (lastRead[d]! >= to) stores.push(`w[${slotOf(d)}] = ${nameOf(d)};`);
      }
    }
    sources.push([...loads, ...lines.slice(from, to), ...stores].join('\n'));
  }
  type Part = (x: ArrayLike<number>, v: ArrayLike<number>, grad: Float64Array, hv: Float64Array, w: Float64Array) => void;
  const parts = sources.map((code) => new Function('x', 'v', 'grad', 'hv', 'w', `'use strict';\n${code}`) as Part);
  const w = new Float64Array(slots);
  const hvp: HvpKernel = (x, v, grad, hv) => {
    for (let f = 0; f < parts.length; f++) parts[f]!(x, v, grad, hv, w);
    return w[0]!;
  };
  return { hvp, source: sources.join('\n') };
}
