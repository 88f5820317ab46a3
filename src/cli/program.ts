// The commander declarations: which commands exist and which options they take. Handlers live in commands/.
import { Command } from 'commander';
import type { Context } from './context.js';
import { registerEval } from './commands/eval.js';
import { registerHessian } from './commands/hessian.js';
import { registerJacobian } from './commands/jacobian.js';
import { registerProducts } from './commands/jvp.js';
import { registerDiff } from './commands/diff.js';
import { registerGraph } from './commands/graph.js';
import { registerCheck } from './commands/check.js';
import { registerExplain } from './commands/explain.js';
import { registerPlot } from './commands/plot.js';
import { registerCompletion } from './commands/completion.js';
import { registerRepl } from './commands/repl.js';

/** Runs an action: makes its Context (colour, JSON) and records its exit code. */
export type Runner = (action: (ctx: Context) => Promise<number>, json: boolean | undefined, color: boolean | undefined) => Promise<void>;

type Register = (program: Command, run: Runner) => void;

/** Every command, in the order help lists them, with the names its registration declares. */
const COMMANDS: readonly (readonly [names: readonly string[], register: Register])[] = [
  [['eval'], registerEval],
  [['hessian'], registerHessian],
  [['jacobian'], registerJacobian],
  [['jvp', 'vjp', 'hvp'], registerProducts],
  [['diff'], registerDiff],
  [['graph'], registerGraph],
  [['check'], registerCheck],
  [['explain'], registerExplain],
  [['plot'], registerPlot],
  [['repl'], registerRepl],
  [['completion'], registerCompletion],
];

/**
 * The commander program. With `command` (the first argument of a run), only that command's registration runs:
 * a run of one command needs no other, and declaring all of them is start-up time. The whole program is built for
 * anything else (no command, --help, `help`, an unknown command, which commander answers from the full list) and
 * for `completion`, whose scripts list every command. A command's help is the same either way.
 */
export function buildProgram(version: string, run: Runner, command?: string): Command {
  const program = root(version);
  const one = command === 'completion' ? undefined : COMMANDS.find(([names]) => command !== undefined && names.includes(command));
  if (one) {
    one[1](program, run);
    if (program.commands.some((c) => c.name() === command)) return program;
    // The table does not match the registration (a renamed command): fall back to the whole program.
    return buildProgram(version, run);
  }
  for (const [, register] of COMMANDS) register(program, run);
  return program;
}

function root(version: string): Command {
  return new Command('adiff')
    .description('exact derivatives of textual math formulas: values, gradients and Wengert-list traces by automatic differentiation')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .addHelpText(
      'after',
      `
Examples:
  adiff eval "ln(x1)+x1*x2-sin(x2)" --at x1=2,x2=5
  adiff eval "ln(x1)+x1*x2-sin(x2)" --at x1=2,x2=5 --trace
  adiff eval "sqrt(x^2 + y^2)" --at x=3,y=4 --json
  adiff check "x^y" --at x=2,y=0.5
  adiff plot "sin(x)*exp(-x/3)" --from 0 --to 10

An expression that starts with a minus sign works as typed
(adiff eval -x^2 --at x=2), or right after -- (adiff eval -- -x^2 --at x=2);
one that looks like an option (--x) works only after --.
adiff <command> --help shows a command's options and examples.`,
    );
}
