// THE rule table: every primitive is defined once, here: its arity, its value, its local partial derivatives
// and how it prints. Forward mode, reverse mode, derivative graphs and code generation are generic drivers over
// this table. Partials are written with the graph's own operations (`Ops<T>`), so one rule yields numbers
// (T = number), graph nodes (T = node id: derivative graphs of any order) or code (T = string).

/** The names of all primitives. */
export type PrimName =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'neg'
  | 'powc'
  | 'pow'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'sec'
  | 'csc'
  | 'cot'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'asinh'
  | 'acosh'
  | 'atanh'
  | 'exp'
  | 'ln'
  | 'log10'
  | 'log2'
  | 'logb'
  | 'sqrt'
  | 'cbrt'
  | 'abs'
  | 'sign'
  | 'eq'
  | 'atan2'
  | 'hypot'
  | 'min'
  | 'max'
  | FunctionPrimName;

import { FUNCTION_ROWS, type FunctionPrimName } from './primitives-functions.js';

/** Operations over a carrier T: numbers, graph nodes or code. One method per primitive, plus constants. */
export type Ops<T> = {
  num(c: number): T;
  /** `x ^ c` for a constant exponent c (a number, not a node). */
  powc(x: T, c: number): T;
} & { [K in Exclude<PrimName, 'powc'>]: (...args: T[]) => T };

/** How a primitive prints: as an infix operator of some precedence, a prefix minus, a power, or a call. */
export type PrintForm =
  | { kind: 'infix'; symbol: '+' | '-' | '*' | '/'; prec: 1 | 2 }
  | { kind: 'prefix'; symbol: '-' }
  | { kind: 'power' }
  | { kind: 'call'; name: string };

export interface Primitive {
  /** Number of arguments; 'variadic' means two or more. */
  arity: number | 'variadic';
  /** The value. `param` is the constant exponent of `powc` (NaN for every other primitive). */
  eval(args: number[], param: number): number;
  /** Local partial derivatives ∂out/∂args[i], written with `k`; `out` is this node's own value. */
  partials<T>(k: Ops<T>, args: T[], out: T, param: number): T[];
  print: PrintForm;
  /**
   * The value as JavaScript over argument expressions (and powc's exponent, printed as a literal), for compiled
   * kernels: it must compute exactly what `eval` computes.
   */
  code(args: string[], param: string): string;
  /** Where the value is defined, for warnings (e.g. `x > 0`). */
  domain?: string;
  /** Where the primitive is not differentiable at these arguments: a sentence saying which convention is used. */
  kink?(args: number[], param: number): string | undefined;
}

const call = (name: string): PrintForm => ({ kind: 'call', name });

/** d/dx of sqrt-like `1 / sqrt(u)` written once for the inverse trig and hyperbolic rows. */
const invSqrt = <T>(k: Ops<T>, u: T) => k.div(k.num(1), k.sqrt(u));

/**
 * 1 - x^2 as (1 - x)*(1 + x): near x = ±1 the factor 1 ∓ x is exact (Sterbenz), so the product keeps full
 * relative precision, where 1 - x^2 cancels (at x = 1 - 2^-30 only 9 of 16 digits are right). The price is paid one
 * order up and near 0: the derivative of the product, (1 - x) - (1 + x), is -2x up to ~1e-16 absolute.
 */
const oneMinusSquare = <T>(k: Ops<T>, x: T) => k.mul(k.sub(k.num(1), x), k.add(k.num(1), x));

/**
 * Weights of a min or max over its arguments: 1 for the argument that attains it; at a tie, the minimum-norm
 * subgradient, which splits the derivative equally among the m tied arguments (1/m each).
 */
function tieWeights<T>(k: Ops<T>, args: T[], out: T): T[] {
  const hits = args.map((a) => k.eq(a, out));
  const count = hits.reduce((s, h) => k.add(s, h));
  return hits.map((h) => k.div(h, count));
}

function tieKink(args: number[], out: number, what: string): string | undefined {
  const ties = args.filter((a) => a === out).length;
  return ties > 1 ? `${what} is not differentiable at a tie of ${ties} arguments; each tied argument gets 1/${ties} of the derivative (the minimum-norm subgradient)` : undefined;
}

export const PRIMITIVES = {
  add: { arity: 2, eval: ([a, b]) => a! + b!, partials: (k) => [k.num(1), k.num(1)], code: ([a, b]) => `${a} + ${b}`, print: { kind: 'infix', symbol: '+', prec: 1 } },
  sub: { arity: 2, eval: ([a, b]) => a! - b!, partials: (k) => [k.num(1), k.num(-1)], code: ([a, b]) => `${a} - ${b}`, print: { kind: 'infix', symbol: '-', prec: 1 } },
  mul: { arity: 2, eval: ([a, b]) => a! * b!, partials: (_k, [a, b]) => [b!, a!], code: ([a, b]) => `${a} * ${b}`, print: { kind: 'infix', symbol: '*', prec: 2 } },
  div: {
    arity: 2, domain: 'a nonzero divisor',
    eval: ([a, b]) => a! / b!,
    partials: (k, [, b], out) => [k.div(k.num(1), b!), k.neg(k.div(out, b!))],
    code: ([a, b]) => `${a} / ${b}`, print: { kind: 'infix', symbol: '/', prec: 2 },
  },
  neg: { arity: 1, eval: ([a]) => -a!, partials: (k) => [k.num(-1)], code: ([a]) => `-${a}`, print: { kind: 'prefix', symbol: '-' } },

  // x^c with a constant exponent: c*x^(c-1) at every x, negative or zero included, and never ln(x).
  // c = 0 is its own case so that d/dx x^0 is 0 even at x = 0 (where c*x^(c-1) would be 0*Infinity).
  powc: {
    arity: 1, domain: 'x ≥ 0, or any x with an integer exponent',
    eval: ([x], c) => Math.pow(x!, c),
    partials: (k, [x], _out, c) => [c === 0 ? k.num(0) : k.mul(k.num(c), k.powc(x!, c - 1))],
    code: ([a], c) => `Math.pow(${a}, ${c})`, print: { kind: 'power' },
  },
  // x^y with a variable exponent: only here does ln(x) appear, and only in ∂/∂y, so a NaN from ln(x) at x <= 0
  // never reaches ∂/∂x (sweeps skip a partial whose tangent or adjoint is zero).
  pow: {
    arity: 2, domain: 'x > 0, or x < 0 with an integer exponent',
    eval: ([x, y]) => Math.pow(x!, y!),
    partials: (k, [x, y], out) => [k.mul(y!, k.pow(x!, k.sub(y!, k.num(1)))), k.mul(out, k.ln(x!))],
    code: ([a, b]) => `Math.pow(${a}, ${b})`, print: { kind: 'power' },
  },

  sin: { arity: 1, eval: ([x]) => Math.sin(x!), partials: (k, [x]) => [k.cos(x!)], code: ([a]) => `Math.sin(${a})`, print: call('sin') },
  cos: { arity: 1, eval: ([x]) => Math.cos(x!), partials: (k, [x]) => [k.neg(k.sin(x!))], code: ([a]) => `Math.cos(${a})`, print: call('cos') },
  tan: { arity: 1, domain: 'x ≠ π/2 + kπ', eval: ([x]) => Math.tan(x!), partials: (k, _x, out) => [k.add(k.num(1), k.powc(out, 2))], code: ([a]) => `Math.tan(${a})`, print: call('tan') },
  sec: { arity: 1, domain: 'x ≠ π/2 + kπ', eval: ([x]) => 1 / Math.cos(x!), partials: (k, [x], out) => [k.mul(out, k.tan(x!))], code: ([a]) => `1 / Math.cos(${a})`, print: call('sec') },
  csc: { arity: 1, domain: 'x ≠ kπ', eval: ([x]) => 1 / Math.sin(x!), partials: (k, [x], out) => [k.neg(k.mul(out, k.cot(x!)))], code: ([a]) => `1 / Math.sin(${a})`, print: call('csc') },
  cot: { arity: 1, domain: 'x ≠ kπ', eval: ([x]) => 1 / Math.tan(x!), partials: (k, _x, out) => [k.neg(k.add(k.num(1), k.powc(out, 2)))], code: ([a]) => `1 / Math.tan(${a})`, print: call('cot') },
  asin: { arity: 1, domain: '-1 ≤ x ≤ 1 (derivative for -1 < x < 1)', eval: ([x]) => Math.asin(x!), partials: (k, [x]) => [invSqrt(k, oneMinusSquare(k, x!))], code: ([a]) => `Math.asin(${a})`, print: call('asin') },
  acos: { arity: 1, domain: '-1 ≤ x ≤ 1 (derivative for -1 < x < 1)', eval: ([x]) => Math.acos(x!), partials: (k, [x]) => [k.neg(invSqrt(k, oneMinusSquare(k, x!)))], code: ([a]) => `Math.acos(${a})`, print: call('acos') },
  atan: { arity: 1, eval: ([x]) => Math.atan(x!), partials: (k, [x]) => [k.div(k.num(1), k.add(k.num(1), k.powc(x!, 2)))], code: ([a]) => `Math.atan(${a})`, print: call('atan') },

  sinh: { arity: 1, eval: ([x]) => Math.sinh(x!), partials: (k, [x]) => [k.cosh(x!)], code: ([a]) => `Math.sinh(${a})`, print: call('sinh') },
  cosh: { arity: 1, eval: ([x]) => Math.cosh(x!), partials: (k, [x]) => [k.sinh(x!)], code: ([a]) => `Math.cosh(${a})`, print: call('cosh') },
  // cosh(x)^-2 rather than 1 - tanh(x)^2, which is 0 from |x| ≈ 19 on (tanh rounds to ±1) where the true value is
  // 4e^(-2|x|): 1.7e-17 at x = 20. Math.pow takes cosh = Infinity (|x| > 710) to 0, the right limit, and gives the
  // subnormal values that 1/cosh(x)^2 would lose to an overflow of cosh^2 (|x| > 355).
  tanh: { arity: 1, eval: ([x]) => Math.tanh(x!), partials: (k, [x]) => [k.powc(k.cosh(x!), -2)], code: ([a]) => `Math.tanh(${a})`, print: call('tanh') },
  // 1/hypot(1, x) rather than 1/sqrt(x^2 + 1), where x^2 overflows for |x| > 1.3e154 (giving 0 instead of 1/|x|).
  asinh: { arity: 1, eval: ([x]) => Math.asinh(x!), partials: (k, [x]) => [k.div(k.num(1), k.hypot(k.num(1), x!))], code: ([a]) => `Math.asinh(${a})`, print: call('asinh') },
  // 1/(sqrt(x-1)*sqrt(x+1)) rather than 1/sqrt(x^2-1): no cancellation near x = 1, and no overflow of x^2 (or of
  // (x-1)*(x+1)) for x > 1.3e154.
  acosh: {
    arity: 1, domain: 'x ≥ 1 (derivative for x > 1)',
    eval: ([x]) => Math.acosh(x!),
    partials: (k, [x]) => [k.div(k.num(1), k.mul(k.sqrt(k.sub(x!, k.num(1))), k.sqrt(k.add(x!, k.num(1)))))],
    code: ([a]) => `Math.acosh(${a})`, print: call('acosh'),
  },
  atanh: { arity: 1, domain: '-1 < x < 1', eval: ([x]) => Math.atanh(x!), partials: (k, [x]) => [k.div(k.num(1), oneMinusSquare(k, x!))], code: ([a]) => `Math.atanh(${a})`, print: call('atanh') },

  exp: { arity: 1, domain: 'results below about 1.8e308', eval: ([x]) => Math.exp(x!), partials: (_k, _x, out) => [out], code: ([a]) => `Math.exp(${a})`, print: call('exp') },
  ln: { arity: 1, domain: 'x > 0', eval: ([x]) => Math.log(x!), partials: (k, [x]) => [k.div(k.num(1), x!)], code: ([a]) => `Math.log(${a})`, print: call('ln') },
  // (1/ln 10)/x rather than 1/(x*ln 10): one rounding fewer, no overflow of x*ln 10 for x > 7.8e307 (which gave 0
  // instead of a subnormal), and no rounding of a subnormal product for subnormal x.
  log10: { arity: 1, domain: 'x > 0', eval: ([x]) => Math.log10(x!), partials: (k, [x]) => [k.div(k.num(Math.LOG10E), x!)], code: ([a]) => `Math.log10(${a})`, print: call('log10') },
  log2: { arity: 1, domain: 'x > 0', eval: ([x]) => Math.log2(x!), partials: (k, [x]) => [k.div(k.num(Math.LOG2E), x!)], code: ([a]) => `Math.log2(${a})`, print: call('log2') },
  // log(x, b) = ln(x) / ln(b). Divided one factor at a time, as log10 and log2 are: x*ln(b) and b*ln(b) would
  // overflow (to a derivative of 0) where the true one is a small subnormal.
  logb: {
    arity: 2, domain: 'x > 0 and b > 0, b ≠ 1',
    eval: ([x, b]) => Math.log(x!) / Math.log(b!),
    partials: (k, [x, b], out) => [k.div(k.div(k.num(1), k.ln(b!)), x!), k.neg(k.div(k.div(out, k.ln(b!)), b!))],
    code: ([a, b]) => `Math.log(${a}) / Math.log(${b})`, print: call('log'),
  },
  // At 0 the derivative is infinite, and IEEE arithmetic says so: 0.5/0 = Infinity.
  sqrt: { arity: 1, domain: 'x ≥ 0 (derivative for x > 0)', eval: ([x]) => Math.sqrt(x!), partials: (k, _x, out) => [k.div(k.num(0.5), out)], code: ([a]) => `Math.sqrt(${a})`, print: call('sqrt') },
  cbrt: { arity: 1, domain: 'all x (derivative for x ≠ 0)', eval: ([x]) => Math.cbrt(x!), partials: (k, _x, out) => [k.div(k.num(1), k.mul(k.num(3), k.powc(out, 2)))], code: ([a]) => `Math.cbrt(${a})`, print: call('cbrt') },

  // abs at 0 takes the minimum-norm subgradient, 0 (= sign(0)).
  abs: {
    arity: 1,
    eval: ([x]) => Math.abs(x!),
    partials: (k, [x]) => [k.sign(x!)],
    code: ([a]) => `Math.abs(${a})`, print: call('abs'),
    kink: ([x]) => (x === 0 ? 'abs is not differentiable at 0; its derivative there is taken as 0 (the minimum-norm subgradient)' : undefined),
  },
  // sign and eq are steps: derivative 0 wherever it exists. They appear in derivatives of abs, min, max, hypot.
  sign: {
    arity: 1,
    eval: ([x]) => Math.sign(x!),
    partials: (k) => [k.num(0)],
    code: ([a]) => `Math.sign(${a})`, print: call('sign'),
    kink: ([x]) => (x === 0 ? 'sign jumps at 0; its derivative there is taken as 0' : undefined),
  },
  eq: {
    arity: 2,
    eval: ([a, b]) => (a === b ? 1 : 0),
    partials: (k) => [k.num(0), k.num(0)],
    code: ([a, b]) => `(${a} === ${b} ? 1 : 0)`, print: call('eq'),
    kink: ([a, b]) => (a === b ? 'eq jumps where its arguments are equal; its derivative there is taken as 0' : undefined),
  },

  atan2: {
    arity: 2, domain: '(y, x) ≠ (0, 0)',
    eval: ([y, x]) => Math.atan2(y!, x!),
    // x/(x^2 + y^2) and -y/(x^2 + y^2): correctly rounded wherever x^2 + y^2 is exact (-1/2 at (1, -1)). Known
    // limit: x^2 + y^2 overflows (underflows) for |x|, |y| beyond about 1e±154, where the partials become 0 (±∞);
    // x/h/h with h = hypot(y, x) avoids that but is off by an ulp or two at everyday points (0.49999999999999994),
    // which we judged the worse trade. At the origin 0/0 = NaN.
    partials: (k, [y, x]) => {
      const r2 = k.add(k.powc(x!, 2), k.powc(y!, 2));
      return [k.div(x!, r2), k.neg(k.div(y!, r2))];
    },
    code: ([a, b]) => `Math.atan2(${a}, ${b})`, print: call('atan2'),
  },
  // ∂/∂xi = xi / h, and 0 at the origin (the minimum-norm subgradient): dividing by h + eq(h, 0) does both.
  hypot: {
    arity: 'variadic',
    eval: (args) => Math.hypot(...args),
    partials: (k, args, out) => {
      const safe = k.add(out, k.eq(out, k.num(0)));
      return args.map((a) => k.div(a, safe));
    },
    code: (args) => `Math.hypot(${args.join(', ')})`, print: call('hypot'),
    kink: (args) =>
      args.every((a) => a === 0) ? 'hypot is not differentiable at the origin; its derivative there is taken as 0 (the minimum-norm subgradient)' : undefined,
  },
  min: {
    arity: 'variadic',
    eval: (args) => Math.min(...args),
    partials: tieWeights,
    code: (args) => `Math.min(${args.join(', ')})`, print: call('min'),
    kink: (args) => tieKink(args, Math.min(...args), 'min'),
  },
  max: {
    arity: 'variadic',
    eval: (args) => Math.max(...args),
    partials: tieWeights,
    code: (args) => `Math.max(${args.join(', ')})`, print: call('max'),
    kink: (args) => tieKink(args, Math.max(...args), 'max'),
  },
  // sech … polygamma: rows in primitives-functions.ts.
  ...FUNCTION_ROWS,
} satisfies Record<PrimName, Primitive>;

export const PRIMS: Record<PrimName, Primitive> = PRIMITIVES;

/**
 * Builds an `Ops<T>` from a constant maker and one `apply` that knows what to do with a primitive.
 * Every carrier (numbers, graph nodes, code) gets all the named methods from this one place.
 */
export function makeOps<T>(num: (c: number) => T, apply: (op: PrimName, args: T[], param: number) => T): Ops<T> {
  const ops: Record<string, unknown> = { num, powc: (x: T, c: number) => apply('powc', [x], c) };
  for (const name of Object.keys(PRIMS) as PrimName[]) {
    if (name !== 'powc') ops[name] = (...args: T[]) => apply(name, args, NaN);
  }
  return ops as Ops<T>;
}

/** Numbers as the carrier: rules evaluate to plain values. */
export const numberOps: Ops<number> = makeOps(
  (c) => c,
  (op, args, param) => PRIMS[op].eval(args, param),
);
