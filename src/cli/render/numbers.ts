// Numbers for drawings and tables where space is short: up to `digits` significant digits, no trailing zeros,
// exponent form for very large and very small magnitudes. Full precision stays in JSON and in `eval`.

export function formatShort(v: number, digits = 6): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const abs = Math.abs(v);
  if (abs >= 1e-4 && abs < 10 ** digits) {
    const fixed = Number(v.toPrecision(digits));
    return String(fixed);
  }
  const [mantissa, exponent] = v.toExponential(digits - 1).split('e');
  const m = mantissa!.includes('.') ? mantissa!.replace(/0+$/, '').replace(/\.$/, '') : mantissa!;
  return `${m}e${exponent!.replace('+', '')}`;
}
