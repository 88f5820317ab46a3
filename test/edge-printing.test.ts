// Edge points of the printers: non-finite and signed-zero constants in printed derivatives (text re-parses to the
// same numbers; LaTeX uses the usual symbols), LaTeX names and functions, and trace excerpts around astral
// characters. Expected texts follow the notations' definitions, not the program's output.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/autodiff/evaluate.js';
import { GraphBuilder, type Graph } from '../src/autodiff/graph.js';
import { lower } from '../src/autodiff/lower.js';
import { printGraph } from '../src/autodiff/symbolic.js';
import { parse } from '../src/parser/parse.js';
import { json, run } from './helpers/cli.js';

function graphWith(build: (b: GraphBuilder, x: number, y: number) => number): { graph: Graph; out: number } {
  const b = new GraphBuilder(false);
  const x = b.input('x1');
  const y = b.input('theta');
  const out = build(b, x, y);
  return { graph: { nodes: b.nodes, inputs: [0, 1], inputNames: ['x1', 'theta'], names: [] }, out };
}

describe('printed graphs with non-finite and signed-zero constants', () => {
  const cases: [string, number][] = [
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['-0', -0],
    ['1e-20', 1e-20],
    ['-2.5', -2.5],
  ];
  it.each(cases)('a constant %s prints as text that re-parses to the same number', (_label, c) => {
    const { graph, out } = graphWith((b, x) => b.apply('add', [x, b.constant(c)]));
    const text = printGraph(graph, [{ node: out }]);
    const lowered = lower(parse(text));
    const values = evaluate(lowered.graph, [1]);
    const expected = 1 + c; // x1 = 1
    expect(Object.is(values[lowered.output.node], expected) || (Number.isNaN(expected) && Number.isNaN(values[lowered.output.node]!))).toBe(true);
  });

  it('a negated -0 keeps its sign through printing (1/(-0) is -Infinity)', () => {
    const { graph, out } = graphWith((b, x) => b.apply('div', [b.constant(1), b.apply('mul', [x, b.constant(-0)])]));
    const text = printGraph(graph, [{ node: out }]);
    const lowered = lower(parse(text));
    expect(evaluate(lowered.graph, [2])[lowered.output.node]).toBe(-Infinity); // 1/(2*-0)
  });

  it('LaTeX: ∞, NaN, scientific notation, Greek and indexed names, roots, |·| and log bases', () => {
    const { graph, out } = graphWith((b, x, y) => {
      const s = b.apply('add', [b.apply('sqrt', [x]), b.apply('cbrt', [y])]);
      const t = b.apply('add', [b.apply('abs', [x]), b.apply('logb', [y, b.constant(2)])]);
      const u = b.apply('add', [b.constant(Infinity), b.apply('mul', [b.constant(1e-20), b.constant(NaN)])]);
      return b.apply('add', [b.apply('add', [s, t]), b.apply('sub', [u, b.constant(-Infinity)])]);
    });
    const tex = printGraph(graph, [{ node: out, name: 'rate_2' }], 'latex');
    expect(tex).toContain('\\sqrt{x_{1}}');
    expect(tex).toContain('\\sqrt[3]{\\theta}');
    expect(tex).toContain('\\left|x_{1}\\right|');
    expect(tex).toContain('\\log_{2}\\left(\\theta\\right)');
    expect(tex).toContain('\\infty');
    expect(tex).toContain('1 \\times 10^{-20}');
    expect(tex).toContain('\\mathrm{NaN}');
    expect(tex).toMatch(/^\\mathit\{rate\}_\{2\} = |rate_\{2\} = /);
  });
});

describe('trace excerpts of long spans', () => {
  it('never split a surrogate pair where the excerpt is cut', async () => {
    // 𝑥 (U+1D465) is one character, two UTF-16 units; put them around both cut points (60 from each end).
    const term = '𝑥'.repeat(40) + 'a'; // the trailing letter puts the end cut at an odd offset: inside a pair
    const text = '-'.repeat(30) + `${term} + ${term} + ${term}`;
    const t = await run(['eval', text, '--at', `${term}=1`, '--trace', '--json']);
    expect(t.code).toBe(0);
    const sources = (json(t).trace as { source: string }[]).map((r) => r.source);
    for (const s of sources) expect(s).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(sources.some((s) => s.includes(' … '))).toBe(true);
  });
});

describe('step functions callable in the language', () => {
  it('sign(x) at 0 and eq(x, y) at a tie warn about the jump; their derivatives are 0', async () => {
    const s = await run(['eval', 'sign(x) + x', '--at', 'x=0', '--json']);
    expect(json(s)).toMatchObject({ value: 0, gradient: { x: 1 } });
    expect(JSON.parse(s.stderr.trim()).warning.message).toMatch(/sign jumps at 0; its derivative there is taken as 0/);
    const e = await run(['eval', 'eq(x, y) * 3 + y', '--at', 'x=2,y=2', '--json']);
    expect(json(e)).toMatchObject({ value: 5, gradient: { x: 0, y: 1 } });
    expect(JSON.parse(e.stderr.trim()).warning.message).toMatch(/eq jumps where its arguments are equal/);
    const quiet = await run(['eval', 'eq(x, y) + sign(x)', '--at', 'x=2,y=3', '--json']);
    expect(json(quiet)).toMatchObject({ value: 1, gradient: { x: 0, y: 0 } });
    expect(quiet.stderr).toBe('');
  });
});
