// buildProgram with a command name declares only that command (start-up time); what a run of that command sees
// must not change: its help, its options, and the same command object shape as in the whole program.
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/program.js';

const run = async () => {};
const full = buildProgram('1.2.3', run);
const names = full.commands.map((c) => c.name());
const describeOptions = (c: Command) => c.options.map((o) => [o.flags, o.description, o.defaultValue, o.argChoices]);

describe('buildProgram(version, run, command)', () => {
  it('the whole program has every command once', () => {
    expect(names.length).toBeGreaterThanOrEqual(13);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const name of names) {
    it(`${name}: declared alone, its help and options are those of the whole program`, () => {
      const program = buildProgram('1.2.3', run, name);
      const alone = program.commands.find((c) => c.name() === name)!;
      const whole = full.commands.find((c) => c.name() === name)!;
      expect(alone).toBeDefined();
      expect(alone.helpInformation()).toBe(whole.helpInformation());
      expect(describeOptions(alone)).toEqual(describeOptions(whole));
      if (name === 'completion') expect(program.commands.map((c) => c.name())).toEqual(names);
      else expect(program.commands.length).toBeLessThanOrEqual(3);
    });
  }

  it('no command, an option or an unknown name: the whole program', () => {
    for (const first of [undefined, '--help', '-V', 'help', 'evl', 'x^2']) {
      expect(buildProgram('1.2.3', run, first).commands.map((c) => c.name())).toEqual(names);
    }
    expect(buildProgram('1.2.3', run, '--help').helpInformation()).toBe(full.helpInformation());
  });
});
