// The worked examples of design.md §5, in both modes, including their trace columns (expectations in the
// fixture were derived by hand; see its "source" note).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../src/parser/parse.js';
import { lower } from '../src/autodiff/lower.js';
import { gradientAt, inputVector } from '../src/autodiff/gradient.js';
import { reaching } from '../src/autodiff/graph.js';
import { traceRows } from '../src/autodiff/trace.js';
import { json, run } from './helpers/cli.js';

interface Example {
  program: string;
  at: Record<string, number>;
  value: number;
  gradient: Record<string, number>;
  tolerance: number;
  trace: {
    definitions: string[];
    names?: string[][];
    values: number[];
    adjoints: number[];
    tangents_x1: number[];
    tolerance: number;
  };
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/worked-examples.json', import.meta.url), 'utf8')) as { examples: Example[] };

const close = (actual: number, expected: number, tol: number) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));

describe.each(fixture.examples)('$program', (ex) => {
  const lowered = lower(parse(ex.program));
  const at = new Map(Object.entries(ex.at));
  const x = inputVector(lowered, at, reaching(lowered.graph.nodes, [lowered.output.node]));

  it.each(['reverse', 'forward'] as const)('value and gradient in %s mode', (mode) => {
    const r = gradientAt(lowered, x, { mode });
    close(r.value, ex.value, ex.tolerance);
    expect(lowered.graph.inputNames).toEqual(Object.keys(ex.gradient));
    lowered.graph.inputNames.forEach((name, i) => close(r.gradient[i]!, ex.gradient[name]!, ex.tolerance));
  });

  it('reverse-mode trace: definitions, names, values, adjoints', () => {
    const rows = traceRows(lowered, gradientAt(lowered, x, { mode: 'reverse' }));
    expect(rows.map((r) => r.definition)).toEqual(ex.trace.definitions);
    if (ex.trace.names) expect(rows.map((r) => r.names)).toEqual(ex.trace.names);
    rows.forEach((r, i) => {
      close(r.value, ex.trace.values[i]!, ex.trace.tolerance);
      close(r.derivative, ex.trace.adjoints[i]!, ex.trace.tolerance);
    });
  });

  it('forward-mode trace: tangents along the first input', () => {
    const rows = traceRows(lowered, gradientAt(lowered, x, { mode: 'forward' }));
    rows.forEach((r, i) => close(r.derivative, ex.trace.tangents_x1[i]!, ex.trace.tolerance));
  });

  it('through the CLI as JSON, with the trace', async () => {
    const atArg = Object.entries(ex.at).map(([k, v]) => `${k}=${v}`).join(',');
    for (const mode of ['reverse', 'forward']) {
      const t = await run(['eval', ex.program, '--at', atArg, '--json', '--trace', '--mode', mode]);
      expect(t.code).toBe(0);
      expect(t.stderr).toBe('');
      const out = json(t);
      expect(out.expression).toBe(ex.program);
      expect(out.mode).toBe(mode);
      close(out.value, ex.value, ex.tolerance);
      expect(Object.keys(out.gradient)).toEqual(Object.keys(ex.gradient));
      for (const [k, v] of Object.entries(ex.gradient)) close(out.gradient[k], v, ex.tolerance);
      expect(out.trace.map((r: { definition: string }) => r.definition)).toEqual(ex.trace.definitions);
      const column = mode === 'reverse' ? ex.trace.adjoints : ex.trace.tangents_x1;
      out.trace.forEach((r: Record<string, number>, i: number) => close(mode === 'reverse' ? r.adjoint! : r.tangent!, column[i]!, ex.trace.tolerance));
    }
  });
});
