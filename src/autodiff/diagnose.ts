// Domain problems and kinks at a point, as warnings that name the subexpression: where a value first becomes
// NaN or infinite, where a local derivative that the result depends on is infinite or NaN, and where a
// function is not differentiable and a documented convention was used.
import { sourceExcerpt, type Diagnostic } from '../diagnostics.js';
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
