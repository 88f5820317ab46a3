// Prints the normal forms of simplify.ts the way a textbook writes them: coefficients first and as fractions
// (`x^2/2`, not `0.5*x^2`), factors with negative exponents under one division bar (`a/(b*c)`), sqrt for the
// exponent 1/2, a positive term first (`cos(x)/x - sin(x)/x^2`), a common factor of a sum's terms taken out when
// that is shorter. A base printed more than once is named (`t1 = …`) only where naming makes the text shorter.
// One loop over the bases in id order (every base's parts have smaller ids): no recursion.
import type { Graph } from './graph.js';
import { FUNCTIONS, CONSTANTS } from './lower.js';
import { ATOM, latexName, numberPiece, opPiece, POWER, wrap, type Piece, type PrintedOutput, type SymbolicFormat } from './symbolic.js';
import { simplifyGraph, type Base, type Form, type FormTable, type Term } from './simplify.js';

export interface SimplifiedPrint {
  /** The program: `tN = …` lines, then one line per output. */
  lines: string[];
  /** Conditions under which the printed form is the derivative (`x > 0`), as text of the same format. */
  notes: string[];
}

/** A coefficient as p/q with a small q, when it is exactly that. */
function ratio(k: number): [number, number] {
  for (let q = 1; q <= 64; q++) {
    const p = k * q;
    if (Number.isInteger(p) && Math.abs(p) < 1e15 && p / q === k) return [p, q];
  }
  return [k, 1];
}

const KIND_ORDER: Record<Base['kind'], number> = { symbol: 0, input: 1, call: 2, form: 3 };

class Printer {
  readonly pieces: Piece[] = [];
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

  /** One factor base^e (e > 0). */
  private factor(id: number, e: number): Piece {
    const p = this.pieces[id]!;
    if (e === 1) return p;
    if (e === 0.5) return { text: this.latex ? `\\sqrt{${p.text}}` : `sqrt(${p.text})`, prec: ATOM };
    const ex = numberPiece(e, this.latex);
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
  term(coef: number, mono: Map<number, number>): Piece {
    const [p, q] = ratio(Math.abs(coef));
    const num: Piece[] = [];
    const den: Piece[] = [];
    if (p !== 1) num.push(numberPiece(p, this.latex));
    if (q !== 1) den.push(numberPiece(q, this.latex));
    for (const [id, e] of this.ordered(mono)) (e > 0 ? num : den).push(this.factor(id, Math.abs(e)));
    const top = num.length ? this.product(num) : numberPiece(1, this.latex);
    if (!den.length) return top;
    const bottom = this.product(den);
    if (this.latex) return { text: `\\frac{${top.text}}{${bottom.text}}`, prec: POWER };
    return { text: `${wrap(top, 2, false)}/${wrap(bottom, 3, false)}`, prec: 2 };
  }

  /** A sum: a positive term first, the constant last; a common factor taken out when shorter. */
  form(f: Form): Piece {
    const terms = [...f.terms.values()];
    if (terms.length === 0) return numberPiece(f.c, this.latex);
    const plain = this.sum(terms, f.c);
    if (f.c !== 0 || terms.length < 2) return plain;
    const common = new Map<number, number>();
    for (const [id, e] of terms[0]!.mono) if (e > 0) common.set(id, e);
    for (const t of terms.slice(1)) {
      for (const [id, e] of common) {
        const m = t.mono.get(id);
        if (m === undefined || m <= 0) common.delete(id);
        else common.set(id, Math.min(e, m));
      }
    }
    if (common.size === 0) return plain;
    const rest = terms.map((t) => {
      const mono = new Map(t.mono);
      for (const [id, e] of common) {
        const m = mono.get(id)! - e;
        if (m === 0) mono.delete(id);
        else mono.set(id, m);
      }
      return { coef: t.coef, mono, h: 0 };
    });
    const inner = this.sum(rest, 0);
    const lead = this.term(1, common);
    const factored = this.product([lead, { text: wrap(inner, ATOM, this.latex), prec: ATOM }]);
    return factored.text.length < plain.text.length ? factored : plain;
  }

  private sum(terms: Term[], c: number): Piece {
    const first = terms.findIndex((t) => t.coef > 0);
    const order = first > 0 ? [terms[first]!, ...terms.filter((_, i) => i !== first)] : terms;
    let text = '';
    order.forEach((t, i) => {
      const body = this.term(t.coef, t.mono).text;
      if (i === 0) text = t.coef < 0 ? `-${body}` : body;
      else text += `${t.coef < 0 ? ' - ' : ' + '}${body}`;
    });
    if (c !== 0) text += `${c < 0 ? ' - ' : ' + '}${numberPiece(Math.abs(c), this.latex).text}`;
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
      else if (b.kind === 'form') p = this.form(b.form);
      else p = opPiece({ kind: 'op', op: b.op, args: b.args, param: b.param }, b.args.map((a) => this.pieces[a]!), this.latex);
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
  const { table, forms } = simplifyGraph(graph, outputs.map((o) => o.node));
  const taken = new Set<string>([...graph.inputNames, ...Object.keys(FUNCTIONS), ...Object.keys(CONSTANTS)]);
  for (const o of outputs) if (o.name) taken.add(o.name);
  const printer = new Printer(table, latex, taken);
  const uses = useCounts(table, forms);
  for (const note of table.notes) uses[note.base]! += 1;
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
    const u = printer.pieces[n.base]!.text;
    const text =
      n.kind === 'positive'
        ? latex ? `\\text{for } ${u} > 0` : `for ${u} > 0`
        : latex ? `\\text{a quotient by } ${u} \\text{ is taken as 0 where } ${u} = 0` : `a quotient by ${u} is taken as 0 where ${u} = 0`;
    if (!seen.has(text)) notes.push(text), seen.add(text);
  }
  return { lines, notes };
}
