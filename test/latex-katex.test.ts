// Every LaTeX output of the textbook corpus (bench/textbook-corpus.json, all first partials, as `adiff diff
// --format latex` prints them) renders with KaTeX without an error; names and functions are typeset the usual way.
import katex from 'katex';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../src/parser/parse.js';
import { lower } from '../src/autodiff/lower.js';
import { derivativeSet } from '../src/autodiff/derivative.js';
import { latexName } from '../src/autodiff/symbolic.js';
import { printDerivative, withNotes } from '../src/autodiff/print-simplified.js';
import { run } from './helpers/cli.js';

const corpus: { f: string }[] = JSON.parse(readFileSync(new URL('../bench/textbook-corpus.json', import.meta.url), 'utf8'));

function latexOf(f: string): string {
  const l = lower(parse(f));
  const orders = l.graph.inputs.map((_, k) => [k]);
  const set = derivativeSet(l.graph, [l.output.node], orders);
  const out = set.nodes[0]!.map((node, k) => ({ node, name: `d${k}`, latexLabel: `\\frac{\\partial f}{\\partial ${latexName(l.graph.inputNames[k]!)}}` }));
  return withNotes(printDerivative(set.graph, out, 'latex'), 'latex');
}

describe('LaTeX output renders with KaTeX', () => {
  it.each(corpus.map((c) => [c.f]))('%s', (f) => {
    const tex = latexOf(f);
    expect(() => katex.renderToString(tex.replace(/ \\\\\n/g, ' \\\\ '), { throwOnError: true, strict: 'error', displayMode: true })).not.toThrow();
  });

  it.each([['sin(θ)*x₂ + theta*x_1 + alpha_1^2 + rate*x1'], ['hypot(x, y)'], ['exp(ln(x))'], ['max(x, y)*log(x, 3)']])('%s (names, notes, operator names)', (f) => {
    const tex = latexOf(f);
    expect(() => katex.renderToString(tex.replace(/ \\\\\n/g, ' \\\\ '), { throwOnError: true, strict: 'error', displayMode: true })).not.toThrow();
  });

  it('typesets as a typesetter would: fractions, roots, \\cdot only between numbers, Greek names, subscripts', async () => {
    expect(latexOf('sin(x)/x')).toBe('\\frac{\\partial f}{\\partial x} = \\frac{\\cos\\left(x\\right)}{x} - \\frac{\\sin\\left(x\\right)}{{x}^{2}}');
    expect(latexOf('sqrt(x^2 + 1)')).toBe('\\frac{\\partial f}{\\partial x} = \\frac{x}{\\sqrt{{x}^{2} + 1}}');
    expect(latexOf('θ^2*x₂')).toBe('\\frac{\\partial f}{\\partial \\theta} = 2 \\theta x_{2} \\\\\n\\frac{\\partial f}{\\partial x_{2}} = {\\theta}^{2}');
    expect(latexOf('x^3*3^x')).toContain('\\ln\\left(3\\right)');
    const t = await run(['diff', 'theta*x1^2', '--wrt', 'x1', '--format', 'latex']);
    expect(t.stdout).toBe('2 \\theta x_{1}\n');
  });
});
