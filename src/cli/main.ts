// The CLI's one error boundary: parse the command line, run the command, turn every failure into a message
// and an exit code. Bad input exits 2 with a pointed message; a bug exits 70 with a one-line apology (and a
// stack trace only when ADIFF_DEBUG is set). Never calls process.exit: the launcher sets process.exitCode.
import { readFile, writeFile } from 'node:fs/promises';
import { CommanderError, type Command } from 'commander';
import { AdiffError, type Diagnostic } from '../diagnostics.js';
import { Context, EXIT } from './context.js';
import { FdOut, isTerminal, type Io } from './io.js';
import { buildProgram } from './program.js';
import { processStreams } from './process-streams.js';

/** The version, inlined by the CLI bundle (scripts/bundle.mjs), so that start-up need not read package.json. */
declare const ADIFF_VERSION: string | undefined;

async function packageVersion(): Promise<string> {
  if (typeof ADIFF_VERSION === 'string') return ADIFF_VERSION;
  try {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** `--name` or `--name=value`: what an option looks like (an unknown one is left to commander, which suggests a near
 * option). Anything else that starts with `--` (`--x^2`, `--(x)`, `--2`) can only be a formula. */
const OPTION_LIKE = /^--[a-zA-Z][a-zA-Z0-9-]*(=.*)?$/;

/**
 * An expression that begins with a minus sign (`adiff eval -x^2 --at x=2`, `adiff eval "--x^2" --at x=3`) is not
 * an option: any argument that starts with `-`, is not an option of the command and does not look like one is moved
 * behind `--`, where commander reads it as the positional argument it is. The command's one argument may also
 * follow `--` with options after it (`adiff eval -- --x --at x=3`): the argument right after `--` is the formula,
 * and the words after it are read as usual.
 */
export function rescueDashArguments(program: Command, argv: string[]): string[] {
  const sub = program.commands.find((c) => c.name() === argv[0] || c.aliases().includes(argv[0]!));
  if (!sub) return argv;
  const options = [...sub.options, ...program.options];
  const find = (arg: string) => options.find((o) => o.long === arg.split('=')[0] || o.short === arg);
  const kept: string[] = [argv[0]!];
  const moved: string[] = [];
  const oneArgument = sub.registeredArguments.length === 1 && !sub.registeredArguments[0]!.variadic;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      if (!oneArgument || i + 2 >= argv.length) {
        moved.push(...argv.slice(i + 1));
        break;
      }
      moved.push(argv[++i]!);
      continue;
    }
    if (arg.length > 1 && arg.startsWith('-') && !(arg === '-h' || arg === '--help')) {
      const option = find(arg);
      if (!option) {
        // `--something` that looks like an option stays, so commander can say "unknown option" (with a suggestion);
        // anything else is an expression.
        if (OPTION_LIKE.test(arg)) kept.push(arg);
        else moved.push(arg);
        continue;
      }
      kept.push(arg);
      if ((option.required || option.optional) && !arg.includes('=') && i + 1 < argv.length) kept.push(argv[++i]!);
      continue;
    }
    kept.push(arg);
  }
  return moved.length > 0 ? [...kept, '--', ...moved] : kept;
}

/** The hint under a command-line error: an unknown `--name` may be a formula that begins with two minus signs. */
function usageHint(program: Command, e: CommanderError, argv: string[]): string {
  const unknown = e.code === 'commander.unknownOption' && !/Did you mean/.test(e.message) ? /'(--[^']*)'/.exec(e.message)?.[1] : undefined;
  if (unknown !== undefined && FORMULA_COMMANDS.has(argv[0]!) && hasFormula(program, argv)) {
    return `adiff ${argv[0]} has no option ${unknown}: see adiff ${argv[0]} --help`;
  }
  if (unknown !== undefined && FORMULA_COMMANDS.has(argv[0]!)) {
    const quote = (a: string) => (/^[\w=,.:/+-]+$/.test(a) ? a : `"${a.replace(/["\\$`]/g, '\\$&')}"`);
    const rest = argv.slice(1).filter((a) => a !== unknown).map(quote).join(' ');
    return `if ${unknown} is a formula, write "- -${unknown.slice(2)}", or put it right after --: adiff ${argv[0]} -- "${unknown}"${rest ? ` ${rest}` : ''}`;
  }
  return 'see adiff --help, or adiff <command> --help';
}

/** Whether the command line already has a formula: an argument that is neither an option nor an option's value. */
function hasFormula(program: Command, argv: string[]): boolean {
  const sub = program.commands.find((c) => c.name() === argv[0] || c.aliases().includes(argv[0]!));
  const options = [...(sub?.options ?? []), ...program.options];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return i + 1 < argv.length;
    if (arg === '-' || !arg.startsWith('-')) return true;
    const option = options.find((o) => o.long === arg.split('=')[0] || o.short === arg);
    if (option && (option.required || option.optional) && !arg.includes('=')) i++; // its value
  }
  return Boolean(sub?.options.some((o) => o.long === '--file') && argv.some((a) => a === '--file' || a === '-f' || a.startsWith('--file=')));
}

/** The commands whose argument is a formula. */
const FORMULA_COMMANDS = new Set(['eval', 'hessian', 'jacobian', 'jvp', 'vjp', 'hvp', 'diff', 'graph', 'check', 'explain', 'plot']);

/**
 * An option that takes one value given twice (`--wrt x --wrt y`, `--mode forward --mode reverse`) is an error:
 * commander would keep the last one and drop the first without a word. Repeatable options (`--at`, `--dir`,
 * `--cotangent`) collect every value; flags may repeat. `argv` is the command line as rescueDashArguments left it.
 */
function checkRepeatedOptions(program: Command, argv: string[]): void {
  const sub = program.commands.find((c) => c.name() === argv[0] || c.aliases().includes(argv[0]!));
  if (!sub) return;
  const options = [...sub.options, ...program.options];
  const seen = new Set<string>();
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    const option = options.find((o) => o.long === arg.split('=')[0] || o.short === arg);
    if (!option || !(option.required || option.optional)) continue;
    if (!arg.includes('=')) i++; // its value
    if (option.parseArg) continue; // a repeatable option collects its values
    const name = option.long ?? option.short!;
    if (seen.has(name)) {
      const list = /names>/.test(option.flags);
      throw new AdiffError({
        kind: 'usage',
        message: `${name} is given twice; it takes one value${list ? ' (a comma-separated list)' : ''}`,
        hint: list ? `give the names in one list, e.g. ${name} x,y` : `give ${name} once`,
      });
    }
    seen.add(name);
  }
}

/** Runs adiff with user arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const wantsJson = argv.includes('--json');
  let exitCode: number = EXIT.ok;
  let ctx: Context | undefined;
  const fallback = () => ctx ?? new Context(io, wantsJson, argv.includes('--no-color') ? false : argv.includes('--color') ? true : undefined);
  const report = (d: Omit<Diagnostic, 'severity'>) => fallback().report({ severity: 'error', ...d });
  let program: Command | undefined;
  try {
    program = buildProgram(
      await packageVersion(),
      async (action, json, color) => {
        ctx = new Context(io, json ?? false, color);
        exitCode = await action(ctx);
      },
      argv[0],
    );
    program.exitOverride();
    // Help wraps at the terminal's width, or at 80 columns when stdout is not a terminal.
    const output = {
      writeOut: (s: string) => io.stdout.write(s),
      writeErr: (s: string) => io.stderr.write(s),
      outputError: () => {},
      getOutHelpWidth: () => Math.max(40, io.columns ?? 80),
      getErrHelpWidth: () => 80,
      // adiff's help has no colour codes to keep or strip; asking would create process.stdout (see FdOut).
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    };
    program.configureOutput(output);
    for (const c of program.commands) {
      c.exitOverride();
      c.configureOutput(output);
    }
    if (argv.length === 0) {
      io.stdout.write(program.helpInformation());
      return EXIT.ok;
    }
    const args = rescueDashArguments(program, argv);
    checkRepeatedOptions(program, args);
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof AdiffError) {
      fallback().report(e.diagnostic);
      return EXIT.badInput;
    }
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.ok; // --help, --version
      const message = e.message.replace(/^error: /, '');
      report({ kind: 'usage', message, hint: usageHint(program!, e, argv) });
      return EXIT.badInput;
    }
    const err = e as Error;
    io.stderr.write(`adiff: internal error, please report: ${err?.message ?? String(e)}\n`);
    if (io.env.ADIFF_DEBUG) io.stderr.write(`${err?.stack ?? ''}\n`);
    return EXIT.internal;
  }
}

/** The real process's streams. */
export function processIo(): Io {
  // Written to the file descriptors directly until a stream is needed (FdOut): creating process.stdout costs
  // start-up time. A closed stdout pipe (e.g. `adiff ... | head -1`) ends quietly.
  // Any other failure is reported once, cleanly (exit 2), unless a caller listens for errors itself (batch output
  // does, and ends its run with the error); throwing from the listener would print a stack trace.
  let reported = false;
  const stdout = new FdOut(1, () =>
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exitCode = process.exitCode ?? 0;
      else if (process.stdout.listenerCount('error') === 1 && !reported) {
        reported = true;
        const why = e.code === 'ENOSPC' ? 'no space left on device' : e.message;
        process.stderr.write(`adiff: error: cannot write to standard output: ${why}\n`);
        process.exitCode = EXIT.badInput;
      }
    }),
  );
  const stderr = new FdOut(2, () => process.stderr);
  return {
    stdout,
    stderr,
    env: process.env,
    // Standard input is opened only when used: creating process.stdin costs start-up time (a file or pipe stream).
    get stdinIsTTY() {
      return isTerminal(0);
    },
    get columns() {
      return stdout.isTTY ? stdout.stream().columns : undefined;
    },
    writeFile: (path, data) => writeFile(path, data),
    get stdin() {
      return process.stdin;
    },
    get stdoutStream() {
      return stdout.stream();
    },
    readFile: (path) => readFile(path),
    ...processStreams(),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

/** The entry of a `--points` worker thread (parallel.ts), which loads this bundle: the batch code loads only there. */
export async function batchWorker(): Promise<void> {
  (await import('./batch-worker.js')).batchWorker();
}
