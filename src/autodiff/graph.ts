// The computation graph, kept as a Wengert list: nodes in topological order (every argument precedes its user),
// identical subexpressions shared (hash-consing), assigned names recorded as names of nodes.
import type { Span } from '../diagnostics.js';
import { makeOps, PRIMS, type Ops, type PrimName } from './primitives.js';

export type NodeId = number;

export type GraphNode =
  | { kind: 'input'; name: string; span?: Span }
  /** `symbol` is `pi` or `e` for the named constants; `text` is a literal as written. */
  | { kind: 'const'; value: number; symbol?: string; text?: string; span?: Span }
  | { kind: 'op'; op: PrimName; args: NodeId[]; param: number; span?: Span };

export interface Graph {
  /** Topological order: inputs first (in order of first appearance), then constants and operations. */
  nodes: GraphNode[];
  /** Node ids of the inputs, in order of first appearance; `inputNames[i]` names `inputs[i]`. */
  inputs: NodeId[];
  inputNames: string[];
  /** Assigned names, in program order, with the node each one names. */
  names: { name: string; node: NodeId }[];
}

const FOLDABLE = new Set<PrimName>(['add', 'sub', 'mul', 'div', 'neg', 'powc']);

const keyOfNumber = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

/**
 * Builds graphs one node at a time, sharing identical nodes. With `simplify`, it also folds constants and
 * removes algebraic identities (x*1, x+0, 0*x, x^1, --x): derivative graphs are built that way so they
 * stay small; graphs lowered from the user's text are built without, so the trace shows what was written.
 */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  private readonly index = new Map<string, NodeId>();
  private readonly opIndex = new Map<PrimName, Map<number, NodeId>>();

  /**
   * While true, only identities that give the very same IEEE number for every argument apply (x*1, x-0, --x,
   * finite constant folding, sign moves): no 0*x = 0, 0/x = 0 or x-x = 0, which fail at infinities, NaN or a
   * zero divisor. Copies of the user's graph are built this way, so their values are the interpreter's.
   */
  exact = false;

  constructor(private readonly simplify = false) {}

  private intern(key: string, make: () => GraphNode): NodeId {
    const found = this.index.get(key);
    if (found !== undefined) return found;
    const id = this.push(make());
    this.index.set(key, id);
    return id;
  }

  private push(node: GraphNode): NodeId {
    this.nodes.push(node);
    return this.nodes.length - 1;
  }

  input(name: string, span?: Span): NodeId {
    return this.intern(`i:${name}`, () => ({ kind: 'input', name, span }));
  }

  constant(value: number, label: { symbol?: string; text?: string; span?: Span } = {}): NodeId {
    const key = `c:${keyOfNumber(value)}:${label.symbol ?? ''}`;
    return this.intern(key, () => ({ kind: 'const', value, ...label }));
  }

  /** The constant value of a node, if it is a constant node. */
  constValue(id: NodeId): number | undefined {
    const n = this.nodes[id]!;
    return n.kind === 'const' ? n.value : undefined;
  }

  apply(op: PrimName, args: NodeId[], param = NaN, span?: Span): NodeId {
    if (this.simplify) {
      const simpler = this.simplified(op, args, param);
      if (simpler !== undefined) return simpler;
    }
    // Operations with one or two arguments (nearly all) are shared through numeric keys, which keeps large
    // graphs cheap to build; the rest through a string key.
    if (args.length <= 2 && op !== 'powc') {
      let table = this.opIndex.get(op);
      if (!table) this.opIndex.set(op, (table = new Map()));
      const key = args.length === 1 ? args[0]! : args[0]! * 2 ** 26 + args[1]!;
      const found = table.get(key);
      if (found !== undefined) return found;
      const id = this.push({ kind: 'op', op, args, param, span });
      table.set(key, id);
      return id;
    }
    const key = `${op}:${op === 'powc' ? keyOfNumber(param) : ''}:${args.join(',')}`;
    return this.intern(key, () => ({ kind: 'op', op, args, param, span }));
  }

  /** Constant folding and identities; undefined when nothing applies. */
  private simplified(op: PrimName, args: NodeId[], param: number): NodeId | undefined {
    const c = args.map((a) => this.constValue(a));
    // Arithmetic on constants folds to its (finite) value; functions of constants such as sin(2) stay nodes.
    if (FOLDABLE.has(op) && c.every((v) => v !== undefined)) {
      const value = PRIMS[op].eval(c as number[], param);
      if (Number.isFinite(value)) return this.constant(value);
    }
    const [a, b] = args;
    const [ca, cb] = c;
    switch (op) {
      case 'add':
        // x + 0 is +0 at x = -0, so only x + (-0) is exact.
        if (ca === 0 && (!this.exact || Object.is(ca, -0))) return b;
        if (cb === 0 && (!this.exact || Object.is(cb, -0))) return a;
        if (a === b) return this.apply('mul', [this.constant(2), a!]);
        // Signs move out of the way where IEEE arithmetic gives the very same number: a + (-b) = a - b,
        // (-a) + b = b - a, a - (-b) = a + b, a*(-b) = -(a*b), (-a)/b = -(a/b).
        if (this.negated(b!) !== undefined) return this.apply('sub', [a!, this.negated(b!)!]);
        if (this.negated(a!) !== undefined) return this.apply('sub', [b!, this.negated(a!)!]);
        if (cb !== undefined && cb < 0) return this.apply('sub', [a!, this.constant(-cb)]);
        if (ca !== undefined && ca < 0) return this.apply('sub', [b!, this.constant(-ca)]);
        break;
      case 'sub':
        if (cb === 0) return a;
        if (this.exact) {
          if (this.negated(b!) !== undefined) return this.apply('add', [a!, this.negated(b!)!]);
          if (cb !== undefined && cb < 0) return this.apply('add', [a!, this.constant(-cb)]);
          break;
        }
        if (ca === 0) return this.apply('neg', [b!]);
        if (a === b) return this.constant(0);
        if (this.negated(b!) !== undefined) return this.apply('add', [a!, this.negated(b!)!]);
        if (cb !== undefined && cb < 0) return this.apply('add', [a!, this.constant(-cb)]);
        break;
      case 'mul':
        if ((ca === 0 || cb === 0) && !this.exact) return this.constant(0);
        if (ca === 1) return b;
        if (cb === 1) return a;
        if (ca === -1) return this.apply('neg', [b!]);
        if (cb === -1) return this.apply('neg', [a!]);
        if (a === b && !this.exact) return this.apply('powc', [a!], 2);
        if (this.negated(a!) !== undefined) return this.apply('neg', [this.apply('mul', [this.negated(a!)!, b!])]);
        if (this.negated(b!) !== undefined) return this.apply('neg', [this.apply('mul', [a!, this.negated(b!)!])]);
        if (ca !== undefined && ca < 0) return this.apply('neg', [this.apply('mul', [this.constant(-ca), b!])]);
        if (cb !== undefined && cb < 0) return this.apply('neg', [this.apply('mul', [a!, this.constant(-cb)])]);
        if (!this.exact) {
          // c1*(c2*x) = (c1*c2)*x: constant factors meet (up to one rounding of c1*c2, exact for powers of 2).
          const [k, other] = ca !== undefined ? [ca, b!] : cb !== undefined ? [cb, a!] : [undefined, undefined];
          const inner = other === undefined ? undefined : this.nodes[other]!;
          if (k !== undefined && inner?.kind === 'op' && inner.op === 'mul') {
            const [i0, i1] = inner.args.map((x) => this.constValue(x));
            if (i0 !== undefined) return this.apply('mul', [this.constant(k * i0), inner.args[1]!]);
            if (i1 !== undefined) return this.apply('mul', [this.constant(k * i1), inner.args[0]!]);
          }
        }
        break;
      case 'div':
        if (ca === 0 && !this.exact) return this.constant(0);
        if (cb === 1) return a;
        if (cb === -1) return this.apply('neg', [a!]);
        if (this.negated(a!) !== undefined) return this.apply('neg', [this.apply('div', [this.negated(a!)!, b!])]);
        if (this.negated(b!) !== undefined) return this.apply('neg', [this.apply('div', [a!, this.negated(b!)!])]);
        if (ca !== undefined && ca < 0) return this.apply('neg', [this.apply('div', [this.constant(-ca), b!])]);
        if (cb !== undefined && cb < 0) return this.apply('neg', [this.apply('div', [a!, this.constant(-cb)])]);
        break;
      case 'neg': {
        const inner = this.nodes[a!]!;
        if (inner.kind === 'op' && inner.op === 'neg') return inner.args[0];
        break;
      }
      case 'powc': {
        if (param === 1) return a;
        if (param === 0) return this.constant(1);
        const inner = this.nodes[a!]!;
        if (this.exact) break;
        if (inner.kind === 'op' && inner.op === 'powc' && Number.isInteger(inner.param) && Number.isInteger(param)) {
          return this.apply('powc', inner.args, inner.param * param);
        }
        break;
      }
    }
    return undefined;
  }

  /** The argument of a negation node (`-x` → x), if `id` is one. */
  private negated(id: NodeId): NodeId | undefined {
    const n = this.nodes[id]!;
    return n.kind === 'op' && n.op === 'neg' ? n.args[0] : undefined;
  }

  /** This builder as an `Ops<NodeId>`, so rule-table partials build graph nodes. */
  ops(): Ops<NodeId> {
    return makeOps(
      (c) => this.constant(c),
      (op, args, param) => this.apply(op, args, param),
    );
  }
}

/** Marks the nodes that reach any of `outputs` (the effective subgraph). No recursion: one backward pass. */
export function reaching(nodes: readonly GraphNode[], outputs: readonly NodeId[]): Uint8Array {
  const mark = new Uint8Array(nodes.length);
  for (const o of outputs) mark[o] = 1;
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!mark[i]) continue;
    const n = nodes[i]!;
    if (n.kind === 'op') for (const a of n.args) mark[a] = 1;
  }
  return mark;
}

/** Marks the nodes whose value depends on at least one input (or on one of `inputs`, when given). */
export function dependsOnInput(nodes: readonly GraphNode[], inputs?: readonly NodeId[]): Uint8Array {
  const mark = new Uint8Array(nodes.length);
  if (inputs) for (const id of inputs) mark[id] = 1;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.kind === 'input') mark[i] = inputs ? mark[i]! : 1;
    else if (n.kind === 'op') for (const a of n.args) if (mark[a]) mark[i] = 1;
  }
  return mark;
}

/**
 * Who uses each node, for reverse sweeps that pull: the users of node i are `node[k]` for k from `start[i]` to
 * `start[i + 1] - 1`, as argument `position[k]` of that user, in increasing user order and, within one user, in
 * argument order (x*x lists its product twice). One pass over the arguments, no recursion.
 */
export interface Users {
  start: Int32Array;
  node: Int32Array;
  position: Int32Array;
}

export function usersOf(nodes: readonly GraphNode[]): Users {
  const start = new Int32Array(nodes.length + 1);
  for (const n of nodes) if (n.kind === 'op') for (const a of n.args) start[a + 1]++;
  for (let i = 0; i < nodes.length; i++) start[i + 1] += start[i]!;
  const next = start.slice(0, nodes.length);
  const node = new Int32Array(start[nodes.length]!);
  const position = new Int32Array(node.length);
  nodes.forEach((n, c) => {
    if (n.kind !== 'op') return;
    n.args.forEach((a, j) => {
      const k = next[a]!++;
      node[k] = c;
      position[k] = j;
    });
  });
  return { start, node, position };
}
