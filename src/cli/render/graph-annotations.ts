// The annotation lines shared by every graph drawing: assigned names, and at a point value, adjoint, tangent.
import type { ViewNode } from '../../autodiff/graph-view.js';
import { formatShort } from './numbers.js';

export interface AnnotationLabels {
  /** The output's name, for `∂f/∂v`. */
  output: string;
  /** The tangent's direction, for `∂v/∂x`. */
  wrt?: string;
}

/** `b` (assigned names), then `value = …`, `adjoint ∂f/∂v = …`, `tangent ∂v/∂x = …` where known. */
export function annotationLines(n: ViewNode, labels: AnnotationLabels): string[] {
  const lines: string[] = [];
  if (n.names.length > 0) lines.push(n.names.join(', '));
  if (n.value !== undefined) lines.push(`value = ${formatShort(n.value)}`);
  if (n.adjoint !== undefined) lines.push(`∂${labels.output}/∂v = ${formatShort(n.adjoint)}`);
  if (n.tangent !== undefined) lines.push(`∂v/∂${labels.wrt ?? '?'} = ${formatShort(n.tangent)}`);
  return lines;
}
