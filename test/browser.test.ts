// The browser bundle (issue 18): dist/adiff.browser.mjs is imported by a page in a real headless Chromium (Debian's
// `chromium` package, driven by puppeteer-core), which computes a value, a gradient and a Hessian; once on a plain
// page, and once on a page whose Content-Security-Policy forbids eval (no 'unsafe-eval'), where the kernels fall back
// to the interpreter. Expected numbers by hand for E1 = ln(x1)+x1*x2-sin(x2) at (2, 5): ∂x1 = 1/x1 + x2 = 5.5,
// ∂x2 = x1 - cos(x2), H = [[-1/x1², 1], [1, sin(x2)]]. CI installs chromium (.ci/run); without /usr/bin/chromium
// the test is skipped with a message saying so. Uses dist/ (npm run build).
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const available = existsSync(CHROMIUM);
if (!available) console.warn(`test/browser.test.ts: SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium; CI installs it)`);

// The page's module: imports the bundle, computes, and leaves the results (or the error) in window.result.
const page = `
import { compile, AdiffError } from './adiff.browser.mjs';
let codegen = true;
try { new Function('return 1')(); } catch { codegen = false; }
try {
  const f = compile('ln(x1)+x1*x2-sin(x2)');
  const H = [[new Float64Array(2), new Float64Array(2)], [new Float64Array(2), new Float64Array(2)]];
  const value = new Float64Array(2);
  f.hessianColumns([Float64Array.of(2, 1), Float64Array.of(5, 0)], value, H);
  let error;
  try { compile('2 + sinn(x)'); } catch (e) { error = { isAdiffError: e instanceof AdiffError, line: e.line, column: e.column, format: e.format() }; }
  window.result = { codegen, value: f.value({ x1: 2, x2: 5 }), gradient: f.gradient([2, 5]), hessian: f.hessian([2, 5]), batch: H.map((r) => r.map((c) => Array.from(c))), values: Array.from(value), error };
} catch (e) {
  window.result = { failed: String(e && e.stack || e) };
}
`;

let server: Server;
let base = '';
beforeAll(async () => {
  if (!available) return;
  const bundle = readFileSync(join(root, 'dist/adiff.browser.mjs'));
  server = createServer((req, res) => {
    const csp = req.url?.startsWith('/strict') ? { 'content-security-policy': "default-src 'none'; script-src 'self'" } : {};
    const path = req.url?.replace(/^\/strict/, '') ?? '/';
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html', ...csp }).end('<!doctype html><script type="module" src="./page.mjs"></script>');
    } else if (path === '/page.mjs') res.writeHead(200, { 'content-type': 'text/javascript', ...csp }).end(page);
    else if (path === '/adiff.browser.mjs') res.writeHead(200, { 'content-type': 'text/javascript', ...csp }).end(bundle);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function inChromium(url: string): Promise<Record<string, unknown>> {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(url);
    await tab.waitForFunction('window.result !== undefined', { timeout: 20000 });
    const result = (await tab.evaluate('window.result')) as Record<string, unknown>;
    expect(errors).toEqual([]);
    return result;
  } finally {
    await browser.close();
  }
}

describe.skipIf(!available)('the browser bundle in headless Chromium', () => {
  const check = (r: Record<string, unknown>) => {
    expect(r.failed).toBeUndefined();
    expect(r.value).toBeCloseTo(Math.log(2) + 10 - Math.sin(5), 14);
    const g = r.gradient as Record<string, number>;
    expect(g.x1).toBe(5.5);
    expect(g.x2).toBeCloseTo(2 - Math.cos(5), 15);
    const h = r.hessian as Record<string, Record<string, number>>;
    expect([h.x1!.x1, h.x1!.x2, h.x2!.x1]).toEqual([-0.25, 1, 1]);
    expect(h.x2!.x2).toBeCloseTo(Math.sin(5), 15);
    // The batch at (2, 5) and (1, 0): ∂²/∂x1² = -1/4 and -1, ∂²/∂x2² = sin 5 and 0.
    const b = r.batch as number[][][];
    expect(b[0]![0]).toEqual([-0.25, -1]);
    expect(b[0]![1]).toEqual([1, 1]);
    expect(b[1]![1]![1]).toBe(0);
    expect(r.error).toEqual({
      isAdiffError: true,
      line: 1,
      column: 5,
      format: "adiff: error: unknown function 'sinn' (did you mean 'sin'?)\n --> expr:1:5\n  |\n1 | 2 + sinn(x)\n  |     ^^^^\n",
    });
  };

  it('imports and computes value, gradient and Hessian (compiled kernels)', async () => {
    const r = await inChromium(`${base}/index.html`);
    expect(r.codegen).toBe(true);
    check(r);
  }, 60000);

  it('does the same under a Content-Security-Policy without unsafe-eval (the interpreter)', async () => {
    const r = await inChromium(`${base}/strict/index.html`);
    expect(r.codegen).toBe(false);
    check(r);
  }, 60000);
});
