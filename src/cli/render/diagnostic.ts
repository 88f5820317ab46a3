// A Diagnostic rendered at the edge: as caret text for people, or as one JSON object for scripts.
import type { ChalkInstance } from 'chalk';
import { codePointLength, lineColumn, type Diagnostic } from '../../diagnostics.js';
import { obj, stringify, type Json } from './json.js';

/** Replaces tabs and control characters so a caret lines up under the text it points at. */
const visible = (s: string) => s.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '\ufffd');

export function renderDiagnostic(d: Diagnostic, c: ChalkInstance): string {
  const head = d.severity === 'error' ? c.red.bold('error') : c.yellow.bold('warning');
  const lines = [`adiff: ${head}: ${c.bold(d.message)}`];
  if (d.source && d.span) {
    const { text, name } = d.source;
    const start = lineColumn(text, d.span.start);
    const gutter = String(start.line);
    const pad = ' '.repeat(gutter.length);
    const lineEnd = start.lineStart + start.lineText.length;
    const caretEnd = Math.max(d.span.start + 1, Math.min(d.span.end, lineEnd));
    const maxShown = 200;
    // (2·maxShown code units hold at least maxShown code points: the caret is never wider than that.)
    const width = Math.max(1, codePointLength(text.slice(d.span.start, Math.min(caretEnd, d.span.start + 2 * maxShown))));
    let shown = start.lineText;
    let column = start.column;
    // Very long lines are cut around the caret so the message stays readable: 60 characters before it, maxShown in
    // all. Only a window of the line is read, so many warnings about one long line do not each read all of it: 120
    // code units before the caret hold at least 60 code points, 2·maxShown after it at least maxShown (a surrogate
    // pair split at either end of the window lies outside the part shown).
    if (shown.length > maxShown && (shown.length > 2 * maxShown || codePointLength(shown) > maxShown)) {
      const caret = Math.min(d.span.start, text.length) - start.lineStart;
      const a = Math.max(0, caret - 120);
      const b = Math.min(shown.length, caret + 2 * maxShown);
      const chars = Array.from(shown.slice(a, b));
      const k = codePointLength(shown.slice(a, caret));
      const from = Math.max(0, k - 60);
      const cutBefore = a > 0 || from > 0;
      shown = (cutBefore ? '…' : '') + chars.slice(from, from + maxShown).join('') + (from + maxShown < chars.length || b < shown.length ? '…' : '');
      column = k - from + 1 + (cutBefore ? 1 : 0);
    }
    lines.push(`${pad}${c.blue('-->')} ${name}:${start.line}:${start.column}`);
    lines.push(`${pad} ${c.blue('|')}`);
    lines.push(`${c.blue(gutter)} ${c.blue('|')} ${visible(shown)}`);
    const caret = '^'.repeat(Math.min(width, maxShown));
    lines.push(`${pad} ${c.blue('|')} ${' '.repeat(column - 1)}${d.severity === 'error' ? c.red.bold(caret) : c.yellow.bold(caret)}`);
  }
  if (d.hint) lines.push(`${d.source && d.span ? ' '.repeat(String(lineColumn(d.source.text, d.span.start).line).length) + ' ' : ''}${c.cyan('= hint:')} ${d.hint}`);
  return lines.join('\n') + '\n';
}

/** `{"error": {...}}` or `{"warning": {...}}` on one line. */
export function diagnosticJson(d: Diagnostic): string {
  const entries: [string, Json][] = [
    ['kind', d.kind],
    ['message', d.message],
  ];
  // The same keys every time: where there is no place (a bad option, an unreadable file), they are null.
  const at = d.source && d.span ? lineColumn(d.source.text, d.span.start) : undefined;
  entries.push(['line', at ? at.line : null], ['column', at ? at.column : null], ['source', d.source?.name ?? null]);
  if (d.hint) entries.push(['hint', d.hint]);
  return stringify(obj([[d.severity, obj(entries)]])) + '\n';
}
