// The CLI given any input at all: it exits 0, 2 or 3 with a message, never an internal error or a stack trace,
// and in bounded time. In-process runs (fast), seeded; `npm run test:fuzz` runs many more.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ, runs, timeout } from './helpers/fuzz.js';
import { run, type Transcript } from './helpers/cli.js';

const SECONDS_PER_INPUT = 5;
/** Long and deep inputs: past the nesting limit (10,000) in the fuzz run; shorter in `npm test` to stay fast. */
const LONG = FUZZ ? 20000 : 2500;

/** The contract for any run: an allowed exit code, a message for every failure, nothing that looks like a crash. */
async function wellBehaved(argv: string[], options: Parameters<typeof run>[1] = {}): Promise<Transcript> {
  const started = performance.now();
  const t = await run(argv, options);
  const seconds = (performance.now() - started) / 1000;
  const show = () => `argv ${JSON.stringify(argv).slice(0, 300)}\nexit ${t.code}\nstderr ${t.stderr.slice(0, 600)}`;
  if (![0, 2, 3].includes(t.code)) throw new Error(`unexpected exit code\n${show()}`);
  if (/internal error/i.test(t.stderr)) throw new Error(`internal error\n${show()}`);
  if (/\n\s+at .+[:(]\d+:\d+/.test(t.stderr + t.stdout)) throw new Error(`stack trace\n${show()}`);
  if (t.code === 2 && t.stderr.trim() === '') throw new Error(`exit 2 without a message\n${show()}`);
  if (argv.includes('--json') && t.code === 2) {
    for (const line of t.stderr.trim().split('\n')) JSON.parse(line); // errors and warnings as JSON lines
  }
  if (seconds > SECONDS_PER_INPUT) throw new Error(`took ${seconds.toFixed(1)} s\n${show()}`);
  return t;
}

const soupTokens = [
  'x', 'y', 'e', 'pi', 'θ', '__proto__', 'constructor', 'toString', 'sin', 'log', 'max', 'atan2', 'hypot', 'pow', 'sinn',
  '2', '.5', '1e3', '1e309', '1e-400', '0x10', '1_000', '1..2', '.', '9'.repeat(400),
  '+', '-', '*', '/', '^', '**', '−', '×', '÷', '·', '(', ')', ',', '=', '==', ';', '\n', '\r\n', '\r', ' ', '\t',
  '#', '#c\n', '\\', '\u0000', '\u0007', '\u001b[31m', '\u200b', '\ufeff', '\ud800', '😀', '[', '{', '|', '!', '"', "'", '$', '@', '%', '&', '~',
];
const tokenSoup = fc.array(fc.constantFrom(...soupTokens), { maxLength: 30 }).map((ts) => ts.join(''));
const nested = fc
  .tuple(fc.nat(LONG), fc.nat(LONG), fc.constantFrom('x', 'sin(x', '-x', '2^x'))
  .map(([open, close, core]) => '('.repeat(open) + core + ')'.repeat(close));
const long = fc
  .tuple(fc.constantFrom('-', '+', '2^', 'sin(', 'x*', '-('), fc.integer({ min: 1, max: LONG }))
  .map(([unit, n]) => unit.repeat(n) + 'x' + (unit.includes('(') ? ')'.repeat(n) : ''));
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  tokenSoup,
  nested,
  long,
  fc.constantFrom('', ' ', '\n\n', '\t \r\n', ';;;', '\u0000', '-', '--', '--help', '-h', '--version', '-x', '---x'),
);
const flags = fc.subarray(['--json', '--strict', '--trace', '--mode', 'forward', '--no-color']);

describe('fuzz: the CLI never crashes', () => {
  it(
    'any formula text as the argument',
    async () => {
      await fc.assert(
        fc.asyncProperty(anyText, flags, async (text, extra) => {
          await wellBehaved(['eval', text, '--at', 'x=0.5,y=2,θ=1,e=3', ...extra]);
        }),
        runs(100),
      );
    },
    timeout(60000),
  );

  it(
    'any text as the value of --at and --wrt',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(tokenSoup, fc.string({ unit: 'binary', maxLength: 40 })), fc.boolean(), async (text, asWrt) => {
          await wellBehaved(asWrt ? ['eval', 'x*y', '--at', 'x=1,y=2', '--wrt', text] : ['eval', 'x*y + e', '--at', text, '--json']);
        }),
        runs(150),
      );
    },
    timeout(60000),
  );

  it(
    'any bytes in a --file or on standard input (invalid UTF-8 included)',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), tokenSoup.map((s) => new TextEncoder().encode(s))), fc.boolean(), async (bytes, useStdin) => {
          const t = useStdin
            ? await wellBehaved(['eval', '-', '--at', 'x=1'], { stdin: bytes })
            : await wellBehaved(['eval', '--file', 'f.txt', '--at', 'x=1'], { files: { 'f.txt': bytes } });
          let valid = true;
          try {
            new TextDecoder('utf-8', { fatal: true }).decode(bytes);
          } catch {
            valid = false;
          }
          if (!valid) {
            expect(t.code).toBe(2);
            expect(t.stderr).toMatch(useStdin ? /standard input is not valid UTF-8/ : /'f\.txt' is not valid UTF-8/);
          }
        }),
        runs(150),
      );
    },
    timeout(60000),
  );

  it(
    'any command line at all',
    async () => {
      const word = fc.oneof(
        fc.constantFrom('eval', 'x', '--at', 'x=1', '--wrt', '--mode', 'sideways', '--json', '--file', '-f', '--', '-', '--help', '--color', '--nope', '-Z', '--at=x=2', 'x^2', ''),
        fc.string({ unit: 'binary', maxLength: 12 }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(word, { maxLength: 7 }), async (argv) => {
          await wellBehaved(argv, { stdin: 'x+1', files: { x: 'x^2', 'x=1': '2' } });
        }),
        runs(150),
      );
    },
    timeout(60000),
  );
});
