// A labelled matrix (Hessian, Jacobian) as an aligned table: row labels on the left, column labels on top.
import type { ChalkInstance } from 'chalk';
import { formatNumber, styleNumber } from './human.js';
import { renderTable } from './table.js';

export function renderMatrix(c: ChalkInstance, corner: string, rows: string[], columns: string[], values: number[][]): string {
  return renderTable(
    [
      { header: corner, style: (p) => c.cyan(p) },
      ...columns.map((h) => ({ header: h, align: 'right' as const, style: (p: string, raw: string) => styleNumber(c, p, Number(raw)) })),
    ],
    rows.map((r, i) => [r, ...values[i]!.map(formatNumber)]),
    (s) => c.cyan(s),
  );
}
