// Trust but verify: the gradient at a point from reverse mode, forward mode, the symbolic derivative graph and
// central finite differences, with the errors of each against reverse mode and a verdict.
//
// - The AD modes must agree to REL_TOL relative (with an absolute floor of ABS_FLOOR times the largest partial,
//   for results that cancel to about zero, where summation order alone changes the last bits).
// - Central differences D(h) = (f(x+h) - f(x-h)) / 2h, with a step per variable h = ε^(1/3)·max(1, |x|) (the step
//   that balances truncation, O(h²), against rounding, O(ε/h)). Their error is estimated, not assumed: the
//   truncation error of D(h) is about 4/3·|D(h) - D(h/2)| (Richardson), the rounding error about
//   ε·(|f(x+h)| + |f(x-h)| + |f(x)|)/h. AD may differ from D(h) by FD_SAFETY times their sum, no more.
import { evaluate, linearize } from './evaluate.js';
import { forwardSweep, unitDirection } from './forward.js';
import { reaching, type Graph, type NodeId } from './graph.js';
import { reverseSweep } from './reverse.js';
import { derivativeGraph } from './derivative.js';

export const REL_TOL = 1e-10;
export const ABS_FLOOR = 1e-14;
export const FD_SAFETY = 10;

export type CheckMethod = 'reverse' | 'forward' | 'symbolic' | 'central';

export interface MethodResult {
  method: CheckMethod;
  value: number;
  /** |value - reverse| and that over max(|value|, |reverse|) (0 when both are 0). */
  absError: number;
  relError: number;
  /** The largest absolute difference from reverse mode that counts as agreement. */
  tolerance: number;
  ok: boolean;
  /** Why a result could not be judged (finite differences that are not finite). */
  note?: string;
}

export interface PartialCheck {
  input: number;
  name: string;
  /** The central-difference step. */
  step: number;
  methods: MethodResult[];
  ok: boolean;
}

export interface CheckResult {
  value: number;
  partials: PartialCheck[];
  ok: boolean;
}

const EPS = Number.EPSILON;

function relative(a: number, b: number): number {
  if (a === b) return 0;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/** Whether two results agree, non-finite values included (NaN agrees with NaN, ∞ with the same ∞). */
function sameNonFinite(a: number, b: number): boolean | undefined {
  if (Number.isFinite(a) && Number.isFinite(b)) return undefined;
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

export function checkGradient(graph: Graph, output: NodeId, x: Float64Array, wrt: number[], options: { symbolic?: boolean } = {}): CheckResult {
  const mask = reaching(graph.nodes, [output]);
  const values = evaluate(graph, x, mask);
  const f0 = values[output]!;
  const partials = linearize(graph, values, mask);
  const adjoints = reverseSweep(graph, partials, [[output, 1]], mask);
  const reverse = wrt.map((k) => adjoints[graph.inputs[k]!]!);
  const forward = wrt.map((k) => forwardSweep(graph, partials, unitDirection(graph, k), mask)[output]!);
  let symbolic: number[] | undefined;
  if (options.symbolic ?? true) {
    const d = derivativeGraph(graph, output, wrt);
    const dv = evaluate(d.graph, x, reaching(d.graph.nodes, d.partials));
    symbolic = d.partials.map((p) => dv[p]!);
  }
  const f = (xs: Float64Array) => evaluate(graph, xs, mask)[output]!;
  const scale = Math.max(0, ...reverse.filter(Number.isFinite).map(Math.abs));
  const adTolerance = (a: number, b: number) => REL_TOL * Math.max(Math.abs(a), Math.abs(b)) + ABS_FLOOR * scale;

  const result: PartialCheck[] = wrt.map((k, i) => {
    const r = reverse[i]!;
    const judgeAd = (method: CheckMethod, v: number): MethodResult => {
      const tolerance = adTolerance(r, v);
      const same = sameNonFinite(r, v);
      const absError = Math.abs(v - r);
      return { method, value: v, absError: same ? 0 : absError, relError: same ? 0 : relative(v, r), tolerance, ok: same ?? absError <= tolerance };
    };
    const methods: MethodResult[] = [
      { method: 'reverse', value: r, absError: 0, relError: 0, tolerance: 0, ok: true },
      judgeAd('forward', forward[i]!),
    ];
    if (symbolic) methods.push(judgeAd('symbolic', symbolic[i]!));

    // Central differences along input k, with a step that is exactly representable relative to x.
    const xk = x[k]!;
    const raw = Math.cbrt(EPS) * Math.max(1, Math.abs(xk));
    const at = (delta: number) => {
      const xs = Float64Array.from(x);
      xs[k] = xk + delta;
      return f(xs);
    };
    const h = xk + raw - xk;
    const fp = at(h);
    const fm = at(-h);
    const d1 = (fp - fm) / (2 * h);
    const d2 = (at(h / 2) - at(-h / 2)) / h;
    const truncation = (4 / 3) * Math.abs(d1 - d2);
    const rounding = (EPS * (Math.abs(fp) + Math.abs(fm) + Math.abs(f0))) / h;
    const tolerance = FD_SAFETY * (truncation + rounding);
    const central: MethodResult = { method: 'central', value: d1, absError: Math.abs(d1 - r), relError: relative(d1, r), tolerance, ok: true };
    if (!Number.isFinite(d1) || !Number.isFinite(d2)) {
      central.note = 'not finite near this point: finite differences cannot judge';
      central.absError = NaN;
      central.relError = NaN;
    } else if (!Number.isFinite(r)) {
      central.ok = false;
      central.note = 'AD is not finite where finite differences are';
    } else {
      central.ok = central.absError <= tolerance;
    }
    methods.push(central);
    return { input: k, name: graph.inputNames[k]!, step: h, methods, ok: methods.every((m) => m.ok) };
  });
  return { value: f0, partials: result, ok: result.every((p) => p.ok) };
}
