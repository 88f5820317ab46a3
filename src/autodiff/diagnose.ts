// Domain problems and kinks at a point, as warnings that name the subexpression: where a value first becomes
// NaN or infinite, where a local derivative that the result depends on is infinite or NaN, and where a
// function is not differentiable and a documented convention was used.
import type { Diagnostic } from '../diagnostics.js';
import { dependsOnInput } from './graph.js';
import type { Lowered } from './lower.js';
import type { PointResult } from './gradient.js';
import { PRIMS } from './primitives.js';

const fmt = (v: number) => String(v);

export function diagnosePoint(lowered: Lowered, result: PointResult): Diagnostic[] {
  const { graph, source } = lowered;
  const { values, partials, mask, adjoints } = result;
  // Only derivatives with respect to the requested variables matter (a NaN ∂/∂y is no news when only ∂/∂x is asked).
  const depends = dependsOnInput(graph.nodes, result.wrt.map((k) => graph.inputs[k]!));
  const out: Diagnostic[] = [];
  const text = (span: { start: number; end: number } | undefined) =>
    span ? source.text.slice(span.start, span.end).replace(/\s+/g, ' ') : 'a subexpression';
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
        const hint = node.op === 'div' && args[1] === 0 ? 'division by zero' : rule.domain && `domain: ${rule.domain}`;
        warn('domain', `'${text(node.span)}' is ${fmt(v)} at this point`, hint);
      }
      return;
    }
    if (!depends[id] || adjoints[id] === 0) return;
    const p = partials[id]!;
    node.args.forEach((a, j) => {
      if (depends[a] && !Number.isFinite(p[j]!) && argsFinite) {
        warn('domain', `the derivative of '${text(node.span)}' is ${fmt(p[j]!)} at this point`, rule.domain ? `domain: ${rule.domain}` : undefined);
      }
    });
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
