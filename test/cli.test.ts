// CLI transcripts, in-process: argv → exit code, stdout, stderr. Expected numbers come from closed forms.
import { describe, expect, it } from 'vitest';
import { json, run } from './helpers/cli.js';

const E1 = 'ln(x1)+x1*x2-sin(x2)';
const e1Value = Math.log(2) + 10 - Math.sin(5);
const e1dx1 = 1 / 2 + 5;
const e1dx2 = 2 - Math.cos(5);

describe('eval: human output', () => {
  it('prints the value and each partial, aligned', async () => {
    const t = await run(['eval', E1, '--at', 'x1=2,x2=5']);
    expect(t).toEqual({
      code: 0,
      stdout: `f      = ${e1Value}\n∂f/∂x1 = ${e1dx1}\n∂f/∂x2 = ${e1dx2}\n`,
      stderr: '',
    });
  });
  it('names the output after its assignment', async () => {
    const t = await run(['eval', 'b = 5 - 3a; c = 2b + 3; d = 5b + 6; e = 7c + d^2; f = 2e; g = 3f - o', '--at', 'a=2,o=1']);
    expect(t.stdout).toBe('g     = 47\n∂g/∂a = -432\n∂g/∂o = -1\n');
  });
  it('--wrt picks and orders the partials; forward mode agrees', async () => {
    const t = await run(['eval', E1, '--at', 'x1=2,x2=5', '--wrt', 'x2,x1', '--mode', 'forward']);
    expect(t.stdout).toBe(`f      = ${e1Value}\n∂f/∂x2 = ${e1dx2}\n∂f/∂x1 = ${e1dx1}\n`);
  });
  it('the trace is a table with one row per node, then the result', async () => {
    const t = await run(['eval', '(x+y)*x', '--at', 'x=2,y=3', '--trace']);
    const lines = t.stdout.split('\n');
    expect(lines[0]).toMatch(/^definition\s+name\s+source\s+value\s+adjoint ∂f\/∂v$/);
    expect(lines[1]).toMatch(/^v-1 = x\s+x\s+x\s+2\s+7$/);
    expect(lines[2]).toMatch(/^v0 = y\s+y\s+y\s+3\s+2$/);
    expect(lines[3]).toMatch(/^v1 = v-1 \+ v0\s+\(x\+y\)\s+5\s+2$/);
    expect(lines[4]).toMatch(/^v2 = v1 \* v-1\s+\(x\+y\)\*x\s+10\s+1$/);
    expect(t.stdout.endsWith('f     = 10\n∂f/∂x = 7\n∂f/∂y = 2\n')).toBe(true);
  });
  it('forward-mode trace shows tangents along the first --wrt variable', async () => {
    const t = await run(['eval', '(x+y)*x', '--at', 'x=2,y=3', '--trace', '--mode', 'forward', '--wrt', 'y']);
    expect(t.stdout.split('\n')[0]).toMatch(/tangent ∂v\/∂y$/);
    expect(t.stdout.split('\n')[4]).toMatch(/\s10\s+2$/); // d((x+y)x)/dy = x = 2
  });
});

describe('eval: expressions that begin with a minus sign', () => {
  it.each([
    [['eval', '-x^2', '--at', 'x=2']],
    [['eval', '--at', 'x=2', '-x^2']],
    [['eval', '--at', 'x=2', '--', '-x^2']],
  ])('%j', async (argv) => {
    const t = await run(argv);
    expect(t.code).toBe(0);
    expect(t.stdout).toBe('f     = -4\n∂f/∂x = -4\n');
  });
  it('-(x+y)*x + 1', async () => {
    const t = await run(['eval', '-(x+y)*x + 1', '--at', 'x=2,y=3', '--json']);
    expect(json(t)).toMatchObject({ value: -9, gradient: { x: -7, y: -2 } });
  });
});

describe('eval: JSON', () => {
  it('exactly one line with the documented keys in order', async () => {
    const t = await run(['eval', E1, '--at', 'x1=2,x2=5', '--json']);
    expect(t.stdout).toBe(
      `{"expression":"${E1}","at":{"x1":2,"x2":5},"value":${e1Value},"gradient":{"x1":${e1dx1},"x2":${e1dx2}},"mode":"reverse"}\n`,
    );
  });
  it('a formula without variables has an empty gradient', async () => {
    expect(json(await run(['eval', '2^10', '--json']))).toEqual({ expression: '2^10', at: {}, value: 1024, gradient: {}, mode: 'reverse' });
  });
  it('non-finite numbers are the strings NaN, Infinity, -Infinity', async () => {
    const t = await run(['eval', 'ln(x) + 0*y', '--at', 'x=0,y=1', '--json']);
    const out = json(t);
    expect(out.value).toBe('-Infinity');
    expect(out.gradient.x).toBe('Infinity');
    const t2 = await run(['eval', 'sqrt(x)', '--at', 'x=-1', '--json']);
    expect(json(t2).value).toBe('NaN');
  });
  it('__proto__ and constructor are variables like any other', async () => {
    const t = await run(['eval', '__proto__ * constructor + toString', '--at', '__proto__=2,constructor=3,toString=1', '--json']);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('"gradient":{"__proto__":3,"constructor":2,"toString":1}');
    const out = JSON.parse(t.stdout, (k, v) => v);
    expect(Object.keys(out.gradient)).toContain('constructor');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('--json --trace adds the trace as an array', async () => {
    const out = json(await run(['eval', '(x+y)*x', '--at', 'x=2,y=3', '--json', '--trace']));
    expect(out.trace).toEqual([
      { node: 'v-1', names: ['x'], definition: 'v-1 = x', source: 'x', value: 2, adjoint: 7 },
      { node: 'v0', names: ['y'], definition: 'v0 = y', source: 'y', value: 3, adjoint: 2 },
      { node: 'v1', names: [], definition: 'v1 = v-1 + v0', source: '(x+y)', value: 5, adjoint: 2 },
      { node: 'v2', names: [], definition: 'v2 = v1 * v-1', source: '(x+y)*x', value: 10, adjoint: 1 },
    ]);
  });
});

describe('eval: input sources', () => {
  it('- reads the program from standard input', async () => {
    const t = await run(['eval', '-', '--at', 'x=3', '--json'], { stdin: 'a = x^2\n2a\n' });
    expect(json(t)).toMatchObject({ value: 18, gradient: { x: 12 } });
  });
  it('--file reads it from a file', async () => {
    const t = await run(['eval', '--file', 'f.adiff', '--at', 'x=3', '--json'], { files: { 'f.adiff': 'y = x^3 # cube\ny' } });
    expect(json(t)).toMatchObject({ value: 27, gradient: { x: 27 } });
  });
  it('a missing file is an error naming it', async () => {
    const t = await run(['eval', '--file', 'nope.txt', '--at', 'x=1']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/cannot read 'nope\.txt': no such file/);
  });
  it('a file that is not UTF-8 is a clean error', async () => {
    const t = await run(['eval', '--file', 'bad', '--at', 'x=1'], { files: { bad: new Uint8Array([0x78, 0xff, 0xfe]) } });
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/not valid UTF-8/);
  });
  it('errors in a file point at the file, line and column', async () => {
    const t = await run(['eval', '--file', 'f', '--at', 'x=1'], { files: { f: 'a = x\nb = a +* 2\nb' } });
    expect(t.stderr).toContain(' --> f:2:8');
  });
});

describe('eval: errors', () => {
  it('an unknown function: message, place, caret, hint', async () => {
    const t = await run(['eval', '2 + sinn(x)', '--at', 'x=1']);
    expect(t).toEqual({
      code: 2,
      stdout: '',
      stderr: "adiff: error: unknown function 'sinn' (did you mean 'sin'?)\n --> expr:1:5\n  |\n1 | 2 + sinn(x)\n  |     ^^^^\n",
    });
  });
  it('two names side by side', async () => {
    const t = await run(['eval', 'x y', '--at', 'x=1,y=2']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain("missing operator between 'x' and 'y'");
    expect(t.stderr).toContain('= hint: write x*y for a product');
  });
  it('columns count Unicode characters', async () => {
    const t = await run(['eval', 'θ + α +* 2', '--at', 'θ=1,α=2']);
    expect(t.stderr).toContain(' --> expr:1:8');
    expect(t.stderr).toContain('1 | θ + α +* 2\n  |        ^');
  });
  it.each([
    [['eval', 'x + y', '--at', 'x=1'], /no value for 'y'/],
    [['eval', 'x', '--at', 'x='], /missing value for 'x'/],
    [['eval', 'x', '--at', '=2'], /missing name before '='/],
    [['eval', 'x', '--at', 'x=abc'], /the value of 'x' is not a number: 'abc'/],
    [['eval', 'x', '--at', 'x=1,x=2'], /'x' is given twice/],
    [['eval', 'x', '--at', 'x=1', '--at', 'x=2'], /'x' is given twice/],
    [['eval', 'x', '--at', 'x'], /expected name=value/],
    [['eval', 'x', '--at', 'x=1', '--wrt', 'z'], /'z' is not a variable of the formula/],
    [['eval', 'x', '--at', 'x=1', '--mode', 'sideways'], /unknown mode 'sideways'/],
    [['eval', 'x', '--at', 'x=1', '--bogus'], /unknown option '--bogus'/],
    [['eval'], /missing formula/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['eval', 'sin(x', '--at', 'x=1'], /unbalanced parenthesis/],
    [['eval', 'atan2(x)', '--at', 'x=1'], /atan2 takes 2 arguments/],
  ])('%j → exit 2', async (argv, message) => {
    const t = await run(argv);
    expect(t.code).toBe(2);
    expect(t.stdout).toBe('');
    expect(t.stderr).toMatch(message);
    expect(t.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
  it('--at errors point into the option text', async () => {
    const t = await run(['eval', 'x+y', '--at', 'x=1,y=zz']);
    expect(t.stderr).toContain(' --> --at:1:7\n  |\n1 | x=1,y=zz\n  |       ^^\n');
  });
  it('an unused --at name is only a warning', async () => {
    const t = await run(['eval', 'x^2', '--at', 'x=3,z=1']);
    expect(t.code).toBe(0);
    expect(t.stdout).toBe('f     = 9\n∂f/∂x = 6\n');
    expect(t.stderr).toMatch(/warning: 'z' is not a variable of the formula/);
  });
  it('with --json, an error is one JSON object on stderr', async () => {
    const t = await run(['eval', '2 + sinn(x)', '--at', 'x=1', '--json']);
    expect(t.code).toBe(2);
    expect(t.stdout).toBe('');
    const err = JSON.parse(t.stderr);
    expect(err.error).toMatchObject({ kind: 'name', message: "unknown function 'sinn' (did you mean 'sin'?)", line: 1, column: 5 });
  });
});

describe('eval: domain problems, kinks, --strict', () => {
  it.each([
    ['ln(x)', 'x=-1', /'ln\(x\)' is NaN at this point/],
    ['1/x', 'x=0', /'1\/x' is Infinity at this point/],
    ['sqrt(x)', 'x=-1', /'sqrt\(x\)' is NaN/],
    ['x/y', 'x=0,y=0', /'x\/y' is NaN/],
  ])('%s at %s warns and exits 0 (3 with --strict)', async (expr, at, warning) => {
    const t = await run(['eval', expr, '--at', at]);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(warning);
    expect(t.stderr).toMatch(/\^/);
    expect((await run(['eval', expr, '--at', at, '--strict'])).code).toBe(3);
  });
  it('sqrt at 0: the derivative is Infinity, with a warning', async () => {
    const t = await run(['eval', 'sqrt(x)', '--at', 'x=0', '--json']);
    expect(json(t)).toMatchObject({ value: 0, gradient: { x: 'Infinity' } });
    expect(JSON.parse(t.stderr.split('\n')[0]!).warning.message).toMatch(/derivative of 'sqrt\(x\)' is Infinity/);
  });
  it('abs at 0: subgradient 0 and a kink warning', async () => {
    const t = await run(['eval', 'abs(x)', '--at', 'x=0']);
    expect(t.stdout).toBe('f     = 0\n∂f/∂x = 0\n');
    expect(t.stderr).toMatch(/kink/);
  });
  it('max at a tie: 1/2 each, with a kink warning', async () => {
    const t = await run(['eval', 'max(x, y)', '--at', 'x=1,y=1', '--json']);
    expect(json(t).gradient).toEqual({ x: 0.5, y: 0.5 });
    expect(t.stderr).toMatch(/tie of 2 arguments/);
  });
  it('warnings about derivatives concern only the --wrt variables', async () => {
    const t = await run(['eval', 'x^y', '--at', 'x=-2,y=3', '--wrt', 'x']);
    expect(t).toEqual({ code: 0, stdout: 'f     = -8\n∂f/∂x = 12\n', stderr: '' });
    expect((await run(['eval', 'x^y', '--at', 'x=-2,y=3'])).stderr).toMatch(/derivative of 'x\^y' is NaN/);
  });
  it('--strict passes finite results', async () => {
    expect((await run(['eval', 'x^2', '--at', 'x=1', '--strict'])).code).toBe(0);
  });
});

describe('colour', () => {
  it('none on a pipe; colour with --color or FORCE_COLOR; NO_COLOR wins over a terminal', async () => {
    const plain = await run(['eval', 'x^2', '--at', 'x=3']);
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    expect((await run(['eval', 'x^2', '--at', 'x=3', '--color'])).stdout).toMatch(/\u001b\[/);
    expect((await run(['eval', 'x^2', '--at', 'x=3'], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(/\u001b\[/);
    expect((await run(['eval', 'x^2', '--at', 'x=3'], { stdoutIsTTY: true })).stdout).toMatch(/\u001b\[/);
    expect((await run(['eval', 'x^2', '--at', 'x=3'], { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    expect((await run(['eval', 'x^2', '--at', 'x=3', '--no-color'], { stdoutIsTTY: true })).stdout).not.toMatch(/\u001b\[/);
  });
  it('JSON never has colour', async () => {
    expect((await run(['eval', 'x^2', '--at', 'x=3', '--json', '--color'])).stdout).not.toMatch(/\u001b\[/);
  });
});

describe('help and version', () => {
  it('--help lists commands; eval --help shows options and examples', async () => {
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/eval/);
    const e = await run(['eval', '--help']);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/--at/);
    expect(e.stdout).toMatch(/Examples:/);
  });
  it('--version', async () => {
    const v = await run(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('internal errors', () => {
  it('get a one-line message and exit 70, a stack only with ADIFF_DEBUG', async () => {
    const { main } = await import('../src/cli/main.js');
    const io = (env: Record<string, string>) => {
      let err = '';
      return {
        io: {
          stdout: { write: () => { throw new Error('boom'); } },
          stderr: { write: (s: string) => ((err += s), true) },
          env,
          readStdin: async () => new Uint8Array(),
          readFile: async () => new Uint8Array(),
        },
        err: () => err,
      };
    };
    const a = io({});
    expect(await main(['eval', 'x', '--at', 'x=1'], a.io)).toBe(70);
    expect(a.err()).toBe('adiff: internal error, please report: boom\n');
    const b = io({ ADIFF_DEBUG: '1' });
    expect(await main(['eval', 'x', '--at', 'x=1'], b.io)).toBe(70);
    expect(b.err()).toMatch(/\n\s+at /);
  });
});
