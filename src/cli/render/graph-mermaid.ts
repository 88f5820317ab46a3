// The computation graph as a Mermaid `flowchart` (renders in GitHub Markdown): inputs as rectangles, constants
// as hexagons, operations as rounded boxes; the output is bold, nodes outside the effective subgraph dashed.
import type { GraphView } from '../../autodiff/graph-view.js';
import { annotationLines, type AnnotationLabels } from './graph-annotations.js';

/** Text inside a quoted Mermaid label: quotes and angle brackets as entity codes, lines joined with <br/>. */
export function mermaidText(lines: string[]): string {
  return lines
    .map((l) => l.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/[\r\n]+/g, ' '))
    .join('<br/>');
}

export function renderMermaid(view: GraphView, labels: AnnotationLabels): string {
  const ids = new Map(view.nodes.map((n, i) => [n.id, `n${i}`]));
  const out = ['flowchart LR'];
  for (const n of view.nodes) {
    const id = ids.get(n.id)!;
    const text = n.kind === 'input' ? [`${n.id} = ${n.symbol}`] : n.kind === 'const' ? [n.symbol] : [n.definition];
    const label = `"${mermaidText([...text, ...annotationLines(n, labels)])}"`;
    const shaped = n.kind === 'input' ? `[${label}]` : n.kind === 'const' ? `{{${label}}}` : `(${label})`;
    out.push(`  ${id}${shaped}`);
  }
  for (const e of view.edges) {
    const label = e.ordered ? `|${e.position + 1}|` : '';
    out.push(`  ${ids.get(e.from)} -->${label} ${ids.get(e.to)}`);
  }
  out.push('  classDef input fill:#dbeafe,stroke:#3b82f6');
  out.push('  classDef output stroke-width:3px');
  out.push('  classDef unused stroke-dasharray:5 5,color:#999999');
  const inputs = view.nodes.filter((n) => n.kind === 'input').map((n) => ids.get(n.id)!);
  const unused = view.nodes.filter((n) => !n.effective).map((n) => ids.get(n.id)!);
  if (inputs.length > 0) out.push(`  class ${inputs.join(',')} input`);
  out.push(`  class ${view.outputs.map((o) => ids.get(o)!).join(',')} output`);
  if (unused.length > 0) out.push(`  class ${unused.join(',')} unused`);
  return out.join('\n') + '\n';
}
