// Human-readable results: aligned `name = value` lines, coloured for a terminal.
import type { ChalkInstance } from 'chalk';
import { codePointLength } from '../../diagnostics.js';
import type { TraceRow } from '../../autodiff/trace.js';
import type { Mode } from '../../autodiff/gradient.js';
import { renderTable } from './table.js';

export const formatNumber = (v: number): string => String(v);

/** Colours a number: non-finite values stand out. */
export function styleNumber(c: ChalkInstance, padded: string, v: number): string {
  return Number.isFinite(v) ? c.bold(padded) : c.red.bold(padded);
}

/** Lines `label = value`, aligned on the `=`. */
export function renderEquations(c: ChalkInstance, lines: { label: string; value: number }[]): string {
  const width = Math.max(0, ...lines.map((l) => codePointLength(l.label)));
  return lines
    .map((l) => `${c.cyan(l.label)}${' '.repeat(width - codePointLength(l.label))} = ${styleNumber(c, formatNumber(l.value), l.value)}`)
    .join('\n') + '\n';
}

/** The value and gradient of one output: `f = …`, then `∂f/∂x = …` for each variable. */
export function renderGradient(c: ChalkInstance, output: string, value: number, names: string[], gradient: number[]): string {
  return renderEquations(c, [
    { label: output, value },
    ...names.map((n, i) => ({ label: `∂${output}/∂${n}`, value: gradient[i]! })),
  ]);
}

/**
 * The Wengert list as a table: node, name, definition, source, value, and the tangent or adjoint column. With
 * `width` (the terminal's), the source column is cut first, then the definition and name columns, so the table
 * fits; numbers are never cut. Without it (a pipe or a file) every cell is written in full.
 */
export function renderTrace(c: ChalkInstance, rows: TraceRow[], mode: Mode, output: string, wrt: string | undefined, width?: number): string {
  const derivativeHeader = mode === 'reverse' ? `adjoint ∂${output}/∂v` : `tangent ∂v/∂${wrt ?? '?'}`;
  const table = renderTable(
    [
      { header: 'definition', style: (p) => c.cyan(p), shrink: 2, minWidth: 14 },
      { header: 'name', style: (p) => c.magenta(p), shrink: 1, minWidth: 4 },
      { header: 'source', style: (p) => c.dim(p), shrink: 3, minWidth: 8 },
      { header: 'value', align: 'right', style: (p, raw) => styleNumber(c, p, Number(raw)) },
      { header: derivativeHeader, align: 'right', style: (p, raw) => styleNumber(c, p, Number(raw)) },
    ],
    rows.map((r) => [r.definition, r.names.join(', '), r.source, formatNumber(r.value), formatNumber(r.derivative)]),
    (s) => c.underline(s),
    width,
  );
  return table;
}
