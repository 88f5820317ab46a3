// The computation graph drawn as a tree in the terminal, from the output down to the inputs. A node used
// several times is drawn in full once; later uses say where it was drawn. Constants are written inline in
// their consumer's definition. No recursion: an explicit stack, and a drawing deeper than MAX_DEPTH continues
// as a new tree below, so a 1,000-deep composition stays within the screen.
import type { ChalkInstance } from 'chalk';
import type { GraphView, ViewNode } from '../../autodiff/graph-view.js';
import { annotationLines, type AnnotationLabels } from './graph-annotations.js';

export const MAX_DEPTH = 16;
/** Sources longer than this are cut with an ellipsis (the JSON format keeps ~120 characters and the span). */
export const MAX_SOURCE = 32;

const cut = (s: string, max: number) => {
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
};

export function renderGraphText(view: GraphView, labels: AnnotationLabels, c: ChalkInstance): string {
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const children = new Map<string, string[]>();
  for (const e of view.edges) {
    if (byId.get(e.from)!.kind === 'const') continue;
    const list = children.get(e.to) ?? [];
    list[e.position] = e.from;
    children.set(e.to, list);
  }
  const drawn = new Set<string>();
  const lines: string[] = [];
  const describe = (n: ViewNode): string => {
    const parts = [c.cyan(n.definition)];
    if (n.names.length > 0) parts.push(c.magenta(`(${n.names.join(', ')})`));
    if (n.source && n.source !== n.names[0]) parts.push(c.dim(`‹${cut(n.source, MAX_SOURCE)}›`));
    const notes = annotationLines(n, labels).filter((l) => l !== n.names.join(', '));
    if (notes.length > 0) parts.push(c.yellow(notes.join('  ')));
    return parts.join('  ');
  };

  const roots = [...new Set(view.outputs)];
  const rooted = new Set(roots);
  for (let r = 0; r < roots.length; r++) {
    if (r > 0) lines.push('');
    if (r >= view.outputs.length) lines.push(c.dim(`${roots[r]} (continued):`));
    // Each stack entry: a node, the prefix for its own line, the prefix for its children, its depth.
    const stack: { id: string; head: string; tail: string; depth: number }[] = [{ id: roots[r]!, head: '', tail: '', depth: 0 }];
    while (stack.length > 0) {
      const { id, head, tail, depth } = stack.pop()!;
      const n = byId.get(id)!;
      if (drawn.has(id)) {
        const isRoot = head === '' && n.names.length > 0;
        const note = isRoot ? `  ${c.magenta(`(${n.names.join(', ')})`)}${c.dim('  drawn above')}` : n.kind === 'input' ? '' : c.dim('  (shared: drawn above)');
        lines.push(`${head}${c.cyan(n.kind === 'input' ? n.definition : n.id)}${note}`);
        continue;
      }
      // Only here, not for every later reference to a node (a max of 20,000 arguments is referenced 20,000 times).
      const kids = (children.get(id) ?? []).filter((k) => k !== undefined);
      if (depth >= MAX_DEPTH && kids.length > 0) {
        lines.push(`${head}${c.cyan(n.id)}${c.dim('  … continued below')}`);
        if (!rooted.has(id)) {
          rooted.add(id);
          roots.push(id);
        }
        continue;
      }
      drawn.add(id);
      lines.push(`${head}${describe(n)}`);
      for (let i = kids.length - 1; i >= 0; i--) {
        const last = i === kids.length - 1;
        stack.push({ id: kids[i]!, head: tail + (last ? '└─ ' : '├─ '), tail: tail + (last ? '   ' : '│  '), depth: depth + 1 });
      }
    }
  }
  const unused = view.nodes.filter((n) => !n.effective && n.kind === 'op');
  if (unused.length > 0) {
    lines.push('', c.dim('Not reaching the output (outside the effective subgraph):'));
    for (const n of unused) lines.push(`  ${describe(n)}`);
  }
  return lines.join('\n') + '\n';
}
