// Domain problems and kinks at a point, as warnings that name the subexpression: where a value first becomes
// NaN or infinite, where a local derivative that the result depends on is infinite or NaN, and where a
// function is not differentiable and a documented convention was used.
import { excerpt, type Diagnostic } from '../diagnostics.js';
import { dependsOnInput } from './graph.js';
import type { Lowered } from './lower.js';
import type { PointResult } from './gradient.js';
import { PRIMS, type PrimName } from './primitives.js';

const fmt = (v: number) => String(v);

/** How a primitive is written with the parameter names its `domain` text uses. */
const FORMS: Partial<Record<PrimName, string>> = { div: 'a/b', powc: 'x^c', pow: 'x^y', logb: 'log(x, b)', atan2: 'atan2(y, x)' };
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
  const domain = PRIMS[op].domain;
  return domain && `domain of ${formOf(op)}: ${domain}`;
}

export function diagnosePoint(lowered: Lowered, result: PointResult): Diagnostic[] {
  const { graph, source } = lowered;
  const { values, partials, mask, adjoints } = result;
  // Only derivatives with respect to the requested variables matter (a NaN ∂/∂y is no news when only ∂/∂x is asked).
  const depends = dependsOnInput(graph.nodes, result.wrt.map((k) => graph.inputs[k]!));
  const out: Diagnostic[] = [];
  const text = (span: { start: number; end: number } | undefined) => (span ? excerpt(source.text, span) : 'a subexpression');
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
      }
      return;
    }
    if (!depends[id] || adjoints[id] === 0) return;
    const p = partials[id]!;
    // One warning per subexpression, however many of its partials are not finite (atan2 at the origin has two NaNs).
    const bad = argsFinite ? [...new Set(node.args.flatMap((a, j) => (depends[a] && !Number.isFinite(p[j]!) ? [fmt(p[j]!)] : [])))] : [];
    if (bad.length > 0) {
      const what = bad.length === 1 ? `the derivative of '${text(node.span)}' is ${bad[0]}` : `the derivatives of '${text(node.span)}' are ${bad.join(' and ')}`;
      warn('domain', `${what} at this point`, rule.domain ? `domain of ${formOf(node.op)}: ${rule.domain}` : undefined);
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
