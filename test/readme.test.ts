// Every ```console example in the README and in docs/*.md is run and must print exactly what the page shows
// (stderr, then stdout, as a terminal would show them for these commands).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const docsDir = new URL('../docs/', import.meta.url);
/** The pages whose examples are run: README.md, then every docs/*.md in name order. */
const pages: { name: string; text: string }[] = [
  { name: 'README.md', text: readFileSync(new URL('../README.md', import.meta.url), 'utf8') },
  ...(existsSync(docsDir) ? readdirSync(docsDir).filter((f) => f.endsWith('.md')).sort() : []).map((f) => ({
    name: `docs/${f}`,
    text: readFileSync(new URL(f, docsDir), 'utf8'),
  })),
];

/** Splits a command line into words: double and single quotes, backslash escapes inside double quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      let s = '';
      while (line[j] !== '"') {
        if (line[j] === '\\' && '"\\$`'.includes(line[j + 1]!)) j++;
        s += line[j++];
      }
      word = (word ?? '') + s;
      i = j;
    } else word = (word ?? '') + ch;
  }
  if (word !== undefined) words.push(word);
  return words;
}

interface Example {
  command: string;
  expected: string;
}

function examples(readme: string): Example[] {
  const out: Example[] = [];
  const blocks = readme.matchAll(/```console\n([\s\S]*?)```/g);
  for (const [, body] of blocks) {
    let current: Example | undefined;
    for (const line of body!.split('\n')) {
      if (line.startsWith('$ ')) {
        if (current) out.push(current);
        current = { command: line.slice(2), expected: '' };
      } else if (current) current.expected += line + '\n';
    }
    if (current) out.push(current);
  }
  return out.map((e) => ({ ...e, expected: e.expected.replace(/\n+$/, '\n').replace(/^\n$/, '') }));
}

async function runCommand(command: string): Promise<string> {
  let stdin = '';
  let rest = command;
  const piped = /^(?:echo|printf) (.*?) \| (adiff .*)$/.exec(command);
  if (piped) {
    const [text] = shellWords(piped[1]!);
    stdin = command.startsWith('echo') ? text + '\n' : text!.replace(/\\n/g, '\n');
    rest = piped[2]!;
  }
  const words = shellWords(rest);
  const npx = words[0] === 'npx' && (words[1] === 'adiff' || words[1] === 'adiff-cli');
  if (words[0] !== 'adiff' && !npx) throw new Error(`not an adiff command: ${command}`);
  const argv = words.slice(npx ? 2 : 1);
  let stdout = '';
  let stderr = '';
  const decoder = new TextDecoder(); // batch output comes as UTF-8 bytes
  await main(argv, {
    stdout: { write: (s: string | Uint8Array) => ((stdout += typeof s === 'string' ? s : decoder.decode(s, { stream: true })), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    env: {},
    readStdin: async () => new TextEncoder().encode(stdin),
    readFile: (path: string) => readFile(new URL(path, `file://${root}`)),
  });
  return stderr + stdout;
}

describe('README examples print what the README says', () => {
  const all = examples(pages[0]!.text);
  it('there are examples', () => expect(all.length).toBeGreaterThan(5));
  it.each(all)('$command', async ({ command, expected }) => {
    expect(await runCommand(command)).toBe(expected);
  });
});

for (const page of pages.slice(1)) {
  const all = examples(page.text);
  if (all.length === 0) continue;
  describe(`${page.name} examples print what the page says`, () => {
    it.each(all)('$command', async ({ command, expected }) => {
      expect(await runCommand(command)).toBe(expected);
    });
  });
}
