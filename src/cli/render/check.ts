// The gradient check as a table: for each partial, every method's value and its absolute and relative error
// against reverse mode, the tolerance it is held to, and a verdict. Fits 80 columns.
import type { ChalkInstance } from 'chalk';
import type { CheckResult } from '../../autodiff/check.js';
import { renderTable } from './table.js';
import { formatShort } from './numbers.js';
import { formatNumber } from './human.js';

const METHOD_NAMES = { reverse: 'reverse', forward: 'forward', symbolic: 'symbolic', central: 'central diff' } as const;

export function renderCheck(c: ChalkInstance, result: CheckResult, output: string, width?: number): string {
  if (result.partials.length === 0) return `${output} = ${formatNumber(result.value)}: the formula has no variables, so there is nothing to check\n`;
  const rows: string[][] = [];
  for (const p of result.partials) {
    p.methods.forEach((m, i) => {
      const reference = m.method === 'reverse';
      rows.push([
        i === 0 ? `∂${output}/∂${p.name}` : '',
        METHOD_NAMES[m.method],
        formatShort(m.value, 12),
        reference ? '' : Number.isNaN(m.absError) ? '-' : formatShort(m.absError, 2),
        reference ? '' : Number.isNaN(m.relError) ? '-' : formatShort(m.relError, 2),
        reference ? '' : formatShort(m.tolerance, 2),
        reference ? '' : m.note && m.ok ? 'n/a' : m.ok ? 'ok' : 'FAIL',
      ]);
    });
  }
  const status = (p: string, raw: string) => (raw === 'FAIL' ? c.red.bold(p) : raw === 'ok' ? c.green(p) : c.yellow(p));
  const table = renderTable(
    [
      { header: 'partial', style: (p) => c.cyan(p), shrink: 1, minWidth: 8 },
      { header: 'method' },
      { header: 'value', align: 'right', style: (p) => c.bold(p) },
      { header: 'abs err', align: 'right' },
      { header: 'rel err', align: 'right' },
      { header: 'tol', align: 'right', style: (p) => c.dim(p) },
      { header: '', style: status },
    ],
    rows,
    (s) => c.underline(s),
    width,
  );
  const lines = [table];
  const notes = result.partials.flatMap((p) => p.methods.filter((m) => m.note).map((m) => `  ∂${output}/∂${p.name} ${METHOD_NAMES[m.method]}: ${m.note}`));
  lines.push(c.dim(`central diff steps: ${result.partials.map((p) => `${p.name} h=${formatShort(p.step, 3)}`).join(', ')}`) + '\n');
  if (notes.length > 0) lines.push(c.yellow('notes:') + '\n' + notes.join('\n') + '\n');
  const failed = result.partials.flatMap((p) => p.methods.filter((m) => !m.ok).map((m) => `∂${output}/∂${p.name} (${METHOD_NAMES[m.method]})`));
  if (failed.length === 0) lines.push(c.green.bold('ok') + ': every method agrees within its tolerance\n');
  else lines.push(`${c.red.bold('FAIL')}: ${failed.length} disagreement${failed.length === 1 ? '' : 's'}: ${failed.join(', ')}\n`);
  return lines.join('');
}
