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
    // One warning per subexpression, however many of its partials are not finite (atan2 at the origin has two NaNs).
    const bad = argsFinite ? [...new Set(node.args.flatMap((a, j) => (depends[a] && !Number.isFinite(p[j]!) ? [fmt(p[j]!)] : [])))] : [];
    if (bad.length > 0) {
      const what = bad.length === 1 ? `the derivative of '${text(node.span)}' is ${bad[0]}` : `the derivatives of '${text(node.span)}' are ${bad.join(' and ')}`;
      warn('domain', `${what} at this point`, rule.domain ? `domain: ${rule.domain}` : undefined);
    }
    const kink = rule.kink?.(args, node.param);
    if (kink) warn('kink', `'${text(node.span)}' is at a kink: ${kink}`);
  });
  return out;
}
