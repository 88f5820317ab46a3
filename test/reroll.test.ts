// Rerolled kernels (repeated statements written as loops, reroll.ts) against the interpreter, bit for bit, on
// programs made of repeated terms: long sums and products, chains, values read again in another order, inputs in
// either direction, constants that change from term to term; and on random term templates.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileKernels } from '../src/autodiff/compile.js';
import { lower } from '../src/autodiff/lower.js';
import { parse } from '../src/parser/parse.js';
import { run } from './helpers/cli.js';
import { expectAllShapesAgree } from './helpers/kernels.js';


const SPECIAL = [0, -0, 1, -1, 0.5, Infinity, -Infinity, NaN, 1e300, -1e-300];

/** Points: mostly ordinary values, with every special value in some coordinate of some point. */
function pointsFor(n: number, count: number): number[][] {
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i >= count - SPECIAL.length && j === i % n ? SPECIAL[i - (count - SPECIAL.length)]! : Math.sin(i * 7.3 + j * 1.9) * 1.7 + 0.1)),
  );
}

/**
 * Compiles `text` rerolled (every kernel, however small: `reroll: 0`) and checks the value and gradient kernels in
 * both layouts against the interpreter at `count` points. Returns the gradient kernel's source.
 */
function agree(text: string, count = 19): { value: string; gradient: string } {
  const low = lower(parse(text));
  const k = compileKernels(low.graph, low.output.node, { reroll: 0 });
  expectAllShapesAgree(low, k, pointsFor(low.graph.inputs.length, count), text);
  return k.source;
}

const LOOP = /for \(let r = 0; r < \d+; r\+\+\)/;
const terms = (m: number, f: (i: number) => string, join = ' + ') => Array.from({ length: m }, (_, i) => f(i + 1)).join(join);
const rosenbrock = (n: number) => terms(n - 1, (i) => `100*(x${i + 1} - x${i}^2)^2 + (1 - x${i})^2`);

describe('rerolled kernels agree with the interpreter', () => {
  it('Rosenbrock: the terms and their reverse sweep become loops; results are written from inside them', () => {
    for (const n of [6, 13, 40]) {
      const src = agree(rosenbrock(n));
      if (n >= 40) {
        expect(src.gradient).toMatch(LOOP);
        expect(src.value).toMatch(LOOP);
      }
    }
    expect(agree(rosenbrock(40)).gradient).toMatch(/grad\[\d+ \+ r \* \d+\]\[i\] = /);
  });

  it('a sum of terms: forward and reverse are one loop (adjoints added first consumer first, reverse.ts)', () => {
    // Each term's contributions to x's and y's adjoints land right after the term, so the gradient kernel has
    // a single loop, holding both sin and cos, as hand-written code would.
    const src = agree(terms(40, (i) => `${i}*sin(${i}*x + y)`));
    expect(src.gradient.match(new RegExp(LOOP.source, 'g'))).toHaveLength(1);
    const loop = src.gradient.slice(src.gradient.search(LOOP));
    expect(loop).toMatch(/Math\.sin/);
    expect(loop).toMatch(/Math\.cos/);
    expect(loop).toMatch(/a0 \+= /);
  });

  it('a long product: the reverse sweep reads inputs and kept values at falling indices', () => {
    const src = agree(terms(40, (i) => `x${i}`, ' * '));
    expect(src.gradient).toMatch(/cols\[\d+ - r \* 1\]\[i\]/);
    expect(src.gradient).toMatch(/S\[\d+ - r \* 1\]/);
  });

  it('a sum of terms whose constants change (read from a table), with signs, fractions and large and tiny numbers', () => {
    // 1, 2, 3, …: written as a step of the loop counter; squares and reciprocals: read from the table.
    expect(agree(terms(30, (i) => `${i}*sin(${i}*x + y)`)).value).toMatch(/\(\d+ \+ r \* \d+\) \* x0/);
    expect(agree(terms(30, (i) => `${i * i}*sin(x/${i} + y)`)).value).toMatch(/K\[\d+ \+ r \* \d+\]/);
    agree(terms(25, (i) => `(-${i}/3)*exp(x/${i}) - ${i}e-300*y^${i % 4}`));
    agree(terms(25, (i) => `${i}e300*x*y + 0.1*${i}*atan2(x, ${i})`));
    // Constants that stay the same for a few terms before they change.
    agree(terms(30, (i) => `${Math.ceil(i / 3)}*x${i} + sin(${i % 2}*y)`));
  });

  it('chains: each step reads the one before (carried from pass to pass), deep enough to need it', () => {
    agree('sin('.repeat(60) + 'x' + ')'.repeat(60));
    agree(['u1 = x*y + x', ...Array.from({ length: 80 }, (_, k) => `u${k + 2} = u${k + 1}*0.5 + u${k + 1}*0.25 + y`), 'u81'].join('; '));
    agree(['u1 = x', ...Array.from({ length: 50 }, (_, k) => `u${k + 2} = exp(-u${k + 1}^2) * y + max(u${k + 1}, x)`), 'u51'].join('; '));
  });

  it('values computed in one loop and read again in another order (kept in the scratch array)', () => {
    const m = 24;
    const defs = Array.from({ length: m }, (_, k) => `u${k + 1} = sin(${k + 1}*x + y) * z`);
    const src = agree([...defs, terms(m, (i) => `u${i}*u${m + 1 - i}`)].join('; '));
    expect(src.gradient).toMatch(/S\[/);
    agree([...defs, `${terms(m, (i) => `u${i}^2`)} + ${terms(m - 1, (i) => `u${m + 1 - i} - u${m - i}`)}`].join('; '));
  });

  it('accumulations: inputs whose adjoints gather terms from two and three places, in the interpreter order', () => {
    agree(terms(40, (i) => `x${i}*x${i + 1}`));
    agree(terms(40, (i) => `x${i}*x${i + 1}*x${i + 2}`));
    agree(terms(30, (i) => `max(x${i}, x${i + 1}) + abs(x${i} - y)`));
  });

  it('a kernel with nothing that repeats is written as before', () => {
    const low = lower(parse('ln(x1)+x1*x2-sin(x2)'));
    const plain = compileKernels(low.graph, low.output.node);
    const rolled = compileKernels(low.graph, low.output.node, { reroll: 0 });
    expect(rolled.source.gradient).toBe(plain.source.gradient);
  });

  it('random term templates, summed or multiplied, with shared variables, definitions and changing constants', () => {
    type T = (i: number) => string;
    const leaf: fc.Arbitrary<T> = fc.constantFrom<T>(
      (i) => `x${i}`,
      (i) => `x${i + 1}`,
      (i) => `x${i + 3}`,
      (i) => `${i}`,
      (i) => `${i / 4}`,
      (i) => `${Math.ceil(i / 3)}`,
      (i) => `${(i * i) % 7}`,
      () => '3',
      () => 'q',
      (i) => `u${i}`,
    );
    const { tree } = fc.letrec<{ tree: T }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(fc.constantFrom('+', '-', '*', '/'), tie('tree'), tie('tree')).map(([op, a, b]): T => (i) => `(${a(i)} ${op} ${b(i)})`),
        fc.tuple(fc.constantFrom('sin', 'cos', 'exp', 'ln', 'sqrt', 'abs', 'tanh', 'atan', 'erf', 'lgamma', 'sech', 'floor', 'expm1', 'acot'), tie('tree')).map(([f, a]): T => (i) => `${f}(${a(i)})`),
        fc.tuple(fc.constantFrom('max', 'min', 'hypot', 'atan2', 'mod'), tie('tree'), tie('tree')).map(([f, a, b]): T => (i) => `${f}(${a(i)}, ${b(i)})`),
        fc.tuple(tie('tree'), fc.constantFrom(2, 3, -1, 0.5)).map(([a, c]): T => (i) => `(${a(i)})^${c}`),
      ),
    }));
    // u_i: a plain copy of an input, or arithmetic of it (so terms share values); then a sum (or product) of one
    // template over i, plus a sum of another taken from the last term to the first.
    fc.assert(
      fc.property(tree, tree, fc.integer({ min: 4, max: 30 }), fc.constantFrom(' + ', ' * ', ' - '), fc.boolean(), (t, t2, m, join, arithmetic) => {
        const defs = Array.from({ length: m + 3 }, (_, k) => (arithmetic ? `u${k + 1} = x${k + 1} * w + ${k}` : `u${k + 1} = x${k + 2}`));
        agree([...defs, `${terms(m, t, join)} + ${terms(m, (i) => t2(m + 1 - i))}`].join('; '), 11);
      }),
      { numRuns: process.env.ADIFF_FUZZ ? 1500 : 100 },
    );
  });
});

describe('rerolled kernels through the CLI', () => {
  it('eval --points on a long formula writes, point by point, what eval --at writes (the interpreter)', async () => {
    // Large enough that its kernels are rerolled by default (over one function's size); several outputs, so each
    // output's kernel is rerolled on its own.
    const n = 120;
    const f = terms(n - 1, (i) => `100*(x${i + 1} - x${i}^2)^2 + (1 - x${i})^2`);
    const g = terms(2 * n, (i) => `${i}*sin(${i}*x${i} + x1)`);
    const program = `f = ${f}; g = ${g}`;
    const low = lower(parse(program));
    const names = low.graph.inputNames;
    const points = pointsFor(names.length, 6).map((p, k) => p.map((x) => (k < 4 ? x : Number.isFinite(x) ? x : 0)));
    const csv = `${names.join(',')}\n${points.map((p) => p.join(',')).join('\n')}\n`;
    const batch = await run(['eval', program, '--of', 'f,g', '--points', 'p.csv'], { files: { 'p.csv': csv } });
    expect(batch.code, batch.stderr).toBeLessThanOrEqual(1);
    const lines = batch.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(points.length);
    for (const [k, p] of points.entries()) {
      const at = names.map((name, j) => `${name}=${p[j]}`).join(',');
      const single = await run(['eval', program, '--of', 'f,g', '--at', at, '--json']);
      expect(JSON.parse(lines[k]!), `point ${k}`).toEqual(JSON.parse(single.stdout));
    }
  });
});
