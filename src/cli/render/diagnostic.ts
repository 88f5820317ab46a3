// A Diagnostic rendered at the edge: as caret text for people, or as one JSON object for scripts.
import type { ChalkInstance } from 'chalk';
import { formatDiagnostic, lineColumn, type Diagnostic } from '../../diagnostics.js';
import { obj, stringify, type Json } from './json.js';

/** Caret text for people, in the stream's colours (the renderer itself is the library's: diagnostics.ts). */
export function renderDiagnostic(d: Diagnostic, c: ChalkInstance): string {
  return formatDiagnostic(d, { error: c.red.bold, warning: c.yellow.bold, bold: c.bold, frame: c.blue, hint: c.cyan });
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
