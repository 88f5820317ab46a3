// A few real runs of bin/adiff.js as a subprocess (after `npm run build`, which `npm test` runs first).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/adiff.js', import.meta.url));
const adiff = (args: string[], input?: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });

describe('bin/adiff.js', () => {
  it('evaluates the first example of the README', () => {
    const r = adiff(['eval', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.value).toBeCloseTo(Math.log(2) + 10 - Math.sin(5), 14);
    expect(out.gradient).toEqual({ x1: 5.5, x2: 2 - Math.cos(5) });
  });
  it('reads standard input and keeps an expression that starts with a minus sign', () => {
    const r = adiff(['eval', '-', '--at', 'x=2'], '-x^2');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('f     = -4\n∂f/∂x = -4\n');
  });
  it('bad input: exit 2, a caret, no stack trace', () => {
    const r = adiff(['eval', 'sin(x', '--at', 'x=1']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('^');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('--strict exits 3 on a non-finite value', () => {
    expect(adiff(['eval', 'ln(x)', '--at', 'x=0', '--strict']).status).toBe(3);
  });
  it('deep nesting past the limit is a clean error', () => {
    const deep = '('.repeat(100000) + 'x' + ')'.repeat(100000);
    const r = adiff(['eval', '-', '--at', 'x=1'], deep);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nested too deeply/);
  });
});
