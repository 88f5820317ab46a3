// The kernel tape: a kernel is first recorded as a tape of statements over integer operands (the value's
// statements, and the reverse sweep when a gradient is first needed), then ordered (schedule) and written out as
// text by compile.ts. Values are recorded with the rule table's Math functions in the interpreter's order; adjoints
// are accumulated in the interpreter's order (first consumer first, reverse.ts) and every chain-rule term follows
// `term()` (up to the sign of a zero: see zeroSkipProduct).
import { term } from './evaluate.js';
import { dependsOnInput, reaching, usersOf, type Graph, type NodeId } from './graph.js';
import { makeOps, PRIMS, type Ops, type PrimName } from './primitives.js';
import { literal } from './emit.js';

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
export const CALC = 0;
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
export const ADD = 3;

// Chain-rule terms (partial × adjoint) by form; p is a partial, a an adjoint, c a constant. Every product
// follows term(): where both factors are computed at run time (zeroSkipProduct), or one is a constant that is not
// finite, a zero factor times an infinite or NaN one gives 0.
const T_P = 0; // p (the adjoint is the constant 1)
const T_NEG_P = 1; // -p
const T_P_C = 2; // p * c
const T_P_C_GUARD = 3; // (p === 0 ? 0 : p * c)
const T_A = 4; // a (a partial of 1 times a computed adjoint)
const T_NEG_A = 5; // -a
const T_C_A = 6; // c * a
const T_C_A_GUARD = 7; // (a === 0 ? 0 : c * a)
const T_P_A_GUARD = 8; // zeroSkipText(p, a): see zeroSkipProduct
const T_CONST = 9; // c
/** How many times each form writes its two operands. */
const TERM_USES: [number, number][] = [[1, 0], [1, 0], [1, 1], [2, 1], [1, 0], [1, 0], [1, 1], [1, 2], [2, 2], [1, 0]];

const PRIM_NAMES = Object.keys(PRIMS) as PrimName[];
const PRIM_INDEX = Object.fromEntries(PRIM_NAMES.map((name, k) => [name, k])) as Record<PrimName, number>;
const POWC = PRIM_INDEX.powc;
/** Primitives written as plain arithmetic (no Math call): cheap enough to compute again rather than store and load. */
export const CHEAP = PRIM_NAMES.map((name) => !PRIMS[name].code(['a', 'b', 'c'], '2').includes('Math.'));
const NONE = -1;

export class Tape {
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
  /** Zero-skip products as calls `$m(p, a)` instead of in place (see zeroSkipProduct): set while a kernel is rerolled. */
  callGuard = false;

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
      const [tx, ty] = form === T_P_A_GUARD && this.callGuard ? [1, 1] : TERM_USES[form]!;
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
      default:
        return zeroSkipText(p, this.operand(y), this.callGuard);
    }
  }
}

const NAN_TEXT = literal(NaN);

/**
 * A chain-rule product of two factors computed at run time: term()'s rule, a zero factor times an infinite or NaN
 * one is 0, tested only when the product is NaN, so the common case is one multiplication and one comparison. It
 * differs from term() only in the sign of a zero (p·a where term() gives 0), and that sign cannot reach a gradient:
 * adjoints are only multiplied, added and compared with 0 (never divided by, never passed to a Math function), so a
 * zero's sign can only make a zero result -0, and the kernels write every gradient component as `… + 0`, which makes
 * it 0. Measured on the Rosenbrock 1000 gradient: about 0.15 of its time over the value's, against the ternary
 * `p === 0 || a === 0 ? 0 : p * a`. The generated code writes it with zeroSkipText.
 */
export function zeroSkipProduct(p: number, a: number): number {
  const m = p * a;
  return m === m ? m : p === 0 || a === 0 ? 0 : m;
}

/**
 * zeroSkipProduct(p, a) as generated code: a call `$m(p, a)` (`$m` is a parameter of every kernel function), or the
 * same test written in place over the function's local `$t`. V8 inlines calls, but only so much per function (about
 * 900 bytes of bytecode): past that budget each `$m` is a real call, and a straight-line Rosenbrock n = 60 gradient,
 * with 59 of them, ran at half speed. So the products are written in place, except in rerolled kernels, whose loops
 * hold a few products and ran faster with the call (Rosenbrock n = 100: 0.8x the time of the in-place form).
 */
export function zeroSkipText(p: string, a: string, call: boolean): string {
  return call ? `$m(${p}, ${a})` : `(($t = ${p} * ${a}) === $t || (${p} !== 0 && ${a} !== 0) ? $t : 0)`;
}

/**
 * Records the value of `output` on a tape, and the reverse sweep when a gradient kernel is first needed
 * (tape.complete()). Inputs are the names with ids 0..n-1, in the graph's input order.
 */
export function recordKernel(graph: Graph, output: NodeId): Tape {
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
  // Node by node from the last: first its adjoint, pulled from its consumers' contributions in consumer order
  // (reverse.ts), then its partials, which its arguments pull when the sweep reaches them.
  const users = usersOf(nodes);
  const partialsOf: (number[] | undefined)[] = new Array(nodes.length);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!mask[i] || !varies[i]) continue;
    for (let k = users.start[i]!; k < users.start[i + 1]!; k++) {
      const c = users.node[k]!;
      const p = partialsOf[c];
      if (p === undefined) continue;
      const kind = contribution(p[users.position[k]!]!, adj[c]!);
      if (kind !== 0) accumulate(i, kind);
    }
    const n = nodes[i]!;
    const a = adj[i];
    if (n.kind !== 'op' || a === undefined || (isConst(a) && tape.c(a) === 0)) continue;
    recent.length = 0;
    partialsOf[i] = PRIMS[n.op].partials(ops, n.args.map((x) => val[x]!), val[i]!, n.param);
  }
  // The interpreter's adjoints are `0 + …`, never -0 (see START).
  tape.gradient = graph.inputs.map((id) => {
    const a = adj[id];
    return a === undefined ? tape.constant(0) : isConst(a) ? tape.constant(tape.c(a) + 0) : a;
  });
}

export function identity(end: number): Int32Array {
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
 * needed. Adjoints accumulate from the first consumer to the last (reverse.ts), so in a sum of many terms whose
 * adjoints are compile-time constants, term k's contributions to the inputs' adjoints land right after term k:
 * forward and reverse become one pass over the terms, as in hand-written code. Any order that respects what each
 * statement reads computes the same numbers: every name is written once, except accumulators, whose additions keep
 * their order (each depends on the one before), and an accumulator is read only when it is complete (the reverse
 * sweep reads a node's adjoint after every contribution to it), so no addition moves before a read of the sum it
 * changes.
 */
export function schedule(tape: Tape): Int32Array {
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
