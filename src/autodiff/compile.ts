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
    return this.literals.get(s);
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
  const { nodes } = graph;
  const mask = reaching(nodes, [output]);
  const varies = dependsOnInput(nodes);
  const e = new Emitter('t');
  // Each node's value as an expression: `x<k>` for input k, a literal for a constant, `v<id>` for an operation.
  const val: string[] = new Array(nodes.length);
  const inputIndex = new Map<NodeId, number>();
  graph.inputs.forEach((id, k) => inputIndex.set(id, k));
  const forward: string[] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (!mask[i]) continue;
    const n = nodes[i]!;
    if (n.kind === 'input') val[i] = `x${inputIndex.get(i)!}`;
    else if (n.kind === 'const') val[i] = e.lit(n.value);
    else {
      const args = n.args.map((a) => val[a]!);
      const consts = args.map((a) => e.constOf(a));
      if (n.op === 'powc' && n.param === 1) val[i] = args[0]!; // exactly x (see Emitter.apply)
      else if (consts.every((c) => c !== undefined)) {
        val[i] = e.lit(PRIMS[n.op].eval(consts as number[], n.param));
      } else {
        val[i] = `v${i}`;
        forward.push(`const v${i} = ${PRIMS[n.op].code(args, literal(n.param))};`);
      }
    }
  }

  // Reverse sweep. Adjoints that are compile-time constants (the output's 1, propagated through + - neg and
  // constant factors) stay numbers; the others are locals a<id>.
  const adj: (Operand | undefined)[] = new Array(nodes.length);
  adj[output] = { k: 'const', c: 1 };
  const reverse = e.lines; // partials' temporaries and adjoint statements interleave in one list
  const declared = new Set<NodeId>();
  const contribution = (p: string, a: Operand): Operand | undefined => {
    const pc = e.constOf(p);
    if (pc === 0) return undefined;
    if (a.k === 'const') {
      if (pc !== undefined) return { k: 'const', c: term(pc, a.c) };
      if (Number.isFinite(a.c)) return { k: 'code', s: a.c === 1 ? p : a.c === -1 ? `-${p}` : `${p} * ${literal(a.c)}` };
      return { k: 'code', s: `(${p} === 0 ? 0 : ${p} * ${literal(a.c)})` };
    }
    if (pc !== undefined) {
      if (Number.isFinite(pc)) return { k: 'code', s: pc === 1 ? a.s : pc === -1 ? `-${a.s}` : `${literal(pc)} * ${a.s}` };
      return { k: 'code', s: `(${a.s} === 0 ? 0 : ${literal(pc)} * ${a.s})` };
    }
    return { k: 'code', s: `(${p} === 0 || ${a.s} === 0 ? 0 : ${p} * ${a.s})` };
  };
  const accumulate = (target: NodeId, t: Operand) => {
    const cur = adj[target];
    if (cur === undefined) {
      if (t.k === 'const') adj[target] = t;
      else if (/^a\d+$/.test(t.s)) {
        // The contribution is another node's finished adjoint (a partial of 1: +, -, a product by 1): share its
        // local instead of copying it. `0 + a` is `a` here, as an adjoint local is never -0 (it starts as
        // `… + 0` or `c + …`, and a sum is -0 only if both terms are). A later contribution to `target` then
        // declares target's own local (below), leaving the shared one untouched.
        adj[target] = { k: 'code', s: t.s };
      } else {
        // `0 + t`, as the interpreter starts from 0 (this also turns a -0 into 0).
        reverse.push(`let a${target} = ${t.s} + 0;`);
        declared.add(target);
        adj[target] = { k: 'code', s: `a${target}` };
      }
    } else if (cur.k === 'const' && t.k === 'const') {
      adj[target] = { k: 'const', c: cur.c + t.c };
    } else if (cur.k === 'const') {
      const c = t as { k: 'code'; s: string };
      reverse.push(`let a${target} = ${literal(cur.c)} + ${c.s};`);
      declared.add(target);
      adj[target] = { k: 'code', s: `a${target}` };
    } else if (!declared.has(target)) {
      // `cur` is another node's local, shared (above): target's own starts from it, in the interpreter's order.
      reverse.push(`let a${target} = ${cur.s} + ${t.k === 'const' ? literal(t.c) : t.s};`);
      declared.add(target);
      adj[target] = { k: 'code', s: `a${target}` };
    } else {
      reverse.push(`a${target} += ${t.k === 'const' ? literal(t.c) : t.s};`);
    }
  };
  const ops = e.ops();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    const a = adj[i];
    if (!mask[i] || n.kind !== 'op' || !varies[i] || a === undefined) continue;
    if (a.k === 'const' && a.c === 0) continue;
    const args = n.args.map((x) => val[x]!);
    const partials = PRIMS[n.op].partials(ops, args, val[i]!, n.param);
    n.args.forEach((arg, j) => {
      if (!varies[arg]) return;
      const t = contribution(partials[j]!, a);
      if (t !== undefined) accumulate(arg, t);
    });
  }
  const gradient = graph.inputs.map((id) => {
    const a = adj[id];
    if (a === undefined) return '0';
    return a.k === 'const' ? literal(a.c) : a.s;
  });
  const needed = graph.inputs.map((id) => mask[id] === 1);
  return { forward, value: val[output]!, reverse: [...reverse], gradient, needed };
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

/** Compiles value and gradient kernels for `output` (one `new Function` per kernel shape). */
export function compileKernels(graph: Graph, output: NodeId, options: { chunk?: number } = {}): Kernels {
  const src = kernelSource(graph, output);
  const n = graph.inputs.length;
  const statements = src.forward.length + src.reverse.length;
  if (options.chunk !== undefined ? statements > options.chunk : statements > CHUNK_ABOVE) return chunkedKernels(src, n, options.chunk ?? CHUNK);
  const idx = [...Array(n).keys()];
  const loadCols = idx.filter((k) => src.needed[k]).map((k) => `const x${k} = c${k}[i];`);
  const loadRows = idx.filter((k) => src.needed[k]).map((k) => `const x${k} = p[o + ${k}];`);
  const colsHead = idx.filter((k) => src.needed[k]).map((k) => `const c${k} = cols[${k}];`);
  const gradHead = idx.map((k) => `const g${k} = grad[${k}];`);
  const body = (lines: string[]) => lines.map((l) => `    ${l}`).join('\n');

  const valueCols = `${colsHead.join('\n')}
for (let i = 0; i < count; i++) {
${body([...loadCols, ...src.forward, `out[i] = ${src.value};`])}
}`;
  const gradCols = `${colsHead.join('\n')}
${gradHead.join('\n')}
for (let i = 0; i < count; i++) {
${body([...loadCols, ...src.forward, ...src.reverse, `out[i] = ${src.value};`, ...idx.map((k) => `g${k}[i] = ${src.gradient[k]};`)])}
}`;
  const valueRows = `for (let i = 0, o = 0; i < count; i++, o += ${n}) {
${body([...loadRows, ...src.forward, `out[i] = ${src.value};`])}
}`;
  const gradRows = `for (let i = 0, o = 0; i < count; i++, o += ${n}) {
${body([...loadRows, ...src.forward, ...src.reverse, `out[i] = ${src.value};`, ...idx.map((k) => `g[o + ${k}] = ${src.gradient[k]};`)])}
}`;
  return {
    inputCount: n,
    valueColumns: new Function('cols', 'count', 'out', `'use strict';\n${valueCols}`) as ValueColumns,
    gradientColumns: new Function('cols', 'count', 'out', 'grad', `'use strict';\n${gradCols}`) as GradientColumns,
    valueRows: new Function('p', 'count', 'out', `'use strict';\n${valueRows}`) as ValueRows,
    gradientRows: new Function('p', 'count', 'out', 'g', `'use strict';\n${gradRows}`) as GradientRows,
    source: { value: valueCols, gradient: gradCols },
  };
}

/**
 * Statements per generated function. V8 optimizes only functions below a bytecode size limit, so one huge
 * straight-line function (a 1,000-variable Rosenbrock, a 10,000-term sum) would run unoptimized; larger kernels
 * are cut into functions of this many statements that share a Float64Array workspace.
 */
const CHUNK = 1000;
/** Kernels up to this many statements stay one function (measured: faster up to a few thousand statements). */
const CHUNK_ABOVE = 8000;

/**
 * Kernels for large graphs: the statements are cut into functions of `chunk` statements. A local that is used
 * in one function only (most of the reverse sweep's temporaries and adjoints) stays a local there; a local that
 * crosses functions (forward values the reverse sweep reads, adjoints accumulated in several) becomes a slot of a
 * shared Float64Array workspace, as do the inputs, the value and the gradient.
 */
function chunkedKernels(src: KernelSource, n: number, chunk: number): Kernels {
  const slots = new Map<string, number>();
  const slot = (name: string) => {
    let k = slots.get(name);
    if (k === undefined) slots.set(name, (k = slots.size));
    return k;
  };
  const inSlot = [...Array(n).keys()].map((k) => slot(`x${k}`));
  const valueSlot = slot('result');
  const gradSlots = [...Array(n).keys()].map((k) => slot(`gradient${k}`));
  // Only our own names (x0, v12, t3, a7) are rewritten; the code holds nothing else that looks like them.
  // `@r` and `@g<k>` stand for the value and the gradient slots.
  const NAME = /\b[xvta]\d+\b/g;
  const forward = [...src.forward, `@r = ${src.value};`];
  const reverse = [...src.reverse, ...src.gradient.map((g, k) => `@g${k} = ${g};`)];
  const sources: string[] = [];
  const functions = (lines: string[]) => {
    const chunks: string[][] = [];
    for (let at = 0; at < lines.length; at += chunk) chunks.push(lines.slice(at, at + chunk));
    // The function each name appears in; -1 once it appears in two.
    const home = new Map<string, number>();
    chunks.forEach((ls, c) => {
      for (const l of ls) for (const name of l.match(NAME) ?? []) home.set(name, (home.get(name) ?? c) === c ? c : -1);
    });
    const shared = (name: string) => name.startsWith('x') || home.get(name) === -1;
    const rewrite = (l: string) => {
      const declared = /^(?:const|let) ([xvta]\d+) = /.exec(l);
      if (declared && shared(declared[1]!)) l = l.replace(/^(?:const|let) /, '');
      return l
        .replace(NAME, (name) => (shared(name) ? `w[${slot(name)}]` : name))
        .replace(/^@r = /, `w[${valueSlot}] = `)
        .replace(/^@g(\d+) = /, (_, k: string) => `w[${gradSlots[Number(k)]!}] = `);
    };
    return chunks.map((ls) => {
      const code = ls.map(rewrite).join('\n');
      sources.push(code);
      return new Function('w', `'use strict';\n${code}`) as (w: Float64Array) => void;
    });
  };
  const valueFns = functions(forward);
  const valueSource = sources.splice(0).join('\n');
  const gradFns = functions([...forward, ...reverse]);
  const gradSource = sources.splice(0).join('\n');
  const w = new Float64Array(slots.size);
  const needed = src.needed;
  const run = (fns: ((w: Float64Array) => void)[]) => {
    for (let c = 0; c < fns.length; c++) fns[c]!(w);
  };
  const load = (get: (k: number) => number) => {
    for (let k = 0; k < n; k++) if (needed[k]) w[inSlot[k]!] = get(k);
  };
  return {
    inputCount: n,
    valueColumns(cols, count, out) {
      for (let i = 0; i < count; i++) {
        load((k) => cols[k]![i]!);
        run(valueFns);
        out[i] = w[valueSlot]!;
      }
    },
    gradientColumns(cols, count, out, grad) {
      for (let i = 0; i < count; i++) {
        load((k) => cols[k]![i]!);
        run(gradFns);
        out[i] = w[valueSlot]!;
        for (let k = 0; k < n; k++) grad[k]![i] = w[gradSlots[k]!]!;
      }
    },
    valueRows(p, count, out) {
      for (let i = 0; i < count; i++) {
        load((k) => p[i * n + k]!);
        run(valueFns);
        out[i] = w[valueSlot]!;
      }
    },
    gradientRows(p, count, out, g) {
      for (let i = 0; i < count; i++) {
        load((k) => p[i * n + k]!);
        run(gradFns);
        out[i] = w[valueSlot]!;
        for (let k = 0; k < n; k++) g[i * n + k] = w[gradSlots[k]!]!;
      }
    },
    source: { value: valueSource, gradient: gradSource },
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
