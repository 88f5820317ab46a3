// A normal form of derivative graphs, for PRINTING only (numbers always come from the graph itself).
//
// Every node of a graph becomes a *form*: a constant plus a sum of terms, each term a rational coefficient times a
// product of *bases* raised to exponents. Bases are hash-consed (one id per distinct base): variables, the named
// constants, function calls over forms (`sin(⋯)`), and sums kept whole (`(x^2 + y^2)^-1`). One pass over the nodes
// in topological order, no recursion. Coefficients fold (`2*x*(3*y^2)` → 6·x·y²), like terms and like factors
// merge (`x*x` → x², `x^3/x` → x²), and a sum raised to an integer power is made primitive (its common factor and
// its denominators pulled out: (1 + y²x⁻²)⁻¹ = x²·(x² + y²)⁻¹), which is what clears the compound fractions
// of the chain rule. Function identities: ln(exp(u)) = u everywhere; exp(ln(u)) = u where u > 0 (recorded as a
// note, and implied by the input anyway, where ln(u) is defined only for u > 0); sqrt(u) = u^(1/2) on its
// domain; `h + eq(h, 0)` (the divisor that makes hypot's derivative 0 at the origin) is h, with a note.
//
// Linear time: a node's form is taken over (mutated) by its only user; a form used several times is copied when it
// is small (≤ SMALL parts) and otherwise used whole, as one base, so no form is ever copied more than a constant.
import type { Graph, NodeId } from './graph.js';
import { reaching } from './graph.js';
import type { PrimName } from './primitives.js';

export interface Term {
  coef: number;
  /** Base id → exponent (never 0). */
  mono: Map<number, number>;
  /** A hash of `mono` (a sum of per-factor hashes, so it updates in O(1) per factor). */
  h: number;
}

export interface Form {
  c: number;
  /** Terms by the hash of their monomial (a colliding, different monomial probes the next key). */
  terms: Map<number, Term>;
}

export type Base =
  | { kind: 'input'; name: string }
  | { kind: 'symbol'; symbol: string; value: number }
  | { kind: 'call'; op: PrimName; args: number[]; param: number }
  /** A whole form used as a base (a sum, or a term that must stay grouped, or a constant argument). */
  | { kind: 'form'; form: Form };

/** Where a printed simplification needs a condition: `u > 0`, or `h ≠ 0` (0 where h = 0). */
export interface Note {
  kind: 'positive' | 'guard';
  base: number;
}

const SMALL = 24;
const MOD = 2 ** 48;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function factorHash(id: number, e: number): number {
  f64[0] = e;
  let a = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b) ^ u32[0]!;
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35) ^ Math.imul(u32[1]!, 0x27d4eb2f);
  let b = Math.imul(id + 0x632be5ab, 0x1b873593) ^ Math.imul(u32[1]! ^ u32[0]!, 0xcc9e2d51);
  b ^= b >>> 15;
  return ((a >>> 0) * 65536 + ((b >>> 0) & 0xffff)) % MOD;
}

const monoEq = (a: Map<number, number>, b: Map<number, number>) => {
  if (a.size !== b.size) return false;
  for (const [k, e] of a) if (b.get(k) !== e) return false;
  return true;
};

export const constForm = (c: number): Form => ({ c, terms: new Map() });

export function termForm(t: Term): Form {
  const f = constForm(0);
  if (t.coef === 0) return f;
  if (t.mono.size === 0) return constForm(t.coef);
  f.terms.set(t.h, t);
  return f;
}

export function monoTerm(coef: number, mono: Map<number, number>): Term {
  let h = 0;
  for (const [id, e] of mono) h = (h + factorHash(id, e)) % MOD;
  return { coef, mono, h };
}

/** Adds `coef · mono` into `f` (taking `t` over), merging a like term. */
export function addTerm(f: Form, t: Term): void {
  let key = t.h;
  for (;;) {
    const old = f.terms.get(key);
    if (old === undefined) return void (t.coef !== 0 && f.terms.set(key, t));
    if (monoEq(old.mono, t.mono)) {
      const coef = old.coef + t.coef;
      if (coef === 0) f.terms.delete(key);
      else f.terms.set(key, { coef, mono: old.mono, h: old.h });
      return;
    }
    key = (key + 1) % MOD;
  }
}

/** The term of `f` with the monomial of `t`, if any. */
export function findTerm(f: Form, t: Term): Term | undefined {
  for (let key = t.h; ; key = (key + 1) % MOD) {
    const old = f.terms.get(key);
    if (old === undefined || monoEq(old.mono, t.mono)) return old;
  }
}

/** `factor^e` multiplied into a term the caller owns. */
export function mulFactor(t: Term, id: number, e: number): void {
  const old = t.mono.get(id);
  if (old !== undefined) t.h = (t.h - factorHash(id, old) + MOD) % MOD;
  const next = (old ?? 0) + e;
  if (Math.abs(next) < 1e-12) t.mono.delete(id);
  else {
    t.mono.set(id, next);
    t.h = (t.h + factorHash(id, next)) % MOD;
  }
}

export const copyTerm = (t: Term): Term => ({ coef: t.coef, mono: new Map(t.mono), h: t.h });

export function copyForm(f: Form): Form {
  const g = constForm(f.c);
  for (const [k, t] of f.terms) g.terms.set(k, copyTerm(t));
  return g;
}

/** The size of a form, counted up to `limit`. */
function sizeUpTo(f: Form, limit: number): number {
  let n = 1;
  for (const t of f.terms.values()) {
    n += 1 + t.mono.size;
    if (n > limit) return n;
  }
  return n;
}

const isInt = (e: number) => Number.isInteger(e);
const isEvenInt = (e: number) => Number.isInteger(e) && e % 2 === 0;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The interned bases and the forms of nodes, built by `simplifyGraph`. */
export class FormTable {
  readonly bases: Base[] = [];
  readonly notes: Note[] = [];
  private readonly index = new Map<string, number>();

  private intern(key: string, base: Base): number {
    const found = this.index.get(key);
    if (found !== undefined) return found;
    this.bases.push(base);
    this.index.set(key, this.bases.length - 1);
    return this.bases.length - 1;
  }

  input(name: string): number {
    return this.intern(`i:${name}`, { kind: 'input', name });
  }

  symbol(symbol: string, value: number): number {
    return this.intern(`s:${symbol}`, { kind: 'symbol', symbol, value });
  }

  /** The id of a call base if it exists (nothing is created). */
  findCall(op: PrimName, args: number[], param: number): number | undefined {
    return this.index.get(`c:${op}:${param}:${args.join(',')}`);
  }

  call(op: PrimName, args: number[], param: number): number {
    return this.intern(`c:${op}:${param}:${args.join(',')}`, { kind: 'call', op, args, param });
  }

  /** The canonical key of a form: terms sorted by their monomials. */
  private formKey(f: Form): string {
    const parts: string[] = [];
    for (const t of f.terms.values()) {
      const m = [...t.mono].sort((a, b) => a[0] - b[0]).map(([id, e]) => `${id}^${e}`).join('.');
      parts.push(`${m}*${t.coef}`);
    }
    return `f:${parts.sort().join('+')}|${f.c}`;
  }

  /** The base id of a form: the base itself for a lone base, else the form kept whole (not to be mutated again). */
  exprId(f: Form): number {
    const lone = this.loneBase(f);
    if (lone !== undefined) return lone;
    return this.intern(this.formKey(f), { kind: 'form', form: f });
  }

  loneBase(f: Form): number | undefined {
    if (f.c !== 0 || f.terms.size !== 1) return undefined;
    const t = f.terms.values().next().value!;
    if (t.coef !== 1 || t.mono.size !== 1) return undefined;
    const [id, e] = t.mono.entries().next().value!;
    return e === 1 ? id : undefined;
  }

  /** The form of a base id (a copy the caller owns). */
  formOf(id: number): Form {
    const b = this.bases[id]!;
    if (b.kind === 'form') return copyForm(b.form);
    return termForm(monoTerm(1, new Map([[id, 1]])));
  }

  /** A term as a form; a lone sum base to the first power is opened again, so sums stay sums. */
  fromTerm(t: Term): Form {
    if (t.mono.size === 1) {
      const [id, e] = t.mono.entries().next().value!;
      const b = this.bases[id]!;
      if (e === 1 && b.kind === 'form') return scale(copyForm(b.form), t.coef);
    }
    return termForm(t);
  }

  /** A form as one term (coefficient × monomial): a sum is made primitive first (see `primitive`). */
  asTerm(f: Form): Term {
    if (f.terms.size === 0) return monoTerm(f.c, new Map());
    if (f.terms.size === 1 && f.c === 0) return f.terms.values().next().value!;
    return this.primitive(f);
  }

  /**
   * f = k · g · S with S a sum whose terms share no factor and have no negative exponents, and whose leading term
   * has a positive coefficient (integer coefficients divided by their gcd). Valid for integer powers of f.
   */
  primitive(f: Form): Term {
    const terms = [...f.terms.values()];
    const g = new Map<number, number>();
    const seen = new Map<number, number>();
    for (const t of terms) for (const [id, e] of t.mono) seen.set(id, Math.min(seen.get(id) ?? Infinity, e));
    const all = f.c === 0 ? terms.length : terms.length + 1;
    for (const [id, min] of seen) {
      let present = 0;
      for (const t of terms) if (t.mono.has(id)) present++;
      const m = present === all ? min : Math.min(min, 0);
      if (m !== 0 && isInt(m)) g.set(id, m);
    }
    const s = constForm(0);
    const rest = (t: Term) => {
      const u = copyTerm(t);
      for (const [id, e] of g) mulFactor(u, id, -e);
      return u;
    };
    // A term that is k times a sum (after g is taken out) is opened, so that like terms meet: t2 - t1 with t2 = 1 + t1.
    for (const t of [...terms, ...(f.c !== 0 ? [monoTerm(f.c, new Map())] : [])]) addForms(s, this.fromTerm(rest(t)), 1);
    if (s.terms.size === 0) return monoTerm(s.c, g);
    if (s.terms.size === 1 && s.c === 0) {
      const u = copyTerm(s.terms.values().next().value!);
      for (const [id, e] of g) mulFactor(u, id, e);
      return u;
    }
    const coefs = [...s.terms.values()].map((t) => t.coef);
    if (s.c !== 0) coefs.push(s.c);
    let k = coefs.every((c) => isInt(c)) ? coefs.reduce((a, b) => gcd(Math.abs(a), Math.abs(b))) : 1;
    const lead = [...s.terms.values()].sort((a, b) => a.h - b.h)[0]!;
    if (lead.coef < 0) k = -k;
    const out = k === 1 ? s : scale(s, 1 / k);
    const id = this.exprId(out);
    const mono = new Map(g);
    mono.set(id, (mono.get(id) ?? 0) + 1);
    return monoTerm(k, mono);
  }

  /** f^c, keeping every rewrite valid on the domain of the power (see the file's comment). */
  power(f: Form, c: number): Form {
    if (c === 1) return f;
    if (c === 0) return constForm(1);
    if (f.terms.size === 0) return constForm(Math.pow(f.c, c));
    const single = f.terms.size === 1 && f.c === 0 ? f.terms.values().next().value! : undefined;
    if (isInt(c) || (single && this.splits(single, c))) {
      const t = isInt(c) ? this.asTerm(f) : single!;
      const mono = new Map<number, number>();
      for (const [id, e] of t.mono) mono.set(id, e * c);
      return this.fromTerm(monoTerm(Math.pow(t.coef, c), mono));
    }
    return termForm(monoTerm(1, new Map([[this.exprId(f), c]])));
  }

  /** Whether (k·Π bᵉ)^c = k^c·Π b^(e·c) is valid and reads well: k^c an integer, no even exponent under a root. */
  private splits(t: Term, c: number): boolean {
    const k = Math.pow(t.coef, c);
    if (!(t.coef > 0 && isInt(k))) return false;
    for (const e of t.mono.values()) if (isEvenInt(e)) return false;
    return true;
  }

  /** A function call over forms, with the identities that hold on the call's whole domain. */
  apply(op: PrimName, args: Form[], param: number): Form {
    const [a] = args;
    if (op === 'sqrt') return this.power(a!, 0.5);
    if (op === 'powc') return this.power(a!, param);
    if (op === 'pow' && args[1]!.terms.size === 0) return this.power(a!, args[1]!.c);
    if (op === 'ln' || op === 'exp') {
      const inner = this.loneBase(a!);
      const b = inner === undefined ? undefined : this.bases[inner]!;
      if (b?.kind === 'call' && b.op === (op === 'ln' ? 'exp' : 'ln')) {
        if (op === 'exp') this.notes.push({ kind: 'positive', base: b.args[0]! });
        return this.formOf(b.args[0]!);
      }
    }
    return termForm(monoTerm(1, new Map([[this.call(op, args.map((x) => this.exprId(x)), param), 1]])));
  }

  /** `h + eq(h, 0)` → h (noted): the divisor of hypot's derivative, which only matters where h = 0. */
  guard(f: Form): Form {
    if (f.c !== 0 || f.terms.size !== 2) return f;
    const [p, q] = [...f.terms.values()];
    for (const [t, o] of [[p!, q!], [q!, p!]] as const) {
      if (t.coef !== 1 || t.mono.size !== 1) continue;
      const [id, e] = t.mono.entries().next().value!;
      const b = this.bases[id]!;
      if (e !== 1 || b.kind !== 'call' || b.op !== 'eq') continue;
      const zero = this.bases[b.args[1]!]!;
      if (zero.kind !== 'form' || zero.form.c !== 0 || zero.form.terms.size !== 0) continue;
      if (this.exprId(termForm(copyTerm(o))) !== b.args[0]) continue;
      this.notes.push({ kind: 'guard', base: b.args[0]! });
      return termForm(copyTerm(o));
    }
    return f;
  }
}

export function scale(f: Form, k: number): Form {
  if (k === 1) return f;
  // 0·t = 0 for the terms (the derivative graphs' own convention); a non-finite constant stays NaN (0·∞).
  if (k === 0) return constForm(f.c * 0);
  f.c *= k;
  for (const t of f.terms.values()) t.coef *= k;
  return f;
}

/** a + s·b into an owned `a` (b is taken over). */
export function addForms(a: Form, b: Form, s: number): Form {
  a.c += s * b.c;
  for (const t of b.terms.values()) addTerm(a, s === 1 ? t : { coef: s * t.coef, mono: t.mono, h: t.h });
  return a;
}

/** a·b over owned forms. */
function mulForms(table: FormTable, a: Form, b: Form): Form {
  if (a.terms.size === 0) return scale(b, a.c);
  if (b.terms.size === 0) return scale(a, b.c);
  // Both terms are owned (by a and b, or fresh from primitive): the larger one takes the other's factors.
  let t = table.asTerm(a);
  let tb = table.asTerm(b);
  if (t.mono.size < tb.mono.size) [t, tb] = [tb, t];
  t.coef *= tb.coef;
  for (const [id, e] of tb.mono) mulFactor(t, id, e);
  return table.fromTerm(t);
}

export interface SimplifiedGraph {
  table: FormTable;
  /** The form of each requested node. */
  forms: Form[];
}

/** The normal forms of `roots` (nodes of `graph`), built in one pass in topological order. */
export function simplifyGraph(graph: Graph, roots: readonly NodeId[]): SimplifiedGraph {
  const { nodes } = graph;
  const table = new FormTable();
  const mask = reaching(nodes, roots);
  const uses = new Uint32Array(nodes.length);
  for (const r of roots) uses[r]! += 1;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (mask[i] && n.kind === 'op') for (const a of n.args) uses[a]! += 1;
  }
  const forms: (Form | undefined)[] = new Array(nodes.length);
  const whole: (number | undefined)[] = new Array(nodes.length);
  /** The form of node a for its user to own: taken over from a lone user, else copied if small, else whole. */
  const take = (a: NodeId): Form => {
    const f = forms[a]!;
    if (uses[a] === 1) return f;
    if (sizeUpTo(f, SMALL) <= SMALL) return copyForm(f);
    whole[a] ??= table.exprId(f);
    return table.formOf(whole[a]!);
  };
  for (let i = 0; i < nodes.length; i++) {
    if (!mask[i]) continue;
    const n = nodes[i]!;
    if (n.kind === 'input') forms[i] = table.formOf(table.input(n.name));
    else if (n.kind === 'const') forms[i] = n.symbol ? table.formOf(table.symbol(n.symbol, n.value)) : constForm(n.value);
    else {
      forms[i] = formOfOp(table, n.op, n.args.map(take), n.param);
    }
  }
  return { table, forms: roots.map((r) => (uses[r] === 1 ? forms[r]! : copyForm(forms[r]!))) };
}

function formOfOp(table: FormTable, op: PrimName, args: Form[], param: number): Form {
  const [a, b] = args;
  switch (op) {
    case 'add':
      return table.guard(addForms(a!, b!, 1));
    case 'sub':
      return addForms(a!, b!, -1);
    case 'neg':
      return scale(a!, -1);
    case 'mul':
      return mulForms(table, a!, b!);
    case 'div':
      // constants divide as numbers: 0/0 is NaN, 1/0 is Infinity (not 0 times a power of 0)
      if (a!.terms.size === 0 && b!.terms.size === 0) return constForm(a!.c / b!.c);
      return mulForms(table, a!, table.power(b!, -1));
    default:
      return table.apply(op, args, param);
  }
}
