// `adiff repl`: define a program a statement at a time, set a point, and ask for the value, gradient, trace,
// Hessian or a symbolic derivative; errors are shown with carets and the session goes on. Interactive (with
// history across sessions) when standard input is a terminal; otherwise standard input is read as a script.
import { appendFile, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { AdiffError, type Diagnostic } from '../../diagnostics.js';
import { diagnosePoint } from '../../autodiff/diagnose.js';
import { explainReverse } from '../../autodiff/explain.js';
import { gradientAt, inputVector } from '../../autodiff/gradient.js';
import { reaching } from '../../autodiff/graph.js';
import { lower, type Lowered } from '../../autodiff/lower.js';
import { traceRows } from '../../autodiff/trace.js';
import { parse } from '../../parser/parse.js';
import { decodeUtf8 } from '../io.js';
import { EXIT, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { collectAssignments } from '../options.js';
import { explainGradient } from '../point.js';
import { renderGradient, renderTrace, formatNumber } from '../render/human.js';
import { renderExplain } from '../render/explain.js';
import { runHessian } from './hessian.js';
import { runDiff } from './diff.js';
import { colorOption, noColorOption } from '../command-options.js';
import { outputLabel } from '../../autodiff/outputs.js';

export const REPL_HELP = `Type statements to build a program, then ask about its output (the last
expression you typed, or the last assignment):
  a = x*y              define a name
  sin(a) + x           the output (an input continues on the next line while
                       a parenthesis is open or the line ends in an operator)
  :at x=2,y=3          set the point (names you give again are replaced)
  :grad                value and gradient at the point
  :trace               the Wengert list with adjoints
  :explain             the reverse sweep step by step
  :hessian             value, gradient and Hessian
  :diff x              the derivative as a formula (:diff x,y for several)
  :show                the program and the point so far
  :clear               forget the program and the point
  :help                this text
  :quit                leave (Ctrl-D works too)
`;

/** True while the text cannot be complete: open parentheses, or a last line ending in an operator. */
export function needsMore(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
  }
  if (depth > 0) return true;
  return /[-+*/^=,(\\]\s*$/.test(text) && !/^\s*:/.test(text);
}

/** The state of one session and what each input does to it. Output goes through the Context. */
export class ReplSession {
  private statements: string[] = [];
  private point = new Map<string, number>();
  /** Whether any input failed (for the exit code of a script). */
  failed = false;

  constructor(private readonly ctx: Context) {}

  private program(extra?: string): string {
    return [...this.statements, ...(extra !== undefined ? [extra] : [])].join('\n');
  }

  /** Lowers the program with `extra` appended; an error in `extra` points into `extra` alone. */
  private lowerWith(extra?: string): Lowered {
    const prefix = this.statements.length > 0 ? this.program() + '\n' : '';
    const text = this.program(extra);
    try {
      return lower(parse(text, { sourceName: 'repl', skipValidations: true }), { name: 'repl', text });
    } catch (e) {
      if (e instanceof AdiffError && extra !== undefined && e.diagnostic.span && e.diagnostic.span.start >= prefix.length) {
        const { span } = e.diagnostic;
        throw new AdiffError({ ...e.diagnostic, source: { name: 'input', text: extra }, span: { start: span.start - prefix.length, end: span.end - prefix.length } });
      }
      throw e;
    }
  }

  private pointText(lowered: Lowered): string[] {
    const names = lowered.graph.inputNames.filter((n) => this.point.has(n));
    return names.length > 0 ? [names.map((n) => `${n}=${formatNumber(this.point.get(n)!)}`).join(',')] : [];
  }

  private inputs(lowered: Lowered): Float64Array {
    return inputVector(lowered, this.point, reaching(lowered.graph.nodes, [lowered.output.node]));
  }

  private atPoint(lowered: Lowered) {
    return gradientAt(lowered, this.inputs(lowered), { output: lowered.output.node });
  }

  /**
   * The program reduced to the REPL's output: every assignment and the last statement, without the bare
   * expressions typed before it (they were shown at once and nothing can refer to them), so the commands that
   * take one output (:hessian, :diff) work on the output the help names.
   */
  private outputProgram(lowered: Lowered): string {
    const { statements, source } = lowered;
    return statements
      .filter((s, i) => s.name !== undefined || i === statements.length - 1)
      .map((s) => source.text.slice(s.span.start, s.span.end))
      .join('\n');
  }

  /** Runs a command-line command for the REPL, pointing its option errors at the REPL command typed. */
  private async asCommand(command: string, text: string, run: () => Promise<number>): Promise<void> {
    try {
      await run();
    } catch (e) {
      if (e instanceof AdiffError && e.diagnostic.source?.name.startsWith('--') && e.diagnostic.span) {
        const option = e.diagnostic.source.text;
        const at = text.indexOf(option, command.length);
        if (at >= 0) {
          const { span } = e.diagnostic;
          throw new AdiffError({ ...e.diagnostic, source: { name: 'input', text }, span: { start: span.start + at, end: span.end + at } });
        }
      }
      throw e;
    }
  }

  private requireProgram(): Lowered {
    if (this.statements.length === 0) throw new AdiffError({ kind: 'usage', message: 'there is no program yet', hint: 'type a formula first, e.g. x^2 + y' });
    return this.lowerWith();
  }

  private showGradient(lowered: Lowered): void {
    const result = this.atPoint(lowered);
    const reported = diagnosePoint(lowered, result).filter((d: Diagnostic) => d.severity === 'warning');
    this.ctx.reportAll(reported);
    explainGradient(this.ctx, lowered, { x: this.inputs(lowered), bindings: [], reported }, result);
    this.ctx.print(renderGradient(this.ctx.out, outputLabel(lowered), result.value, lowered.graph.inputNames, result.gradient));
  }

  /** Handles one complete input (possibly several lines). */
  async handle(input: string): Promise<'quit' | void> {
    const text = input.trim();
    if (text === '' || text.startsWith('#')) return;
    try {
      if (text.startsWith(':')) return await this.command(text);
      const lowered = this.lowerWith(text);
      this.statements.push(text);
      // A bare expression (or a program ending in one) is evaluated at once when the point covers it.
      const last = lowered.statements[lowered.statements.length - 1]!;
      if (last.name === undefined) {
        const mask = reaching(lowered.graph.nodes, [lowered.output.node]);
        const missing = lowered.graph.inputs.filter((id, k) => mask[id] && !this.point.has(lowered.graph.inputNames[k]!));
        if (missing.length === 0) this.showGradient(lowered);
        else this.ctx.print(this.ctx.out.dim(`(set ${missing.map((id) => lowered.graph.inputNames[lowered.graph.inputs.indexOf(id)]).join(', ')} with :at to evaluate)`) + '\n');
      }
    } catch (e) {
      if (!(e instanceof AdiffError)) throw e;
      this.failed = true;
      this.ctx.report(e.diagnostic);
    }
  }

  private async command(text: string): Promise<'quit' | void> {
    const [, name = '', rest = ''] = /^:(\S*)\s*(.*)$/s.exec(text) ?? [];
    switch (name) {
      case 'q':
      case 'quit':
      case 'exit':
        return 'quit';
      case 'help':
      case '?':
        this.ctx.print(REPL_HELP);
        return;
      case 'at': {
        const { values, bindings } = collectAssignments([rest], ':at');
        this.ctx.reportAll(bindings.flatMap((b) => b.warnings));
        for (const [k, v] of values) this.point.set(k, v);
        this.ctx.print(`at ${[...this.point].map(([k, v]) => `${k} = ${formatNumber(v)}`).join(', ')}\n`);
        return;
      }
      case 'show':
        this.ctx.print(this.statements.length > 0 ? this.program() + '\n' : '(no program yet)\n');
        if (this.point.size > 0) this.ctx.print(this.ctx.out.dim(`at ${[...this.point].map(([k, v]) => `${k} = ${formatNumber(v)}`).join(', ')}`) + '\n');
        return;
      case 'clear':
        this.statements = [];
        this.point.clear();
        return;
      case 'grad':
      case 'eval':
        this.showGradient(this.requireProgram());
        return;
      case 'trace': {
        const lowered = this.requireProgram();
        const result = this.atPoint(lowered);
        const f = outputLabel(lowered);
        this.ctx.print(renderTrace(this.ctx.out, traceRows(lowered, result), 'reverse', f, undefined, this.ctx.columns));
        return;
      }
      case 'explain': {
        const lowered = this.requireProgram();
        const e = explainReverse(lowered, this.atPoint(lowered));
        const at = [...this.point].map(([k, v]) => `${k} = ${formatNumber(v)}`).join(', ');
        this.ctx.print(renderExplain(this.ctx.out, e, `Reverse sweep of ${e.output}${at ? ` at ${at}` : ''}`));
        return;
      }
      case 'hessian': {
        const lowered = this.requireProgram();
        await this.asCommand(':hessian', text, () => runHessian(this.ctx, this.outputProgram(lowered), { at: this.pointText(lowered) }));
        return;
      }
      case 'diff': {
        const lowered = this.requireProgram();
        await this.asCommand(':diff', text, () => runDiff(this.ctx, this.outputProgram(lowered), rest.trim() ? { wrt: rest.trim() } : {}));
        return;
      }
      default:
        throw new AdiffError({
          kind: 'usage',
          message: `unknown command ':${name}'`,
          source: { name: 'input', text },
          span: { start: 0, end: name.length + 1 },
          hint: 'the commands are :at :grad :trace :explain :hessian :diff :show :clear :help :quit',
        });
    }
  }
}

/** Feeds lines to a session, joining continued lines; returns false when the session asked to quit. */
export class LineAssembler {
  private buffer: string[] = [];
  constructor(private readonly session: ReplSession) {}
  get pending(): boolean {
    return this.buffer.length > 0;
  }
  async line(line: string): Promise<boolean> {
    this.buffer.push(line.replace(/\\\s*$/, ''));
    const text = this.buffer.join('\n');
    if (needsMore(line.trim() === '' ? '' : text) && line.trim() !== '') return true;
    this.buffer = [];
    return (await this.session.handle(text)) !== 'quit';
  }
  async end(): Promise<void> {
    if (this.buffer.length > 0) {
      const text = this.buffer.join('\n');
      this.buffer = [];
      await this.session.handle(text);
    }
  }
}

export function historyPath(env: Record<string, string | undefined>): string {
  return env.ADIFF_HISTORY || join(homedir(), '.adiff_history');
}

async function interactive(ctx: Context, session: ReplSession): Promise<number> {
  const { io } = ctx;
  const file = historyPath(io.env);
  let history: string[] = [];
  try {
    history = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '').reverse().slice(0, 1000);
  } catch {
    // no history yet
  }
  const rl = createInterface({ input: io.stdin!, output: io.stdoutStream!, terminal: true, history, historySize: 1000, prompt: 'adiff> ' });
  const lines = new LineAssembler(session);
  ctx.print(ctx.out.dim('adiff repl — :help for commands, :quit or Ctrl-D to leave') + '\n');
  rl.prompt();
  // History lines are appended one after another (concurrent appends could land out of order), and all of them
  // are written before the session ends.
  let saved: Promise<void> = Promise.resolve();
  for await (const line of rl) {
    if (line.trim() !== '') {
      const entry = line.replace(/\n/g, ' ') + '\n';
      saved = saved.then(() => appendFile(file, entry)).catch(() => {});
    }
    if (!(await lines.line(line))) break;
    rl.setPrompt(lines.pending ? '   ... ' : 'adiff> ');
    rl.prompt();
  }
  rl.close();
  await saved;
  return EXIT.ok;
}

export async function runRepl(ctx: Context): Promise<number> {
  const session = new ReplSession(ctx);
  if (ctx.io.stdinIsTTY && ctx.io.stdin && ctx.io.stdoutStream) return interactive(ctx, session);
  const text = decodeUtf8(await ctx.io.readStdin());
  if (text === undefined) throw new AdiffError({ kind: 'io', message: 'standard input is not valid UTF-8 text' });
  const lines = new LineAssembler(session);
  for (const line of text.split(/\r?\n/)) if (!(await lines.line(line))) return session.failed ? EXIT.partial : EXIT.ok;
  await lines.end();
  return session.failed ? EXIT.partial : EXIT.ok;
}

export function registerRepl(program: Command, run: Runner): void {
  program
    .command('repl')
    .description('interactive session: build a program line by line, set a point, ask for gradients, traces, Hessians')
    .addOption(colorOption())
    .addOption(noColorOption())
    .addHelpText(
      'after',
      `
${REPL_HELP}
On a terminal the session is interactive, with history kept in ~/.adiff_history
(or $ADIFF_HISTORY). Otherwise standard input is read as a script, and the exit
code is 1 if any line failed.

Examples:
  adiff repl
  printf 'f = x^2*y\\n:at x=3,y=2\\n:grad\\n' | adiff repl
  adiff repl < session.adiff`,
    )
    .action(async (opts: { color?: boolean }) => {
      await run((ctx) => runRepl(ctx), false, opts.color);
    });
}
