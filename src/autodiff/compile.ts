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
import { reroll, type Layout } from './reroll.js';


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
  const tape = recordKernel(graph, output).complete();
  const text = (from: number, to: number) => {
    const lines: string[] = [];
    for (let s = from; s < to; s++) lines.push(tape.statement(s));
    return lines;
  };
  return {
    forward: text(0, tape.forwardEnd),
    value: tape.operand(tape.value),
    reverse: text(tape.forwardEnd, tape.statements()),
    gradient: tape.gradient.map((g) => tape.operand(g)),
    needed: tape.needed,
  };
}

// The kernel is first recorded as a tape of statements over integer operands, and written out as text only when
// a kernel is first used: the tape holds numbers in a few arrays instead of a string and objects per statement
// (with large graphs the garbage collector was the main cost of compiling), and cutting a long kernel into
// functions reads which names each statement uses from the tape instead of from the text.
//
// An operand is a local name (an id ≥ 0) or a number known when compiling (-1 - its index in the constants).

/** Kinds of local names, by their prefix: inputs x<k>, operation values v<node>, temporaries t<k>, adjoints a<node>. */
const PREFIX = ['x', 'v', 't', 'a'] as const;
const INPUT = 0;
const VALUE = 1;
const TEMP = 2;
const ADJOINT = 3;

/** `const <def> = <primitive>(operands)`; powc's exponent is its last operand. */
const CALC = 0;
/**
 * `let <def> = <term>`. The interpreter's adjoints start from 0 (`0 + term`, which turns a -0 into 0); here a local
 * may hold -0 where the interpreter holds 0. That changes no magnitude downstream (adjoints are only negated,
 * multiplied and added, and the zero-skip guards test `=== 0`), so only the sign of a zero result can differ, and
 * every interpreter adjoint is `0 + …`, never -0: the gradient's results are written out as `<name> + 0`.
 */
const START = 1;
/** `let <def> = <first operand> + <term>`. */
const START_FROM = 2;
/** `<def> += <term>`. */
const ADD = 3;

// Chain-rule terms (partial × adjoint) by form; p is a partial, a an adjoint, c a constant. Every product
// follows term(): where both factors are computed at run time, or one is a constant that is not finite, a zero
// factor gives 0.
const T_P = 0; // p (the adjoint is the constant 1)
const T_NEG_P = 1; // -p
const T_P_C = 2; // p * c
const T_P_C_GUARD = 3; // (p === 0 ? 0 : p * c)
const T_A = 4; // a (a partial of 1 times a computed adjoint)
const T_NEG_A = 5; // -a
const T_C_A = 6; // c * a
const T_C_A_GUARD = 7; // (a === 0 ? 0 : c * a)
const T_P_A_GUARD = 8; // (p === 0 || a === 0 ? 0 : p * a)
const T_CONST = 9; // c
/** How many times each form writes its two operands. */
const TERM_USES: [number, number][] = [[1, 0], [1, 0], [1, 1], [2, 1], [1, 0], [1, 0], [1, 1], [1, 2], [2, 2], [1, 0]];

const PRIM_NAMES = Object.keys(PRIMS) as PrimName[];
const PRIM_INDEX = Object.fromEntries(PRIM_NAMES.map((name, k) => [name, k])) as Record<PrimName, number>;
const POWC = PRIM_INDEX.powc;
/** Primitives written as plain arithmetic (no Math call): cheap enough to compute again rather than store and load. */
const CHEAP = PRIM_NAMES.map((name) => !PRIMS[name].code(['a', 'b', 'c'], '2').includes('Math.'));
const NONE = -1;

class Tape {
  // Names: kind and number (the name is PREFIX[kind] + number).
  private readonly kinds: number[] = [];
  private readonly nums: number[] = [];
  // Constants and their literals.
  private readonly consts: number[] = [];
  private readonly literals: (string | undefined)[] = [];
  private readonly constIndex = new Map<number, number>();
  private negZero = 0;
  // Statements: kind, the name defined or updated, the primitive (CALC) or term form, and operands
  // args[at[s]] .. args[at[s + 1] - 1].
  readonly kind: number[] = [];
  readonly def: number[] = [];
  readonly op: number[] = [];
  readonly at: number[] = [0];
  readonly args: number[] = [];
  forwardEnd = 0;
  value = NONE;
  /** Records the reverse sweep, which fills `gradient` (called once, by complete()). */
  reverse: (() => void) | undefined;
  gradient: number[] = [];
  needed: boolean[] = [];
  /** The statement that declares each name (inputs: none). */
  readonly defAt: number[] = [];
  /** While a kernel is written out: the names whose expression is written in their place (see planKernel). */
  inPlace: Uint8Array | undefined;

  constructor() {
    this.constant(0); // NONE is the constant 0: unused operand slots hold it, and are never written out
  }

  /** Records the reverse sweep if it is not recorded yet. */
  complete(): this {
    const reverse = this.reverse;
    this.reverse = undefined;
    reverse?.();
    return this;
  }

  get nameCount(): number {
    return this.kinds.length;
  }

  statements(): number {
    return this.kind.length;
  }

  name(kind: number, num: number): number {
    this.kinds.push(kind);
    this.nums.push(num);
    return this.kinds.length - 1;
  }

  constant(c: number): number {
    if (Object.is(c, -0)) {
      if (this.negZero === 0) this.negZero = this.push(-0);
      return this.negZero;
    }
    let k = this.constIndex.get(c);
    if (k === undefined) this.constIndex.set(c, (k = this.push(c)));
    return k;
  }

  private push(c: number): number {
    this.consts.push(c);
    this.literals.push(undefined);
    return -this.consts.length;
  }

  /** The number of a constant operand. */
  c(o: number): number {
    return this.consts[-1 - o]!;
  }

  /** Starts a statement; its operands follow with arg(), and end() closes it. */
  begin(kind: number, def: number, op: number): void {
    if (kind !== ADD) this.defAt[def] = this.kind.length;
    this.kind.push(kind);
    this.def.push(def);
    this.op.push(op);
  }

  arg(o: number): void {
    this.args.push(o);
  }

  end(): void {
    this.at.push(this.args.length);
  }

  operand(o: number): string {
    if (o >= 0) return this.inPlace?.[o] ? `(${this.expression(this.defAt[o]!)})` : PREFIX[this.kinds[o]! as 0]! + this.nums[o]!;
    const k = -1 - o;
    return (this.literals[k] ??= literal(this.consts[k]!));
  }

  /** One statement as JavaScript. */
  statement(s: number): string {
    const { args } = this;
    const at = this.at[s]!;
    const def = this.operand(this.def[s]!);
    switch (this.kind[s]) {
      case CALC:
        return `const ${def} = ${this.expression(s)};`;
      case START:
        return `let ${def} = ${this.term(this.op[s]!, args[at]!, args[at + 1]!)};`;
      case START_FROM:
        return `let ${def} = ${this.operand(args[at]!)} + ${this.term(this.op[s]!, args[at + 1]!, args[at + 2]!)};`;
      default:
        return `${def} += ${this.term(this.op[s]!, args[at]!, args[at + 1]!)};`;
    }
  }

  /** The value a CALC statement computes, as an expression. */
  expression(s: number): string {
    const { args } = this;
    const prim = PRIM_NAMES[this.op[s]!]!;
    const last = this.at[s + 1]!;
    const param = prim === 'powc' ? this.operand(args[last - 1]!) : NAN_TEXT;
    const operands: string[] = [];
    for (let k = this.at[s]!; k < (prim === 'powc' ? last - 1 : last); k++) operands.push(this.operand(args[k]!));
    return PRIMS[prim].code(operands, param);
  }

  /** Calls `f` with each name statement s reads (an ADD reads the name it adds to). */
  eachRead(s: number, f: (id: number) => void): void {
    const { args } = this;
    for (let k = this.at[s]!; k < this.at[s + 1]!; k++) if (args[k]! >= 0) f(args[k]!);
    if (this.kind[s] === ADD) f(this.def[s]!);
  }

  /** Adds to `uses` how many times statement s writes each name in its text. */
  countUses(s: number, uses: Int32Array): void {
    const { args } = this;
    const at = this.at[s]!;
    const count = (o: number, times: number) => {
      if (o >= 0) uses[o] += times;
    };
    const term = (form: number, x: number, y: number) => {
      const [tx, ty] = TERM_USES[form]!;
      count(x, tx);
      count(y, ty);
    };
    switch (this.kind[s]) {
      case CALC:
        for (let k = at; k < this.at[s + 1]!; k++) count(args[k]!, 1);
        return;
      case START:
        return term(this.op[s]!, args[at]!, args[at + 1]!);
      case START_FROM:
        count(args[at]!, 1);
        return term(this.op[s]!, args[at + 1]!, args[at + 2]!);
      default:
        count(this.def[s]!, 1);
        return term(this.op[s]!, args[at]!, args[at + 1]!);
    }
  }

  private term(form: number, x: number, y: number): string {
    const p = this.operand(x);
    switch (form) {
      case T_P:
      case T_A:
      case T_CONST:
        return p;
      case T_NEG_P:
      case T_NEG_A:
        return `-${p}`;
      case T_P_C:
      case T_C_A:
        return `${p} * ${this.operand(y)}`;
      case T_P_C_GUARD:
        return `(${p} === 0 ? 0 : ${p} * ${this.operand(y)})`;
      case T_C_A_GUARD: {
        const a = this.operand(y);
        return `(${a} === 0 ? 0 : ${p} * ${a})`;
      }
      default: {
        const a = this.operand(y);
        return `(${p} === 0 || ${a} === 0 ? 0 : ${p} * ${a})`;
      }
    }
  }
}

const NAN_TEXT = literal(NaN);

/**
 * Records the value of `output` on a tape, and the reverse sweep when a gradient kernel is first needed
 * (tape.complete()). Inputs are the names with ids 0..n-1, in the graph's input order.
 */
function recordKernel(graph: Graph, output: NodeId): Tape {
  const { nodes } = graph;
  const mask = reaching(nodes, [output]);
  const varies = dependsOnInput(nodes);
  const tape = new Tape();
  const isConst = (o: number) => o < 0;
  let allConst = true;
  const folded = (prim: PrimName, args: number[], param: number) => tape.constant(PRIMS[prim].eval(args.map((a) => tape.c(a)), param));
  // Temporaries of the current node's partials, shared when the same primitive is applied to the same operands.
  const recent: number[] = []; // statement indices
  let temps = 0;
  const calc = (def: number, op: number, args: number[], param: number) => {
    tape.begin(CALC, def, op);
    for (const a of args) tape.arg(a);
    if (op === POWC) tape.arg(tape.constant(param));
    tape.end();
  };
  const ops = makeOps<number>(
    (c) => tape.constant(c),
    (prim, args, param) => {
      // x^1 is x for every double (NaN and ±0 included), and V8's Math.pow(x, 1) is a slow path: the power
      // rule's c*x^(c-1) for c = 2 writes it in every squared term's derivative.
      if (prim === 'powc' && param === 1) return args[0]!;
      allConst = true;
      for (const a of args) if (!isConst(a)) allConst = false;
      if (allConst) return folded(prim, args, param); // the same arithmetic as at run time
      const op = PRIM_INDEX[prim];
      const width = args.length + (op === POWC ? 1 : 0);
      search: for (const s of recent) {
        if (tape.op[s] !== op || tape.at[s + 1]! - tape.at[s]! !== width) continue;
        for (let k = 0; k < args.length; k++) if (tape.args[tape.at[s]! + k] !== args[k]) continue search;
        if (op === POWC && tape.c(tape.args[tape.at[s]! + args.length]!) !== param) continue;
        return tape.def[s]!;
      }
      const id = tape.name(TEMP, temps++);
      recent.push(tape.statements());
      calc(id, op, args, param);
      return id;
    },
  );

  // Forward: each node's value is an input, a constant, or a local v<node>.
  const val = new Array<number>(nodes.length).fill(NONE);
  graph.inputs.forEach((id, k) => (val[id] = tape.name(INPUT, k)));
  for (let i = 0; i < nodes.length; i++) {
    if (!mask[i]) continue;
    const n = nodes[i]!;
    if (n.kind === 'const') val[i] = tape.constant(n.value);
    else if (n.kind === 'op') {
      const args = n.args.map((a) => val[a]!);
      if (n.op === 'powc' && n.param === 1) val[i] = args[0]!; // exactly x (see above)
      else if (args.every(isConst)) val[i] = folded(n.op, args, n.param);
      else calc((val[i] = tape.name(VALUE, i)), PRIM_INDEX[n.op], args, n.param);
    }
  }
  tape.forwardEnd = tape.statements();
  tape.value = val[output]!;
  tape.needed = graph.inputs.map((id) => mask[id] === 1);
  tape.reverse = () => recordReverse(tape, graph, output, val, mask, varies, ops, recent);
  return tape;
}

/** Records the reverse sweep after the forward statements (when a gradient kernel is first needed). */
function recordReverse(tape: Tape, graph: Graph, output: NodeId, val: number[], mask: Uint8Array, varies: Uint8Array, ops: Ops<number>, recent: number[]): void {
  const { nodes } = graph;
  const isConst = (o: number) => o < 0;
  // Reverse sweep. Adjoints that are compile-time constants (the output's 1, propagated through + - neg and
  // constant factors) stay constants; the others are locals a<node>. Partials' temporaries and adjoint
  // statements interleave on the tape.
  const adj = new Array<number | undefined>(nodes.length);
  adj[output] = tape.constant(1);
  const own = new Uint8Array(nodes.length); // whether a node's adjoint is its own local (else shared or constant)
  // The contribution `partial × adjoint`: none (0), a constant (1, in tp), or a term (2: form tf over tp, tq).
  let tf = 0;
  let tp = NONE;
  let tq = NONE;
  const contribution = (p: number, a: number): 0 | 1 | 2 => {
    const pc = isConst(p) ? tape.c(p) : undefined;
    if (pc === 0) return 0;
    tp = p;
    tq = a;
    if (isConst(a)) {
      const ac = tape.c(a);
      if (pc !== undefined) {
        tp = tape.constant(term(pc, ac));
        tq = NONE;
        return 1;
      }
      tf = !Number.isFinite(ac) ? T_P_C_GUARD : ac === 1 ? T_P : ac === -1 ? T_NEG_P : T_P_C;
      return 2;
    }
    if (pc !== undefined) {
      tf = !Number.isFinite(pc) ? T_C_A_GUARD : pc === 1 ? T_A : pc === -1 ? T_NEG_A : T_C_A;
      if (tf === T_A || tf === T_NEG_A) tp = a;
      return 2;
    }
    tf = T_P_A_GUARD;
    return 2;
  };
  const start = (target: NodeId, kind: number, from: number, form: number) => {
    const id = tape.name(ADJOINT, target);
    tape.begin(kind, id, form);
    if (kind === START_FROM) tape.arg(from);
    tape.arg(tp);
    tape.arg(tq);
    tape.end();
    own[target] = 1;
    adj[target] = id;
  };
  const accumulate = (target: NodeId, kind: 1 | 2) => {
    const cur = adj[target];
    if (cur === undefined) {
      if (kind === 1) adj[target] = tp;
      else if (tf === T_A) {
        // The contribution is another node's finished adjoint (a partial of 1: +, -, a product by 1): share its
        // local instead of copying it. `0 + a` is `a` here up to the sign of a zero (see START). A later contribution to `target` then
        // starts target's own local (below), leaving the shared one untouched.
        adj[target] = tp;
      } else start(target, START, NONE, tf);
    } else if (isConst(cur) && kind === 1) {
      adj[target] = tape.constant(tape.c(cur) + tape.c(tp));
    } else if (isConst(cur) || !own[target]) {
      // From a constant, or from another node's local shared above: target's own local starts from it, in the
      // interpreter's order.
      start(target, START_FROM, cur, kind === 1 ? T_CONST : tf);
    } else {
      tape.begin(ADD, cur, kind === 1 ? T_CONST : tf);
      tape.arg(tp);
      tape.arg(tq);
      tape.end();
    }
  };
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    const a = adj[i];
    if (!mask[i] || n.kind !== 'op' || !varies[i] || a === undefined) continue;
    if (isConst(a) && tape.c(a) === 0) continue;
    recent.length = 0;
    const partials = PRIMS[n.op].partials(ops, n.args.map((x) => val[x]!), val[i]!, n.param);
    for (let j = 0; j < n.args.length; j++) {
      const arg = n.args[j]!;
      if (!varies[arg]) continue;
      const kind = contribution(partials[j]!, a);
      if (kind !== 0) accumulate(arg, kind);
    }
  }
  // The interpreter's adjoints are `0 + …`, never -0 (see START).
  tape.gradient = graph.inputs.map((id) => {
    const a = adj[id];
    return a === undefined ? tape.constant(0) : isConst(a) ? tape.constant(tape.c(a) + 0) : a;
  });
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
 * The size of one generated function, in characters of statement text plus an allowance for each name it loads
 * from or stores to the workspace. V8 optimizes only functions whose bytecode is below 60 KB
 * (--max-optimized-bytecode-size), and a function with more than about a hundred locals takes about 1.3 bytes of
 * bytecode per character of this code; a function over the limit runs in the interpreter, several times slower.
 * Smaller functions cost more loads and stores between them, larger ones take V8 longer to optimize.
 */
const BUDGET = 24000;
/**
 * Points per block in a chunked kernel (see chunked). Measured on Rosenbrock n = 100 and 1000 and the 10,000-term
 * sum against one point at a time: 8 was as fast or faster everywhere; 32 slowed the row-major Rosenbrock 1000
 * (the block's rows no longer stay in cache between functions); half the BUDGET made every kernel slower.
 */
const BLOCK = 8;
/** Estimated size of loading one name from the workspace (`let v12 = w[345];`) or storing one. */
const CROSSING = 20;

/**
 * Compiles value and gradient kernels for `output`. The graph is recorded once; each kernel (value, value +
 * gradient) is written out as code when one of its shapes is first called, and each shape is compiled then, so a
 * caller pays V8's compile only for what it uses. A kernel whose code fits one function runs its loop over the
 * points inside it; a larger one is cut into functions that share a Float64Array workspace, called in turn for
 * each point. A kernel whose text is over `reroll` characters (default: BUDGET) is first written with its
 * repeated statements as loops (reroll.ts), and is one function if that fits. `chunk` (for tests) cuts every
 * `chunk` statements instead, whenever a kernel has more, and does not reroll.
 */
export function compileKernels(graph: Graph, output: NodeId, options: { chunk?: number; reroll?: number } = {}): Kernels {
  const tape = recordKernel(graph, output);
  const n = graph.inputs.length;
  const plans: (Plan | undefined)[] = [undefined, undefined];
  const plan = (grad: boolean): Plan => (plans[grad ? 1 : 0] ??= planKernel(grad ? tape.complete() : tape, grad, options.chunk, options.reroll ?? BUDGET));
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
  readonly source: string;
  readonly columns: ValueColumns | GradientColumns;
  readonly rows: ValueRows | GradientRows;
}

/** The largest expression (in operations) written in place of a name that is used once. */
const INLINE = 8;
/** The largest arithmetic of the inputs that a function computes again instead of loading it (see planKernel). */
const RECOMPUTE = 4;

/**
 * Writes out one kernel (the value's statements, or all of them for the gradient) and prepares its shapes. A
 * kernel whose text fits BUDGET is one function; a larger one is first written with its repetitions as loops
 * (rerolledFunction), and if that does not fit either, it is cut into functions (chunkedPlan).
 */
function planKernel(tape: Tape, grad: boolean, chunk: number | undefined, rerollAbove: number): Plan {
  const order = grad ? schedule(tape) : identity(tape.forwardEnd);
  const plain = analyse(tape, grad, order, false);
  if (chunk === undefined) {
    // A kernel with this many statements is over BUDGET and over `rerollAbove` whatever they say (the shortest
    // statement, `a1 += a2;`, has 9 characters): its straight-line text is not written here.
    const straight = plain.statements * 9 > Math.max(BUDGET, rerollAbove) ? undefined : writeOut(tape, order, plain);
    if (straight === undefined || (straight.total > rerollAbove && straight.total > 0)) {
      const plan = rerolledFunction(tape, writeOut(tape, order, analyse(tape, grad, order, true)));
      if (plan) return plan;
    }
    if (straight && straight.total <= BUDGET) return singleFunction(tape, straight.lines, straight.resultText, grad);
  }
  return chunkedPlan(tape, grad, order, plain, chunk);
}

/** Which names a kernel writes in place, and where each name is last read and written (see analyse). */
interface Analysis {
  /** Statements in the kernel (positions in `order`). */
  end: number;
  /** Statements written as statements (not in place). */
  statements: number;
  /** The kernel's results: the value, then the gradient (names, or constants < 0). */
  results: number[];
  /** Per name: the operations of its expression, written in place of the name; 0: a name of its own. */
  size: Uint8Array;
  inPlace: Uint8Array;
  /** Per name: computed again from the inputs where another function needs it (chunkedPlan). */
  again: Uint8Array;
  isResult: Uint8Array;
  /** Per name: the position of the last statement that reads it (results: `end`), reads it, writes it. */
  lastUse: Int32Array;
  lastRead: Int32Array;
  lastWrite: Int32Array;
  /** Calls `f` with every name statement s reads (an inlined name: the names its expression reads). */
  reads: (s: number, f: (id: number) => void) => void;
}

/**
 * A value or temporary that the kernel's text uses exactly once is written in place of its name, in parentheses,
 * instead of as a statement of its own (up to INLINE operations per expression): V8 compiles fewer, larger
 * statements with fewer locals faster, and the arithmetic is the same (operations on doubles give the same
 * result wherever they are written; these expressions read only values, never an adjoint that changes). With
 * `recompute`, a value that is plain arithmetic of the inputs and constants (up to RECOMPUTE operations, such as
 * `k*x + y`) is written in place wherever it is used, too: a loop that needs it again computes it again instead of
 * keeping it (in a straight-line function V8 merges the repeated arithmetic).
 */
function analyse(tape: Tape, grad: boolean, order: Int32Array, recompute: boolean): Analysis {
  const end = order.length;
  const { kind, def, at, args, defAt, needed } = tape;
  const names = tape.nameCount;
  const n = needed.length;
  const results = grad ? [tape.value, ...tape.gradient] : [tape.value];

  // Which names are written in place (size > 0: the operations of the expression), and the last statement that
  // reads each name, counting the names an inlined expression reads where it is written.
  const uses = new Int32Array(names);
  for (let s = 0; s < end; s++) tape.countUses(s, uses);
  for (const r of results) if (r >= 0) uses[r] += 2;
  const size = new Uint8Array(names);
  const lastUse = new Int32Array(names).fill(-1);
  const lastWrite = new Int32Array(names).fill(-1);
  // Inputs and the inlined expressions that are plain arithmetic of inputs and constants (`pure`), and the names
  // computed again where another function needs them (`again`).
  const pure = new Uint8Array(names).fill(1, 0, n);
  const again = new Uint8Array(names);
  const isResult = new Uint8Array(names);
  for (const r of results) if (r >= 0) isResult[r] = 1;
  const reads = (s: number, f: (id: number) => void) => {
    const visit = (o: number) => {
      if (o < 0) return;
      if (size[o] === 0) f(o);
      else for (let k = at[defAt[o]!]!; k < at[defAt[o]! + 1]!; k++) visit(args[k]!);
    };
    for (let k = at[s]!; k < at[s + 1]!; k++) visit(args[k]!);
    if (kind[s] === ADD) f(def[s]!);
  };
  let now = 0;
  let statements = 0;
  const touch = (id: number) => (lastUse[id] = now);
  for (let q = 0; q < end; q++) {
    const s = order[q]!;
    const d = def[s]!;
    if (kind[s] === CALC) {
      let ops = 1;
      let plain = CHEAP[tape.op[s]!]!;
      for (let k = at[s]!; k < at[s + 1]!; k++) {
        const o = args[k]!;
        if (o < 0) continue;
        ops += size[o]!;
        if (!pure[o]) plain = false;
      }
      // Computed again only from inputs and constants (not from another name computed again), so that what is
      // written in place stays small however long a chain of such values is.
      const cheap = plain && ops <= RECOMPUTE && !isResult[d];
      if ((uses[d] === 1 && ops <= INLINE) || (recompute && cheap)) {
        size[d] = ops;
        pure[d] = plain ? 1 : 0;
        continue;
      }
      if (cheap) again[d] = 1;
    }
    now = q;
    reads(s, touch);
    lastUse[d] = q;
    lastWrite[d] = q;
    statements++;
  }
  const lastRead = lastUse.slice(); // before counting the results as read at the end
  for (const r of results) if (r >= 0) lastUse[r] = end;
  const inPlace = new Uint8Array(names);
  for (let id = 0; id < names; id++) if (size[id]! > 0) inPlace[id] = 1;
  return { end, statements, results, size, inPlace, again, isResult, lastUse, lastRead, lastWrite, reads };
}

/** A kernel's statements as text, in order, without the ones written in place. */
interface Written {
  lines: string[];
  /** Each line's position in the order. */
  at: number[];
  total: number;
  /** The results as expressions. */
  resultText: string[];
  results: number[];
  lastWrite: Int32Array;
}

function writeOut(tape: Tape, order: Int32Array, a: Analysis): Written {
  const { kind, def } = tape;
  tape.inPlace = a.inPlace;
  try {
    const lines: string[] = [];
    const at: number[] = [];
    let total = 0;
    for (let q = 0; q < a.end; q++) {
      const s = order[q]!;
      if (a.size[def[s]!]! > 0 && kind[s] === CALC) continue;
      total += lines[lines.push(tape.statement(s)) - 1]!.length;
      at.push(q);
    }
    return { lines, at, total, resultText: resultTexts(tape, a.results), results: a.results, lastWrite: a.lastWrite };
  } finally {
    tape.inPlace = undefined;
  }
}

/** The results as expressions: a gradient component as `name + 0` (see START). */
function resultTexts(tape: Tape, results: number[]): string[] {
  return results.map((r, k) => (k > 0 && r >= 0 ? `${tape.operand(r)} + 0` : tape.operand(r)));
}

/**
 * A kernel cut into functions, called in turn for each block of points (see chunked). A name used in one function
 * only stays a local there. A name that crosses functions (a forward value the reverse sweep reads, an adjoint
 * accumulated in several) has a slot in a shared Float64Array workspace `w`: a function loads it into a local at
 * its start and, if it writes the name and a later function reads it, stores it back at its end. Functions are
 * cut where the next statement would take one over BUDGET (its text, loads and stores), or every `chunk`
 * statements, in one pass that writes the text of one function at a time. A value that is plain arithmetic of the
 * inputs (`again`) is not stored at all: a later function that reads it computes it again from the inputs, with
 * the same operations, written in place.
 */
function chunkedPlan(tape: Tape, grad: boolean, order: Int32Array, a: Analysis, chunk: number | undefined): Plan {
  const { kind, def, defAt, needed } = tape;
  const names = tape.nameCount;
  const n = needed.length;
  const { end, results, size, again, isResult, lastUse, lastRead, lastWrite, reads } = a;
  const inPlace = a.inPlace.slice(); // grows as functions are cut (names computed again)
  tape.inPlace = inPlace;
  try {
    const resultText = resultTexts(tape, results);
    const slot = new Int32Array(names).fill(-1); // inputs are read from the caller's arrays, not the workspace
    let slots = 0;
    // Per name: the last function that used it, and the last that wrote it.
    const seen = new Int32Array(names).fill(-1);
    const wrote = new Int32Array(names).fill(-1);
    // Names written in the current function and used after the current statement: each needs a store if the
    // function ends here (`pending` of them); `due[q]` counts those whose last use is the statement at position q.
    const due = new Int32Array(end + 1);
    let pending = 0;
    let loads: number[] = [];
    let again0: number[] = []; // names computed again later, declared in the current function
    let written: number[] = [];
    let lines: string[] = [];
    const chunks: Chunk[] = [];
    let c = 0;
    let size0 = 0;
    const close = (to: number) => {
      const chunk: Chunk = { loads: loads.map((id) => [tape.operand(id), id < n ? -1 - id : slot[id]!]), body: lines.join('\n'), stores: [], outputs: [] };
      for (const id of written) {
        if (lastUse[id]! < to) continue;
        if (isResult[id] && lastWrite[id]! < to) {
          // Finished here: written to the caller's arrays, and to the workspace only if a later function reads it.
          results.forEach((r, k) => {
            if (r === id) chunk.outputs.push([k, tape.operand(id)]);
          });
          if (lastRead[id]! < to) continue;
        }
        if (slot[id] === -1) slot[id] = slots++;
        chunk.stores.push([slot[id]!, tape.operand(id)]);
      }
      chunks.push(chunk);
    };
    let cost = 0;
    const costRead = (id: number) => {
      if (seen[id] !== c) cost += CROSSING; // a load at the start
    };
    const markRead = (id: number) => {
      if (seen[id] === c) return;
      seen[id] = c;
      if (again[id]) {
        reads(defAt[id]!, markRead); // written in place: it reads its inputs
      } else loads.push(id);
    };
    for (let q = 0; q < end; q++) {
      const s = order[q]!;
      const d = def[s]!;
      if (size[d] > 0 && kind[s] === CALC) {
        continue;
      }
      let text = tape.statement(s);
      const costOf = () => {
        cost = text.length;
        reads(s, costRead);
        if (wrote[d] !== c && lastUse[d]! > q && !again[d]) cost += CROSSING; // a store at the end, unless last used here
        return cost;
      };
      costOf();
      if (chunk !== undefined ? lines.length >= chunk : size0 > 0 && size0 + cost + pending * CROSSING > BUDGET) {
        close(q);
        for (const id of written) if (lastUse[id]! >= q) due[lastUse[id]!]--;
        // From here on, the values of the last function that are computed again are written in place (V8
        // merges repeated arithmetic of the same inputs within a function).
        for (const id of again0) inPlace[id] = 1;
        again0 = [];
        loads = [];
        written = [];
        lines = [];
        pending = 0;
        c++;
        size0 = 0;
        text = tape.statement(s);
        costOf();
      }
      size0 += cost;
      lines.push(text);
      reads(s, markRead);
      if (again[d]) again0.push(d);
      seen[d] = c; // a declaration, or a `+=` to a name loaded just above
      if (wrote[d] !== c) {
        wrote[d] = c;
        if (lastUse[d]! > q && !again[d]) {
          pending++;
          due[lastUse[d]!]++;
          written.push(d);
        }
      }
      pending -= due[q]!;
      due[q] = 0;
    }
    if (c === 0 && chunk !== undefined) return singleFunction(tape, lines, resultText, grad);
    close(end);
    return chunked(tape, chunks, slots, results, lastWrite, grad);
  } finally {
    tape.inPlace = undefined;
  }
}

function identity(end: number): Int32Array {
  const order = new Int32Array(end);
  for (let s = 0; s < end; s++) order[s] = s;
  return order;
}

/**
 * The order in which a gradient kernel writes its statements: the forward statements in tape order, each
 * statement of the reverse sweep placed among them as soon as it can do useful work. The tape's order (the
 * interpreter's: the whole forward pass, then the reverse sweep) keeps every forward value the sweep reads alive
 * until the end of the kernel; for a sum of many terms whose adjoints are compile-time constants (Rosenbrock),
 * that is every intermediate value, which in a large kernel crosses functions through the workspace.
 *
 * A statement that consumes values into an accumulator (`a += term`, `let a = b + term`) is placed right after
 * the last forward statement it depends on; a statement that produces a new value (a partial's temporary, an
 * adjoint's first term) is placed just before its first consumer, so that nothing is computed long before it is
 * needed (a sum whose inputs' adjoints accumulate from the last term to the first, as the interpreter's do, keeps
 * computing its partials at the end). Any order that respects what each statement reads computes the same numbers:
 * every name is written once, except accumulators, whose additions keep their order (each depends on the one
 * before), and an accumulator is read only when it is complete (the reverse sweep reads a node's adjoint after
 * every contribution to it), so no addition moves before a read of the sum it changes.
 */
function schedule(tape: Tape): Int32Array {
  const end = tape.statements();
  const first = tape.forwardEnd;
  const { kind, def } = tape;
  const writer = new Int32Array(tape.nameCount).fill(-1);
  // After which forward statement each statement can run (-1: before the first), and what it depends on.
  const earliest = new Int32Array(end);
  const depAt = new Int32Array(end - first + 1);
  const deps: number[] = [];
  for (let s = 0; s < end; s++) {
    if (s < first) {
      earliest[s] = s;
    } else {
      let e = -1;
      tape.eachRead(s, (id) => {
        const w = writer[id]!;
        if (w < 0) return;
        if (earliest[w]! > e) e = earliest[w]!;
        if (w >= first) deps.push(w);
      });
      earliest[s] = e;
      depAt[s - first + 1] = deps.length;
    }
    writer[def[s]!] = s;
  }
  // Where each reverse statement goes: after forward statement `place` (the last one: at the end).
  const last = first - 1;
  const place = new Int32Array(end).fill(last);
  for (let s = end - 1; s >= first; s--) {
    const k = kind[s]!;
    if (k === ADD || k === START_FROM) place[s] = earliest[s]!; // else: before its first consumer, set below
    for (let j = depAt[s - first]!; j < depAt[s - first + 1]!; j++) {
      const w = deps[j]!;
      if (place[s]! < place[w]!) place[w] = place[s]!;
    }
  }
  // Forward statement p, then the reverse statements placed after it, in tape order (a counting sort by place).
  const begin = new Int32Array(first + 2); // bucket b = place + 1 holds sorted[begin[b]] .. sorted[begin[b + 1] - 1]
  for (let s = first; s < end; s++) begin[place[s]! + 2]++;
  for (let b = 1; b <= first + 1; b++) begin[b] += begin[b - 1]!;
  const sorted = new Int32Array(end - first);
  const fill = begin.slice();
  for (let s = first; s < end; s++) sorted[fill[place[s]! + 1]!++] = s;
  const order = new Int32Array(end);
  let q = 0;
  for (let b = 0; b <= first; b++) {
    if (b > 0) order[q++] = b - 1;
    for (let j = begin[b]!; j < begin[b + 1]!; j++) order[q++] = sorted[j]!;
  }
  return order;
}

/** A kernel as one function with its loop over the points inside. */
function singleFunction(tape: Tape, body: string[], results: string[], grad: boolean): Plan {
  const { needed } = tape;
  const [value, ...gradient] = results;
  const n = needed.length;
  const idx = [...Array(n).keys()];
  const loadCols = idx.filter((k) => needed[k]).map((k) => `const x${k} = c${k}[i];`);
  const loadRows = idx.filter((k) => needed[k]).map((k) => `const x${k} = p[o + ${k}];`);
  const colsHead = idx.filter((k) => needed[k]).map((k) => `const c${k} = cols[${k}];`);
  const gradHead = idx.map((k) => `const g${k} = grad[${k}];`);
  const block = (lines: string[]) => (lines.length ? `    ${lines.join('\n    ')}` : '');
  const colsLoop = `for (let i = 0; i < count; i++) {\n${block(loadCols)}\n${block(body)}\n    out[i] = ${value};`;
  const rowsLoop = `for (let i = 0, o = 0; i < count; i++, o += ${n}) {\n${block(loadRows)}\n${block(body)}\n    out[i] = ${value};`;
  const columns = grad
    ? `${colsHead.join('\n')}\n${gradHead.join('\n')}\n${colsLoop}\n${block(idx.map((k) => `g${k}[i] = ${gradient[k]};`))}\n}`
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
      const rows = grad ? `${rowsLoop}\n${block(idx.map((k) => `g[o + ${k}] = ${gradient[k]};`))}\n}` : `${rowsLoop}\n}`;
      return (rf = (grad ? new Function('p', 'count', 'out', 'g', `'use strict';\n${rows}`) : new Function('p', 'count', 'out', `'use strict';\n${rows}`)) as Plan['rows']);
    },
  };
}

/**
 * A kernel as one function whose repeated statements are loops (see reroll.ts), or undefined when nothing repeats
 * or the result does not fit BUDGET. Each result is written right after the statement that finishes it (inside a
 * loop, when a loop finishes it), so that a result computed in a loop needs no place to wait in.
 */
function rerolledFunction(tape: Tape, written: Written): Plan | undefined {
  const { lines, at, results, resultText, lastWrite } = written;
  const n = tape.needed.length;
  const after = new Map<number, string[]>(); // position in the order → results finished there
  const atEnd: string[] = [];
  results.forEach((r, k) => {
    const line = `y${k} = ${resultText[k]};`;
    if (r >= 0 && lastWrite[r]! >= 0) {
      const list = after.get(lastWrite[r]!);
      if (list) list.push(line);
      else after.set(lastWrite[r]!, [line]);
    } else atEnd.push(line);
  });
  const stream: string[] = [];
  lines.forEach((line, k) => {
    stream.push(line);
    const done = after.get(at[k]!);
    if (done) stream.push(...done);
  });
  stream.push(...atEnd);
  const rr = reroll(stream);
  if (rr.loops === 0) return undefined;
  const write = (layout: Layout, load: (k: number) => string, loop: string) => {
    const body = rr.body(layout);
    const loads = rr.inputs.map((k) => `  const x${k} = ${load(k)};`);
    return [loop, ...loads, ...body.map((l) => `  ${l}`), '}'].join('\n');
  };
  const columns = write(
    { input: (k) => `cols[${k}][i]`, output: (k, value) => (value ? 'out[i]' : `grad[${k}][i]`) },
    (k) => `cols[${k}][i]`,
    'for (let i = 0; i < count; i++) {',
  );
  if (columns.length > BUDGET) return undefined;
  const S = new Float64Array(Math.max(rr.scratch, 1));
  const K = rr.table;
  type Fn = (p: unknown, count: number, out: Float64Array, g: unknown, S: Float64Array, K: Float64Array) => void;
  let cf: Fn | undefined;
  let rf: Fn | undefined;
  const columnsFn = (cols: unknown, count: number, out: Float64Array, g?: unknown) =>
    (cf ??= new Function('cols', 'count', 'out', 'grad', 'S', 'K', `'use strict';\n${columns}`) as Fn)(cols, count, out, g, S, K);
  const rowsFn = (p: unknown, count: number, out: Float64Array, g?: unknown) => {
    if (!rf) {
      const rows = write(
        { input: (k) => `p[o + ${k}]`, output: (k, value) => (value ? 'out[i]' : `g[o + ${k}]`) },
        (k) => `p[o + ${k}]`,
        `for (let i = 0, o = 0; i < count; i++, o += ${n}) {`,
      );
      rf = new Function('p', 'count', 'out', 'g', 'S', 'K', `'use strict';\n${rows}`) as Fn;
    }
    rf(p, count, out, g, S, K);
  };
  return { source: columns, columns: columnsFn as Plan['columns'], rows: rowsFn as Plan['rows'] };
}

/**
 * One function of a chunked kernel: the names it loads (from a workspace slot, or input k given as -1 - k), its
 * statements, the names it stores for later functions ([slot, name]), and the results it finishes ([index in
 * results, name]).
 */
interface Chunk {
  loads: [string, number][];
  body: string;
  stores: [number, string][];
  outputs: [number, string][];
}

/**
 * A kernel cut into functions over a workspace (see planKernel). The points go through in blocks of BLOCK: each
 * function runs its statements for every point of a block before the next function starts, so its code is
 * fetched once per block rather than once per point. A function reads the inputs it needs straight from the
 * caller's columns (`s[k][i]`) or rows (`s[o + k]`) and writes the results it finishes straight into the caller's
 * arrays; only names that cross functions go through the workspace, a row of slots per point of the block. Each
 * layout's functions are compiled on first use.
 */
function chunked(tape: Tape, chunks: Chunk[], slots: number, results: number[], lastWrite: Int32Array, grad: boolean): Plan {
  const n = tape.needed.length;
  const width = Math.max(slots, 1);
  const w = new Float64Array(width * BLOCK);
  type Source = ArrayLike<number> | readonly ArrayLike<number>[];
  type Sink = Float64Array | readonly Float64Array[];
  type Fn = (w: Float64Array, s: Source, i0: number, count: number, out: Float64Array, g: Sink) => void;
  const write = (rows: boolean, k: number, text: string) =>
    k === 0 ? `out[i] = ${text};` : rows ? `g[o + ${k - 1}] = ${text} + 0;` : `g[${k - 1}][i] = ${text} + 0;`; // + 0: see START
  const source = (c: Chunk, rows: boolean) =>
    [
      `for (let i = i0, o = i0 * ${n}, b = 0, e = i0 + count; i < e; i++, o += ${n}, b += ${width}) {`,
      ...c.loads.map(([name, at]) => `let ${name} = ${at >= 0 ? `w[b + ${at}]` : rows ? `s[o + ${-1 - at}]` : `s[${-1 - at}][i]`};`),
      c.body,
      ...c.stores.map(([slot, name]) => `w[b + ${slot}] = ${name};`),
      ...c.outputs.map(([k, name]) => write(rows, k, name)),
      '}',
    ].join('\n');
  const build = (rows: boolean): Fn[] => chunks.map((c) => new Function('w', 's', 'i0', 'count', 'out', 'g', `'use strict';\n${source(c, rows)}`) as Fn);
  // Results that no statement writes (a constant; an input): written here.
  const fixed = results.flatMap((r, k) => (r >= 0 && lastWrite[r]! >= 0 ? [] : [[k, r] as const]));
  const fixUp = (rows: boolean, s: Source, count: number, out: Float64Array, g: Sink) => {
    for (let i = 0, o = 0; i < count; i++, o += n)
      for (const [k, r] of fixed) {
        const x = r < 0 ? tape.c(r) : rows ? (s as ArrayLike<number>)[o + r]! : (s as readonly ArrayLike<number>[])[r]![i]!;
        if (k === 0) out[i] = x;
        else if (rows) (g as Float64Array)[o + k - 1] = x + 0;
        else (g as readonly Float64Array[])[k - 1]![i] = x + 0;
      }
  };
  const run = (fns: Fn[], rows: boolean, src: Source, count: number, out: Float64Array, g: Sink) => {
    for (let i0 = 0; i0 < count; i0 += BLOCK) {
      const m = Math.min(BLOCK, count - i0);
      for (let c = 0; c < fns.length; c++) fns[c]!(w, src, i0, m, out, g);
    }
    if (fixed.length) fixUp(rows, src, count, out, g);
  };
  let cols: Fn[] | undefined;
  let rows: Fn[] | undefined;
  const columns = (src: readonly ArrayLike<number>[], count: number, out: Float64Array, g?: readonly Float64Array[]) => run((cols ??= build(false)), false, src, count, out, g ?? []);
  const byRows = (p: ArrayLike<number>, count: number, out: Float64Array, g?: Float64Array) => run((rows ??= build(true)), true, p, count, out, g ?? out);
  return {
    get source() {
      return chunks.map((c) => source(c, false)).join('\n');
    },
    columns: grad ? (columns as GradientColumns) : (columns as ValueColumns),
    rows: grad ? (byRows as GradientRows) : (byRows as ValueRows),
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
