// The last step of the printing simplifier, on each printed output: of the sum as built, its common factor taken
// out (`exp(x)*(x + 1)`), and its terms over one denominator (`1/(x + 1)^2` for `1/(x + 1) - x/(x + 1)^2`), the
// form with the fewest operations is printed. Pythagorean identities (sin²u + cos²u = 1, cosh²u − sinh²u = 1)
// merge terms first. Every rewrite is an identity wherever the sum itself is defined.
import { addForms, addTerm, constForm, copyForm, copyTerm, findTerm, monoTerm, mulFactor, termForm, type Form, type FormTable, type Term } from './simplify.js';

/** A coefficient as p/q with a small q, when it is exactly that. */
export function ratio(k: number): [number, number] {
  for (let q = 1; q <= 64; q++) {
    const p = k * q;
    if (Number.isInteger(p) && Math.abs(p) < 1e15 && p / q === k) return [p, q];
  }
  return [k, 1];
}

/** Operations of a printed form, counted as SymPy's count_ops counts them (+, -, *, /, ^, each call). */
export class OpCount {
  private readonly memo: number[] = [];
  constructor(private readonly table: FormTable) {}

  base(id: number): number {
    const { bases } = this.table;
    for (let i = this.memo.length; i <= id; i++) {
      const b = bases[i]!;
      this.memo.push(b.kind === 'call' ? 1 + b.args.reduce((s, a) => s + this.memo[a]!, 0) : b.kind === 'form' ? this.form(b.form) : 0);
    }
    return this.memo[id]!;
  }

  term(t: Term): number {
    const [p, q] = ratio(Math.abs(t.coef));
    let num = p !== 1 ? 1 : 0;
    let den = q !== 1 ? 1 : 0;
    let ops = 0;
    for (const [id, e] of t.mono) {
      if (e > 0) num++;
      else den++;
      if (Math.abs(e) !== 1) ops++;
      ops += this.base(id);
    }
    return ops + Math.max(num, 1) - 1 + den;
  }

  form(f: Form): number {
    let n = f.c !== 0 ? 1 : 0;
    let ops = 0;
    let positive = f.c > 0;
    for (const t of f.terms.values()) {
      n++;
      ops += this.term(t);
      if (t.coef > 0) positive = true;
    }
    return ops + Math.max(n - 1, 0) + (positive || n === 0 ? 0 : 1);
  }
}

const CAP = 64;

/** The product of two forms, multiplied out; undefined beyond CAP terms. */
function polyMul(a: Form, b: Form): Form | undefined {
  const parts = (f: Form): Term[] => [...f.terms.values(), ...(f.c !== 0 ? [monoTerm(f.c, new Map())] : [])];
  const pa = parts(a);
  const pb = parts(b);
  if (pa.length * pb.length > CAP) return undefined;
  const out = constForm(0);
  for (const x of pa) {
    for (const y of pb) {
      const t = copyTerm(x);
      t.coef *= y.coef;
      for (const [id, e] of y.mono) mulFactor(t, id, e);
      if (t.mono.size === 0) out.c += t.coef;
      else addTerm(out, t);
    }
  }
  return out;
}

/** A term with its sums to small positive integer powers multiplied out; undefined when that gets large. */
function expand(table: FormTable, t: Term): Form | undefined {
  const atoms = copyTerm(t);
  let out: Form | undefined = constForm(1);
  for (const [id, e] of t.mono) {
    const b = table.bases[id]!;
    if (b.kind !== 'form' || !Number.isInteger(e) || e < 1 || e > 4 || b.form.terms.size === 0) continue;
    mulFactor(atoms, id, -e);
    for (let k = 0; k < e && out; k++) out = polyMul(out, b.form);
  }
  return out && polyMul(out, termForm(atoms));
}

/** The sum over one denominator, the numerator multiplied out and its common factor cancelled. */
export function together(table: FormTable, f: Form): Form | undefined {
  if (f.terms.size < 2 || f.terms.size > 32) return undefined;
  const d = new Map<number, number>();
  for (const t of f.terms.values()) for (const [id, e] of t.mono) if (e < 0) d.set(id, Math.max(d.get(id) ?? 0, -e));
  if (d.size === 0) return undefined;
  let num: Form | undefined = constForm(0);
  const parts = [...f.terms.values(), ...(f.c !== 0 ? [monoTerm(f.c, new Map())] : [])];
  for (const t of parts) {
    const u = copyTerm(t);
    for (const [id, e] of d) mulFactor(u, id, e);
    const x = expand(table, u);
    if (!x || !num) return undefined;
    num.c += x.c;
    for (const y of x.terms.values()) addTerm(num, y);
    if (num.terms.size > CAP) return undefined;
  }
  pythagorean(table, num);
  if (num.terms.size === 0 && num.c === 0) return constForm(0);
  const t = table.asTerm(num);
  const owned = t === num.terms.values().next().value ? copyTerm(t) : t;
  for (const [id, e] of d) mulFactor(owned, id, -e);
  return table.fromTerm(owned);
}

/** The common positive factor of every term taken out: g·(Σ tᵢ/g). */
export function factorCommon(table: FormTable, f: Form): Form | undefined {
  if (f.c !== 0 || f.terms.size < 2) return undefined;
  const terms = [...f.terms.values()];
  const g = new Map<number, number>();
  for (const [id, e] of terms[0]!.mono) if (e > 0) g.set(id, e);
  for (const t of terms.slice(1)) {
    for (const [id, e] of g) {
      const m = t.mono.get(id);
      if (m === undefined || m <= 0) g.delete(id);
      else g.set(id, Math.min(e, m));
    }
  }
  const coefs = terms.map((t) => t.coef);
  let k = coefs.every(Number.isInteger) ? coefs.reduce((a, b) => gcd(Math.abs(a), Math.abs(b))) : 1;
  if (coefs.every((c) => c < 0)) k = -k;
  if (g.size === 0 && k === 1) return undefined;
  const rest = constForm(0);
  for (const t of terms) {
    const u = copyTerm(t);
    u.coef /= k;
    for (const [id, e] of g) mulFactor(u, id, -e);
    addForms(rest, table.fromTerm(u), 1);
  }
  const mono = new Map(g);
  mono.set(table.exprId(rest), 1);
  return termForm(monoTerm(k, mono));
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Double angles: 2·sin u·cos u·m = sin(2u)·m, and cos²u·m − sin²u·m = cos(2u)·m, in place (the arguments 2u are
 * made as bases; u a lone base or any form).
 */
export function doubleAngle(table: FormTable, f: Form): Form {
  if (f.terms.size > 256) return f;
  const twice = (arg: number) => {
    const u = table.formOf(arg);
    for (const t of u.terms.values()) t.coef *= 2;
    u.c *= 2;
    return table.exprId(u);
  };
  for (const t of [...f.terms.values()]) {
    if (findTerm(f, t) !== t) continue;
    for (const [id, e] of t.mono) {
      const b = table.bases[id]!;
      if (b.kind !== 'call' || !(b.op === 'sin' || b.op === 'cos')) continue;
      const cos = b.op === 'sin' ? table.findCall('cos', b.args, b.param) : undefined;
      if (b.op === 'sin' && e === 1 && cos !== undefined && t.mono.get(cos) === 1) {
        const u = copyTerm(t);
        mulFactor(u, id, -1);
        mulFactor(u, cos, -1);
        mulFactor(u, table.call('sin', [twice(b.args[0]!)], b.param), 1);
        u.coef /= 2;
        addTerm(f, { coef: -t.coef, mono: t.mono, h: t.h });
        addTerm(f, u);
        break;
      }
      const sin = b.op === 'cos' ? table.findCall('sin', b.args, b.param) : undefined;
      if (b.op === 'cos' && e === 2 && sin !== undefined) {
        const partner = copyTerm(t);
        mulFactor(partner, id, -2);
        const rest = copyTerm(partner);
        mulFactor(partner, sin, 2);
        const found = findTerm(f, partner);
        if (!found || found.coef !== -t.coef) continue;
        addTerm(f, { coef: -t.coef, mono: t.mono, h: t.h });
        addTerm(f, { coef: -found.coef, mono: found.mono, h: found.h });
        mulFactor(rest, table.call('cos', [twice(b.args[0]!)], b.param), 1);
        addTerm(f, rest);
        break;
      }
    }
  }
  return f;
}

const PAIRS = [
  ['sin', 'cos', 1],
  ['cosh', 'sinh', -1],
] as const;

/** sin²u·m + cos²u·m = m and cosh²u·m − sinh²u·m = m, in place. */
export function pythagorean(table: FormTable, f: Form): Form {
  if (f.terms.size > 256) return f;
  for (const t of [...f.terms.values()]) {
    if (findTerm(f, t) !== t) continue;
    for (const [id, e] of t.mono) {
      const b = table.bases[id]!;
      const pair = b.kind === 'call' ? PAIRS.find((p) => p[0] === b.op) : undefined;
      if (!pair || b.kind !== 'call' || !Number.isInteger(e) || e < 2) continue;
      const other = table.findCall(pair[1], b.args, b.param);
      if (other === undefined) continue;
      const partner = copyTerm(t);
      mulFactor(partner, id, -2);
      const rest = copyTerm(partner);
      mulFactor(partner, other, 2);
      const found = findTerm(f, partner);
      if (!found || found.coef !== pair[2] * t.coef) continue;
      addTerm(f, { coef: -t.coef, mono: t.mono, h: t.h });
      addTerm(f, { coef: -found.coef, mono: found.mono, h: found.h });
      if (rest.mono.size === 0) f.c += t.coef;
      else addTerm(f, rest);
      break;
    }
  }
  return f;
}

/** k·m + k·m·tan²u = k·m·sec²u and k·m + k·m·cot²u = k·m·csc²u, in place. */
export function secants(table: FormTable, f: Form): Form {
  if (f.terms.size > 256) return f;
  for (const t of [...f.terms.values()]) {
    if (findTerm(f, t) !== t) continue;
    for (const [id, e] of t.mono) {
      const b = table.bases[id]!;
      if (b.kind !== 'call' || !(b.op === 'tan' || b.op === 'cot') || e !== 2) continue;
      const rest = copyTerm(t);
      mulFactor(rest, id, -2);
      const found = rest.mono.size === 0 ? undefined : findTerm(f, rest);
      const coef = rest.mono.size === 0 ? f.c : found?.coef;
      if (coef !== t.coef) continue;
      addTerm(f, { coef: -t.coef, mono: t.mono, h: t.h });
      if (found) addTerm(f, { coef: -found.coef, mono: found.mono, h: found.h });
      else f.c = 0;
      mulFactor(rest, table.call(b.op === 'tan' ? 'sec' : 'csc', b.args, b.param), 2);
      addTerm(f, rest);
      break;
    }
  }
  return f;
}

/** The form to print for an output: the one with the fewest operations. */
export function tidy(table: FormTable, f: Form, count = new OpCount(table)): Form {
  let best = pythagorean(table, f);
  let cost = count.form(best);
  for (const identity of [doubleAngle, secants]) {
    const g = identity(table, copyForm(best));
    const c = count.form(g);
    if (c < cost) [best, cost] = [g, c];
  }
  for (const make of [together, factorCommon]) {
    const g = make(table, copyForm(best));
    if (g === undefined) continue;
    const c = count.form(g);
    if (c < cost) [best, cost] = [g, c];
  }
  return best;
}
