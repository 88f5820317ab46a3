// The reverse sweep as a worked example: for every node, in reverse order, the contributions its adjoint was
// summed from, the rule applied (each local partial written symbolically — from the rule table itself, run with
// formulas as the carrier — and numerically), and what it passes on to its arguments. The same numbers as the
// trace; a renderer words them for a learner.
import { term } from './evaluate.js';
import { dependsOnInput, usersOf, type Graph, type NodeId } from './graph.js';
import type { Lowered } from './lower.js';
import type { PointResult } from './gradient.js';
import { makeOps, PRIMS, type Ops, type PrimName } from './primitives.js';
import { sourceExcerpt } from '../diagnostics.js';
import { definitionOf, formatConstant, namesByNode, wengertLabels } from './trace.js';
import { outputLabel } from './outputs.js';

/** A formula with the precedence of its outermost operator: 1 `+ -`, 2 `* /`, 3 prefix minus, 4 `^`, 5 atom. */
export interface Formula {
  text: string;
  prec: number;
}

const ATOM = 5;

function wrap(f: Formula, needed: number): string {
  return f.prec < needed ? `(${f.text})` : f.text;
}

/**
 * Formulas as the carrier of the rule table: `PRIMS[op].partials(formulaOps, …)` writes a rule's local partials
 * as text, the same rule the numeric sweeps run. Only the trivial identities 1·x, x·1, x^1 are tidied.
 */
export const formulaOps: Ops<Formula> = makeOps<Formula>(
  (c) => ({ text: String(c), prec: c < 0 || Object.is(c, -0) ? 3 : ATOM }),
  (op: PrimName, args: Formula[], param: number): Formula => {
    const form = PRIMS[op].print;
    const [a, b] = args;
    switch (form.kind) {
      case 'infix': {
        if (op === 'mul' && a!.text === '1') return b!;
        if (op === 'mul' && b!.text === '1') return a!;
        const right = form.symbol === '-' || form.symbol === '/' ? form.prec + 1 : form.prec;
        return { text: `${wrap(a!, form.prec)} ${form.symbol} ${wrap(b!, right)}`, prec: form.prec };
      }
      case 'prefix':
        return { text: `-${wrap(a!, 3)}`, prec: 3 };
      case 'power':
        if (op === 'powc') {
          if (param === 1) return a!;
          return { text: `${wrap(a!, ATOM)}^${param < 0 ? `(${param})` : param}`, prec: 4 };
        }
        return { text: `${wrap(a!, ATOM)}^${wrap(b!, 4)}`, prec: 4 };
      case 'call':
        return { text: `${form.name}(${args.map((x) => x.text).join(', ')})`, prec: ATOM };
    }
  },
);

export interface Contribution {
  /** The consumer's label, its adjoint, the local partial ∂consumer/∂this, and their product. */
  from: string;
  adjoint: number;
  partial: number;
  value: number;
}

export interface LocalPartial {
  /** The argument's label (or the constant as written). */
  arg: string;
  argIsConstant: boolean;
  /** With --wrt: the argument does not depend on those variables, so its adjoint is not followed. */
  argSkipped: boolean;
  symbolic: string;
  value: number;
  /** What this node passes on: adjoint × partial (the zero-skip rule: 0 when either is 0). */
  passed: number;
}

export interface ExplainStep {
  node: NodeId;
  label: string;
  kind: 'input' | 'op';
  definition: string;
  names: string[];
  source: string;
  value: number;
  adjoint: number;
  /** True for the output (its adjoint is the seed 1). */
  seed: boolean;
  /** Where the adjoint came from, one entry per use by a consumer, in the order they were added. */
  received: Contribution[];
  /** For an operation: the rule's name and its local partials. */
  op?: PrimName;
  partials: LocalPartial[];
}

export interface Explanation {
  output: string;
  /** The output node's label (`v3`), or the constant as written when the output is a constant (`5`, `pi`). */
  outputLabel: string;
  value: number;
  /**
   * Whether the output depends on any of the variables differentiated (all of them, or --wrt's). When it does
   * not — a constant, `2+3`, `sin(2)`, or `x` with --wrt y — every derivative is 0 and there is nothing to sweep.
   */
  dependent: boolean;
  /** Whether every variable of the formula is differentiated (no --wrt, or --wrt naming them all). */
  allVariables: boolean;
  /** Forward pass: every node of the sweep in evaluation order. */
  forward: { label: string; definition: string; source: string; value: number; names: string[] }[];
  /** Backward pass: the steps in reverse order (the output first), then the inputs. */
  steps: ExplainStep[];
  /** Operations outside the effective subgraph (they do not reach the output). */
  unused: { label: string; definition: string; source: string }[];
  /** With --wrt: operations of the effective subgraph skipped because they do not depend on those variables. */
  independent: { label: string; definition: string }[];
  gradient: { name: string; label: string; value: number }[];
}

/** The explanation of `result.output` (any output of the program, not only its default one). */
export function explainReverse(lowered: Lowered, result: PointResult, outputName?: string): Explanation {
  const { graph, source } = lowered;
  const { mask, values, partials } = result;
  const labels = wengertLabels(graph, mask);
  // Operations outside the effective subgraph get labels u1, u2, … as in `adiff graph`.
  let unusedCount = 1;
  graph.nodes.forEach((n, id) => {
    if (n.kind === 'op' && !labels.has(id)) labels.set(id, `u${unusedCount++}`);
  });
  // A bounded excerpt: each node of a deep chain spans nearly the whole text (see sourceExcerpt).
  const text = (id: NodeId) => sourceExcerpt(source.text, graph.nodes[id]!.span);
  const names = namesByNode(graph.names);
  const argFormula = (g: Graph, a: NodeId): Formula => {
    const n = g.nodes[a]!;
    if (n.kind === 'const') {
      const t = formatConstant(n);
      return { text: t, prec: t.startsWith('(') || !t.startsWith('-') ? ATOM : 3 };
    }
    return { text: labels.get(a)!, prec: ATOM };
  };

  // Which nodes matter for the requested partials: those that depend on a --wrt input.
  const wrtSet = new Set(result.wrt.map((k) => graph.inputs[k]!));
  const relevant = new Uint8Array(graph.nodes.length);
  graph.nodes.forEach((n, id) => {
    if (n.kind === 'input') relevant[id] = wrtSet.has(id) ? 1 : 0;
    else if (n.kind === 'op') relevant[id] = n.args.some((a) => relevant[a]) ? 1 : 0;
  });
  const depends = dependsOnInput(graph.nodes);

  const adjoint = new Float64Array(graph.nodes.length);
  const received: Contribution[][] = graph.nodes.map(() => []);
  const output = result.output;
  adjoint[output] = 1;
  // A node's adjoint is pulled from its consumers, first consumer first, as reverseSweep adds them (reverse.ts).
  const users = usersOf(graph.nodes);
  const pull = (id: NodeId) => {
    for (let k = users.start[id]!; k < users.start[id + 1]!; k++) {
      const c = users.node[k]!;
      if (!mask[c] || !relevant[c]) continue;
      const a = adjoint[c]!;
      const p = partials[c]![users.position[k]!]!;
      const passed = term(p, a);
      adjoint[id] += passed;
      received[id]!.push({ from: labels.get(c)!, adjoint: a, partial: p, value: passed });
    }
  };
  const steps: ExplainStep[] = [];
  const independent: Explanation['independent'] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    if (!mask[i] || n.kind !== 'op') continue;
    if (!relevant[i]) {
      if (depends[i]) independent.push({ label: labels.get(i)!, definition: `${labels.get(i)!} = ${definitionOf(graph, i, labels)}` });
      continue;
    }
    pull(i);
    const a = adjoint[i]!;
    const symbolic = PRIMS[n.op].partials(formulaOps, n.args.map((x) => argFormula(graph, x)), { text: labels.get(i)!, prec: ATOM }, n.param);
    const local: LocalPartial[] = n.args.map((arg, j) => {
      const p = partials[i]![j]!;
      const passed = term(p, a);
      const isConst = graph.nodes[arg]!.kind === 'const';
      return { arg: argFormula(graph, arg).text, argIsConstant: isConst, argSkipped: !isConst && !relevant[arg], symbolic: symbolic[j]!.text, value: p, passed };
    });
    steps.push({
      node: i,
      label: labels.get(i)!,
      kind: 'op',
      definition: `${labels.get(i)!} = ${definitionOf(graph, i, labels)}`,
      names: names.get(i) ?? [],
      source: text(i),
      value: values[i]!,
      adjoint: a,
      seed: i === output,
      received: received[i]!,
      op: n.op,
      partials: local,
    });
  }
  for (const id of wrtSet) pull(id);
  const gradient = result.wrt.map((k) => {
    const id = graph.inputs[k]!;
    return { name: graph.inputNames[k]!, label: labels.get(id)!, value: adjoint[id]! };
  });
  for (const k of result.wrt) {
    const id = graph.inputs[k]!;
    steps.push({
      node: id,
      label: labels.get(id)!,
      kind: 'input',
      definition: `${labels.get(id)!} = ${graph.inputNames[k]!}`,
      names: names.get(id) ?? [],
      source: '',
      value: values[id]!,
      adjoint: adjoint[id]!,
      seed: id === output,
      received: received[id]!,
      partials: [],
    });
  }
  const forward: Explanation['forward'] = [];
  graph.nodes.forEach((n, id) => {
    if (n.kind === 'const' || !mask[id]) return;
    forward.push({
      label: labels.get(id)!,
      definition: `${labels.get(id)!} = ${definitionOf(graph, id, labels)}`,
      source: n.kind === 'op' ? text(id) : '',
      value: values[id]!,
      names: names.get(id) ?? [],
    });
  });
  const unused: Explanation['unused'] = [];
  graph.nodes.forEach((n, id) => {
    if (n.kind === 'op' && !mask[id]) unused.push({ label: labels.get(id)!, definition: `${labels.get(id)!} = ${definitionOf(graph, id, labels)}`, source: text(id) });
  });
  return {
    output: outputName ?? outputLabel(lowered),
    outputLabel: labels.get(output) ?? definitionOf(graph, output, labels),
    value: values[output]!,
    dependent: relevant[output] === 1,
    allVariables: result.wrt.length === graph.inputs.length,
    forward,
    steps,
    unused,
    independent,
    gradient,
  };
}
