// The computation graph in Graphviz DOT: inputs (boxes), constants (plain text), operations (ellipses), the
// output with a double border, nodes outside the effective subgraph dashed and grey. `dot -Tsvg` renders it.
import type { GraphView } from '../../autodiff/graph-view.js';
import { annotationLines, type AnnotationLabels } from './graph-annotations.js';

/** A DOT double-quoted string: backslashes and quotes escaped, lines joined with centred line breaks. */
export function dotString(lines: string[]): string {
  return `"${lines.map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]+/g, ' ')).join('\\n')}"`;
}

export function renderDot(view: GraphView, labels: AnnotationLabels, title = 'adiff'): string {
  const out: string[] = [];
  out.push(`digraph ${dotString([title])} {`);
  out.push('  rankdir=LR;');
  out.push('  node [fontname="Helvetica", fontsize=11];');
  out.push('  edge [arrowsize=0.7];');
  for (const n of view.nodes) {
    const attrs: string[] = [];
    const text = n.kind === 'input' ? [n.id, n.symbol] : n.kind === 'const' ? [n.symbol] : [n.definition];
    attrs.push(`label=${dotString([...text, ...annotationLines(n, labels)])}`);
    if (n.kind === 'input') attrs.push('shape=box', 'style="rounded,filled"', 'fillcolor="#dbeafe"');
    else if (n.kind === 'const') attrs.push('shape=plaintext', 'fontcolor="#555555"');
    else attrs.push('shape=ellipse');
    if (n.isOutput) attrs.push('peripheries=2', 'penwidth=1.5');
    if (!n.effective) {
      const keep = attrs.filter((a) => !/^(style|fontcolor|fillcolor)=/.test(a));
      attrs.length = 0;
      attrs.push(...keep, 'style=dashed', 'color="#999999"', 'fontcolor="#999999"');
    }
    out.push(`  ${dotString([n.id])} [${attrs.join(', ')}];`);
  }
  for (const e of view.edges) {
    const attrs = e.ordered ? ` [taillabel=${dotString([String(e.position + 1)])}, labelfontsize=8]` : '';
    out.push(`  ${dotString([e.from])} -> ${dotString([e.to])}${attrs};`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
