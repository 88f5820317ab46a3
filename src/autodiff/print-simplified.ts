// Prints the normal forms of simplify.ts the way a textbook writes them: coefficients first and as fractions
// (`x^2/2`, not `0.5*x^2`), factors with negative exponents under one division bar (`a/(b*c)`), sqrt for the
// exponent 1/2, a positive term first (`cos(x)/x - sin(x)/x^2`), a common factor of a sum's terms taken out when
// that is shorter. A base printed more than once is named (`t1 = …`) only where naming makes the text shorter.
// One loop over the bases in id order (every base's parts have smaller ids): no recursion.
import type { Graph } from './graph.js';
import { FUNCTIONS, CONSTANTS } from './lower.js';
import { ATOM, latexName, numberPiece, opPiece, POWER, printGraph, wrap, type Piece, type PrintedOutput, type SymbolicFormat } from './symbolic.js';
import { OpCount, ratio, tidy } from './simplify-tidy.js';
import { simplifyGraph, type Base, type Form, type FormTable, type Term } from './simplify.js';

export interface SimplifiedPrint {
  /** The program: `tN = …` lines, then one line per output. */
  lines: string[];
  /** Conditions under which the printed form is the derivative (`x > 0`), as text of the same format. */
  notes: string[];
}

/** A coefficient as p/q where that reads better than its decimal (x/2, not 0.5*x; 2.5*x, not 5*x/2). */
function coefficient(k: number): [number, number] {
  const [p, q] = ratio(k);
  return q === 1 || p === 1 || String(k).length > `${p}/${q}`.length ? [p, q] : [k, 1];
}

const KIND_ORDER: Record<Base['kind'], number> = { symbol: 0, input: 1, form: 2, call: 3 };

class Printer {
  readonly pieces: Piece[] = [];
  /** Each base's own text, also where it is named (for the notes). */
  readonly inline: string[] = [];
  readonly lines: string[] = [];
  private next = 1;

  constructor(
    private readonly table: FormTable,
    private readonly latex: boolean,
    private readonly taken: Set<string>,
  ) {}

  private sep(left: string, right: string): string {
    if (!this.latex) return '*';
    return /^[\d.]/.test(right) || /\d$/.test(left) && /^[\d.]/.test(right) ? ' \\cdot ' : ' ';
  }

  /** One factor base^e (e > 0); `flip` prints the negated sum instead of the base. */
  private factor(id: number, e: number, flip?: number): Piece {
    const b = this.table.bases[id]!;
    const p = id === flip && b.kind === 'form' ? this.sum(this.sorted(b.form, -1), -b.form.c) : this.pieces[id]!;
    if (e === 1) return p;
    if (e === 0.5) return { text: this.latex ? `\\sqrt{${p.text}}` : `sqrt(${p.text})`, prec: ATOM };
    let eq = 3;
    while (eq <= 12 && Math.abs(e * eq - Math.round(e * eq)) > 1e-9) eq++;
    const ep = Math.round(e * eq);
    const fraction = eq <= 12 && String(e).length > 6;
    const ex = fraction
      ? { text: this.latex ? `\\frac{${ep}}{${eq}}` : `(${ep}/${eq})`, prec: ATOM }
      : numberPiece(e, this.latex);
    if (this.latex) return { text: `{${wrap(p, ATOM, true)}}^{${ex.text}}`, prec: POWER };
    return { text: `${wrap(p, ATOM, false)}^${wrap(ex, POWER, false)}`, prec: POWER };
  }

  private ordered(mono: Map<number, number>): [number, number][] {
    const b = this.table.bases;
    return [...mono].sort((x, y) => KIND_ORDER[b[x[0]]!.kind] - KIND_ORDER[b[y[0]]!.kind] || x[0] - y[0]);
  }

  private product(parts: Piece[]): Piece {
    if (parts.length === 1) return parts[0]!;
    let text = '';
    parts.forEach((p, i) => {
      const t = wrap(p, 3, this.latex);
      text = i === 0 ? t : text + this.sep(text, t) + t;
    });
    return { text, prec: 2 };
  }

  /** |coef| · monomial; the sign is the caller's. */
  term(coef: number, mono: Map<number, number>, flip?: number): Piece {
    const num: Piece[] = [];
    const den: Piece[] = [];
    const [p, q] = coefficient(Math.abs(coef));
    if (p !== 1) num.push(numberPiece(p, this.latex));
    if (q !== 1) den.push(numberPiece(q, this.latex));
    for (const [id, e] of this.ordered(mono)) (e > 0 ? num : den).push(this.factor(id, Math.abs(e), flip));
    // A function to a negative power alone stays a power: cosh(x)^(-2) is a subnormal where 1/cosh(x)^2 overflows.
    const lone = mono.size === 1 && p === 1 && q === 1 ? [...mono][0]! : undefined;
    if (lone && lone[1] < 0 && Number.isInteger(lone[1]) && this.table.bases[lone[0]]!.kind === 'call') {
      const ex = numberPiece(lone[1], this.latex);
      const base = wrap(this.pieces[lone[0]]!, ATOM, this.latex);
      return { text: this.latex ? `{${base}}^{${ex.text}}` : `${base}^(${ex.text})`, prec: POWER };
    }
    const top = num.length ? this.product(num) : numberPiece(1, this.latex);
    if (!den.length) return top;
    const bottom = this.product(den);
    if (this.latex) return { text: `\\frac{${top.text}}{${bottom.text}}`, prec: POWER };
    return { text: `${wrap(top, 2, false)}/${wrap(bottom, 3, false)}`, prec: 2 };
  }

  /** A sum: a positive term first, the constant last; a common factor taken out when shorter. */
  form(f: Form, canonical = false): Piece {
    if (f.terms.size === 0) return numberPiece(f.c, this.latex);
    return this.sum(canonical ? this.sorted(f, 1) : [...f.terms.values()], f.c);
  }

  /** The terms of a sum (times `s`) in a textbook's order: higher degree first, variables in name order. */
  private sorted(f: Form, s: number): Term[] {
    const { bases } = this.table;
    const degree = (t: Term) => [...t.mono.values()].reduce((a, e) => a + Math.max(e, 0), 0);
    const rank = (t: Term) => {
      const first = this.ordered(t.mono)[0]!;
      const b = bases[first[0]]!;
      return b.kind === 'input' ? `0${b.name}` : `${KIND_ORDER[b.kind]}${String(first[0]).padStart(9, '0')}`;
    };
    const terms = [...f.terms.values()].map((t) => (s === 1 ? t : { coef: -t.coef, mono: t.mono, h: t.h }));
    return terms.sort((a, b) => degree(b) - degree(a) || (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  }

  /** A sum base to the first power that reads better negated (more minus signs than plus signs), if any. */
  private flippable(t: Term): number | undefined {
    for (const [id, e] of t.mono) {
      const b = this.table.bases[id]!;
      if (Math.abs(e) !== 1 || b.kind !== 'form') continue;
      let balance = b.form.c < 0 ? 1 : b.form.c > 0 ? -1 : 0;
      for (const u of b.form.terms.values()) balance += u.coef < 0 ? 1 : -1;
      if (balance >= -1) return id;
    }
    return undefined;
  }

  private sum(terms: Term[], c: number): Piece {
    const first = terms.findIndex((t) => t.coef > 0);
    const order = first > 0 ? [terms[first]!, ...terms.filter((_, i) => i !== first)] : terms;
    let text = '';
    order.forEach((t, i) => {
      const flip = t.coef < 0 && order.length === 1 && c === 0 ? this.flippable(t) : undefined;
      const negative = flip === undefined ? t.coef < 0 : false;
      const body = this.term(t.coef, t.mono, flip).text;
      if (i === 0) text = negative ? `-${body}` : body;
      else text += `${negative ? ' - ' : ' + '}${body}`;
    });
    const constant = numberPiece(Math.abs(c), this.latex).text;
    if (c > 0 && order[0]!.coef < 0) text = `${constant} ${text.replace(/^-/, '- ')}`;
    else if (c !== 0) text += `${c < 0 ? ' - ' : ' + '}${constant}`;
    const single = order.length === 1 && c === 0;
    return { text, prec: single ? (order[0]!.coef < 0 ? 1 : this.term(1, order[0]!.mono).prec) : 1 };
  }

  private name(): string {
    while (this.taken.has(`t${this.next}`)) this.next++;
    return `t${this.next++}`;
  }

  /** The piece of every base used, in id order; a base printed several times is named where that is shorter. */
  build(uses: Uint32Array): void {
    const { bases } = this.table;
    for (let id = 0; id < bases.length; id++) {
      if (!uses[id]) continue;
      const b = bases[id]!;
      let p: Piece;
      if (b.kind === 'input') p = { text: this.latex ? latexName(b.name) : b.name, prec: ATOM };
      else if (b.kind === 'symbol') p = { text: this.latex && b.symbol === 'pi' ? '\\pi' : b.symbol, prec: ATOM };
      else if (b.kind === 'form') p = this.form(b.form, true);
      else p = opPiece({ kind: 'op', op: b.op, args: b.args, param: b.param }, b.args.map((a) => this.pieces[a]!), this.latex);
      this.inline[id] = p.text;
      const n = uses[id]!;
      if (n > 1 && b.kind !== 'input' && b.kind !== 'symbol') {
        const name = this.name();
        const shown = this.latex ? latexName(name) : name;
        if (n * p.text.length > p.text.length + n * shown.length + 4) {
          this.lines.push(`${shown} = ${p.text}`);
          p = { text: shown, prec: ATOM };
        } else this.next--;
      }
      this.pieces[id] = p;
    }
  }
}

/** How many times each base is printed by its users (each user printed once), from the outputs down. */
function useCounts(table: FormTable, outputs: readonly Form[]): Uint32Array {
  const uses = new Uint32Array(table.bases.length);
  const countForm = (f: Form) => {
    for (const t of f.terms.values()) for (const id of t.mono.keys()) uses[id]!++;
  };
  outputs.forEach(countForm);
  for (let id = table.bases.length - 1; id >= 0; id--) {
    if (!uses[id]) continue;
    const b = table.bases[id]!;
    if (b.kind === 'form') countForm(b.form);
    else if (b.kind === 'call') for (const a of b.args) uses[a]!++;
  }
  return uses;
}

/**
 * The simplified print of `outputs` (nodes of a derivative graph): the same outputs and names as printGraph,
 * with the normal form's simplifications and the notes they need.
 */
export function printSimplified(graph: Graph, outputs: readonly PrintedOutput[], format: SymbolicFormat = 'text'): SimplifiedPrint {
  const latex = format === 'latex';
  const { table, forms: built } = simplifyGraph(graph, outputs.map((o) => o.node));
  const count = new OpCount(table);
  const forms = built.map((f) => tidy(table, f, count));
  const taken = new Set<string>([...graph.inputNames, ...Object.keys(FUNCTIONS), ...Object.keys(CONSTANTS)]);
  for (const o of outputs) if (o.name) taken.add(o.name);
  const printer = new Printer(table, latex, taken);
  const uses = useCounts(table, forms);
  for (const note of table.notes) uses[note.base] ||= 1;
  printer.build(uses);
  const lines = [...printer.lines];
  outputs.forEach((o, i) => {
    const text = printer.form(forms[i]!).text;
    if (o.name === undefined && o.latexLabel === undefined) lines.push(text);
    else lines.push(`${latex ? o.latexLabel ?? latexName(o.name!) : o.name!} = ${text}`);
  });
  const seen = new Set<string>();
  const notes: string[] = [];
  for (const n of table.notes) {
    const u = printer.inline[n.base]!;
    const b = table.bases[n.base]!;
    // hypot(1, x) is never 0: its guard never acts, and needs no note.
    const nonzero = (a: number) => ((f) => f.kind === 'form' && f.form.terms.size === 0 && f.form.c !== 0)(table.bases[a]!);
    if (n.kind === 'guard' && b.kind === 'call' && b.args.some(nonzero)) continue;
    const origin = b.kind === 'call' && b.args.every((a) => table.bases[a]!.kind === 'input');
    const where = origin ? ' at the origin' : '';
    const text =
      n.kind === 'positive'
        ? latex ? `\\text{for } ${u} > 0` : `for ${u} > 0`
        : latex ? `\\text{a quotient by } ${u} \\text{ is taken as 0${where}, where } ${u} = 0` : `a quotient by ${u} is taken as 0${where}, where ${u} = 0`;
    if (!seen.has(text)) notes.push(text), seen.add(text);
  }
  return { lines, notes };
}

export interface PrintedDerivative {
  /** The program, lines joined as printGraph joins them (without the notes). */
  text: string;
  notes: string[];
}

/**
 * What `adiff diff` and the library print for derivative nodes: the simplified print, or the plain print of the
 * graph where that is shorter (so no output is ever longer than the graph's own print).
 */
export function printDerivative(graph: Graph, outputs: readonly PrintedOutput[], format: SymbolicFormat = 'text'): PrintedDerivative {
  const join = format === 'latex' ? ' \\\\\n' : '\n';
  const plain = printGraph(graph, outputs, format);
  const simple = printSimplified(graph, outputs, format);
  const text = simple.lines.join(join);
  return text.length <= plain.length ? { text, notes: simple.notes } : { text: plain, notes: [] };
}

/** The derivative with its notes, as printed by `adiff diff` (text: `# …` comment lines; LaTeX: `\text` lines). */
export function withNotes(d: PrintedDerivative, format: SymbolicFormat): string {
  if (!d.notes.length) return d.text;
  if (format === 'latex') return [d.text, ...d.notes].join(' \\\\\n');
  return [d.text, ...d.notes.map((n) => `# ${n}`)].join('\n');
}
