// A plot as a standalone SVG: axes with nice ticks and labels, a light grid, the zero line, one coloured
// polyline per piece of each curve (gaps and poles from plot-scale.ts stay gaps), and a legend.
import { clipCurve, fraction, niceTicks, type Range } from './plot-scale.js';
import { formatShort } from './numbers.js';
import type { PlotCurve } from './plot-text.js';

export const SVG_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fixed = (v: number) => Number(v.toFixed(2)).toString();

export interface SvgPlotOptions {
  xName: string;
  xs: ArrayLike<number>;
  curves: PlotCurve[];
  y: Range;
  title?: string;
  width?: number;
  height?: number;
}

export function renderSvgPlot(o: SvgPlotOptions): string {
  const W = o.width ?? 720;
  const H = o.height ?? 440;
  const m = { left: 64, right: 20, top: o.title ? 36 : 16, bottom: 64 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const x0 = o.xs[0]!;
  const x1 = o.xs[o.xs.length - 1]!;
  const sx = (x: number) => m.left + fraction(x, x0, x1) * pw;
  const sy = (y: number) => m.top + fraction(y, o.y.hi, o.y.lo) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<defs><clipPath id="plot-area"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath></defs>`);
  if (o.title) out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(o.title)}</text>`);
  const grid: string[] = [];
  const labels: string[] = [];
  for (const t of niceTicks(o.y.lo, o.y.hi, 6)) {
    const y = fixed(sy(t));
    grid.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="${t === 0 ? '#888888' : '#e5e5e5'}"/>`);
    labels.push(`<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatShort(t, 4))}</text>`);
  }
  for (const t of niceTicks(Math.min(x0, x1), Math.max(x0, x1), 8)) {
    const x = fixed(sx(t));
    grid.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="${t === 0 ? '#888888' : '#e5e5e5'}"/>`);
    labels.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${escapeXml(formatShort(t, 4))}</text>`);
  }
  out.push(...grid);
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333333"/>`);
  out.push(...labels);
  out.push(`<text x="${m.left + pw / 2}" y="${m.top + ph + 34}" text-anchor="middle">${escapeXml(o.xName)}</text>`);
  out.push('<g clip-path="url(#plot-area)" fill="none" stroke-width="1.8" stroke-linejoin="round">');
  o.curves.forEach((curve, j) => {
    const colour = SVG_COLOURS[j % SVG_COLOURS.length]!;
    for (const piece of clipCurve(o.xs, curve.ys, o.y)) {
      const points = piece.map(([x, y]) => `${fixed(sx(x))},${fixed(sy(y))}`).join(' ');
      if (piece.length === 1) out.push(`<circle cx="${fixed(sx(piece[0]![0]))}" cy="${fixed(sy(piece[0]![1]))}" r="1.5" fill="${colour}"/>`);
      else out.push(`<polyline stroke="${colour}" points="${points}"/>`);
    }
  });
  out.push('</g>');
  let lx = m.left;
  const ly = H - 14;
  o.curves.forEach((curve, j) => {
    const colour = SVG_COLOURS[j % SVG_COLOURS.length]!;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${colour}" stroke-width="2.5"/>`);
    out.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(curve.label)}</text>`);
    lx += 42 + curve.label.length * 8;
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
