// Plain-text tables: widths are computed on plain text (in Unicode characters), colour is applied last.
import { codePointLength } from '../../diagnostics.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Colour for a body cell, applied after padding so widths stay right. */
  style?: (padded: string, raw: string) => string;
  /**
   * When the table is wider than the width it must fit, columns with a `shrink` priority are cut (highest
   * priority first, never below `minWidth`); columns without one (numbers) are never cut.
   */
  shrink?: number;
  minWidth?: number;
}

function cut(s: string, max: number | undefined): string {
  if (max === undefined || codePointLength(s) <= max) return s;
  return Array.from(s).slice(0, Math.max(1, max - 1)).join('') + '…';
}

const GAP = 2;

/** Column widths that fit `width` characters if shrinking the shrinkable columns can make them fit. */
function fitWidths(columns: Column[], natural: number[], width: number | undefined): number[] {
  const widths = [...natural];
  if (width === undefined) return widths;
  const total = () => widths.reduce((s, w) => s + w, 0) + GAP * (widths.length - 1);
  const order = columns
    .map((c, i) => ({ i, p: c.shrink }))
    .filter((c): c is { i: number; p: number } => c.p !== undefined)
    .sort((a, b) => b.p - a.p);
  for (const { i } of order) {
    const excess = total() - width;
    if (excess <= 0) break;
    const floor = Math.max(columns[i]!.minWidth ?? 6, codePointLength(columns[i]!.header));
    widths[i] = Math.max(floor, widths[i]! - excess);
  }
  return widths;
}

/** A table; with `width`, shrinkable columns are cut with an ellipsis so the table fits that many columns; without, nothing is cut. */
export function renderTable(
  columns: Column[],
  rows: string[][],
  headerStyle: (s: string) => string = (s) => s,
  width?: number,
): string {
  const natural = columns.map((col, i) => Math.max(codePointLength(col.header), ...rows.map((r) => codePointLength(r[i] ?? ''))));
  const widths = fitWidths(columns, natural, width);
  // Only a table fitted to a width (a terminal's) is cut; on a pipe every cell is written in full.
  const cells = width === undefined ? rows : rows.map((r) => r.map((cell, i) => cut(cell, widths[i])));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, widths[i]! - codePointLength(s)));
    return columns[i]!.align === 'right' ? fill + s : s + fill;
  };
  const line = (parts: string[]) => parts.join(' '.repeat(GAP)).replace(/\s+$/, '');
  const out = [line(columns.map((c, i) => headerStyle(pad(c.header, i))))];
  for (const r of cells) {
    out.push(line(r.map((cell, i) => (columns[i]!.style ? columns[i]!.style!(pad(cell, i), cell) : pad(cell, i)))));
  }
  return out.join('\n') + '\n';
}
