// Options that several commands declare in the same words: one definition each.
import { Option } from 'commander';

/** A repeatable option's collector (`--at a=1 --at b=2`). */
export const repeatable = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `-f, --file`: the program from a file instead of the argument. */
export const fileOption = () => new Option('-f, --file <path>', 'read the formula from a file');
/** `--color`, then `--no-color`: override the colour decision (terminal, NO_COLOR, FORCE_COLOR). */
export const colorOption = () => new Option('--color', 'colour the output even when it is not a terminal');
export const noColorOption = () => new Option('--no-color', 'never colour the output');
