// `adiff completion bash|zsh|fish`: prints a completion script generated from the program's own declarations.
import { Argument, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from '../completion.js';
import { EXIT } from '../context.js';
import type { Runner } from '../program.js';

export function registerCompletion(program: Command, run: Runner): void {
  program
    .command('completion')
    .description('print a shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  adiff completion bash > ~/.local/share/bash-completion/completions/adiff
  adiff completion zsh > "\${fpath[1]}/_adiff"
  adiff completion fish > ~/.config/fish/completions/adiff.fish`,
    )
    .action(async (shell: Shell) => {
      await run(async (ctx) => {
        ctx.print(completionScript(program, shell));
        return EXIT.ok;
      }, false, false);
    });
}
