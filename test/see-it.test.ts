// graph, check, explain, plot, repl, completion and help: golden files for what people read (each reviewed by
// hand), independent numbers for what they compute, Graphviz for the DOT it emits where `dot` is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, run } from './helpers/cli.js';
import { expectGolden } from './helpers/golden.js';
import { PRIMS, type Ops } from '../src/autodiff/primitives.js';
import { formulaOps } from '../src/autodiff/explain.js';
import { clipCurve, niceTicks, yRange } from '../src/cli/render/plot-scale.js';
import { formatShort } from '../src/cli/render/numbers.js';
import { buildProgram } from '../src/cli/program.js';
import { needsMore } from '../src/cli/commands/repl.js';

const hasDot = spawnSync('dot', ['-V']).status === 0;
const TEXTBOOK = 'b = 5 - 3a; c = 2b + 3; d = 5b + 6; e = 7c + d^2; f = 2e; g = 3f - o';

afterEach(() => vi.restoreAllMocks());

describe('adiff graph', () => {
  it('draws the textbook program as a tree, with assigned names, values and adjoints', async () => {
    const t = await run(['graph', TEXTBOOK, '--at', 'a=2,o=1']);
    expect(t.code).toBe(0);
    expectGolden('graph/textbook-at.txt', t.stdout);
  });

  it('annotates adjoints that match the hand derivation (a=2, o=1: d = 1, ∂g/∂b = 84 + 60d)', async () => {
    const g = json(await run(['graph', TEXTBOOK, '--at', 'a=2,o=1', '--format', 'json']));
    const byName = (n: string) => g.nodes.find((x: any) => x.names.includes(n));
    expect(byName('g').value).toBe(47);
    expect(byName('f').adjoint).toBe(3);
    expect(byName('e').adjoint).toBe(6);
    expect(byName('c').adjoint).toBe(42);
    expect(byName('d').adjoint).toBe(12);
    expect(byName('b').adjoint).toBe(144);
    expect(g.nodes.find((x: any) => x.kind === 'input' && x.symbol === 'a').adjoint).toBe(-432);
    expect(g.nodes.find((x: any) => x.kind === 'input' && x.symbol === 'o').adjoint).toBe(-1);
    expect(g.outputs).toEqual([byName('g').id]);
  });

  it('draws a shared node once, with one edge per use (diamond b = x*x; b + b)', async () => {
    const g = json(await run(['graph', 'b = x*x; b + b', '--json']));
    expect(g.nodes.map((n: any) => n.definition)).toEqual(['v0 = x', 'v1 = v0 * v0', 'v2 = v1 + v1']);
    expect(g.edges).toEqual([
      { from: 'v0', to: 'v1', position: 0 },
      { from: 'v0', to: 'v1', position: 1 },
      { from: 'v1', to: 'v2', position: 0 },
      { from: 'v1', to: 'v2', position: 1 },
    ]);
    expectGolden('graph/diamond.txt', (await run(['graph', 'b = x*x; b + b'])).stdout);
  });

  it('shows tangents in forward mode: d/dx of (x+y)*x at (2,3) is 2x + y = 7', async () => {
    const g = json(await run(['graph', '(x+y)*x', '--at', 'x=2,y=3', '--mode', 'forward', '--wrt', 'x', '--json']));
    expect(g.nodes.map((n: any) => n.tangent)).toEqual([1, 0, 1, 7]);
    expectGolden('graph/forward.mermaid', (await run(['graph', '(x+y)*x', '--at', 'x=2,y=3', '--mode', 'forward', '--wrt', 'x', '--format', 'mermaid'])).stdout);
  });

  it('marks nodes outside the effective subgraph', async () => {
    const g = json(await run(['graph', 'u = sin(y); x^2', '--json']));
    expect(g.nodes.filter((n: any) => !n.effective).map((n: any) => n.definition)).toEqual(['v-1 = y', 'u1 = sin(v-1)']);
    expect(g.nodes.filter((n: any) => n.effective).map((n: any) => n.definition)).toEqual(['v0 = x', 'v1 = v0 ^ 2']);
  });

  it('JSON carries the program once (expression) and per node a bounded source excerpt and its span in code points', async () => {
    const g = json(await run(['graph', 'b = x*y; b + sin(b)', '--json']));
    expect(g.expression).toBe('b = x*y; b + sin(b)');
    // Counted by hand: x*y starts at 4; sin(b) at 13; b + sin(b) at 9; the text is 19 characters long.
    expect(g.nodes.map((n: any) => [n.id, n.source, n.span])).toEqual([
      ['v-1', '', null],
      ['v0', '', null],
      ['v1', 'x*y', [4, 7]],
      ['v2', 'sin(b)', [13, 19]],
      ['v3', 'b + sin(b)', [9, 19]],
    ]);
    // Spans count code points, not UTF-16 units: 𝑥 (U+1D465) is one character, two units.
    const u = json(await run(['graph', 'θ = x/y; 𝑥*θ + 1', '--json']));
    const chars = Array.from(u.expression as string);
    for (const n of u.nodes.filter((n: any) => n.span)) expect(chars.slice(n.span[0], n.span[1]).join('')).toBe(n.source);
    expect(u.nodes.find((n: any) => n.source === '𝑥*θ + 1').span).toEqual([9, 16]);
  });

  it('--backward draws the derivative graph: ∂(x*y + sin x)/∂x = y + cos x, ∂/∂y = x', async () => {
    const g = json(await run(['graph', 'x*y + sin(x)', '--backward', '--at', 'x=1,y=2', '--json']));
    const dx = g.nodes.find((n: any) => n.names.includes('∂f/∂x'));
    const dy = g.nodes.find((n: any) => n.names.includes('∂f/∂y'));
    expect(dx.value).toBeCloseTo(2 + Math.cos(1), 14);
    expect(dy.kind).toBe('input');
    expect(dy.symbol).toBe('x');
    expectGolden('graph/backward.txt', (await run(['graph', 'x*y + sin(x)', '--backward', '--at', 'x=1,y=2'])).stdout);
  });

  it('a 1,000-deep composition draws without overflowing and continues below past the depth limit', async () => {
    const expr = 'sin('.repeat(1000) + 'x' + ')'.repeat(1000);
    const t = await run(['graph', expr]);
    expect(t.code).toBe(0);
    expect(Math.max(...t.stdout.split('\n').map((l) => l.length))).toBeLessThan(120);
    expect(t.stdout).toContain('(continued):');
  });

  it('emits DOT with quoting', async () => {
    const t = await run(['graph', 'θ = x/y; ln(θ) - θ^2', '--at', 'x=1,y=2', '--format', 'dot']);
    expectGolden('graph/ratio.dot', t.stdout);
  });

  it.skipIf(!hasDot)('DOT output renders with Graphviz (several programs, with and without --at, --backward)', async () => {
    const cases = [
      ['graph', 'ln(x1)+x1*x2-sin(x2)', '--format', 'dot'],
      ['graph', TEXTBOOK, '--at', 'a=2,o=1', '--format', 'dot'],
      ['graph', 'θ = x/y; u = 3; ln(θ) - θ^2 + max(x, y, 1)', '--at', 'x=1,y=2', '--format', 'dot'],
      ['graph', 'x*y + sin(x)', '--backward', '--format', 'dot'],
      ['graph', '2', '--format', 'dot'],
    ];
    for (const argv of cases) {
      const t = await run(argv);
      expect(t.code).toBe(0);
      const r = spawnSync('dot', ['-Tsvg'], { input: t.stdout });
      expect(r.stderr.toString()).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.toString()).toContain('<svg');
    }
  });

  it('emits a well-formed Mermaid flowchart: declared nodes, edges between them, classes', async () => {
    for (const expr of ['ln(x1)+x1*x2-sin(x2)', TEXTBOOK, 'θ = x/y; u = 1; θ^2']) {
      const lines = (await run(['graph', expr, '--format', 'mermaid'])).stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('flowchart LR');
      const declared = new Set<string>();
      for (const line of lines.slice(1)) {
        const node = /^ {2}(n\d+)(\["[^"]*"\]|\("[^"]*"\)|\{\{"[^"]*"\}\})$/.exec(line);
        const edge = /^ {2}(n\d+) -->(\|\d\|)? (n\d+)$/.exec(line);
        const cls = /^ {2}(classDef \w+ \S.*|class n\d+(,n\d+)* \w+)$/.exec(line);
        expect(node || edge || cls, line).toBeTruthy();
        if (node) declared.add(node[1]!);
        if (edge) expect(declared.has(edge[1]!) && declared.has(edge[3]!), line).toBe(true);
      }
    }
  });
});

describe('adiff check', () => {
  it('agrees on the worked example and prints the table', async () => {
    const t = await run(['check', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5']);
    expect(t.code).toBe(0);
    expectGolden('check/worked.txt', t.stdout);
    const j = json(await run(['check', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5', '--json']));
    expect(j.ok).toBe(true);
    // ∂/∂x2 = x1 - cos(x2), by hand.
    expect(j.partials.x2.central.value).toBeCloseTo(2 - Math.cos(5), 8);
    expect(j.partials.x1.step).toBeCloseTo(Math.cbrt(Number.EPSILON) * 2, 12);
  });

  it('fails (exit 1) when a rule in the table is wrong: sin′ = -cos injected', async () => {
    vi.spyOn(PRIMS.sin, 'partials').mockImplementation(<T>(k: Ops<T>, [x]: T[]) => [k.neg(k.cos(x!))]);
    const t = await run(['check', 'sin(x)*y', '--at', 'x=1,y=2']);
    expect(t.code).toBe(1);
    const rows = t.stdout.split('\n');
    expect(rows.find((l) => l.includes('central diff') && l.includes('FAIL'))).toBeTruthy();
    expect(t.stdout).toMatch(/FAIL: 1 disagreement: ∂f\/∂x \(central diff\)/);
    vi.restoreAllMocks();
    expect((await run(['check', 'sin(x)*y', '--at', 'x=1,y=2'])).code).toBe(0);
  });

  it('a rule wrong by a tiny relative amount (1e-6) is still caught by finite differences', async () => {
    vi.spyOn(PRIMS.exp, 'partials').mockImplementation(<T>(k: Ops<T>, _x: T[], out: T) => [k.mul(out, k.num(1 + 1e-6))]);
    expect((await run(['check', 'exp(x)', '--at', 'x=0.5'])).code).toBe(1);
  });

  it('checks every output of a program, or those of --of, and says which output it checks', async () => {
    // f1 = x*y: ∂x = y = 3, ∂y = x = 2; f2 = x + y: ∂x = ∂y = 1 (at x=2, y=3).
    const j = json(await run(['check', 'x*y; x + y', '--at', 'x=2,y=3', '--json']));
    expect(j.outputs).toEqual(['f1', 'f2']);
    expect([j.checks.f1.value, j.checks.f2.value]).toEqual([6, 5]);
    expect([j.checks.f1.partials.x.reverse.value, j.checks.f1.partials.y.reverse.value]).toEqual([3, 2]);
    expect([j.checks.f2.partials.x.forward.value, j.checks.f2.partials.y.symbolic.value]).toEqual([1, 1]);
    expect(j.ok).toBe(true);
    const t = await run(['check', 'x*y; x + y', '--at', 'x=2,y=3']);
    expect(t.code).toBe(0);
    expect(t.stdout.match(/^∂f1\/∂[xy] +reverse/gm)).toHaveLength(2);
    expect(t.stdout.match(/^∂f2\/∂[xy] +reverse/gm)).toHaveLength(2);
    // Assignments alone: the last one is the output, and the text says so; --of picks any.
    const last = await run(['check', 'u = x*y; v = x + y', '--at', 'x=2,y=3']);
    expect(last.stdout).toContain("(v is the program's output, its last assignment; --of u,v checks each of them)");
    const u = json(await run(['check', 'u = x*y; v = x + y', '--at', 'x=2,y=3', '--of', 'u', '--json']));
    expect(u).toMatchObject({ output: 'u', value: 6, ok: true });
    expect(u.partials.y.reverse.value).toBe(2);
    // A constant output and a formula without variables: nothing fails.
    for (const [expr, value] of [['5', 5], ['2+3', 5], ['x=3; x', 3]]) {
      const c = await run(['check', String(expr)]);
      expect(c.code, String(expr)).toBe(0);
      expect(c.stdout).toBe(`f = ${value}: the formula has no variables, so there is nothing to check\n`);
    }
  });

  it('passes on hard but correct cases (steep, large, tiny values)', async () => {
    for (const [expr, at] of [['tan(x)^3 + 1e8*x^4', 'x=1.5'], ['exp(-x^2)*1e-12', 'x=3'], ['atan2(y, x)', 'x=-1,y=1e-3'], ['x^y', 'x=2,y=0.5']]) {
      const t = await run(['check', expr!, '--at', at!]);
      expect(t.code, `${expr}\n${t.stdout}`).toBe(0);
    }
  });
});

describe('adiff explain', () => {
  it('walks the worked example step by step', async () => {
    const t = await run(['explain', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5']);
    expect(t.code).toBe(0);
    expectGolden('explain/worked.txt', t.stdout);
  });

  it('shows how the contributions of several consumers add up (diamond)', async () => {
    const t = await run(['explain', 'b = x*x; b + b', '--at', 'x=3']);
    expectGolden('explain/diamond.txt', t.stdout);
    // d/dx (2x²) = 4x = 12.
    expect(t.stdout).toMatch(/∂f\/∂x = v̄0 = 12\n$/);
  });

  it('with --wrt, skips what does not depend on it; lists what lies outside the effective subgraph', async () => {
    const t = await run(['explain', 'u = exp(z); (x+y)*x', '--at', 'x=2,y=3', '--wrt', 'y']);
    expectGolden('explain/wrt.txt', t.stdout);
  });

  it('explains a formula whose output is a constant or depends on no variable (exit 0, derivatives 0)', async () => {
    // Values by hand: 5; 2 + 3 = 5; x = 3 makes the output the constant 3; pi = Math.PI.
    for (const [expr, forward, value] of [
      ['5', 'f = 5  (a constant', '5'],
      ['2+3', 'v1 = 2 + 3 = 5', '5'],
      ['x=3; x', 'f = 3  (a constant', '3'],
      ['pi', 'f = pi = 3.14159  (a constant', String(Math.PI)],
    ]) {
      const t = await run(['explain', expr!]);
      expect(t.code, expr).toBe(0);
      expect(t.stderr).toBe('');
      expect(t.stdout).toContain(forward);
      expect(t.stdout).toContain('Reverse pass: f does not depend on any variable, so every derivative is 0: there is nothing to sweep.');
      expect(t.stdout).toMatch(new RegExp(`Result: f = ${value.replace('.', '\\.')}; the formula has no variables, so there is nothing to differentiate\\.\n$`));
    }
    // x is a variable but the output does not depend on it: ∂f/∂x = 0.
    const u = await run(['explain', 'u = sin(x); 7', '--at', 'x=1']);
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('Result: every partial derivative is 0.\n  ∂f/∂x = 0\n');
    // With --wrt y, x^2 does not depend on y: ∂f/∂y = 0, and the sweep is not run.
    const w = await run(['explain', 'u = sin(y); x^2', '--at', 'x=2,y=3', '--wrt', 'y']);
    expect(w.code).toBe(0);
    expect(w.stdout).toContain('Reverse pass: f does not depend on y, so every derivative is 0');
    expect(w.stdout).toMatch(/∂f\/∂y = 0\n$/);
    // A constant part of a formula is not followed, and the text says why without --wrt too.
    expect((await run(['explain', 'sin(2) + x', '--at', 'x=1'])).stdout).toContain('v1 does not depend on any variable: not followed');
  });

  it('explains every output of a program, or those of --of, and says which one it explains', async () => {
    // f1 = x*y: ∂x = y = 3, ∂y = x = 2; f2 = x + y: ∂x = ∂y = 1 (at x=2, y=3).
    const t = await run(['explain', 'x*y; x + y', '--at', 'x=2,y=3']);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('Reverse-mode differentiation of f1 (output 1 of 2) in ‹x*y; x + y› at x = 2, y = 3');
    expect(t.stdout).toContain('Reverse-mode differentiation of f2 (output 2 of 2) in ‹x*y; x + y› at x = 2, y = 3');
    expect(t.stdout).toMatch(/∂f1\/∂x = v̄-1 = 3\n  ∂f1\/∂y = v̄0 = 2\n/);
    expect(t.stdout).toMatch(/∂f2\/∂x = v̄-1 = 1\n  ∂f2\/∂y = v̄0 = 1\n$/);
    // Assignments alone: the output is the last one, and the text says so.
    const last = await run(['explain', 'a = x*y; b = x + y', '--at', 'x=2,y=3']);
    expect(last.stdout).toContain("(b is the program's output, its last assignment; --of a,b explains each of them)");
    const both = await run(['explain', 'a = x*y; b = x + y', '--at', 'x=2,y=3', '--of', 'a,b']);
    expect(both.stdout).toMatch(/∂a\/∂x = v̄-1 = 3\n  ∂a\/∂y = v̄0 = 2\n/);
    expect(both.stdout).toMatch(/∂b\/∂x = v̄-1 = 1\n  ∂b\/∂y = v̄0 = 1\n$/);
    // One output a constant among others: its derivatives are 0.
    const mixed = await run(['explain', 'x; 5', '--at', 'x=2']);
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toMatch(/∂f1\/∂x = v̄0 = 1\n/);
    expect(mixed.stdout).toMatch(/f2 = 5 {2}\(a constant[\s\S]*∂f2\/∂x = 0\n$/);
    // --of names that are not assigned are errors pointing at them (exit 2).
    const bad = await run(['explain', 'a = x*y; b = x + y', '--at', 'x=2,y=3', '--of', 'a,z']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("the program assigns no 'z'");
  });

  it('writes each local partial from the rule table with formulas as the carrier', () => {
    const v = (text: string) => ({ text, prec: 5 });
    const texts = (op: keyof typeof PRIMS, args: string[], param = NaN) =>
      PRIMS[op].partials(formulaOps, args.map(v), v('v9'), param).map((f) => f.text);
    expect(texts('div', ['v1', 'v2'])).toEqual(['1 / v2', '-(v9 / v2)']);
    expect(texts('mul', ['v1', 'v2'])).toEqual(['v2', 'v1']);
    expect(texts('powc', ['v1'], 3)).toEqual(['3 * v1^2']);
    expect(texts('sin', ['v1'])).toEqual(['cos(v1)']);
    expect(texts('atan', ['v1'])).toEqual(['1 / (1 + v1^2)']);
  });
});

describe('adiff plot', () => {
  it('draws x^2 and its derivative in the terminal', async () => {
    const t = await run(['plot', 'x^2', '--from', '-1', '--to', '1', '--width', '50', '--height', '8']);
    expect(t.code).toBe(0);
    expectGolden('plot/square.txt', t.stdout);
  });

  it('samples exact derivatives of higher order: x^3 → 3x², 6x, 6', async () => {
    const j = json(await run(['plot', 'x^3', '--from', '-2', '--to', '2', '--order', '3', '--samples', '5', '--json']));
    expect(j.x).toEqual([-2, -1, 0, 1, 2]);
    expect(j.curves["f(x)"]).toEqual([-8, -1, 0, 1, 8]);
    expect(j.curves["f'(x)"]).toEqual([12, 3, 0, 3, 12]);
    expect(j.curves["f''(x)"]).toEqual([-12, -6, 0, 6, 12]);
    expect(j.curves["f'''(x)"]).toEqual([6, 6, 6, 6, 6]);
  });

  it('holds the other variables at --at and uses --from/--to constant expressions', async () => {
    const j = json(await run(['plot', 'exp(-a*t)', '--wrt', 't', '--from', '0', '--to', 'ln(2)', '--at', 'a=1', '--samples', '2', '--json']));
    expect(j.curves['f(t)'][1]).toBeCloseTo(0.5, 15);
    expect(j.curves["f'(t)"][1]).toBeCloseTo(-0.5, 15);
  });

  it('draws non-finite stretches as gaps and poles without spikes', async () => {
    const ln = json(await run(['plot', 'ln(x)', '--from', '-1', '--to', '1', '--samples', '5', '--json']));
    expect(ln.curves['f(x)'].slice(0, 3)).toEqual(['NaN', 'NaN', '-Infinity']);
    // tan on (-3, 3): every drawn piece stays inside the range, and no piece jumps across a pole.
    const xs = Array.from({ length: 601 }, (_, i) => -3 + i / 100);
    const ys = xs.map(Math.tan);
    const range = yRange([ys]);
    expect(range.hi).toBeLessThan(100); // spikes near ±π/2 do not flatten the plot
    for (const piece of clipCurve(xs, ys, range)) {
      for (const [, y] of piece) expect(y >= range.lo && y <= range.hi).toBe(true);
      const px = piece.map(([x]) => x);
      expect(px.some((x) => x < -Math.PI / 2) && px.some((x) => x > -Math.PI / 2)).toBe(false);
    }
    expectGolden('plot/tan.txt', (await run(['plot', 'tan(x)', '--from', '-3', '--to', '3', '--order', '0', '--width', '60', '--height', '10'])).stdout);
  });

  it('writes a clean SVG with --out, and refuses other formats with a hint', async () => {
    const written: Record<string, string> = {};
    const t = await run(['plot', 'sin(x)', '--from', '0', '--to', '2*pi', '--out', 'p.svg'], { written });
    expect(t.code).toBe(0);
    const svg = written['p.svg']!;
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)!.length).toBe(2); // f and f', each one unbroken piece
    // Balanced tags (a small well-formedness check).
    const stack: string[] = [];
    for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else if (!m[3]) stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
    const png = await run(['plot', 'sin(x)', '--from', '0', '--to', '1', '--out', 'p.png'], { written });
    expect(png.code).toBe(2);
    expect(png.stderr).toContain('rsvg-convert');
  });

  it('reports bad ranges and orders clearly', async () => {
    expect((await run(['plot', 'x', '--from', '1', '--to', '1'])).code).toBe(2);
    expect((await run(['plot', 'x*y', '--from', '0', '--to', '1'])).stderr).toContain('--wrt is needed');
    expect((await run(['plot', 'x', '--from', '0', '--to', '1', '--order', '99'])).code).toBe(2);
    expect((await run(['plot', 'x', '--from', 'abc', '--to', '1'])).stderr).toContain('--from');
  });

  it('nice ticks and short numbers', () => {
    expect(niceTicks(-1.05, 1.05, 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(formatShort(1.7163378145367738)).toBe('1.71634');
    expect(formatShort(1234567)).toBe('1.23457e6');
    expect(formatShort(-2.5e-12)).toBe('-2.5e-12');
  });
});

describe('adiff repl', () => {
  const script = ['a = x*y', 'sin(a) +', '  x', ':at x=2,y=3', ':grad', 'sinn(x)', ':trace', ':hessian', ':diff x', ':nope', ':quit', 'never reached'].join('\n');

  it('runs a script from standard input: multi-line statements, :at, :grad, :trace, :hessian, :diff, errors with carets', async () => {
    const t = await run(['repl'], { stdin: script });
    expect(t.code).toBe(1); // two inputs failed, the session went on
    expectGolden('repl/script.stdout.txt', t.stdout);
    expectGolden('repl/script.stderr.txt', t.stderr);
  });

  it('evaluates f = sin(xy) + x with the right Hessian (by hand: f_xx = -y² sin xy, f_xy = cos xy - xy sin xy)', async () => {
    const t = await run(['repl'], { stdin: 'sin(x*y) + x\n:at x=2,y=3\n:hessian\n' });
    const s6 = Math.sin(6);
    for (const v of [-9 * s6, Math.cos(6) - 6 * s6, -4 * s6]) expect(t.stdout).toContain(formatShort(v, 6).slice(0, 6));
    expect(t.code).toBe(0);
  });

  it(':hessian and :diff take the output the help names (the last statement), after earlier bare expressions', async () => {
    // a = xy; the output is x + a = x + xy: gradient (1 + y, x) = (3, 1) at (1, 2), Hessian [[0, 1], [1, 0]]
    const t = await run(['repl'], { stdin: 'a = x*y\nx*y\nx+a\n:at x=1,y=2\n:hessian\n:diff x\n' });
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('f     = 3\n∂f/∂x = 3\n∂f/∂y = 1\n\nHessian ∂²f/∂row∂column:\n   x  y\nx  0  1\ny  1  0\n');
    expect(t.stdout).toMatch(/\ny \+ 1\n$/); // d/dx (x + xy) = 1 + y
  });

  it(':diff with an unknown variable points at the name in the :diff line', async () => {
    const t = await run(['repl'], { stdin: 'x^2\n:diff z\n' });
    expect(t.code).toBe(1);
    expect(t.stderr).toContain(' --> input:1:7\n');
    expect(t.stderr).toContain('1 | :diff z\n  |       ^\n');
  });

  it(':explain of a constant formula explains it and the session goes on', async () => {
    const t = await run(['repl'], { stdin: '2+3\n:explain\nx^2\n:at x=3\n:grad\n' });
    expect(t.code).toBe(0);
    expect(t.stderr).toBe('');
    expect(t.stdout).toContain('Reverse sweep of f\n');
    expect(t.stdout).toContain('Result: f = 5; the formula has no variables, so there is nothing to differentiate.');
    expect(t.stdout).toMatch(/∂f\/∂x = 6\n$/); // d/dx x² = 2x = 6
  });

  it('knows when an input continues on the next line', () => {
    expect(needsMore('sin(x')).toBe(true);
    expect(needsMore('x +')).toBe(true);
    expect(needsMore('a =')).toBe(true);
    expect(needsMore('x + 1')).toBe(false);
    expect(needsMore(':at x=-')).toBe(false);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript || process.platform !== 'linux')('is interactive on a pseudo-terminal and keeps history across sessions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adiff-repl-'));
    const history = join(dir, 'history');
    const bin = join(process.cwd(), 'bin', 'adiff.js');
    const session = (input: string) =>
      spawnSync('script', ['-qec', `node ${bin} repl --no-color`, '/dev/null'], {
        input,
        env: { ...process.env, ADIFF_HISTORY: history, TERM: 'dumb' },
        timeout: 20000,
      }).stdout.toString();
    const out = session('x^2\n:at x=3\n:grad\n:quit\n');
    expect(out).toContain('adiff>');
    expect(out).toMatch(/∂f\/∂x = 6/);
    expect(readFileSync(history, 'utf8')).toBe('x^2\n:at x=3\n:grad\n:quit\n');
    session(':quit\n');
    expect(readFileSync(history, 'utf8').split('\n').filter(Boolean)).toHaveLength(5);
  });
});

describe('adiff completion', () => {
  it('prints scripts generated from the program: every command and option appears', async () => {
    const program = buildProgram('0', async () => {});
    for (const shell of ['bash', 'zsh', 'fish']) {
      const t = await run(['completion', shell]);
      expect(t.code).toBe(0);
      for (const c of program.commands.filter((c) => c.name() !== 'help')) {
        expect(t.stdout).toContain(c.name());
        for (const o of c.options) expect(t.stdout, `${shell} ${c.name()} ${o.long}`).toContain(shell === 'fish' ? `-l ${o.long!.slice(2)}` : o.long!);
      }
    }
    expect((await run(['completion', 'tcsh'])).code).toBe(2);
  });

  it('the bash script is valid bash and completes commands and option values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adiff-completion-'));
    const file = join(dir, 'adiff.bash');
    writeFileSync(file, (await run(['completion', 'bash'])).stdout);
    const complete = (words: string[]) =>
      execFileSync('bash', ['-c', `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _adiff; echo "\${COMPREPLY[*]}"`]).toString().trim();
    expect(complete(['adiff', 'gr'])).toBe('graph');
    expect(complete(['adiff', 'graph', '--format', ''])).toBe('text dot mermaid json');
    expect(complete(['adiff', 'plot', '--ord'])).toBe('--order');
  });
});

describe('help', () => {
  const program = buildProgram('0', async () => {});
  const commands = program.commands.filter((c) => c.name() !== 'help');

  it('every command has a one-line purpose and 2–3 examples, and every help line fits 80 columns', async () => {
    for (const c of commands) {
      const t = await run([c.name(), '--help']);
      expect(t.code).toBe(0);
      const examples = t.stdout.split('Examples:\n')[1] ?? '';
      const lines = examples.split('\n').filter((l) => l.startsWith(`  adiff ${c.name()}`) || l.includes(`| adiff ${c.name()}`));
      expect(lines.length, c.name()).toBeGreaterThanOrEqual(2);
      for (const l of t.stdout.split('\n')) expect(l.length, `${c.name()}: ${l}`).toBeLessThanOrEqual(80);
    }
    const top = await run(['--help']);
    for (const l of top.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
  });

  it('the examples in the help of graph, check, explain, plot, repl and completion run', async () => {
    for (const name of ['graph', 'check', 'explain', 'plot', 'repl', 'completion']) {
      const help = (await run([name, '--help'])).stdout.split('Examples:\n')[1]!;
      for (const line of help.split('\n').filter((l) => l.startsWith('  adiff '))) {
        const command = line.trim().split(/ [|<>] /)[0]!;
        const argv = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(1);
        const t = await run(argv, { written: {} });
        expect([0, 1], `${line}\n${t.stderr}`).toContain(t.code);
      }
    }
  });

  it('golden help for the commands of this part', async () => {
    for (const name of ['graph', 'check', 'explain', 'plot', 'repl', 'completion']) expectGolden(`help/${name}.txt`, (await run([name, '--help'])).stdout);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const t = await run(['--version']);
    expect(t.stdout.trim()).toBe(pkg.version);
  });
});

describe('80 columns', () => {
  it('eval --trace fits the terminal by cutting the source column', async () => {
    const expr = 'alpha_long = sin(x1 * x2) + cos(x1 / x2); beta_long = alpha_long * exp(-x1) + ln(x2 + x1 ^ 2); beta_long / alpha_long';
    const wide = await run(['eval', expr, '--at', 'x1=0.5,x2=2', '--trace']);
    expect(Math.max(...wide.stdout.split('\n').map((l) => [...l].length))).toBeGreaterThan(80);
    const t = await run(['eval', expr, '--at', 'x1=0.5,x2=2', '--trace'], { columns: 80 });
    const widths = t.stdout.split('\n').map((l) => [...l].length);
    expect(Math.max(...widths)).toBeLessThanOrEqual(80);
    expect(t.stdout).toContain('…');
    expectGolden('eval/trace-80.txt', t.stdout);
  });

  it('check fits 80 columns', async () => {
    const t = await run(['check', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5'], { columns: 80 });
    for (const l of t.stdout.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
  });
});

describe('a real run of bin/adiff.js', () => {
  it.skipIf(!existsSync('dist/cli/main.js'))('graph --format dot and repl from a pipe', () => {
    const dot = spawnSync('node', ['bin/adiff.js', 'graph', '(x+y)*x', '--format', 'dot']);
    expect(dot.status).toBe(0);
    expect(dot.stdout.toString()).toMatch(/^digraph "adiff" \{/);
    const repl = spawnSync('node', ['bin/adiff.js', 'repl'], { input: 'x*y\n:at x=2,y=3\n:grad\n' });
    expect(repl.status).toBe(0);
    expect(repl.stdout.toString()).toContain('∂f/∂y = 2');
  });
});
