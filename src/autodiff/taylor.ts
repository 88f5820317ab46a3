// Derivatives of any order along one variable, by Taylor-mode propagation (univariate Taylor arithmetic).
//
// Every node v carries its Taylor series along the direction of input x: v(x0 + t) = Σ_k v_k t^k, so that
// the k-th derivative is k!·v_k. The series are computed order by order (round k computes every node's v_k, in
// topological order), which costs O(nodes · K²) for K orders: polynomial, with no nested finite differences
// and no symbolic swell.
//
// One rule table. For a primitive w = f(u_1..u_m) the table gives its partials p_i = ∂f/∂u_i, and the chain
// rule w' = Σ_i p_i·u_i' read coefficient-wise gives the recurrence
//
//     w_k = (1/k) Σ_i Σ_{j=1..k} j·(u_i)_j·(p_i)_{k-j}          (k ≥ 1; w_0 is the value)
//
// The partials p_i are themselves nodes: they are built with `Ops<NodeId>` in a builder that shares the
// original nodes, so their series come from the same rounds (they need only orders < k). Hash-consing closes
// the set: sin's partial cos(x) and cos's partial -sin(x) are nodes that already exist, exp's partial is the
// node itself, tan's partial 1 + tan(x)^2 is arithmetic on the node.
//
// Arithmetic is the exception, because its partials regress: ∂(a/b)/∂b = -(a/b)/b builds a new quotient on every
// order, and ∂(x^c)/∂x = c·x^(c-1) a new power. These primitives use the classical closed forms instead
// (Cauchy products), which need no partials at all:
//   add, sub, neg   coefficient-wise
//   mul             c_k = Σ_{j=0..k} a_j b_{k-j}
//   div             c_k = (a_k - Σ_{j=1..k} b_j c_{k-j}) / b_0
//   powc (a^r)      c_k = Σ_{j=1..k} (r·j - (k-j)) a_j c_{k-j} / (k a_0)     from c'·a = r·a'·c
//                   (written r·j - (k-j), not (r+1)j - k, so that a tiny r does not cancel away)
//   pow  (a^y)      exp(y·ln a): L = ln a by L_k = (a_k - (1/k) Σ_{j=1..k-1} j L_j a_{k-j}) / a_0,
//                   P = y·L (Cauchy), w_k = (1/k) Σ_{j=1..k} j P_j w_{k-j}
//
// Zero-skip, as in the numeric sweeps (`term()`): a zero coefficient times an infinite or NaN one counts as 0,
// so an unused infinite partial never poisons a derivative (and x^y with y fixed works at x < 0).
// At a_0 = 0, a^r with a non-negative integer r is computed exactly by factoring out the leading power of t
// (a = t^m·b with b_0 ≠ 0, a^r = t^(mr)·b^r); for other r the first derivative follows the first-order rule and
// higher ones are 0 below the order v·r (a = t^v·b, r > 0) and NaN from there on, unless the argument is constant
// along x (x^(1/2) has no Taylor series at 0).
//
// Rounding. Taylor arithmetic can amplify rounding errors without bound: sin(x)/x at x = 0.1 divides by
// b_0 = 0.1 on every order, so the error of c_0 is multiplied by 10 per order while the true coefficients shrink
// like 1/k!. Next to every coefficient runs a first-order bound on its rounding error (running error analysis:
// each step adds the propagated bounds of its operands and u = 2^-53 times the magnitudes it rounded), so a
// caller can tell the user which orders cannot be trusted instead of printing noise as a derivative.
import type { Graph, GraphNode, NodeId } from './graph.js';
import { copyInto } from './derivative.js';
import { numberOps, PRIMS, type PrimName } from './primitives.js';

/** Primitives with closed-form Taylor arithmetic; every other primitive uses the partials of the rule table. */
const DIRECT = new Set<PrimName>(['add', 'sub', 'mul', 'div', 'neg', 'powc', 'pow']);

/** One term of a Taylor sum, with the zero-skip rule: 0 times anything is 0. */
const m = (a: number, b: number) => (a === 0 || b === 0 ? 0 : a * b);

/** The unit roundoff of double precision. */
const U = 2 ** -53;
const abs = Math.abs;
/** Bound on the error of a·b from the bounds ea, eb of its factors (first order, zero-skip). */
const eProduct = (a: number, ea: number, b: number, eb: number) => m(abs(a), eb) + m(ea, abs(b));

/** Taylor coefficients with a bound on each one's rounding error. */
export interface TaylorSeries {
  /** c_k = f^(k)(x)/k!, k = 0..K. */
  coefficients: Float64Array;
  /** A bound on |computed c_k − exact c_k| from rounding (first order; NaN where c_k is not finite). */
  errors: Float64Array;
}

/** State of a^r at a_0 = 0 for a non-negative integer r: the valuation of a and the series of b^r. */
interface PowerAtZero {
  valuation: number;
  series: Float64Array;
}

/**
 * Normalised Taylor coefficients c_0..c_K of `output` along input `wrt` (an input index) at the point `x`
 * (input values in input order): c_k = f^(k)(x)/k!.
 */
export function taylorCoefficients(graph: Graph, output: NodeId, wrt: number, x: ArrayLike<number>, order: number): Float64Array {
  return taylorSeries(graph, output, wrt, x, order).coefficients;
}

/** The Taylor coefficients of `output` along input `wrt` at `x`, with bounds on their rounding errors. */
export function taylorSeries(graph: Graph, output: NodeId, wrt: number, x: ArrayLike<number>, order: number): TaylorSeries {
  const { c, e, map } = propagate(graph, [output], wrt, x, order);
  const W = order + 1;
  const out = map[output]!;
  const errors = e.slice(out * W, out * W + W);
  const coefficients = c.slice(out * W, out * W + W);
  for (let k = 0; k <= order; k++) if (!Number.isFinite(coefficients[k]!)) errors[k] = NaN;
  return { coefficients, errors };
}

/**
 * Every node's Taylor coefficients along input `wrt`, for diagnosis: `nodes` are the nodes of the propagation (the
 * copied graph and the partials it needed), `map` takes a node of `graph` to its node there, and
 * `coefficient(i, k)` is node i's c_k.
 */
export function taylorNodes(graph: Graph, outputs: readonly NodeId[], wrt: number, x: ArrayLike<number>, order: number): {
  nodes: readonly GraphNode[];
  map: readonly (NodeId | undefined)[];
  coefficient: (i: NodeId, k: number) => number;
} {
  const { nodes, c, map } = propagate(graph, outputs, wrt, x, order);
  const W = order + 1;
  return { nodes, map, coefficient: (i, k) => c[i * W + k]! };
}

function propagate(graph: Graph, outputs: readonly NodeId[], wrt: number, x: ArrayLike<number>, order: number): { nodes: readonly GraphNode[]; c: Float64Array; e: Float64Array; map: (NodeId | undefined)[] } {
  const K = order;
  const { builder, map } = copyInto(graph, outputs);
  const ops = builder.ops();

  // Close the set of nodes under "partials of non-arithmetic primitives", appending nodes as needed, level by level:
  // the nodes of the graph are level 0, the nodes a level-d partial appends are level d + 1. A level-d node is read
  // only at orders ≤ K - d (a partial enters w_k at orders < k), so the levels stop at K - 1: the partials of
  // gamma (Γ·ψ), digamma (ψ') and polygamma (ψ^(n+1)) never close, and need not.
  const partialsOf: (NodeId[] | undefined)[] = [];
  const limit = 64 * builder.nodes.length + 4096;
  let levelEnd = builder.nodes.length;
  for (let i = 0, level = 0; i < builder.nodes.length; i++) {
    if (i === levelEnd) {
      level++;
      levelEnd = builder.nodes.length;
    }
    if (level >= K) break;
    const n = builder.nodes[i]!;
    if (n.kind === 'op' && !DIRECT.has(n.op)) partialsOf[i] = PRIMS[n.op].partials(ops, n.args, i, n.param);
    if (builder.nodes.length > limit) throw new Error('Taylor propagation: the partials of the rule table do not close');
  }

  const nodes = builder.nodes;
  const N = nodes.length;
  const W = K + 1;
  const c = new Float64Array(N * W); // c[i*W + k] = k-th coefficient of node i
  const at = (i: NodeId, k: number) => c[i * W + k]!;
  const e = new Float64Array(N * W); // e[i*W + k] bounds the rounding error of c[i*W + k]
  const err = (i: NodeId, k: number) => e[i * W + k]!;
  const logSeries = new Map<NodeId, { L: Float64Array; P: Float64Array; eL: Float64Array; eP: Float64Array }>();
  const atZero = new Map<NodeId, PowerAtZero>();

  // Round 0: the values.
  const args: number[] = [];
  for (let i = 0; i < N; i++) {
    const n = nodes[i]!;
    if (n.kind === 'input') c[i * W] = x[i]!;
    else if (n.kind === 'const') c[i * W] = n.value;
    else {
      args.length = n.args.length;
      for (let j = 0; j < n.args.length; j++) args[j] = at(n.args[j]!, 0);
      c[i * W] = PRIMS[n.op].eval(args, n.param);
    }
  }
  // Round 0 error bounds: the arguments' bounds through the local partials, plus the rounding of the value.
  for (let i = 0; i < N; i++) {
    const n = nodes[i]!;
    if (n.kind !== 'op') continue;
    const v = at(i, 0);
    const [a, b] = n.args as [NodeId, NodeId];
    let ev: number;
    switch (n.op) {
      case 'add':
      case 'sub':
        ev = err(a, 0) + err(b, 0) + U * abs(v);
        break;
      case 'neg':
        ev = err(a, 0);
        break;
      case 'mul':
        ev = eProduct(at(a, 0), err(a, 0), at(b, 0), err(b, 0)) + U * abs(v);
        break;
      case 'div':
        ev = (err(a, 0) + m(abs(v), err(b, 0))) / abs(at(b, 0)) + U * abs(v);
        break;
      case 'powc':
        ev = m(abs(n.param * Math.pow(at(a, 0), n.param - 1)), err(a, 0)) + U * abs(v);
        break;
      case 'pow':
        ev = m(abs(v), m(abs(at(b, 0) / at(a, 0)), err(a, 0)) + m(abs(Math.log(at(a, 0))), err(b, 0))) + 2 * U * abs(v);
        break;
      default: {
        ev = 2 * U * abs(v);
        const p = partialsOf[i];
        // A node of level K has no partial nodes: its local partials are evaluated as numbers instead.
        const local = p ? p.map((pq) => at(pq, 0)) : PRIMS[n.op].partials(numberOps, n.args.map((q) => at(q, 0)), v, n.param);
        for (let q = 0; q < n.args.length; q++) ev += m(abs(local[q]!), err(n.args[q]!, 0));
      }
    }
    e[i * W] = ev;
  }

  /** The error bound of the last `powerCoefficient` result. */
  let powerError = 0;
  /** k-th coefficient of a^r (node i, argument a) for a constant exponent r. */
  const powerCoefficient = (i: NodeId, a: NodeId, r: number, k: number): number => {
    const a0 = at(a, 0);
    if (a0 !== 0) {
      let s = 0;
      let es = 0;
      let size = 0;
      for (let j = 1; j <= k; j++) {
        const f = r * j - (k - j);
        const t = m(f * at(a, j), at(i, k - j));
        s += t;
        size += abs(t);
        es += abs(f) * eProduct(at(a, j), err(a, j), at(i, k - j), err(i, k - j));
      }
      const v = s === 0 ? 0 : s / (k * a0);
      powerError = (es + (k + 1) * U * size) / (k * abs(a0)) + m(abs(v), err(a, 0) / abs(a0)) + U * abs(v);
      return v;
    }
    powerError = 0;
    if (Number.isInteger(r) && r >= 0) {
      if (r === 0) return 0;
      // a = t^v·b with b_0 = a_v ≠ 0; a^r = t^(vr)·b^r, and b^r has the a_0 ≠ 0 recurrence.
      let state = atZero.get(i);
      if (!state) {
        let v = 0;
        for (let j = 1; j <= k; j++) if (at(a, j) !== 0) { v = j; break; }
        if (v === 0) return 0; // a = O(t^(k+1)) so far: a^r = O(t^(r(k+1))), and r ≥ 1
        state = { valuation: v, series: new Float64Array(W) };
        atZero.set(i, state);
      }
      const { valuation: v, series: d } = state;
      const shift = v * r;
      const jj = k - shift; // c_k = d_jj
      if (jj < 0) return 0;
      const b = (q: number) => at(a, v + q);
      if (jj === 0) d[0] = Math.pow(b(0), r);
      else {
        let s = 0;
        for (let q = 1; q <= jj; q++) s += m((r * q - (jj - q)) * b(q), d[jj - q]!);
        d[jj] = s === 0 ? 0 : s / (jj * b(0));
      }
      powerError = 4 * (jj + 1) * U * abs(d[jj]!); // the argument's own coefficients are exact here (a_0 = 0)
      return d[jj]!;
    }
    // No Taylor series at a_0 = 0 (x^(1/2), x^-1): a = t^v·b gives a^r = t^(vr)·b^r (one-sided), whose
    // coefficients below t^(vr) are 0 for r > 0 (x^2.5 has f'' = 0 at 0); from there on the first derivative is
    // what the first-order rule gives and higher ones are NaN, unless the argument does not move along x.
    let v = 0;
    for (let j = 1; j <= k; j++) if (at(a, j) !== 0) { v = j; break; }
    if (v === 0) return 0;
    if (r > 0 && k < v * r) return 0;
    if (k !== 1) return NaN;
    const p = r * Math.pow(a0, r - 1);
    powerError = m(abs(p), err(a, 1)) + U * abs(m(p, at(a, 1)));
    return m(p, at(a, 1));
  };

  for (let k = 1; k <= K; k++) {
    for (let i = 0; i < N; i++) {
      const n = nodes[i]!;
      let v = 0;
      let ev = 0;
      if (n.kind === 'input') v = i === wrt && k === 1 ? 1 : 0;
      else if (n.kind === 'const') v = 0;
      else {
        const [a, b] = n.args as [NodeId, NodeId];
        switch (n.op) {
          case 'add':
            v = at(a, k) + at(b, k);
            ev = err(a, k) + err(b, k) + U * abs(v);
            break;
          case 'sub':
            v = at(a, k) - at(b, k);
            ev = err(a, k) + err(b, k) + U * abs(v);
            break;
          case 'neg':
            v = -at(a, k);
            ev = err(a, k);
            break;
          case 'mul': {
            let size = 0;
            for (let j = 0; j <= k; j++) {
              const t = m(at(a, j), at(b, k - j));
              v += t;
              size += abs(t);
              ev += eProduct(at(a, j), err(a, j), at(b, k - j), err(b, k - j));
            }
            ev += (k + 1) * U * size;
            break;
          }
          case 'div': {
            let s = at(a, k);
            let es = err(a, k);
            let size = abs(s);
            for (let j = 1; j <= k; j++) {
              const t = m(at(b, j), at(i, k - j));
              s -= t;
              size += abs(t);
              es += eProduct(at(b, j), err(b, j), at(i, k - j), err(i, k - j));
            }
            const b0 = abs(at(b, 0));
            v = s === 0 ? 0 : s / at(b, 0);
            ev = (es + (k + 1) * U * size) / b0 + m(abs(v), err(b, 0) / b0) + U * abs(v);
            break;
          }
          case 'powc':
            v = powerCoefficient(i, a, n.param, k);
            ev = powerError;
            break;
          case 'pow': {
            let yMoves = false;
            for (let j = 1; j <= k; j++) if (at(b, j) !== 0) yMoves = true;
            let aux = logSeries.get(i);
            if (!aux) {
              aux = { L: new Float64Array(W), P: new Float64Array(W), eL: new Float64Array(W), eP: new Float64Array(W) };
              const a0 = at(a, 0);
              aux.L[0] = Math.log(a0);
              aux.eL[0] = err(a, 0) / abs(a0) + U * abs(aux.L[0]!);
              aux.P[0] = m(at(b, 0), aux.L[0]!);
              aux.eP[0] = eProduct(at(b, 0), err(b, 0), aux.L[0]!, aux.eL[0]!) + U * abs(aux.P[0]!);
              logSeries.set(i, aux);
            }
            const { L, P, eL, eP } = aux;
            let s = at(a, k);
            let es = err(a, k);
            let size = abs(s);
            for (let j = 1; j < k; j++) {
              const t = m(j * L[j]!, at(a, k - j)) / k;
              s -= t;
              size += abs(t);
              es += (j / k) * eProduct(L[j]!, eL[j]!, at(a, k - j), err(a, k - j));
            }
            const a0 = abs(at(a, 0));
            L[k] = s === 0 ? 0 : s / at(a, 0);
            eL[k] = (es + (k + 1) * U * size) / a0 + m(abs(L[k]!), err(a, 0) / a0) + U * abs(L[k]!);
            let p = 0;
            let ep = 0;
            size = 0;
            for (let j = 0; j <= k; j++) {
              const t = m(at(b, j), L[k - j]!);
              p += t;
              size += abs(t);
              ep += eProduct(at(b, j), err(b, j), L[k - j]!, eL[k - j]!);
            }
            P[k] = p;
            eP[k] = ep + (k + 1) * U * size;
            if (!yMoves && at(a, 0) === 0) {
              v = powerCoefficient(i, a, at(b, 0), k);
              ev = powerError;
            } else {
              size = 0;
              for (let j = 1; j <= k; j++) {
                const t = m(j * P[j]!, at(i, k - j));
                v += t;
                size += abs(t);
                ev += j * eProduct(P[j]!, eP[j]!, at(i, k - j), err(i, k - j));
              }
              v /= k;
              ev = (ev + (k + 1) * U * size) / k;
            }
            break;
          }
          default: {
            const p = partialsOf[i];
            if (!p) {
              // A node of level K: only its value is ever read (see the closure above).
              v = NaN;
              ev = NaN;
              break;
            }
            let size = 0;
            for (let q = 0; q < n.args.length; q++) {
              const u = n.args[q]!;
              const pq = p[q]!;
              for (let j = 1; j <= k; j++) {
                const t = m(j * at(u, j), at(pq, k - j));
                v += t;
                size += abs(t);
                ev += j * eProduct(at(u, j), err(u, j), at(pq, k - j), err(pq, k - j));
              }
            }
            v /= k;
            ev = (ev + (n.args.length * k + 1) * U * size) / k;
          }
        }
      }
      c[i * W + k] = v;
      e[i * W + k] = ev;
    }
  }
  return { nodes, c, e, map };
}

/** f, f', f'', …, f^(K) of `output` along input `wrt` at `x`: the Taylor coefficients times k!. */
export function derivativesAlong(graph: Graph, output: NodeId, wrt: number, x: ArrayLike<number>, order: number): number[] {
  return derivativesWithBounds(graph, output, wrt, x, order).derivatives;
}

/** f, f', …, f^(K) along input `wrt` at `x`, each with a bound on its rounding error. */
export function derivativesWithBounds(graph: Graph, output: NodeId, wrt: number, x: ArrayLike<number>, order: number): { derivatives: number[]; errors: number[] } {
  const { coefficients, errors } = taylorSeries(graph, output, wrt, x, order);
  const derivatives: number[] = [];
  const bounds: number[] = [];
  let factorial = 1;
  for (let k = 0; k <= order; k++) {
    if (k > 0) factorial *= k;
    const d = m(coefficients[k]!, factorial);
    derivatives.push(d);
    bounds.push(m(errors[k]!, factorial) + (k > 1 ? U * abs(d) : 0));
  }
  return { derivatives, errors: bounds };
}
