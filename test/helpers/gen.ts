// fast-check generators for adiff programs: any syntax (for the print → parse round trip), and programs whose
// every function is applied inside its domain (for numerical properties), with random points and directions.
import fc from 'fast-check';
import type { BinaryOp, Expr, Program, Statement } from '../../src/parser/ast.js';

const S = { start: 0, end: 0 };
export const num = (text: string): Expr => ({ kind: 'number', value: Number(text), text, span: S });
export const name = (n: string): Expr => ({ kind: 'name', name: n, span: S });
export const neg = (arg: Expr): Expr => ({ kind: 'unary', op: '-', arg, span: S });
export const unary = (op: '-' | '+', arg: Expr): Expr => ({ kind: 'unary', op, arg, span: S });
export const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, span: S });
/** A coefficient product `2x` (the left factor is a number literal). */
export const coef = (text: string, right: Expr): Expr => ({ kind: 'binary', op: '*', left: num(text), right, span: S, implicit: true });
export const call = (n: string, ...args: Expr[]): Expr => ({ kind: 'call', name: n, nameSpan: S, args, span: S });
const assign = (n: string, expr: Expr): Statement => ({ kind: 'assign', name: n, nameSpan: S, expr, span: S });
const bare = (expr: Expr): Statement => ({ kind: 'expr', expr, span: S });
export const program = (statements: Statement[]): Program => ({ statements, text: '' });

// ---------------------------------------------------------------------------------------------------------------
// Any syntax: every node kind, awkward number spellings, names that collide with number syntax when juxtaposed.

const numberText = fc.oneof(
  fc.constantFrom('0', '1', '2', '2.5', '.5', '1e-3', '1.5E+10', '2.', '10', '007', '1e309', '1e-400', '0.1'),
  fc.nat(100000).map(String),
  fc.double({ min: 0, max: 1e300, noNaN: true }).map(String),
);
const anyName = fc.constantFrom('x', 'y', 'z', 'e', 'pi', 'θ', 'α_1', '_a', '_1', 'e1', 'E2', 'xa', 'b1', 'o7', 'x_1', 'sin', '__proto__', 'constructor');

export const anyExpr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { maxDepth: 6, depthIdentifier: 'any' },
    fc.oneof(numberText.map(num), anyName.map(name)),
    fc.tuple(fc.constantFrom<'-' | '+'>('-', '+'), tie('e')).map(([op, a]) => unary(op, a)),
    fc.tuple(fc.constantFrom<BinaryOp>('+', '-', '*', '/', '^'), tie('e'), tie('e')).map(([op, a, b]) => bin(op, a, b)),
    fc.tuple(numberText, tie('e')).map(([t, a]) => coef(t, a)),
    fc.tuple(anyName, fc.array(tie('e'), { maxLength: 3 })).map(([n, args]) => call(n, ...args)),
  ),
})).e;

export const anyProgram: fc.Arbitrary<Program> = fc
  .array(fc.tuple(fc.option(anyName, { nil: undefined }), anyExpr), { minLength: 0, maxLength: 4 })
  .map((list) => program(list.map(([n, e]) => (n === undefined ? bare(e) : assign(n, e)))));

// ---------------------------------------------------------------------------------------------------------------
// Programs inside the domain. Inputs take values in [-3, 3]; every function's argument is shaped so that it lies
// in the function's domain for every such value: `pos` is positive, `unit` lies in (-1, 1), `half` in
// (-π/2, π/2). Kinks (abs, min, max, hypot, sign, eq, cbrt at 0) are allowed: the finite-difference property
// skips points whose stencil crosses one.

type Wrap = (u: Expr, v: Expr, w: Expr) => Expr;
const posForms: ((u: Expr) => Expr)[] = [
  (u) => bin('+', bin('^', u, num('2')), num('0.5')),
  (u) => call('exp', call('sin', u)),
  (u) => call('cosh', u),
  (u) => call('hypot', u, num('1')),
  (u) => bin('+', num('1'), call('abs', u)),
];
const unitForms: ((u: Expr) => Expr)[] = [(u) => bin('/', call('sin', u), num('2')), (u) => coef('0.9', call('tanh', u))];
const halfForms: ((u: Expr) => Expr)[] = [(u) => call('atan', u), (u) => call('tanh', u), (u) => call('sin', u)];

/**
 * How each surface function is called inside its domain; `p`, `q`, `h` pick a positive, unit or half form.
 * Covering every function of the language is checked by a test against FUNCTIONS.
 */
export function domainCalls(p: (u: Expr) => Expr, q: (u: Expr) => Expr, h: (u: Expr) => Expr): Record<string, Wrap> {
  return {
    sin: (u) => call('sin', u),
    cos: (u) => call('cos', u),
    tan: (u) => call('tan', h(u)),
    sec: (u) => call('sec', h(u)),
    csc: (u) => call('csc', bin('+', num('1'), bin('/', h(u), num('2')))),
    cot: (u) => call('cot', bin('+', num('1'), bin('/', h(u), num('2')))),
    asin: (u) => call('asin', q(u)),
    acos: (u) => call('acos', q(u)),
    atan: (u) => call('atan', u),
    sinh: (u) => call('sinh', u),
    cosh: (u) => call('cosh', u),
    tanh: (u) => call('tanh', u),
    asinh: (u) => call('asinh', u),
    acosh: (u) => call('acosh', bin('+', num('1'), p(u))),
    atanh: (u) => call('atanh', q(u)),
    exp: (u) => call('exp', u),
    ln: (u) => call('ln', p(u)),
    log10: (u) => call('log10', p(u)),
    log2: (u) => call('log2', p(u)),
    log: (u, v) => call('log', p(u), bin('+', num('3'), call('sin', v))),
    sqrt: (u) => call('sqrt', p(u)),
    cbrt: (u) => call('cbrt', u),
    abs: (u) => call('abs', u),
    sign: (u) => call('sign', u),
    eq: (u, v) => call('eq', u, v),
    atan2: (u, v) => call('atan2', u, p(v)),
    hypot: (u, v, w) => call('hypot', u, v, w),
    min: (u, v) => call('min', u, v),
    max: (u, v, w) => call('max', u, v, w),
    pow: (u, v) => call('pow', p(u), call('sin', v)),
    sech: (u) => call('sech', u),
    csch: (u) => call('csch', bin('+', num('1'), p(u))),
    coth: (u) => call('coth', neg(bin('+', num('1'), p(u)))),
    asec: (u) => call('asec', bin('+', num('1'), p(u))),
    acsc: (u) => call('acsc', neg(bin('+', num('1'), p(u)))),
    acot: (u) => call('acot', p(u)),
    asech: (u) => call('asech', bin('/', num('1'), bin('+', num('1'), p(u)))),
    acsch: (u) => call('acsch', p(u)),
    acoth: (u) => call('acoth', bin('+', num('1'), p(u))),
    nthRoot: (u) => call('nthRoot', neg(p(u)), num('5')),
    log1p: (u) => call('log1p', q(u)),
    expm1: (u) => call('expm1', h(u)),
    floor: (u) => call('floor', u),
    ceil: (u) => call('ceil', u),
    round: (u) => call('round', u),
    trunc: (u) => call('trunc', u),
    mod: (u, v) => call('mod', u, p(v)),
    erf: (u) => call('erf', u),
    erfc: (u) => call('erfc', h(u)),
    gamma: (u) => call('gamma', bin('+', num('2'), h(u))),
    lgamma: (u) => call('lgamma', p(u)),
    digamma: (u) => call('digamma', p(u)),
    polygamma: (u) => call('polygamma', num('2'), p(u)),
  };
}

/** Operators inside their domains: division by a positive form, powers with constant or bounded exponents. */
const operatorForms = (p: (u: Expr) => Expr): Wrap[] => [
  (u, v) => bin('+', u, v),
  (u, v) => bin('-', u, v),
  (u, v) => bin('*', u, v),
  (u, v) => bin('/', u, p(v)),
  (u) => neg(u),
  (u) => unary('+', u),
  (u) => coef('2', u),
  (u) => coef('3', call('sin', u)),
  (u) => bin('^', u, num('2')), // x^c, integer c: any base
  (u) => bin('^', u, num('3')),
  (u) => bin('^', p(u), neg(num('1'))), // 2^-1 style exponent with a sign
  (u) => bin('^', p(u), num('0.5')),
  (u) => bin('^', p(u), bin('/', num('1'), num('3'))), // a constant expression as exponent: still x^c
  (u) => bin('^', p(u), name('pi')),
  (u, v) => bin('^', p(u), call('sin', v)), // a variable exponent
  (u) => coef('2', bin('^', u, num('2'))), // 2x^2 is 2*(x^2)
];

/** A domain-safe expression over `vars`, at most `depth` levels of operations deep. */
export function safeExpr(vars: string[], depth = 4): fc.Arbitrary<Expr> {
  const leaf = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...vars).map(name) },
    { weight: 1, arbitrary: fc.constantFrom('2', '0.5', '3', '1.5', '2.', '.25').map(num) },
    { weight: 1, arbitrary: fc.constantFrom('pi', 'e').map(name) },
    { weight: 1, arbitrary: fc.constantFrom(...vars).map((v) => coef('2', name(v))) },
  );
  return fc.letrec<{ e: Expr }>((tie) => {
    const pick = <T>(list: T[]) => fc.nat(list.length - 1).map((i) => list[i]!);
    const composite = fc
      .tuple(pick(posForms), pick(unitForms), pick(halfForms), tie('e'), tie('e'), tie('e'), fc.boolean())
      .chain(([p, q, h, u, v, w, useFunction]) => {
        const forms = useFunction ? Object.values(domainCalls(p, q, h)) : operatorForms(p);
        return pick(forms).map((f) => f(u, v, w));
      });
    return { e: fc.oneof({ maxDepth: depth, depthIdentifier: `safe${vars.join()}` }, leaf, composite, composite) };
  }).e;
}

/** The input names of a safe program: ordinary ones, or names that collide with Object.prototype. */
export const inputNameSets: string[][] = [
  ['x', 'y', 'z'],
  ['x1', 'x2', 'θ'],
  ['__proto__', 'constructor', 'toString'],
];

export interface SafeCase {
  program: Program;
  inputs: string[];
  point: Record<string, number>;
  direction: Record<string, number>;
}

/** A program of up to two assignments and a final expression, with a point and a unit direction. */
export const safeCase: fc.Arbitrary<SafeCase> = fc
  .tuple(fc.constantFrom(...inputNameSets), fc.nat(2))
  .chain(([inputs, assignments]) => {
    const names = ['t1', 't2'].slice(0, assignments);
    const exprs = names.map((_, i) => safeExpr([...inputs, ...names.slice(0, i)], 3));
    // Mostly ordinary values; sometimes any double in range (fast-check favours edge cases: 0, -0, subnormals).
    const coordinate = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: -30000, max: 30000 }).map((i) => i / 10000) },
      { weight: 1, arbitrary: fc.double({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true }) },
    );
    const dirComponent = fc.double({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true });
    return fc.record({
      statements: fc.tuple(...exprs, safeExpr([...inputs, ...names], 4)),
      coords: fc.tuple(coordinate, coordinate, coordinate),
      dir: fc.tuple(dirComponent, dirComponent, dirComponent),
    }).map(({ statements, coords, dir }) => {
      const body = statements.map((e, i) => (i < names.length ? assign(names[i]!, e) : bare(e)));
      const norm = Math.hypot(...dir) || 1;
      const point: Record<string, number> = Object.create(null);
      const direction: Record<string, number> = Object.create(null);
      inputs.forEach((n, i) => {
        point[n] = coords[i]!;
        direction[n] = norm === 1 && dir.every((d) => d === 0) ? (i === 0 ? 1 : 0) : dir[i]! / norm;
      });
      return { program: program(body), inputs, point, direction };
    });
  });
