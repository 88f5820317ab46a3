// Hessian-vector products compiled by forward-over-reverse: the reverse sweep written over duals (value, tangent),
// whose arithmetic is the rule table with code as the carrier.
import { dependsOnInput, reaching, usersOf, type Graph, type NodeId } from './graph.js';
import { makeOps, PRIMS, type Ops, type PrimName } from './primitives.js';
import { Emitter } from './emit.js';

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
