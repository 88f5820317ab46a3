// Compiled kernels for several outputs at one point: J·d (one forward sweep), cᵀJ (one reverse sweep seeded
// with a cotangent given at run time) and the Jacobian (the values once, then one sweep per column or per row
// with constant unit seeds). The compiled counterparts of jvpAt, vjpAt and jacobianAt (jacobian.ts), for
// `--points` batches: the graph compiles once, then every point runs straight-line JavaScript.
//
// Safety, as in compile.ts: the generated source holds only numeric literals printed by `literal`, fixed local
// names (x3, d3, c1 for the arguments; t12 for values and partials; u0_7 for tangents, a0_7 for adjoints, the
// number before `_` being the sweep), operators and `Math` calls. No user text: inputs and outputs go by index.
//
// Agreement with the interpreter (evaluate.ts, forward.ts, reverse.ts), bit for bit including the sign of zero:
// - values and partials come from the rule table exactly as `evaluate` and `linearize` compute them (each row's
//   `code` for values, its partials over the `Ops<string>` carrier of compile.ts's Emitter);
// - every chain-rule product follows `term()`: a zero tangent or adjoint times an infinite or NaN partial is 0.
//   The guard is only written where both factors are computed at run time; a finite nonzero constant factor
//   gives the same product up to the sign of a zero;
// - forward: a tangent is the sum of its arguments' terms left to right. The interpreter's sum starts from 0 and
//   includes the zero terms of constant arguments; leaving them out changes at most the sign of a zero, and a
//   zero's sign never reaches a nonzero result (a zero factor makes every later product zero), so the written
//   results get `+ 0`, which turns -0 into 0 exactly as the interpreter's `0 + …` does;
// - reverse: seeds first (outputs in order, an output listed twice gets both), then each node's contributions
//   from its first consumer to its last (arguments left to right), as reverseSweep; an adjoint local starts as
//   `… + 0` like the interpreter's 0.
import { Emitter, literal, type Operand } from './emit.js';
import { term } from './evaluate.js';
import { dependsOnInput, reaching, usersOf, type Graph, type NodeId } from './graph.js';
import type { Mode } from './gradient.js';
import { chooseMode } from './jacobian.js';
import { PRIMS } from './primitives.js';
import { canGenerateCode, INTERPRETED, interpretedJacobian, interpretedJvp, interpretedVjp } from './interpreted.js';

/** Values of the outputs and J·d at x (x and d in input order; `values` and `jvp` one entry per output). */
export type JvpKernel = (x: ArrayLike<number>, d: ArrayLike<number>, values: Float64Array, jvp: Float64Array) => void;
/** Values of the outputs and cᵀJ at x (c one entry per output; `vjp` one entry per input, in input order). */
export type VjpKernel = (x: ArrayLike<number>, c: ArrayLike<number>, values: Float64Array, vjp: Float64Array) => void;
/** Values and the Jacobian at x, row-major: `jacobian[i * wrt.length + j]` = ∂output i/∂input wrt[j]. */
export type JacobianKernel = (x: ArrayLike<number>, values: Float64Array, jacobian: Float64Array) => void;

export interface ProductOptions {
  /**
   * Statements per generated function. Kernels above 8,000 statements are always cut into functions of 1,000
   * (V8 does not optimize huge functions); giving `chunk` cuts any kernel above `chunk` statements (for tests).
   */
  chunk?: number;
}

/** What was generated, for inspection and tests. */
export interface KernelInfo {
  /** The generated source (one function, or the chunks one after the other). */
  source: string;
  /** Statements after dead-code removal. */
  statements: number;
  /** Number of generated functions (1 unless chunked). */
  functions: number;
}

/** The shared part of every kernel: values and partials of the outputs' effective subgraph, as code. */
class Generator {
  readonly e = new Emitter('t');
  private readonly ops = this.e.ops();
  readonly nodes: Graph['nodes'];
  readonly mask: Uint8Array;
  readonly varies: Uint8Array;
  /** Each node's value as an operand string: x<k>, a literal or a temporary. */
  readonly val: string[];
  private readonly partialCache: (string[] | undefined)[];

  constructor(readonly graph: Graph, readonly outputs: readonly NodeId[]) {
    this.nodes = graph.nodes;
    this.mask = reaching(graph.nodes, outputs);
    this.varies = dependsOnInput(graph.nodes);
    this.val = new Array(graph.nodes.length);
    this.partialCache = new Array(graph.nodes.length);
    graph.inputs.forEach((id, k) => {
      if (this.mask[id]) this.e.lines.push(`const x${k} = x[${k}];`);
    });
    graph.inputs.forEach((id, k) => (this.val[id] = `x${k}`));
  }

  /** Emits the value of node i (inputs are already loaded). */
  value(i: NodeId): void {
    const n = this.nodes[i]!;
    if (n.kind === 'const') this.val[i] = this.e.lit(n.value);
    else if (n.kind === 'op') this.val[i] = this.e.apply(n.op, n.args.map((a) => this.val[a]!), n.param);
  }

  /** The local partials of operation i, emitted on first use. */
  partials(i: NodeId): string[] {
    let p = this.partialCache[i];
    if (p === undefined) {
      const n = this.nodes[i]!;
      if (n.kind !== 'op') throw new Error(`node ${i} is not an operation`);
      p = PRIMS[n.op].partials(this.ops, n.args.map((a) => this.val[a]!), this.val[i]!, n.param);
      this.partialCache[i] = p;
    }
    return p;
  }

  /** term(p, q) for a partial p (code or literal) and a nonzero carried operand; undefined when it is 0. */
  product(p: string, q: Operand): Operand | undefined {
    const pc = this.e.constOf(p);
    if (pc === 0) return undefined;
    if (q.k === 'const') {
      if (pc !== undefined) {
        const c = term(pc, q.c);
        return c === 0 ? undefined : { k: 'const', c };
      }
      if (!Number.isFinite(q.c)) return { k: 'code', s: `(${p} === 0 ? 0 : ${p} * ${literal(q.c)})` };
      return { k: 'code', s: q.c === 1 ? p : q.c === -1 ? `-${p}` : `${p} * ${literal(q.c)}` };
    }
    if (pc !== undefined) {
      if (!Number.isFinite(pc)) return { k: 'code', s: `(${q.s} === 0 ? 0 : ${literal(pc)} * ${q.s})` };
      return { k: 'code', s: pc === 1 ? q.s : pc === -1 ? `-${q.s}` : `${literal(pc)} * ${q.s}` };
    }
    return { k: 'code', s: `(${p} === 0 || ${q.s} === 0 ? 0 : ${p} * ${q.s})` };
  }

  /** An operand as the interpreter would store it: -0 written as 0 (its sums start from 0). */
  normalized(o: Operand | undefined): string {
    if (o === undefined) return '0';
    return o.k === 'const' ? literal(o.c + 0) : `${o.s} + 0`;
  }
}

const IDENT = /^[a-z]\d+(?:_\d+)?$/;

/**
 * Forward sweeps, one per seed vector (`seeds[s][k]`: the tangent of input k in sweep s, undefined for 0),
 * interleaved with the values node by node. Returns each node's nonzero tangents by sweep (a node missing from
 * a sweep has tangent zero there). The tangents are kept sparse: with unit seeds most nodes depend on few
 * inputs, so a sweep costs only the nodes it reaches. Only the outputs' tangents are kept to the end. Undefined
 * if more than `limit` statements would be written, or more than 10·limit tangents computed (most are shared
 * names, which cost no statement but still time).
 */
function forwardSweeps(g: Generator, seeds: (Operand | undefined)[][], limit = Infinity): (Map<number, Operand> | undefined)[] | undefined {
  const { nodes, mask, varies, e } = g;
  const tangents: (Map<number, Operand> | undefined)[] = new Array(nodes.length);
  let work = 0;
  // The last node reading each node's tangents (outputs: read at the end), so that maps can be released.
  const lastUse = new Float64Array(nodes.length).fill(-1);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (mask[i] && n.kind === 'op') for (const a of n.args) lastUse[a] = i;
  }
  for (const o of g.outputs) lastUse[o] = Infinity;
  g.graph.inputs.forEach((id, k) => {
    const t = new Map<number, Operand>();
    seeds.forEach((seed, s) => seed[k] !== undefined && t.set(s, seed[k]!));
    if (t.size > 0) tangents[id] = t;
  });
  for (let i = 0; i < nodes.length; i++) {
    if (!mask[i]) continue;
    g.value(i);
    const n = nodes[i]!;
    if (n.kind !== 'op' || !varies[i]) continue;
    // A sweep reaching this node through one argument whose partial is the constant 1 (a sum, mostly) leaves
    // its tangent unchanged: such tangents are copied wholesale from the argument with the most of them, and
    // only the sweeps reaching the other arguments are summed term by term.
    let base = -1;
    n.args.forEach((arg, j) => {
      const size = tangents[arg]?.size ?? 0;
      if (size > 0 && (base < 0 || size > tangents[n.args[base]!]!.size) && g.e.constOf(g.partials(i)[j]!) === 1) base = j;
    });
    // The argument's own map is taken over when this node is its last reader (a chain of sums: linear work).
    const from = base < 0 ? undefined : n.args[base]!;
    const owned = from !== undefined && lastUse[from] === i && n.args.indexOf(from) === n.args.lastIndexOf(from);
    const t = from === undefined ? new Map<number, Operand>() : owned ? tangents[from]! : new Map(tangents[from]!);
    const reached = new Set<number>();
    n.args.forEach((arg, j) => {
      if (j !== base) for (const s of tangents[arg]?.keys() ?? []) reached.add(s);
    });
    work += reached.size;
    for (const s of reached) {
      const terms: Operand[] = [];
      n.args.forEach((arg, j) => {
        const q = tangents[arg]?.get(s);
        if (q === undefined) return;
        const r = g.product(g.partials(i)[j]!, q);
        if (r !== undefined) terms.push(r);
      });
      t.delete(s);
      if (terms.length === 0) continue;
      if (terms.every((r) => r.k === 'const')) {
        let c = 0;
        for (const r of terms) c += (r as { c: number }).c;
        if (c !== 0) t.set(s, { k: 'const', c });
        continue;
      }
      const sum = terms.map((r) => (r.k === 'const' ? literal(r.c) : r.s)).join(' + ');
      if (IDENT.test(sum)) t.set(s, { k: 'code', s: sum });
      else {
        e.lines.push(`const u${s}_${i} = ${sum};`);
        t.set(s, { k: 'code', s: `u${s}_${i}` });
      }
    }
    for (const arg of n.args) if (lastUse[arg] === i) tangents[arg] = undefined;
    if (t.size > 0) tangents[i] = t;
    if (e.lines.length > limit || work > 10 * limit) return undefined;
  }
  return tangents;
}

/**
 * Reverse sweeps, one per seed list (`seeds[s]`: [node, seed] pairs accumulated in order, as reverseSweep),
 * after the values of the effective subgraph. Returns the adjoints of every node per sweep (undefined: zero).
 */
function reverseSweeps(g: Generator, seeds: [NodeId, Operand][][], limit = Infinity): (Operand | undefined)[][] | undefined {
  const { nodes, mask, varies, e } = g;
  for (let i = 0; i < nodes.length; i++) if (mask[i]) g.value(i);
  const lines = e.lines;
  const sweeps = seeds.map((list, s) => {
    const adj: (Operand | undefined)[] = new Array(nodes.length);
    const declared = new Uint8Array(nodes.length);
    const own = new Set<string>(); // names of this sweep's adjoint locals
    const name = (i: NodeId) => `a${s}_${i}`;
    const declare = (target: NodeId, code: string) => {
      lines.push(`let ${name(target)} = ${code};`);
      declared[target] = 1;
      own.add(name(target));
      adj[target] = { k: 'code', s: name(target) };
    };
    const accumulate = (target: NodeId, t: Operand) => {
      const cur = adj[target];
      if (cur === undefined) {
        if (t.k === 'const') adj[target] = { k: 'const', c: 0 + t.c };
        // A contribution that is another node's finished adjoint (a partial of 1) shares its local, which is
        // never -0; a later contribution to `target` declares target's own local, starting from it.
        else if (own.has(t.s)) adj[target] = t;
        else declare(target, `${t.s} + 0`);
      } else if (cur.k === 'const' && t.k === 'const') adj[target] = { k: 'const', c: cur.c + t.c };
      else if (cur.k === 'const') declare(target, `${literal(cur.c)} + ${(t as { s: string }).s}`);
      else if (!declared[target]) declare(target, `${cur.s} + ${t.k === 'const' ? literal(t.c) : t.s}`);
      else lines.push(`${cur.s} += ${t.k === 'const' ? literal(t.c) : t.s};`);
    };
    for (const [node, seed] of list) accumulate(node, seed);
    return { adj, accumulate };
  });
  // Each node pulls its contributions when the sweep reaches it, from its first consumer to its last (reverse.ts).
  const users = usersOf(nodes);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!mask[i] || !varies[i]) continue;
    for (const { adj, accumulate } of sweeps) {
      for (let k = users.start[i]!; k < users.start[i + 1]!; k++) {
        const c = users.node[k]!;
        const a = adj[c];
        if (!mask[c] || a === undefined || (a.k === 'const' && a.c === 0)) continue;
        const t = g.product(g.partials(c)[users.position[k]!]!, a);
        if (t !== undefined) accumulate(i, t);
      }
    }
    if (lines.length > limit) return undefined;
  }
  return sweeps.map((s) => s.adj);
}

// ---------------------------------------------------------------------------------------------------------------
// Assembling statements into functions.

/** Every local name the generator writes (arguments, temporaries, tangents, adjoints); nothing else matches. */
const NAME = /\b[xdctua]\d+(?:_\d+)?\b/g;
const DEFINES = /^(?:(?:const|let) )?([xdctua]\d+(?:_\d+)?) \+?= /;

/**
 * Drops statements whose local is never read afterwards (their expressions are pure: arithmetic and Math calls),
 * e.g. the partial of an argument that is constant, or a load of an input only a dropped statement used.
 */
function withoutDeadCode(lines: string[]): string[] {
  const live = new Set<string>();
  const kept: string[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    const m = DEFINES.exec(l);
    if (m && !live.has(m[1]!)) continue;
    for (const name of l.match(NAME) ?? []) live.add(name);
    kept.push(l);
  }
  return kept.reverse();
}

/** Statements per function when a kernel is cut, and the size above which it is (as compile.ts measured). */
const CHUNK = 1000;
const CHUNK_ABOVE = 8000;

type Runner = (a: unknown, b: unknown, c: unknown, d: unknown) => void;

/**
 * One function over `params`, or, above the size limit, functions of `chunk` statements sharing a Float64Array
 * workspace: a local used in one function stays a local there, a local crossing functions becomes a slot.
 */
function assemble(body: string[], params: string[], options: ProductOptions): { run: Runner } & KernelInfo {
  const lines = withoutDeadCode(body);
  const cut = options.chunk !== undefined ? lines.length > options.chunk : lines.length > CHUNK_ABOVE;
  if (!cut) {
    const source = lines.join('\n');
    const run = new Function(...params, `'use strict';\n${source}`) as Runner;
    return { run, source, statements: lines.length, functions: 1 };
  }
  const size = options.chunk ?? CHUNK;
  const chunks: string[][] = [];
  for (let at = 0; at < lines.length; at += size) chunks.push(lines.slice(at, at + size));
  const home = new Map<string, number>(); // the chunk a name appears in; -1 once it appears in two
  chunks.forEach((ls, c) => {
    for (const l of ls) for (const name of l.match(NAME) ?? []) home.set(name, (home.get(name) ?? c) === c ? c : -1);
  });
  const slots = new Map<string, number>();
  const slot = (name: string) => {
    let k = slots.get(name);
    if (k === undefined) slots.set(name, (k = slots.size));
    return k;
  };
  const rewrite = (l: string) => {
    const declared = /^(?:const|let) ([xdctua]\d+(?:_\d+)?) = /.exec(l);
    if (declared && home.get(declared[1]!) === -1) l = l.replace(/^(?:const|let) /, '');
    return l.replace(NAME, (name) => (home.get(name) === -1 ? `w[${slot(name)}]` : name));
  };
  const sources = chunks.map((ls) => ls.map(rewrite).join('\n'));
  const fns = sources.map((code) => new Function('w', ...params, `'use strict';\n${code}`) as (w: Float64Array, ...args: unknown[]) => void);
  const w = new Float64Array(slots.size);
  const run: Runner = (a, b, c, d) => {
    for (let i = 0; i < fns.length; i++) fns[i]!(w, a, b, c, d);
  };
  return { run, source: sources.join('\n'), statements: lines.length, functions: fns.length };
}

// ---------------------------------------------------------------------------------------------------------------
// The kernels.

/** J·d: the values of `outputs` and their directional derivatives along a direction given at run time. */
export function compileJvp(graph: Graph, outputs: readonly NodeId[], options: ProductOptions = {}): { jvp: JvpKernel } & KernelInfo {
  if (!canGenerateCode()) return { jvp: interpretedJvp(graph, outputs), ...INTERPRETED };
  const g = new Generator(graph, outputs);
  const seeds = graph.inputs.map((id, k): Operand | undefined => {
    if (!g.mask[id]) return undefined;
    g.e.lines.push(`const d${k} = d[${k}];`);
    return { k: 'code', s: `d${k}` };
  });
  const tangent = forwardSweeps(g, [seeds])!;
  const lines = [...g.e.lines];
  const isInput = inputIndex(graph);
  outputs.forEach((o, i) => {
    lines.push(`values[${i}] = ${g.val[o]};`);
    // An input's tangent is the direction as given; any other node's is a sum from 0 (never -0).
    const k = isInput.get(o);
    lines.push(`jvp[${i}] = ${k !== undefined ? `d${k}` : g.normalized(tangent[o]?.get(0))};`);
  });
  const { run, ...info } = assemble(lines, ['x', 'd', 'values', 'jvp'], options);
  return { jvp: run as JvpKernel, ...info };
}

/** cᵀJ: the values of `outputs` and the gradient of Σ c_i·output_i, for a cotangent given at run time. */
export function compileVjp(graph: Graph, outputs: readonly NodeId[], options: ProductOptions = {}): { vjp: VjpKernel } & KernelInfo {
  if (!canGenerateCode()) return { vjp: interpretedVjp(graph, outputs), ...INTERPRETED };
  const g = new Generator(graph, outputs);
  outputs.forEach((_, i) => g.e.lines.push(`const c${i} = c[${i}];`));
  const seeds = outputs.map((o, i): [NodeId, Operand] => [o, { k: 'code', s: `c${i}` }]);
  const [adjoint] = reverseSweeps(g, [seeds])!;
  const lines = [...g.e.lines];
  outputs.forEach((o, i) => lines.push(`values[${i}] = ${g.val[o]};`));
  graph.inputs.forEach((id, k) => lines.push(`vjp[${k}] = ${g.normalized(adjoint![id])};`));
  const { run, ...info } = assemble(lines, ['x', 'c', 'values', 'vjp'], options);
  return { vjp: run as VjpKernel, ...info };
}

/**
 * Statements above which a Jacobian is not written as one kernel of many sweeps (its size grows like sweeps ×
 * graph) but computed by one compiled J·e_j (forward) or e_iᵀJ (reverse) per column or row, each recomputing
 * the values: linear in the graph's size, slower per point.
 */
const JACOBIAN_STATEMENTS = 100_000;

export interface JacobianOptions extends ProductOptions {
  /**
   * 'sweeps': one kernel computing the values once, then one sweep per column (forward) or row (reverse) with
   * constant unit seeds. 'products': one compiled JVP or VJP call per column or row. Default: 'sweeps' unless
   * it would exceed 100,000 statements.
   */
  strategy?: 'sweeps' | 'products';
}

export interface CompiledJacobian extends KernelInfo {
  jacobian: JacobianKernel;
  mode: Mode;
  strategy: 'sweeps' | 'products';
}

/**
 * The Jacobian of `outputs` with respect to the inputs `wrt` (input indices), as jacobianAt computes it in `mode`
 * ('auto': chooseMode, the interpreter's choice): forward mode one tangent sweep per wrt input, reverse mode one
 * adjoint sweep per output.
 */
export function compileJacobian(graph: Graph, outputs: readonly NodeId[], wrt: readonly number[], mode: Mode | 'auto', options: JacobianOptions = {}): CompiledJacobian {
  const used = mode === 'auto' ? chooseMode(wrt.length, outputs.length) : mode;
  if (!canGenerateCode()) return { jacobian: interpretedJacobian(graph, outputs, wrt, used), mode: used, strategy: options.strategy ?? 'sweeps', ...INTERPRETED };
  if (options.strategy !== 'products') {
    const sweeps = jacobianSweeps(graph, outputs, wrt, used, options.strategy === 'sweeps' ? Infinity : JACOBIAN_STATEMENTS);
    if (sweeps !== undefined) {
      const { run, ...info } = assemble(sweeps, ['x', 'values', 'jac'], options);
      return { jacobian: run as JacobianKernel, mode: used, strategy: 'sweeps', ...info };
    }
  }
  return { ...jacobianByProducts(graph, outputs, wrt, used, options), mode: used, strategy: 'products' };
}

/** The statements of the many-sweep Jacobian kernel, or undefined above `limit` statements. */
function jacobianSweeps(graph: Graph, outputs: readonly NodeId[], wrt: readonly number[], mode: Mode, limit: number): string[] | undefined {
  const g = new Generator(graph, outputs);
  const width = wrt.length;
  const one: Operand = { k: 'const', c: 1 };
  const lines: string[] = [];
  const entry = (i: number, j: number, code: string) => lines.push(`jac[${i * width + j}] = ${code};`);
  if (mode === 'forward') {
    const seeds = wrt.map((k) => graph.inputs.map((_, kk) => (kk === k ? one : undefined)));
    const tangents = forwardSweeps(g, seeds, limit);
    if (tangents === undefined) return undefined;
    const isInput = inputIndex(graph);
    outputs.forEach((o, i) =>
      wrt.forEach((k, j) => {
        // An input's tangent is its unit seed (1 or 0) as given, as in the interpreter.
        const input = isInput.get(o);
        entry(i, j, input !== undefined ? (input === k ? '1' : '0') : g.normalized(tangents[o]?.get(j)));
      }),
    );
  } else {
    const adjoints = reverseSweeps(g, outputs.map((o) => [[o, one]]), limit);
    if (adjoints === undefined) return undefined;
    outputs.forEach((_, i) => wrt.forEach((k, j) => entry(i, j, g.normalized(adjoints[i]![graph.inputs[k]!]))));
  }
  return [...g.e.lines, ...outputs.map((o, i) => `values[${i}] = ${g.val[o]};`), ...lines];
}

/** The Jacobian as one compiled JVP per wrt input (forward) or one VJP per output (reverse), unit vectors. */
function jacobianByProducts(graph: Graph, outputs: readonly NodeId[], wrt: readonly number[], mode: Mode, options: ProductOptions): { jacobian: JacobianKernel } & KernelInfo {
  const n = graph.inputs.length;
  const m = outputs.length;
  const width = wrt.length;
  if (mode === 'forward') {
    const { jvp, ...info } = compileJvp(graph, outputs, options);
    const d = new Float64Array(n);
    const column = new Float64Array(m);
    const jacobian: JacobianKernel = (x, values, jac) => {
      if (width === 0) jvp(x, d, values, column); // the values, still
      for (let j = 0; j < width; j++) {
        d[wrt[j]!] = 1;
        jvp(x, d, values, column);
        d[wrt[j]!] = 0;
        for (let i = 0; i < m; i++) jac[i * width + j] = column[i]!;
      }
    };
    return { jacobian, ...info };
  }
  const { vjp, ...info } = compileVjp(graph, outputs, options);
  const c = new Float64Array(m);
  const row = new Float64Array(n);
  const jacobian: JacobianKernel = (x, values, jac) => {
    if (m === 0) return;
    for (let i = 0; i < m; i++) {
      c[i] = 1;
      vjp(x, c, values, row);
      c[i] = 0;
      for (let j = 0; j < width; j++) jac[i * width + j] = row[wrt[j]!]!;
    }
  };
  return { jacobian, ...info };
}

function inputIndex(graph: Graph): Map<NodeId, number> {
  const map = new Map<NodeId, number>();
  graph.inputs.forEach((id, k) => map.set(id, k));
  return map;
}
