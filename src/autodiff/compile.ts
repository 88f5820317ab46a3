// Code generation: the checked graph compiles once into straight-line JavaScript for the value and the gradient
// (one reverse sweep), which V8 optimizes like hand-written code. The local derivatives come from the rule table
// with code strings as the carrier (`Ops<string>`), and each primitive's value is written by its row's `code`:
// this file has no rules of its own.
//
// Safety: the generated source contains only numeric literals printed here, fixed local names (v12, t3, a7, …),
// operators and `Math` calls. No text from the user (variable names, the formula) is ever spliced into it:
// inputs are mapped by index.
//
// Agreement with the interpreter (evaluate.ts / reverse.ts): values are computed by the same Math functions in
// the same order, adjoints are accumulated in the same order (nodes from last to first, arguments left to
// right), and every chain-rule term follows `term()`: a zero adjoint times an infinite or NaN partial is 0.
// Where one factor is a finite nonzero constant known at compile time the plain product is identical, so the
// guard is only emitted where both factors are computed at run time.
import { term } from './evaluate.js';
import { dependsOnInput, reaching, type Graph, type NodeId } from './graph.js';
import { makeOps, PRIMS, type Ops, type PrimName } from './primitives.js';


/** A number as a JavaScript expression that evaluates to exactly that double. */
export function literal(c: number): string {
  if (Number.isNaN(c)) return '(0 / 0)';
  if (c === Infinity) return '(1 / 0)';
  if (c === -Infinity) return '(-1 / 0)';
  if (Object.is(c, -0)) return '(-0)';
  const text = String(c); // shortest round-trip form: 0.1, 1e-7, 1.7976931348623157e+308
  if (!/^-?[0-9.]+(e[+-][0-9]+)?$/.test(text)) throw new Error(`cannot print the number ${text}`);
  return c < 0 ? `(${text})` : text;
}

/** A value known when compiling (a number) or computed at run time (the name of a local). */
export type Operand = { k: 'const'; c: number } | { k: 'code'; s: string };

/** Emits straight-line statements; `Ops<string>` over it turns rule-table partials into code. */
export class Emitter {
  readonly lines: string[] = [];
  private next = 0;
  private readonly literals = new Map<string, number>();
  private memo = new Map<string, string>();

  constructor(private readonly prefix: string) {}

  lit(c: number): string {
    const s = literal(c);
    this.literals.set(s, c);
    return s;
  }

  constOf(s: string): number | undefined {
    // Every literal starts with a digit or '(' (see literal()); a name never does, and needs no look-up.
    const c0 = s.charCodeAt(0);
    return c0 === 40 || (c0 >= 48 && c0 <= 57) ? this.literals.get(s) : undefined;
  }

  temp(code: string): string {
    const found = this.memo.get(code);
    if (found !== undefined) return found;
    const name = `${this.prefix}${this.next++}`;
    this.lines.push(`const ${name} = ${code};`);
    this.memo.set(code, name);
    return name;
  }

  /** Forget shared temporaries (they are block-scoped to the region where they were emitted). */
  resetMemo(): void {
    this.memo = new Map();
  }

  /** Applies a primitive: folded to a literal when every argument is one (the same arithmetic as at run time). */
  apply(op: PrimName, args: string[], param: number): string {
    // x^1 is x for every double (NaN and ±0 included), and V8's Math.pow(x, 1) is a slow path: the power rule's
    // c*x^(c-1) for c = 2 writes it in every squared term's derivative.
    if (op === 'powc' && param === 1) return args[0]!;
    const consts = args.map((a) => this.constOf(a));
    if (consts.every((c) => c !== undefined)) return this.lit(PRIMS[op].eval(consts as number[], param));
    return this.temp(PRIMS[op].code(args, literal(param)));
  }

  ops(): Ops<string> {
    return makeOps(
      (c) => this.lit(c),
      (op, args, param) => this.apply(op, args, param),
    );
  }
}

export interface KernelSource {
  /** Statements computing every needed value from locals x0..x(n-1); the output value is in `value`. */
  forward: string[];
  /** The output's value as an expression (a local or a literal). */
  value: string;
  /** Statements of the reverse sweep (after `forward`). */
  reverse: string[];
  /** The gradient component of each input, as an expression. */
  gradient: string[];
  /** Which inputs the output reads. */
  needed: boolean[];
}

/** Generates the straight-line value and reverse-sweep code for one output of a graph. */
export function kernelSource(graph: Graph, output: NodeId): KernelSource {
  const k = buildKernel(graph, output);
  return {
    forward: k.listing.text.slice(0, k.forwardEnd),
    value: k.value.s,
    reverse: k.listing.text.slice(k.forwardEnd),
    gradient: k.gradient.map((g) => g.s),
    needed: k.needed,
  };
}

/**
 * A value in generated code: a number known when compiling (`id` -1, `c` the number, `s` its literal) or a named
 * local (`id` its index in the listing's names, `s` the name).
 */
class Val {
  constructor(
    readonly s: string,
    readonly id: number,
    readonly c: number,
  ) {}
}

/**
 * Straight-line statements, each with the names it reads and writes, so that a long listing can be cut into
 * functions without reading the code text again: which names cross from one function to another is known from
 * these references alone.
 */
class Listing {
  readonly text: string[] = [];
  /** Statement s references refs[refAt[s]] .. refs[refAt[s + 1] - 1]: 2·id for a read, 2·id + 1 for a write. */
  readonly refAt: number[] = [0];
  readonly refs: number[] = [];
  /** Local names by id. */
  readonly names: string[] = [];

  name(s: string): number {
    this.names.push(s);
    return this.names.length - 1;
  }

  read(v: Val): void {
    if (v.id >= 0) this.refs.push(v.id * 2);
  }

  write(id: number): void {
    this.refs.push(id * 2 + 1);
  }

  /** Ends a statement whose references were just recorded. */
  end(text: string): void {
    this.text.push(text);
    this.refAt.push(this.refs.length);
  }
}

/** A chain-rule term `partial × adjoint` as code, with the names it reads (at most two). */
class Term {
  constructor(
    readonly s: string,
    readonly r0: Val | undefined,
    readonly r1: Val | undefined,
    /** The term is exactly this adjoint local (a partial of 1 times a computed adjoint). */
    readonly plain: Val | undefined,
  ) {}
}

interface Built {
  listing: Listing;
  /** Statements [0, forwardEnd) compute the value; the rest is the reverse sweep. */
  forwardEnd: number;
  value: Val;
  gradient: Val[];
  needed: boolean[];
}

const NAN_TEXT = literal(NaN);

/**
 * The value and the reverse sweep of `output` as one listing. Inputs are the names x0..x(n-1) (ids 0..n-1),
 * operation values v<node>, temporaries of the partials t<k>, adjoints a<node>.
 */
function buildKernel(graph: Graph, output: NodeId): Built {
  const { nodes } = graph;
  const mask = reaching(nodes, [output]);
  const varies = dependsOnInput(nodes);
  const L = new Listing();
  const consts = new Map<number, Val>();
  const negZero = new Val(literal(-0), -1, -0);
  const constant = (c: number): Val => {
    if (Object.is(c, -0)) return negZero;
    let v = consts.get(c);
    if (v === undefined) consts.set(c, (v = new Val(literal(c), -1, c)));
    return v;
  };
  // Temporaries of one node's partials are shared when their code is the same (a memo per node).
  const memo = new Map<string, Val>();
  let temps = 0;
  const code = (op: PrimName, args: Val[], param: number) =>
    PRIMS[op].code(
      args.map((a) => a.s),
      op === 'powc' ? literal(param) : NAN_TEXT,
    );
  const allConst = (args: Val[]) => {
    for (const a of args) if (a.id >= 0) return false;
    return true;
  };
  const ops = makeOps<Val>(constant, (op, args, param) => {
    // x^1 is x for every double (NaN and ±0 included), and V8's Math.pow(x, 1) is a slow path: the power rule's
    // c*x^(c-1) for c = 2 writes it in every squared term's derivative.
    if (op === 'powc' && param === 1) return args[0]!;
    if (allConst(args)) return constant(PRIMS[op].eval(args.map((a) => a.c), param)); // the same arithmetic as at run time
    const text = code(op, args, param);
    const found = memo.get(text);
    if (found !== undefined) return found;
    const s = `t${temps++}`;
    const v = new Val(s, L.name(s), NaN);
    for (const a of args) L.read(a);
    L.write(v.id);
    L.end(`const ${s} = ${text};`);
    memo.set(text, v);
    return v;
  });

  // Forward: each node's value is an input x<k>, a literal, or a local v<id>.
  const val: Val[] = new Array(nodes.length);
  graph.inputs.forEach((id, k) => (val[id] = new Val(`x${k}`, L.name(`x${k}`), NaN)));
  for (let i = 0; i < nodes.length; i++) {
    if (!mask[i]) continue;
    const n = nodes[i]!;
    if (n.kind === 'const') val[i] = constant(n.value);
    else if (n.kind === 'op') {
      const args = n.args.map((a) => val[a]!);
      if (n.op === 'powc' && n.param === 1) val[i] = args[0]!; // exactly x (see above)
      else if (allConst(args)) val[i] = constant(PRIMS[n.op].eval(args.map((a) => a.c), n.param));
      else {
        const s = `v${i}`;
        const v = (val[i] = new Val(s, L.name(s), NaN));
        for (const a of args) L.read(a);
        L.write(v.id);
        L.end(`const ${s} = ${code(n.op, args, n.param)};`);
      }
    }
  }
  const forwardEnd = L.text.length;

  // Reverse sweep. Adjoints that are compile-time constants (the output's 1, propagated through + - neg and
  // constant factors) stay numbers; the others are locals a<id>. Partials' temporaries and adjoint statements
  // interleave in the listing.
  const adj: (Val | undefined)[] = new Array(nodes.length);
  adj[output] = constant(1);
  const declared = new Uint8Array(nodes.length);
  const contribution = (p: Val, a: Val): Val | Term | undefined => {
    const pc = p.id < 0 ? p.c : undefined;
    if (pc === 0) return undefined;
    if (a.id < 0) {
      if (pc !== undefined) return constant(term(pc, a.c));
      if (Number.isFinite(a.c)) return new Term(a.c === 1 ? p.s : a.c === -1 ? `-${p.s}` : `${p.s} * ${a.s}`, p, undefined, undefined);
      return new Term(`(${p.s} === 0 ? 0 : ${p.s} * ${a.s})`, p, undefined, undefined);
    }
    if (pc !== undefined) {
      if (Number.isFinite(pc)) return new Term(pc === 1 ? a.s : pc === -1 ? `-${a.s}` : `${p.s} * ${a.s}`, a, undefined, pc === 1 ? a : undefined);
      return new Term(`(${a.s} === 0 ? 0 : ${p.s} * ${a.s})`, a, undefined, undefined);
    }
    return new Term(`(${p.s} === 0 || ${a.s} === 0 ? 0 : ${p.s} * ${a.s})`, p, a, undefined);
  };
  const readTerm = (t: Term) => {
    if (t.r0) L.read(t.r0);
    if (t.r1) L.read(t.r1);
  };
  const declare = (target: NodeId, text: (s: string) => string, reads: () => void) => {
    const s = `a${target}`;
    const v = new Val(s, L.name(s), NaN);
    reads();
    L.write(v.id);
    L.end(text(s));
    declared[target] = 1;
    adj[target] = v;
  };
  const accumulate = (target: NodeId, t: Val | Term) => {
    const cur = adj[target];
    if (cur === undefined) {
      if (t instanceof Val) adj[target] = t;
      else if (t.plain !== undefined) {
        // The contribution is another node's finished adjoint (a partial of 1: +, -, a product by 1): share its
        // local instead of copying it. `0 + a` is `a` here, as an adjoint local is never -0 (it starts as
        // `… + 0` or `c + …`, and a sum is -0 only if both terms are). A later contribution to `target` then
        // declares target's own local (below), leaving the shared one untouched.
        adj[target] = t.plain;
      } else {
        // `0 + t`, as the interpreter starts from 0 (this also turns a -0 into 0).
        declare(target, (s) => `let ${s} = ${t.s} + 0;`, () => readTerm(t));
      }
    } else if (cur.id < 0 && t instanceof Val) {
      adj[target] = constant(cur.c + t.c);
    } else if (cur.id < 0) {
      const c = t as Term;
      declare(target, (s) => `let ${s} = ${cur.s} + ${c.s};`, () => readTerm(c));
    } else if (!declared[target]) {
      // `cur` is another node's local, shared (above): target's own starts from it, in the interpreter's order.
      declare(
        target,
        (s) => `let ${s} = ${cur.s} + ${t.s};`,
        () => {
          L.read(cur);
          if (t instanceof Term) readTerm(t);
        },
      );
    } else {
      if (t instanceof Term) readTerm(t);
      L.write(cur.id);
      L.end(`${cur.s} += ${t.s};`);
    }
  };
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    const a = adj[i];
    if (!mask[i] || n.kind !== 'op' || !varies[i] || a === undefined) continue;
    if (a.id < 0 && a.c === 0) continue;
    memo.clear();
    const args = n.args.map((x) => val[x]!);
    const partials = PRIMS[n.op].partials(ops, args, val[i]!, n.param);
    for (let j = 0; j < n.args.length; j++) {
      const arg = n.args[j]!;
      if (!varies[arg]) continue;
      const t = contribution(partials[j]!, a);
      if (t !== undefined) accumulate(arg, t);
    }
  }
  const gradient = graph.inputs.map((id) => adj[id] ?? constant(0));
  const needed = graph.inputs.map((id) => mask[id] === 1);
  return { listing: L, forwardEnd, value: val[output]!, gradient, needed };
}

export type ValueColumns = (columns: readonly ArrayLike<number>[], count: number, value: Float64Array) => void;
export type GradientColumns = (
  columns: readonly ArrayLike<number>[],
  count: number,
  value: Float64Array,
  gradient: readonly Float64Array[],
) => void;
export type ValueRows = (points: ArrayLike<number>, count: number, value: Float64Array) => void;
export type GradientRows = (points: ArrayLike<number>, count: number, value: Float64Array, gradient: Float64Array) => void;

/** The compiled kernels of one output, over batches of points. Inputs are in the graph's input order. */
export interface Kernels {
  inputCount: number;
  /** Values of the output at `count` points given as one column per input. */
  valueColumns: ValueColumns;
  /** Values and gradients (`gradient[k][i]` = ∂f/∂x_k at point i). */
  gradientColumns: GradientColumns;
  /** Values at `count` points given row-major (`points[i*n + k]`). */
  valueRows: ValueRows;
  /** Values and gradients, both row-major (`gradient[i*n + k]`). */
  gradientRows: GradientRows;
  /** The generated source, for inspection and tests. */
  source: { value: string; gradient: string };
}

/**
 * The size of one generated function, in characters of statement text (plus an allowance for each name it loads
 * from or stores to the workspace). V8 optimizes only functions whose bytecode is below 60 KB
 * (--max-optimized-bytecode-size), and a function with more than about a hundred locals takes about 1.3 bytes of
 * bytecode per character of this code; a function over the limit runs in the interpreter, several times slower.
 */
const BUDGET = 24000;
/** Estimated size of loading one name from the workspace (`let v12 = w[345];`) or storing one. */
const CROSSING = 20;

/**
 * Compiles value and gradient kernels for `output`. The code is generated once; each of the four kernel shapes is
 * turned into a function when it is first called, so a caller pays V8's compile only for what it uses. A kernel
 * whose code fits one function runs its loop over the points inside it; a larger one is cut into functions that
 * share a Float64Array workspace, called in turn for each point. `chunk` (for tests) cuts every `chunk` statements
 * instead, whenever a kernel has more.
 */
export function compileKernels(graph: Graph, output: NodeId, options: { chunk?: number } = {}): Kernels {
  const built = buildKernel(graph, output);
  const n = graph.inputs.length;
  const plans: (Plan | undefined)[] = [undefined, undefined];
  const plan = (grad: boolean): Plan => (plans[grad ? 1 : 0] ??= planKernel(built, grad, options.chunk));
  let vc: ValueColumns | undefined;
  let gc: GradientColumns | undefined;
  let vr: ValueRows | undefined;
  let gr: GradientRows | undefined;
  return {
    inputCount: n,
    valueColumns: (cols, count, out) => (vc ??= plan(false).columns as ValueColumns)(cols, count, out),
    gradientColumns: (cols, count, out, grad) => (gc ??= plan(true).columns as GradientColumns)(cols, count, out, grad),
    valueRows: (p, count, out) => (vr ??= plan(false).rows as ValueRows)(p, count, out),
    gradientRows: (p, count, out, g) => (gr ??= plan(true).rows as GradientRows)(p, count, out, g),
    source: {
      get value() {
        return plan(false).source;
      },
      get gradient() {
        return plan(true).source;
      },
    },
  };
}

/** One kernel (value or value + gradient): its source and its column and row shapes, each compiled on first use. */
interface Plan {
  source: string;
  readonly columns: ValueColumns | GradientColumns;
  readonly rows: ValueRows | GradientRows;
}

function planKernel(built: Built, grad: boolean, chunk: number | undefined): Plan {
  const L = built.listing;
  const end = grad ? L.text.length : built.forwardEnd;
  const cuts = chunk !== undefined ? (end > chunk ? cutEvery(end, chunk) : undefined) : cutByBudget(L, end);
  return cuts === undefined ? singleFunction(built, grad, end) : chunked(built, grad, end, cuts);
}

/** Statement indices where functions start, every `chunk` statements. */
function cutEvery(end: number, chunk: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s < end; s += chunk) starts.push(s);
  return starts;
}

/**
 * Statement indices where functions start so that each stays within BUDGET (its statements, the loads at its
 * start and the stores at its end); undefined if the kernel fits one function.
 */
function cutByBudget(L: Listing, end: number): number[] | undefined {
  const { refs, refAt, text, names } = L;
  let total = 0;
  for (let s = 0; s < end; s++) total += text[s]!.length;
  if (total <= BUDGET) return undefined;
  // The last statement using each name.
  const lastUse = new Int32Array(names.length);
  for (let s = 0; s < end; s++) for (let r = refAt[s]!; r < refAt[s + 1]!; r++) lastUse[refs[r]! >> 1] = s;
  const declared = new Uint8Array(names.length);
  // The last function that used each name, and the last that wrote it.
  const seen = new Int32Array(names.length).fill(-1);
  const wrote = new Int32Array(names.length).fill(-1);
  // Names written in the current function and used after the current statement: each needs a store if the
  // function ends here. `due[s]` counts those whose last use is statement s.
  const due = new Int32Array(end + 1);
  let written: number[] = [];
  let pending = 0;
  const starts = [0];
  let c = 0;
  let size = 0;
  const costOf = (s: number) => {
    let cost = text[s]!.length;
    for (let r = refAt[s]!; r < refAt[s + 1]!; r++) {
      const id = refs[r]! >> 1;
      if (refs[r]! & 1) {
        if (wrote[id] !== c && lastUse[id] > s) cost += CROSSING; // a store at the end, unless last used here
        if (declared[id] && seen[id] !== c) cost += CROSSING; // `+=` to a name of an earlier function: a load
      } else if (seen[id] !== c) cost += CROSSING; // a load at the start
    }
    return cost;
  };
  for (let s = 0; s < end; s++) {
    let cost = costOf(s);
    if (size > 0 && size + cost + pending * CROSSING > BUDGET) {
      for (const id of written) if (lastUse[id] >= s) due[lastUse[id]]--;
      written = [];
      pending = 0;
      c++;
      starts.push(s);
      size = 0;
      cost = costOf(s);
    }
    size += cost;
    for (let r = refAt[s]!; r < refAt[s + 1]!; r++) {
      const id = refs[r]! >> 1;
      if (refs[r]! & 1) {
        declared[id] = 1;
        if (wrote[id] !== c) {
          wrote[id] = c;
          if (lastUse[id] > s) {
            pending++;
            due[lastUse[id]]++;
            written.push(id);
          }
        }
      }
      seen[id] = c;
    }
    pending -= due[s]!;
    due[s] = 0;
  }
  return starts;
}

/** A kernel as one function with its loop over the points inside. */
function singleFunction(built: Built, grad: boolean, end: number): Plan {
  const { listing: L, value, gradient, needed } = built;
  const n = needed.length;
  const idx = [...Array(n).keys()];
  const body = L.text.slice(0, end);
  const loadCols = idx.filter((k) => needed[k]).map((k) => `const x${k} = c${k}[i];`);
  const loadRows = idx.filter((k) => needed[k]).map((k) => `const x${k} = p[o + ${k}];`);
  const colsHead = idx.filter((k) => needed[k]).map((k) => `const c${k} = cols[${k}];`);
  const gradHead = idx.map((k) => `const g${k} = grad[${k}];`);
  const block = (lines: string[]) => (lines.length ? `    ${lines.join('\n    ')}` : '');
  const colsLoop = `for (let i = 0; i < count; i++) {\n${block(loadCols)}\n${block(body)}\n    out[i] = ${value.s};`;
  const rowsLoop = `for (let i = 0, o = 0; i < count; i++, o += ${n}) {\n${block(loadRows)}\n${block(body)}\n    out[i] = ${value.s};`;
  const columns = grad
    ? `${colsHead.join('\n')}\n${gradHead.join('\n')}\n${colsLoop}\n${block(idx.map((k) => `g${k}[i] = ${gradient[k]!.s};`))}\n}`
    : `${colsHead.join('\n')}\n${colsLoop}\n}`;
  let cf: Plan['columns'] | undefined;
  let rf: Plan['rows'] | undefined;
  return {
    source: columns,
    get columns() {
      return (cf ??= (grad ? new Function('cols', 'count', 'out', 'grad', `'use strict';\n${columns}`) : new Function('cols', 'count', 'out', `'use strict';\n${columns}`)) as Plan['columns']);
    },
    get rows() {
      if (rf) return rf;
      const rows = grad ? `${rowsLoop}\n${block(idx.map((k) => `g[o + ${k}] = ${gradient[k]!.s};`))}\n}` : `${rowsLoop}\n}`;
      return (rf = (grad ? new Function('p', 'count', 'out', 'g', `'use strict';\n${rows}`) : new Function('p', 'count', 'out', `'use strict';\n${rows}`)) as Plan['rows']);
    },
  };
}

/**
 * A kernel cut into functions at `starts`, called in turn for each point. A name used in one function only stays
 * a local there. A name that crosses functions (a forward value the reverse sweep reads, an adjoint accumulated in
 * several) has a slot in a shared Float64Array workspace: a function loads it into a local at its start and, if it
 * writes the name and a later function reads it, stores it back at its end. Inputs are slots 0..n-1; the value
 * and the gradient are read from their slots after the last function.
 */
function chunked(built: Built, grad: boolean, end: number, starts: number[]): Plan {
  const { listing: L, needed } = built;
  const { refs, refAt, text, names } = L;
  const n = needed.length;
  const count = starts.length;
  const chunkEnd = (c: number) => (c + 1 < count ? starts[c + 1]! : end);
  // Where each name is declared (inputs: before every function) and the last function that uses it.
  const home = new Int32Array(names.length).fill(-1);
  const last = new Int32Array(names.length).fill(-1);
  for (let c = 0; c < count; c++) {
    for (let r = refAt[starts[c]!]!; r < refAt[chunkEnd(c)]!; r++) {
      const id = refs[r]! >> 1;
      if (refs[r]! & 1 && home[id] === -1 && id >= n) home[id] = c;
      last[id] = c;
    }
  }
  // Slots: inputs first, then every name that crosses, when it is first stored; then constant results.
  const slot = new Int32Array(names.length).fill(-1);
  for (let k = 0; k < n; k++) slot[k] = k;
  let slots = n;
  const results = grad ? [built.value, ...built.gradient] : [built.value];
  for (const v of results) if (v.id >= 0) last[v.id] = count;
  const loaded = new Int32Array(names.length).fill(-1);
  const stored = new Int32Array(names.length).fill(-1);
  const sources: string[] = [];
  const fns: ((w: Float64Array) => void)[] = [];
  for (let c = 0; c < count; c++) {
    const loads: string[] = [];
    const stores: string[] = [];
    for (let r = refAt[starts[c]!]!; r < refAt[chunkEnd(c)]!; r++) {
      const id = refs[r]! >> 1;
      if ((id < n || home[id] !== c) && loaded[id] !== c) {
        loaded[id] = c;
        loads.push(`let ${names[id]} = w[${slot[id]}];`);
      }
      if (refs[r]! & 1 && last[id] > c && stored[id] !== c) {
        stored[id] = c;
        if (slot[id] === -1) slot[id] = slots++;
        stores.push(`w[${slot[id]}] = ${names[id]};`);
      }
    }
    sources.push(`${loads.join('\n')}\n${text.slice(starts[c]!, chunkEnd(c)).join('\n')}\n${stores.join('\n')}`);
  }
  const slotOf = (v: Val) => (v.id >= 0 ? slot[v.id]! : slots++);
  const resultSlots = results.map(slotOf);
  const w = new Float64Array(slots);
  results.forEach((v, k) => {
    if (v.id < 0) w[resultSlots[k]!] = v.c;
  });
  let compiled = false;
  const compile = () => {
    if (compiled) return;
    for (const s of sources) fns.push(new Function('w', `'use strict';\n${s}`) as (w: Float64Array) => void);
    compiled = true;
  };
  const run = () => {
    for (let c = 0; c < fns.length; c++) fns[c]!(w);
  };
  const valueSlot = resultSlots[0]!;
  const gradSlots = resultSlots.slice(1);
  const inputs = [...Array(n).keys()].filter((k) => needed[k]);
  const m = inputs.length;
  let columns: Plan['columns'];
  let rows: Plan['rows'];
  if (grad) {
    const gc: GradientColumns = (cols, count, out, g) => {
      compile();
      for (let i = 0; i < count; i++) {
        for (let j = 0; j < m; j++) w[inputs[j]!] = cols[inputs[j]!]![i]!;
        run();
        out[i] = w[valueSlot]!;
        for (let k = 0; k < n; k++) g[k]![i] = w[gradSlots[k]!]!;
      }
    };
    const gr: GradientRows = (p, count, out, g) => {
      compile();
      for (let i = 0, o = 0; i < count; i++, o += n) {
        for (let j = 0; j < m; j++) w[inputs[j]!] = p[o + inputs[j]!]!;
        run();
        out[i] = w[valueSlot]!;
        for (let k = 0; k < n; k++) g[o + k] = w[gradSlots[k]!]!;
      }
    };
    columns = gc;
    rows = gr;
  } else {
    const vc: ValueColumns = (cols, count, out) => {
      compile();
      for (let i = 0; i < count; i++) {
        for (let j = 0; j < m; j++) w[inputs[j]!] = cols[inputs[j]!]![i]!;
        run();
        out[i] = w[valueSlot]!;
      }
    };
    const vr: ValueRows = (p, count, out) => {
      compile();
      for (let i = 0, o = 0; i < count; i++, o += n) {
        for (let j = 0; j < m; j++) w[inputs[j]!] = p[o + inputs[j]!]!;
        run();
        out[i] = w[valueSlot]!;
      }
    };
    columns = vc;
    rows = vr;
  }
  return {
    get source() {
      return sources.join('\n');
    },
    columns,
    rows,
  };
}

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
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    const a = adj[i];
    if (!mask[i] || n.kind !== 'op' || !varies[i] || a === undefined) continue;
    if (isZero(a.v) && isZero(a.d)) continue;
    const p = PRIMS[n.op].partials(dualOps, n.args.map((x) => val[x]!), val[i]!, n.param);
    n.args.forEach((arg, j) => {
      if (!varies[arg]) return;
      const pj = p[j]!;
      const t: Dual = { v: times(pj.v, a.v), d: plus(times(pj.d, a.v), times(pj.v, a.d)) };
      const cur = adj[arg];
      adj[arg] = cur === undefined ? t : { v: plus(cur.v, t.v), d: plus(cur.d, t.d) };
    });
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

export function compileHvp(graph: Graph, output: NodeId): { hvp: HvpKernel; source: string } {
  const src = hvpSource(graph, output);
  const n = graph.inputs.length;
  const idx = [...Array(n).keys()];
  const code = [
    ...idx.filter((k) => src.needed[k]).map((k) => `const x${k} = x[${k}], d${k} = v[${k}];`),
    ...src.body,
    ...idx.map((k) => `grad[${k}] = ${src.gradient[k]};`),
    ...idx.map((k) => `hv[${k}] = ${src.hv[k]};`),
    `return ${src.value};`,
  ].join('\n');
  return { hvp: new Function('x', 'v', 'grad', 'hv', `'use strict';\n${code}`) as HvpKernel, source: code };
}
