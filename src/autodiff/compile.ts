// Code generation: the checked graph compiles once into JavaScript for the value and the gradient (one reverse
// sweep), which V8 optimizes like hand-written code. The local derivatives come from the rule table with code
// strings as the carrier (`Ops<string>`), and each primitive's value is written by its row's `code`: there are no
// rules of its own here. tape.ts records the kernel's statements and orders them; this file writes them out as one
// function, as loops (reroll.ts), or cut into functions; compile-hvp.ts compiles Hessian-vector products.
//
// Safety: the generated source contains only numeric literals printed by literal() (emit.ts), fixed local names
// (v12, t3, a7, …), operators and `Math` calls. No text from the user (variable names, the formula) is ever
// spliced into it: inputs are mapped by index.
//
// Agreement with the interpreter (evaluate.ts / reverse.ts): values are computed by the same Math functions in
// the same order, adjoints are accumulated in the same order (each node's contributions from its first consumer
// to its last, arguments left to right: reverse.ts), and every chain-rule term follows `term()`: a zero adjoint
// times an infinite or NaN partial is 0. Where one factor is a finite nonzero constant known at compile time the
// plain product is identical, so the guard is only emitted where both factors are computed at run time (tape.ts
// zeroSkipProduct and zeroSkipText, equal to term() up to the sign of a zero, which the `+ 0` on every gradient
// component removes).
import type { Graph, NodeId } from './graph.js';
import { reroll, type Layout } from './reroll.js';
import { ADD, CALC, CHEAP, identity, recordKernel, schedule, zeroSkipProduct, type Tape } from './tape.js';
import { canGenerateCode, interpretedKernels } from './interpreted.js';

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
/** The start of every kernel function: strict mode, and the local `$t` of the zero-skip products (tape.ts zeroSkipText). */
const PRELUDE = "'use strict';\nlet $t = 0;\n";
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
  if (!canGenerateCode()) return interpretedKernels(graph, output);
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
/** The largest arithmetic of the inputs that a function computes again instead of loading it (see analyse and chunkedPlan). */
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
      // Loops have few zero-skip products, which V8 inlines as calls (see zeroSkipProduct).
      tape.callGuard = true;
      try {
        const plan = rerolledFunction(tape, writeOut(tape, order, analyse(tape, grad, order, true)));
        if (plan) return plan;
      } finally {
        tape.callGuard = false;
      }
    }
    if (straight && straight.total <= BUDGET) return singleFunction(tape, straight, grad);
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
  return { end, statements, results, size, again, isResult, lastUse, lastRead, lastWrite, reads };
}

/**
 * A kernel's statements as lines, in order, without the ones written in place, with what is needed to write each
 * result where it is finished.
 */
interface Body {
  lines: string[];
  /** Each line's position in the order. */
  at: number[];
  /** The results as expressions. */
  resultText: string[];
  results: number[];
  lastWrite: Int32Array;
}

interface Written extends Body {
  total: number;
}

function writeOut(tape: Tape, order: Int32Array, a: Analysis): Written {
  const { kind, def } = tape;
  tape.inPlace = a.size; // nonzero: written in place
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
  const inPlace = size.slice(); // nonzero: written in place; grows as functions are cut (names computed again)
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
    let at: number[] = []; // each line's position in the order
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
        at = [];
        pending = 0;
        c++;
        size0 = 0;
        text = tape.statement(s);
        costOf();
      }
      size0 += cost;
      lines.push(text);
      at.push(q);
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
    if (c === 0 && chunk !== undefined) return singleFunction(tape, { lines, at, results, resultText, lastWrite }, grad);
    close(end);
    return chunked(tape, chunks, slots, results, lastWrite, grad);
  } finally {
    tape.inPlace = undefined;
  }
}

/** A kernel as one function with its loop over the points inside. */
function singleFunction(tape: Tape, body: Body, grad: boolean): Plan {
  const { needed } = tape;
  const n = needed.length;
  const idx = [...Array(n).keys()];
  const loadCols = idx.filter((k) => needed[k]).map((k) => `const x${k} = c${k}[i];`);
  const loadRows = idx.filter((k) => needed[k]).map((k) => `const x${k} = p[o + ${k}];`);
  const colsHead = idx.filter((k) => needed[k]).map((k) => `const c${k} = cols[${k}];`);
  const gradHead = grad ? idx.map((k) => `const g${k} = grad[${k}];`) : [];
  const block = (lines: string[]) => (lines.length ? `    ${lines.join('\n    ')}` : '');
  const colsBody = withResults(body, (k, text) => (k === 0 ? `out[i] = ${text};` : `g${k - 1}[i] = ${text};`));
  const columns = `${[...colsHead, ...gradHead].join('\n')}\nfor (let i = 0; i < count; i++) {\n${block(loadCols)}\n${block(colsBody)}\n}`;
  const rows = () => {
    const rowsBody = withResults(body, (k, text) => (k === 0 ? `out[i] = ${text};` : `g[o + ${k - 1}] = ${text};`));
    return `for (let i = 0, o = 0; i < count; i++, o += ${n}) {\n${block(loadRows)}\n${block(rowsBody)}\n}`;
  };
  return oneFunction(columns, rows, {});
}

/**
 * A one-function kernel's two shapes, each compiled on first use: `(cols, count, out, grad)` over columns and
 * `(p, count, out, g)` over rows, with `$m` (zeroSkipProduct) and the `extra` values as further parameters.
 */
function oneFunction(columns: string, rows: () => string, extra: Record<string, unknown>): Plan {
  const params = ['$m', ...Object.keys(extra)];
  const values = [zeroSkipProduct, ...Object.values(extra)];
  type Fn = (p: unknown, count: number, out: Float64Array, g: unknown, ...rest: unknown[]) => void;
  let cf: Fn | undefined;
  let rf: Fn | undefined;
  const columnsFn = (cols: unknown, count: number, out: Float64Array, g?: unknown) =>
    (cf ??= new Function('cols', 'count', 'out', 'grad', ...params, `${PRELUDE}${columns}`) as Fn)(cols, count, out, g, ...values);
  const rowsFn = (p: unknown, count: number, out: Float64Array, g?: unknown) =>
    (rf ??= new Function('p', 'count', 'out', 'g', ...params, `${PRELUDE}${rows()}`) as Fn)(p, count, out, g, ...values);
  return { source: columns, columns: columnsFn as Plan['columns'], rows: rowsFn as Plan['rows'] };
}

/**
 * The kernel's lines with each result written (`write(k, text)`: k 0 is the value, k > 0 gradient component k - 1)
 * right after the statement that finishes it, so that a finished result needs no place to wait in (a gradient of
 * many components kept to the end keeps them all live at once); results no statement writes (constants) at the end.
 */
function withResults(w: Body, write: (k: number, text: string) => string): string[] {
  const after = new Map<number, string[]>(); // position in the order → results finished there
  const atEnd: string[] = [];
  w.results.forEach((r, k) => {
    const line = write(k, w.resultText[k]!);
    const q = r >= 0 ? w.lastWrite[r]! : -1;
    if (q >= 0) {
      const list = after.get(q);
      if (list) list.push(line);
      else after.set(q, [line]);
    } else atEnd.push(line);
  });
  const stream: string[] = [];
  w.lines.forEach((line, j) => {
    stream.push(line);
    const done = after.get(w.at[j]!);
    if (done) stream.push(...done);
  });
  stream.push(...atEnd);
  return stream;
}

/**
 * A kernel as one function whose repeated statements are loops (see reroll.ts), or undefined when nothing repeats
 * or the result does not fit BUDGET. Each result is written right after the statement that finishes it (inside a
 * loop, when a loop finishes it), so that a result computed in a loop needs no place to wait in.
 */
function rerolledFunction(tape: Tape, written: Written): Plan | undefined {
  const n = tape.needed.length;
  const rr = reroll(withResults(written, (k, text) => `y${k} = ${text};`));
  if (rr.loops === 0) return undefined;
  const write = (layout: Layout, loop: string) => {
    const { lines: body, inputs } = rr.body(layout);
    const loads = inputs.map((k) => `  const x${k} = ${layout.input(String(k))};`);
    return [loop, ...loads, ...body.map((l) => `  ${l}`), '}'].join('\n');
  };
  const columns = write({ input: (k) => `cols[${k}][i]`, output: (k, value) => (value ? 'out[i]' : `grad[${k}][i]`) }, 'for (let i = 0; i < count; i++) {');
  if (columns.length > BUDGET) return undefined;
  const rows = () => write({ input: (k) => `p[o + ${k}]`, output: (k, value) => (value ? 'out[i]' : `g[o + ${k}]`) }, `for (let i = 0, o = 0; i < count; i++, o += ${n}) {`);
  return oneFunction(columns, rows, { S: new Float64Array(Math.max(rr.scratch, 1)), K: rr.table });
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
 * A kernel cut into functions over a workspace (see chunkedPlan). The points go through in blocks of BLOCK: each
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
  type Fn = (w: Float64Array, s: Source, i0: number, count: number, out: Float64Array, g: Sink, $m: typeof zeroSkipProduct) => void;
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
  const build = (rows: boolean): Fn[] => chunks.map((c) => new Function('w', 's', 'i0', 'count', 'out', 'g', '$m', `${PRELUDE}${source(c, rows)}`) as Fn);
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
      for (let c = 0; c < fns.length; c++) fns[c]!(w, src, i0, m, out, g, zeroSkipProduct);
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
