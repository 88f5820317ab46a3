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

export function buildProgram(version: string, run: Runner): Command {
  const program = new Command('adiff')
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
(adiff eval -x^2 --at x=2), or after -- (adiff eval --at x=2 -- -x^2).
adiff <command> --help shows a command's options and examples.`,
    );
  registerEval(program, run);
  registerHessian(program, run);
  registerJacobian(program, run);
  registerProducts(program, run);
  registerDiff(program, run);
  registerGraph(program, run);
  registerCheck(program, run);
  registerExplain(program, run);
  registerPlot(program, run);
  registerRepl(program, run);
  registerCompletion(program, run);
  return program;
}
