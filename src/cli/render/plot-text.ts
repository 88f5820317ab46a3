// A plot in the terminal: Braille cells (2×4 dots each) on a canvas with a y-axis (tick labels), an x-axis
// (tick labels and the variable's name) and a legend, one colour per curve. Curves are clipped polylines from
// plot-scale.ts, so gaps and poles are never drawn as spikes.
import type { ChalkInstance } from 'chalk';
import { codePointLength } from '../../diagnostics.js';
import { clipCurve, fraction, niceTicks, type Range } from './plot-scale.js';
import { formatShort } from './numbers.js';

export interface PlotCurve {
  label: string;
  ys: ArrayLike<number>;
}

export interface TextPlotOptions {
  xName: string;
  xs: ArrayLike<number>;
  curves: PlotCurve[];
  y: Range;
  /** Width and height of the whole drawing in character cells. */
  width: number;
  height: number;
  title?: string;
}

export const CURVE_COLOURS = ['blue', 'red', 'green', 'magenta', 'yellow', 'cyan'] as const;

const BRAILLE_BITS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
];

export function renderTextPlot(c: ChalkInstance, o: TextPlotOptions): string {
  const x0 = o.xs[0]!;
  const x1 = o.xs[o.xs.length - 1]!;
  const yTicks = niceTicks(o.y.lo, o.y.hi, Math.max(3, Math.floor(o.height / 2)));
  const tickLabels = yTicks.map((t) => formatShort(t, 4));
  const gutter = Math.max(...tickLabels.map(codePointLength), 1) + 1;
  const cols = Math.max(10, o.width - gutter - 1);
  const rows = Math.max(4, o.height);
  const pw = cols * 2;
  const ph = rows * 4;
  const bits = new Uint8Array(cols * rows);
  const colour = new Int8Array(cols * rows).fill(-1);
  const px = (x: number) => fraction(x, x0, x1) * (pw - 1);
  const py = (y: number) => fraction(y, o.y.hi, o.y.lo) * (ph - 1);
  const dot = (fx: number, fy: number, curve: number) => {
    const ix = Math.round(fx);
    const iy = Math.round(fy);
    if (ix < 0 || ix >= pw || iy < 0 || iy >= ph) return;
    const cell = Math.floor(iy / 4) * cols + Math.floor(ix / 2);
    bits[cell]! |= BRAILLE_BITS[iy % 4]![ix % 2]!;
    colour[cell] = curve;
  };
  o.curves.forEach((curve, j) => {
    for (const piece of clipCurve(o.xs, curve.ys, o.y)) {
      if (piece.length === 1) dot(px(piece[0]![0]), py(piece[0]![1]), j);
      for (let i = 1; i < piece.length; i++) {
        const [ax, ay] = [px(piece[i - 1]![0]), py(piece[i - 1]![1])];
        const [bx, by] = [px(piece[i]![0]), py(piece[i]![1])];
        const steps = Math.max(1, Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay))));
        for (let s = 0; s <= steps; s++) dot(ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps, j);
      }
    }
  });
  // The row of each y tick, and of zero (drawn as a faint axis line where no curve passes).
  const tickRow = new Map<number, string>();
  yTicks.forEach((t, i) => tickRow.set(Math.round(py(t) / 4 - 0.49), tickLabels[i]!));
  const zeroRow = o.y.lo < 0 && o.y.hi > 0 ? Math.floor(py(0) / 4) : -1;
  const paint = (s: string, j: number) => c[CURVE_COLOURS[j % CURVE_COLOURS.length]!](s);
  const lines: string[] = [];
  if (o.title) lines.push(c.bold(o.title));
  for (let r = 0; r < rows; r++) {
    const label = tickRow.get(r);
    let line = label !== undefined ? `${' '.repeat(gutter - 1 - codePointLength(label))}${label} ┤` : `${' '.repeat(gutter)}│`;
    // Runs of cells of one colour are painted together.
    let run = '';
    let runColour = -2;
    const flush = () => {
      if (run) line += runColour === -1 ? (r === zeroRow ? c.dim(run) : run) : paint(run, runColour);
      run = '';
    };
    for (let col = 0; col < cols; col++) {
      const cell = r * cols + col;
      const k = bits[cell] ? colour[cell]! : -1;
      if (k !== runColour) {
        flush();
        runColour = k;
      }
      run += bits[cell] ? String.fromCharCode(0x2800 + bits[cell]!) : r === zeroRow ? '·' : ' ';
    }
    flush();
    lines.push(line.replace(/\s+$/, ''));
  }
  // x-axis: ticks under the canvas, labels centred on them without overlapping.
  // Left to right: a range given from high to low (--from 5 --to -5) is drawn with x decreasing.
  const xTicks = niceTicks(Math.min(x0, x1), Math.max(x0, x1), Math.max(2, Math.floor(cols / 12)));
  if (x1 < x0) xTicks.reverse();
  let axis = `${' '.repeat(gutter)}└`;
  const marks = new Set(xTicks.map((t) => Math.round(px(t) / 2)));
  for (let col = 0; col < cols; col++) axis += marks.has(col) ? '┬' : '─';
  lines.push(axis);
  let labelLine = '';
  for (const t of xTicks) {
    const text = formatShort(t, 4);
    const centre = gutter + 1 + Math.round(px(t) / 2);
    const start = Math.max(labelLine.length === 0 ? 0 : labelLine.length + 1, centre - Math.floor(codePointLength(text) / 2));
    if (start + codePointLength(text) > gutter + 1 + cols + 4) break;
    labelLine += ' '.repeat(start - labelLine.length) + text;
  }
  lines.push(labelLine);
  const legend = o.curves.map((curve, j) => `${paint('━━', j)} ${curve.label}`).join('   ');
  lines.push(`${' '.repeat(gutter)}${legend}   ${c.dim(`(${o.xName} from ${formatShort(x0)} to ${formatShort(x1)})`)}`);
  return lines.join('\n') + '\n';
}
