// Plain-text tables: widths are computed on plain text (in Unicode characters), colour is applied last.
import { codePointLength } from '../../diagnostics.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Colour for a body cell, applied after padding so widths stay right. */
  style?: (padded: string, raw: string) => string;
  /** Cells wider than this are cut with an ellipsis. */
  maxWidth?: number;
}

function cut(s: string, max: number | undefined): string {
  if (max === undefined || codePointLength(s) <= max) return s;
  return Array.from(s).slice(0, Math.max(1, max - 1)).join('') + '…';
}

export function renderTable(columns: Column[], rows: string[][], headerStyle: (s: string) => string = (s) => s): string {
  const cells = rows.map((r) => r.map((cell, i) => cut(cell, columns[i]!.maxWidth)));
  const widths = columns.map((col, i) => Math.max(codePointLength(col.header), ...cells.map((r) => codePointLength(r[i] ?? ''))));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - codePointLength(s));
    return columns[i]!.align === 'right' ? fill + s : s + fill;
  };
  const line = (parts: string[]) => parts.join('  ').replace(/\s+$/, '');
  const out = [line(columns.map((c, i) => headerStyle(pad(c.header, i))))];
  for (const r of cells) {
    out.push(line(r.map((cell, i) => (columns[i]!.style ? columns[i]!.style!(pad(cell, i), cell) : pad(cell, i)))));
  }
  return out.join('\n') + '\n';
}
