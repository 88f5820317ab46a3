// Graph → formula: prints nodes of a graph (typically a derivative graph) as a program in adiff's own language,
// which `parse` + `lower` read back into the same operations (so it evaluates to the same numbers), or as LaTeX.
//
// - Minimal parentheses, from the grammar's precedence ladder: `+ -` (1) < `* /` (2) < prefix minus (3) < `^` (4)
//   < atoms (5). Every operator is left-associative except `^`; a right operand of equal precedence keeps its
//   parentheses (`a - (b - c)`, and also `a + (b + c)`, so floating-point evaluation order is preserved exactly).
// - No swelling: a node used more than once becomes an assignment `t1 = cos(x)` printed once, so the text stays
//   within a small constant factor of the graph's size.
// - No recursion: one loop over the nodes in topological order builds each node's text from its arguments' texts.
import type { Graph, GraphNode, NodeId } from './graph.js';
import { reaching } from './graph.js';
import { CONSTANTS, FUNCTIONS } from './lower.js';
import { PRIMS } from './primitives.js';

export type SymbolicFormat = 'text' | 'latex';

export interface PrintedOutput {
  node: NodeId;
  /** Assigned to this name (text format); without a name, the output is printed as a bare expression. */
  name?: string;
  /** The left-hand side in LaTeX (e.g. `\frac{\partial f}{\partial x}`); defaults to the name. */
  latexLabel?: string;
}

export interface Piece {
  text: string;
  prec: number;
}

export const ATOM = 5;
export const POWER = 4;
export const UNARY = 3;

/** A number as the language reads it back exactly (shortest round-trip form), with its precedence. */
export function numberPiece(v: number, latex: boolean): Piece {
  if (Number.isNaN(v)) return { text: latex ? '\\mathrm{NaN}' : '(0/0)', prec: ATOM };
  if (v === Infinity) return { text: latex ? '\\infty' : '(1/0)', prec: ATOM };
  if (v === -Infinity) return { text: latex ? '-\\infty' : '(-1/0)', prec: latex ? UNARY : ATOM };
  if (Object.is(v, -0)) return { text: '-0', prec: UNARY };
  let text = String(v);
  if (latex && /e/.test(text)) {
    const [m, e] = text.split('e');
    return { text: `${m} \\times 10^{${Number(e)}}`, prec: v < 0 ? UNARY : 2 };
  }
  return { text, prec: v < 0 ? UNARY : ATOM };
}

const LATEX_FUNCTIONS: Record<string, string> = {
  sin: '\\sin', cos: '\\cos', tan: '\\tan', sec: '\\sec', csc: '\\csc', cot: '\\cot',
  asin: '\\arcsin', acos: '\\arccos', atan: '\\arctan', sinh: '\\sinh', cosh: '\\cosh', tanh: '\\tanh',
  exp: '\\exp', ln: '\\ln', log10: '\\log_{10}', log2: '\\log_{2}', min: '\\min', max: '\\max',
  coth: '\\coth', gamma: '\\Gamma', digamma: '\\psi',
};

const GREEK = new Set(['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'nu', 'xi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'chi', 'psi', 'omega', 'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Pi', 'Sigma', 'Upsilon', 'Phi', 'Psi', 'Omega']);

/** Greek letters as written (θ) → their LaTeX commands; the capitals that look Latin (Α, Β, …) have none. */
const GREEK_LETTERS: Record<string, string> = {
  α: 'alpha', β: 'beta', γ: 'gamma', δ: 'delta', ε: 'epsilon', ϵ: 'epsilon', ζ: 'zeta', η: 'eta', θ: 'theta', ϑ: 'vartheta',
  ι: 'iota', κ: 'kappa', λ: 'lambda', μ: 'mu', ν: 'nu', ξ: 'xi', π: 'pi', ρ: 'rho', σ: 'sigma', ς: 'varsigma', τ: 'tau',
  υ: 'upsilon', φ: 'phi', ϕ: 'phi', χ: 'chi', ψ: 'psi', ω: 'omega', Γ: 'Gamma', Δ: 'Delta', Θ: 'Theta', Λ: 'Lambda',
  Ξ: 'Xi', Π: 'Pi', Σ: 'Sigma', Υ: 'Upsilon', Φ: 'Phi', Ψ: 'Psi', Ω: 'Omega',
};

const SUBSCRIPT_DIGITS = '₀₁₂₃₄₅₆₇₈₉';

/** One part of a name: a Greek letter (θ or theta) as its command, one letter as is, a longer word in \mathit. */
function latexWord(word: string): string {
  if (GREEK.has(word)) return `\\${word}`;
  const chars = Array.from(word);
  if (chars.length === 1) return GREEK_LETTERS[word] ? `\\${GREEK_LETTERS[word]}` : word;
  const body = chars.map((c) => (GREEK_LETTERS[c] ? `\\${GREEK_LETTERS[c]} ` : c === '_' ? '\\_' : c)).join('').trimEnd();
  return `\\mathit{${body}}`;
}

/**
 * A variable name in LaTeX: `x1`, `x_1` and `x₁` → `x_{1}`; `theta` and `θ` → `\theta`; `alpha_1` → `\alpha_{1}`;
 * `rate` → `\mathit{rate}`.
 */
export function latexName(name: string): string {
  const plain = name.replace(/[\u2080-\u2089]+/gu, (run) => `_${Array.from(run, (c) => SUBSCRIPT_DIGITS.indexOf(c)).join('')}`);
  const m = /^([^\d_]+?)_?(\d+)$/u.exec(plain) ?? /^([^_]+)_(.+)$/u.exec(plain);
  if (m) return `${latexWord(m[1]!)}_{${m[2]!.replace(/_/g, '\\_')}}`;
  return latexWord(plain);
}

export const wrap = (p: Piece, min: number, latex: boolean) =>
  p.prec >= min ? p.text : latex ? `\\left(${p.text}\\right)` : `(${p.text})`;

/** The text of one operation node over its arguments' pieces. */
export function opPiece(node: Extract<GraphNode, { kind: 'op' }>, args: Piece[], latex: boolean): Piece {
  const form = PRIMS[node.op].print;
  const [a, b] = args;
  // A prefix minus as the right operand of a binary operator gets parentheses for readability: a - (-b).
  const right = (p: Piece, min: number) => (p.prec === UNARY ? wrap(p, ATOM, latex) : wrap(p, min, latex));
  switch (form.kind) {
    case 'infix':
      if (latex && form.symbol === '/') return { text: `\\frac{${a!.text}}{${b!.text}}`, prec: POWER };
      if (form.symbol === '+' || form.symbol === '-') return { text: `${wrap(a!, 1, latex)} ${form.symbol} ${right(b!, 2)}`, prec: 1 };
      return { text: `${wrap(a!, 2, latex)}${latex ? ' \\cdot ' : form.symbol}${right(b!, 3)}`, prec: 2 };
    case 'prefix':
      return { text: `-${wrap(a!, POWER, latex)}`, prec: UNARY };
    case 'power': {
      const exponent = node.op === 'powc' ? numberPiece(node.param, latex) : b!;
      if (latex) return { text: `{${wrap(a!, ATOM, true)}}^{${exponent.text}}`, prec: POWER };
      return { text: `${wrap(a!, ATOM, false)}^${wrap(exponent, POWER, false)}`, prec: POWER };
    }
    case 'call': {
      if (!latex) return { text: `${form.name}(${args.map((p) => p.text).join(', ')})`, prec: ATOM };
      const inner = args.map((p) => p.text).join(', ');
      switch (node.op) {
        case 'sqrt':
          return { text: `\\sqrt{${inner}}`, prec: ATOM };
        case 'cbrt':
          return { text: `\\sqrt[3]{${inner}}`, prec: ATOM };
        case 'abs':
          return { text: `\\left|${inner}\\right|`, prec: ATOM };
        case 'logb':
          return { text: `\\log_{${b!.text}}\\left(${a!.text}\\right)`, prec: ATOM };
        case 'nthRoot':
          return { text: `\\sqrt[${b!.text}]{${a!.text}}`, prec: ATOM };
        case 'polygamma':
          return { text: `\\psi^{(${a!.text})}\\left(${b!.text}\\right)`, prec: ATOM };
        case 'lgamma':
          return { text: `\\ln\\left|\\Gamma\\left(${inner}\\right)\\right|`, prec: ATOM };
        case 'floor':
          return { text: `\\left\\lfloor ${inner} \\right\\rfloor`, prec: ATOM };
        case 'ceil':
          return { text: `\\left\\lceil ${inner} \\right\\rceil`, prec: ATOM };
      }
      const name = LATEX_FUNCTIONS[node.op] ?? `\\operatorname{${form.name}}`;
      return { text: `${name}\\left(${inner}\\right)`, prec: ATOM };
    }
  }
}

/** Names that a temporary must not take: the inputs, the outputs, functions and constants. */
export function tempNamer(graph: Graph, outputs: readonly PrintedOutput[]): () => string {
  const taken = new Set<string>([...graph.inputNames, ...Object.keys(FUNCTIONS), ...Object.keys(CONSTANTS)]);
  for (const o of outputs) if (o.name) taken.add(o.name);
  let next = 1;
  return () => {
    while (taken.has(`t${next}`)) next++;
    return `t${next++}`;
  };
}

/**
 * Prints `outputs` (nodes of `graph`) as one program: shared subexpressions first as `tN = …` assignments,
 * then one line per output (`name = …`, or the bare expression for an unnamed output). Text lines are joined
 * by newlines; LaTeX lines by ` \\` and a newline.
 */
export function printGraph(graph: Graph, outputs: readonly PrintedOutput[], format: SymbolicFormat = 'text'): string {
  const latex = format === 'latex';
  const { nodes } = graph;
  const roots = outputs.map((o) => o.node);
  const mask = reaching(nodes, roots);
  const uses = new Uint32Array(nodes.length);
  for (const r of roots) uses[r]!++;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (mask[i] && n.kind === 'op') for (const a of n.args) uses[a]!++;
  }
  const newTemp = tempNamer(graph, outputs);
  const pieces: (Piece | undefined)[] = new Array(nodes.length);
  const lines: string[] = [];
  const assign = (lhs: string, rhs: string) => lines.push(`${lhs} = ${rhs}`);
  for (let i = 0; i < nodes.length; i++) {
    if (!mask[i]) continue;
    const n = nodes[i]!;
    let piece: Piece;
    if (n.kind === 'input') piece = { text: latex ? latexName(n.name) : n.name, prec: ATOM };
    else if (n.kind === 'const') {
      piece = n.symbol ? { text: latex && n.symbol === 'pi' ? '\\pi' : n.symbol, prec: ATOM } : numberPiece(n.value, latex);
    } else {
      piece = opPiece(n, n.args.map((a) => pieces[a]!), latex);
      if (uses[i]! > 1) {
        const name = newTemp();
        assign(latex ? latexName(name) : name, piece.text);
        piece = { text: latex ? latexName(name) : name, prec: ATOM };
      }
    }
    pieces[i] = piece;
  }
  for (const o of outputs) {
    const text = pieces[o.node]!.text;
    if (o.name === undefined && o.latexLabel === undefined) lines.push(text);
    else assign(latex ? o.latexLabel ?? latexName(o.name!) : o.name!, text);
  }
  return lines.join(latex ? ' \\\\\n' : '\n');
}
