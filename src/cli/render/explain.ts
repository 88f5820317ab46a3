// The reverse sweep worded for a learner, from an Explanation (src/autodiff/explain.ts): the forward pass, then
// one paragraph per node in reverse order, then the gradient. Numbers are shown to 6 significant digits in the
// steps and in full in the result.
import type { ChalkInstance } from 'chalk';
import type { Explanation } from '../../autodiff/explain.js';
import { PRIMS } from '../../autodiff/primitives.js';
import { codePointLength } from '../../diagnostics.js';
import { formatNumber } from './human.js';
import { formatShort } from './numbers.js';

/** v̄3: the label with a combining macron on its letter. */
export const bar = (label: string) => `${label[0]}\u0304${label.slice(1)}`;
const num = (v: number) => formatShort(v);
const paren = (v: number) => (v < 0 || Object.is(v, -0) ? `(${num(v)})` : num(v));

const RULE_NAMES: Partial<Record<string, string>> = {
  add: 'sum rule', sub: 'difference rule', mul: 'product rule', div: 'quotient rule', neg: 'negation',
  powc: 'power rule', pow: 'power rule (variable exponent)', logb: 'logarithm to a base',
};

function ruleName(op: string): string {
  const named = RULE_NAMES[op];
  if (named) return named;
  const form = PRIMS[op as keyof typeof PRIMS].print;
  return form.kind === 'call' ? `derivative of ${form.name}` : op;
}

export function renderExplain(c: ChalkInstance, e: Explanation, heading: string, note?: string): string {
  const out: string[] = [];
  const push = (s = '') => out.push(s);
  push(c.bold(heading));
  if (note) push(c.dim(note));
  push();
  push(c.bold('Forward pass') + ': evaluate every node in order and keep its value.');
  if (e.forward.length === 0) {
    const value = e.outputLabel === num(e.value) ? '' : ` = ${num(e.value)}`;
    push(`  ${c.cyan(`${e.output} = ${e.outputLabel}`)}${value}  ${c.dim('(a constant: there is nothing to evaluate)')}`);
  }
  // A loop, not Math.max(...rows): a spread of 100,000 arguments overflows the stack.
  let width = 0;
  for (const r of e.forward) width = Math.max(width, codePointLength(r.definition));
  for (const r of e.forward) {
    const name = r.names.length > 0 && !r.definition.endsWith(` = ${r.names[0]}`) ? c.magenta(`  (${r.names.join(', ')})`) : '';
    push(`  ${c.cyan(r.definition)}${' '.repeat(width - codePointLength(r.definition))} = ${num(r.value)}${name}`);
  }
  push();
  if (e.dependent) {
    push(`${c.bold('Reverse pass')}: the adjoint ${bar('v')} = ∂${e.output}/∂v of each node, from the output back to the inputs.`);
    push(`Seed ${bar(e.outputLabel)} = ∂${e.output}/∂${e.output} = 1. Each node passes ${bar('v')}·∂v/∂u on to each argument u;`);
    push('a node used by several consumers adds up what they pass on.');
  } else {
    const on = e.allVariables ? 'any variable' : e.gradient.map((g) => g.name).join(', ');
    push(`${c.bold('Reverse pass')}: ${e.output} does not depend on ${on}, so every derivative is 0: there is nothing to sweep.`);
  }
  for (const s of e.dependent ? e.steps : []) {
    push();
    const names = s.names.length > 0 ? c.magenta(`  (${s.names.join(', ')})`) : '';
    const src = s.source && s.kind === 'op' ? c.dim(`  from ‹${s.source}›`) : '';
    push(`${c.cyan.bold(s.definition)}${names}${src}`);
    const adj = bar(s.label);
    if (s.seed) push(`  ${adj} = 1 (the seed: this is the output)`);
    else if (s.received.length === 0) push(`  ${adj} = 0 (nothing reached it)`);
    else if (s.received.length === 1) push(`  ${adj} = ${num(s.adjoint)}, from ${s.received[0]!.from} alone`);
    else {
      const terms = s.received.map((r) => `${paren(r.value)} ${c.dim(`from ${r.from}`)}`).join(' + ');
      push(`  ${adj} = ${terms}`);
      push(`     = ${num(s.adjoint)}  ${c.dim(`(${s.received.length} uses: their contributions add up)`)}`);
    }
    if (s.kind === 'input') continue;
    const rule = ruleName(s.op!);
    const locals = s.partials.map((p) => `∂${s.label}/∂${p.arg} = ${p.symbolic}${p.symbolic === num(p.value) ? '' : ` = ${num(p.value)}`}`);
    push(`  ${c.yellow(rule)}: ${locals.join(',  ')}`);
    if (s.adjoint === 0) {
      push(`  ${adj} is 0: nothing to pass on`);
      continue;
    }
    for (const p of s.partials) {
      if (p.argIsConstant) continue;
      if (p.argSkipped) {
        push(`  ${c.dim(`${p.arg} does not depend on ${e.allVariables ? 'any variable' : 'the chosen variables'}: not followed`)}`);
        continue;
      }
      push(`  ${bar(p.arg)} += ${adj}·∂${s.label}/∂${p.arg} = ${paren(s.adjoint)}·${paren(p.value)} = ${num(p.passed)}`);
    }
  }
  if (e.independent.length > 0) {
    push();
    push(c.dim(`Skipped (they do not depend on ${e.gradient.map((g) => g.name).join(', ')}): ${e.independent.map((i) => i.definition).join('; ')}`));
  }
  if (e.unused.length > 0) {
    push();
    push(c.dim('Outside the effective subgraph (they do not reach the output, so the sweep never visits them):'));
    for (const u of e.unused) push(c.dim(`  ${u.definition}${u.source ? `  from ‹${u.source}›` : ''}`));
  }
  push();
  if (e.gradient.length === 0) {
    push(`${c.bold('Result')}: ${e.output} = ${c.bold(formatNumber(e.value))}; the formula has no variables, so there is nothing to differentiate.`);
    return out.join('\n') + '\n';
  }
  push(c.bold('Result') + (e.dependent ? ': the adjoints of the inputs are the gradient.' : ': every partial derivative is 0.'));
  let labelWidth = 0;
  for (const g of e.gradient) labelWidth = Math.max(labelWidth, codePointLength(`∂${e.output}/∂${g.name}`));
  for (const g of e.gradient) {
    const label = `∂${e.output}/∂${g.name}`;
    const adjoint = e.dependent ? `${bar(g.label)} = ` : '';
    push(`  ${c.cyan(label)}${' '.repeat(labelWidth - codePointLength(label))} = ${adjoint}${c.bold(formatNumber(g.value))}`);
  }
  return out.join('\n') + '\n';
}
