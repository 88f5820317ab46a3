// Kernels without code generation. Where JavaScript may not compile text into code (Node's
// --disallow-code-generation-from-strings, a browser page whose Content-Security-Policy has no 'unsafe-eval'),
// `new Function` throws an EvalError. The compilers (compile.ts, compile-products.ts, compile-hvp.ts) then return
// these kernels instead: the same signatures, computed by the interpreter (evaluate, linearize and the sweeps). The
// compiled kernels give the interpreter's numbers bit for bit, so the results are the same; only slower.
import { evaluate, linearize } from './evaluate.js';
import { forwardSweep, unitDirection } from './forward.js';
import { reaching, type Graph, type NodeId } from './graph.js';
import { reverseSweep } from './reverse.js';
import type { Kernels } from './compile.js';
import type { JacobianKernel, JvpKernel, KernelInfo, VjpKernel } from './compile-products.js';
import type { HvpKernel } from './compile-hvp.js';
import type { Mode } from './gradient.js';
import { hvpAt } from './hessian.js';

let allowed: boolean | undefined;

/** Whether `new Function` works here: asked once per process (or page). */
export function canGenerateCode(): boolean {
  if (allowed === undefined) {
    try {
      allowed = new Function('return 1')() === 1;
    } catch {
      allowed = false;
    }
  }
  return allowed;
}

/** What an interpreted kernel reports as its source: none. */
export const INTERPRETED: KernelInfo = Object.freeze({ source: '', statements: 0, functions: 0 });

/** The values and local partials of the nodes that reach `outputs`, at the point x (input order). */
function linearized(graph: Graph, mask: Uint8Array, x: ArrayLike<number>) {
  const values = evaluate(graph, x, mask);
  return { values, partials: linearize(graph, values, mask) };
}

/** compileKernels' value and gradient kernels, by the interpreter. */
export function interpretedKernels(graph: Graph, output: NodeId): Kernels {
  const n = graph.inputs.length;
  const mask = reaching(graph.nodes, [output]);
  const x = new Float64Array(n);
  const row = (p: ArrayLike<number>, i: number) => {
    for (let k = 0; k < n; k++) x[k] = p[i * n + k]!;
  };
  const column = (cols: readonly ArrayLike<number>[], i: number) => {
    for (let k = 0; k < n; k++) x[k] = mask[graph.inputs[k]!] ? cols[k]![i]! : NaN;
  };
  const value = () => evaluate(graph, x, mask)[output]!;
  const gradient = (store: (k: number, g: number) => void) => {
    const { values, partials } = linearized(graph, mask, x);
    const adjoints = reverseSweep(graph, partials, [[output, 1]], mask);
    for (let k = 0; k < n; k++) store(k, adjoints[graph.inputs[k]!]! + 0);
    return values[output]!;
  };
  return {
    inputCount: n,
    valueColumns: (cols, count, out) => {
      for (let i = 0; i < count; i++) (column(cols, i), (out[i] = value()));
    },
    gradientColumns: (cols, count, out, grad) => {
      for (let i = 0; i < count; i++) (column(cols, i), (out[i] = gradient((k, g) => (grad[k]![i] = g))));
    },
    valueRows: (p, count, out) => {
      for (let i = 0; i < count; i++) (row(p, i), (out[i] = value()));
    },
    gradientRows: (p, count, out, g) => {
      for (let i = 0; i < count; i++) (row(p, i), (out[i] = gradient((k, v) => (g[i * n + k] = v))));
    },
    source: { value: '', gradient: '' },
  };
}

/** compileJvp's kernel by the interpreter: one forward sweep along d. */
export function interpretedJvp(graph: Graph, outputs: readonly NodeId[]): JvpKernel {
  const mask = reaching(graph.nodes, outputs);
  return (x, d, values, jvp) => {
    const lin = linearized(graph, mask, x);
    const tangents = forwardSweep(graph, lin.partials, d, mask);
    outputs.forEach((o, i) => {
      values[i] = lin.values[o]!;
      jvp[i] = tangents[o]!;
    });
  };
}

/** compileVjp's kernel by the interpreter: one reverse sweep seeded with c. */
export function interpretedVjp(graph: Graph, outputs: readonly NodeId[]): VjpKernel {
  const mask = reaching(graph.nodes, outputs);
  return (x, c, values, vjp) => {
    const lin = linearized(graph, mask, x);
    const adjoints = reverseSweep(graph, lin.partials, outputs.map((o, i): [NodeId, number] => [o, c[i]!]), mask);
    outputs.forEach((o, i) => (values[i] = lin.values[o]!));
    graph.inputs.forEach((id, k) => (vjp[k] = adjoints[id]! + 0));
  };
}

/** compileJacobian's kernel by the interpreter: one sweep per wrt input (forward) or per output (reverse). */
export function interpretedJacobian(graph: Graph, outputs: readonly NodeId[], wrt: readonly number[], mode: Mode): JacobianKernel {
  const mask = reaching(graph.nodes, outputs);
  const width = wrt.length;
  return (x, values, jac) => {
    const lin = linearized(graph, mask, x);
    outputs.forEach((o, i) => (values[i] = lin.values[o]!));
    if (mode === 'forward') {
      wrt.forEach((k, j) => {
        const tangents = forwardSweep(graph, lin.partials, unitDirection(graph, k), mask);
        outputs.forEach((o, i) => (jac[i * width + j] = tangents[o]!));
      });
    } else {
      outputs.forEach((o, i) => {
        const adjoints = reverseSweep(graph, lin.partials, [[o, 1]], mask);
        wrt.forEach((k, j) => (jac[i * width + j] = adjoints[graph.inputs[k]!]! + 0));
      });
    }
  };
}

/** compileHvp's kernel by the interpreter (hvpAt). */
export function interpretedHvp(graph: Graph, output: NodeId): HvpKernel {
  const n = graph.inputs.length;
  return (x, v, grad, hv) => {
    const r = hvpAt(graph, output, x, v);
    for (let k = 0; k < n; k++) {
      grad[k] = r.gradient[k]!;
      hv[k] = r.hvp[k]!;
    }
    return r.value;
  };
}
