// Domain problems and kinks at a point, as warnings that name the subexpression: where a value first becomes
// NaN or infinite (from finite arguments, or NaN from infinite ones: ∞ − ∞, 0·∞, sin(∞)), where a local derivative
// that the result depends on is infinite or NaN, and where a function is not differentiable and a documented
// convention was used. `diagnoseHigher` finds where derivatives of order 2 and more first stop being finite.
import { sourceExcerpt, type Diagnostic, type Span } from '../diagnostics.js';
import type { NodeId } from './graph.js';
import { taylorNodes } from './taylor.js';
import { dependsOnInput } from './graph.js';
import type { Lowered } from './lower.js';
import type { PointResult } from './gradient.js';
import { PRIMS, type PrimName } from './primitives.js';

const fmt = (v: number) => String(v);

/** How a primitive is written with the parameter names its `domain` text uses. */
const FORMS: Partial<Record<PrimName, string>> = { div: 'a/b', powc: 'x^c', pow: 'x^y', logb: 'log(x, b)', atan2: 'atan2(y, x)', nthRoot: 'nthRoot(x, n)', mod: 'mod(x, y)', polygamma: 'polygamma(n, x)' };
const formOf = (op: PrimName) => {
  const p = PRIMS[op].print;
  return FORMS[op] ?? (p.kind === 'call' ? `${p.name}(x)` : op);
};

/** An infinite result from finite arguments that are not at a pole of the function: the number overflowed. */
function overflowed(op: PrimName, args: readonly number[]): boolean {
  switch (op) {
    case 'div':
      return args[1] !== 0;
    case 'powc':
    case 'pow':
      return args[0] !== 0;
    case 'add':
    case 'sub':
    case 'mul':
    case 'exp':
    case 'sinh':
    case 'cosh':
    case 'hypot':
      return true;
    default:
      return false;
  }
}

/** Why a value is not finite although its arguments are: division by zero, overflow, or outside the domain. */
function valueHint(op: PrimName, args: readonly number[], v: number): string | undefined {
  if (op === 'div' && args[1] === 0) return 'division by zero';
  if (Math.abs(v) === Infinity && overflowed(op, args)) return 'overflow: the result is beyond the largest double, about 1.8e308';
  return domainHint(op);
}

/** `domain of ln(x): x > 0`: the rule's domain, stated for the function's own parameters. */
function domainHint(op: PrimName): string | undefined {
  const domain = PRIMS[op].domain;
  return domain ? `domain of ${formOf(op)}: ${domain}` : undefined;
}

export function diagnosePoint(lowered: Lowered, result: PointResult): Diagnostic[] {
  const { graph, source } = lowered;
  const { values, partials, mask, adjoints } = result;
  // Only derivatives with respect to the requested variables matter (a NaN ∂/∂y is no news when only ∂/∂x is asked).
  const depends = dependsOnInput(graph.nodes, result.wrt.map((k) => graph.inputs[k]!));
  const out: Diagnostic[] = [];
  // A bounded excerpt: in a deep chain each node spans nearly the whole text (see sourceExcerpt).
  const text = (span: { start: number; end: number } | undefined) => (span ? sourceExcerpt(source.text, span) : 'a subexpression');
  graph.nodes.forEach((node, id) => {
    if (node.kind !== 'op' || !mask[id]) return;
    const args = node.args.map((a) => values[a]!);
    const argsFinite = args.every(Number.isFinite);
    const v = values[id]!;
    const rule = PRIMS[node.op];
    const warn = (kind: Diagnostic['kind'], message: string, hint?: string) =>
      out.push({ severity: 'warning', kind, message, source, span: node.span, hint });
    if (!Number.isFinite(v)) {
      if (argsFinite) {
        warn('domain', `'${text(node.span)}' is ${fmt(v)} at this point`, valueHint(node.op, args, v));
      } else if (Number.isNaN(v) && !args.some(Number.isNaN)) {
        // NaN born of infinite arguments (∞ − ∞, 0·∞, ∞/∞, sin(∞)): say which argument is infinite, and why.
        const causes = [...new Set(node.args.filter((a) => !Number.isFinite(values[a]!)))].map((a) => {
          const arg = graph.nodes[a]!;
          return arg.kind === 'input' ? `the input '${arg.name}' is ${fmt(values[a]!)}` : `'${text(arg.span)}' is ${fmt(values[a]!)}`;
        });
        warn('domain', `'${text(node.span)}' is NaN at this point because ${causes.join(' and ')}`);
      }
      return;
    }
    if (!depends[id] || adjoints[id] === 0) return;
    const p = partials[id]!;
    // One warning per subexpression, however many of its partials are not finite (atan2 at the origin has two NaNs).
    const bad = argsFinite ? [...new Set(node.args.flatMap((a, j) => (depends[a] && !Number.isFinite(p[j]!) ? [fmt(p[j]!)] : [])))] : [];
    if (bad.length > 0) {
      const what = bad.length === 1 ? `the derivative of '${text(node.span)}' is ${bad[0]}` : `the derivatives of '${text(node.span)}' are ${bad.join(' and ')}`;
      warn('domain', `${what} at this point`, domainHint(node.op));
    }
    const kink = rule.kink?.(args, node.param);
    if (kink) warn('kink', `'${text(node.span)}' is at a kink: ${kink}`);
  });
  return out;
}

/** Warn from this relative error bound on: fewer than about six digits of the derivative are certain. */
const PRECISION_WARNING = 1e-6;

/**
 * A warning when the rounding error bounds of Taylor-mode derivatives (`derivativesWithBounds`) say that some
 * orders cannot be trusted: the first order whose bound exceeds a millionth of its value. Bounds far below the
 * largest printed derivative are ignored (a derivative that is 0 up to rounding, as in d/dx (sin²x + cos²x)).
 */
export function precisionWarning(
  lowered: Lowered,
  output: number,
  label: (k: number) => string,
  derivatives: readonly number[],
  errors: readonly number[],
): Diagnostic | undefined {
  let largest = 0;
  for (const d of derivatives) if (Number.isFinite(d)) largest = Math.max(largest, Math.abs(d));
  for (let k = 1; k < derivatives.length; k++) {
    const d = derivatives[k]!;
    const e = errors[k]!;
    if (!Number.isFinite(d) || !Number.isFinite(e)) continue;
    if (e <= PRECISION_WARNING * Math.abs(d) || e <= 1e-9 * largest) continue;
    const short = (v: number) => v.toPrecision(3).replace(/\.?0+(e|$)/, '$1');
    const lost = e >= Math.abs(d) ? 'no digit of it is certain' : `only about ${Math.max(0, Math.floor(-Math.log10(e / Math.abs(d))))} digits are certain`;
    return {
      severity: 'warning',
      kind: 'precision',
      message: `rounding errors grow with the order here: ${label(k)} = ${short(d)} ± ${short(e)}, ${lost}${k < derivatives.length - 1 ? ', and higher orders may be worse' : ''}`,
      source: lowered.source,
      span: lowered.graph.nodes[output]?.span,
      hint: 'the ± is a worst-case bound on rounding errors; a division by a small number amplifies them at every order',
    };
  }
  return undefined;
}

const ORDINAL = ['', '', 'second ', 'third '];

/** `the derivative of 'sqrt(x)'`, `the second derivative of 'x^1.5' along x`, `the derivative of order 4 of …`. */
function derivativeOf(k: number, what: string, along: string): string {
  if (k === 1) return `the derivative of ${what}`;
  return k < ORDINAL.length ? `the ${ORDINAL[k]}derivative of ${what} along ${along}` : `the derivative of order ${k} of ${what} along ${along}`;
}

/**
 * Where derivatives along input `wrt` first stop being finite, up to `order`: every operation whose Taylor
 * coefficient of some order k is NaN or infinite while its value and its arguments' coefficients up to k are finite
 * (each named once, at its lowest such k). These explain non-finite Hessian entries, H·d and `--order k` results
 * that the first-order diagnosis cannot see (x^1.5 at 0 has a finite first derivative; sqrt(x)*y at y = 0 passes
 * no adjoint to sqrt(x)).
 */
export function diagnoseHigher(lowered: Lowered, outputs: readonly NodeId[], wrt: number, x: ArrayLike<number>, order: number): Diagnostic[] {
  const { graph, source } = lowered;
  const text = (span: Span | undefined) => (span ? `'${sourceExcerpt(source.text, span)}'` : 'a subexpression');
  const { nodes, coefficient, map } = taylorNodes(graph, outputs, wrt, x, order);
  const along = graph.inputNames[wrt]!;
  // The lowest order at which each node of the Taylor graph stops being finite (order + 1: never).
  const firstBad = new Int32Array(nodes.length).fill(order + 1);
  nodes.forEach((n, i) => {
    for (let k = 0; k <= order; k++) {
      if (!Number.isFinite(coefficient(i, k))) {
        firstBad[i] = k;
        break;
      }
    }
  });
  const out: Diagnostic[] = [];
  const seen = new Set<NodeId>();
  graph.nodes.forEach((node, id) => {
    const i = map[id];
    if (node.kind !== 'op' || i === undefined || seen.has(i)) return;
    const t = nodes[i]!;
    const k = firstBad[i]!;
    if (k === 0 || k > order || t.kind !== 'op') return;
    if (t.args.some((a) => firstBad[a]! <= k)) return; // an argument's failure, named there
    seen.add(i);
    const v = coefficient(i, k);
    out.push({
      severity: 'warning',
      kind: 'domain',
      // Past the first order the interpreter's numbers and the Taylor coefficients may differ in kind (x^1.5 at 0:
      // a Hessian entry of Infinity, a Taylor coefficient of NaN), so only the first order states the value.
      message: `${derivativeOf(k, text(node.span), along)} is ${k === 1 ? fmt(v) : 'not finite'} at this point`,
      source,
      span: node.span,
      hint: domainHint(node.op),
    });
  });
  return out;
}
