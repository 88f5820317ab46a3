// Runs the CLI in-process with a fake Io and captures what it writes.
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

export interface Transcript {
  code: number;
  stdout: string;
  stderr: string;
}

export interface FakeIoOptions {
  stdin?: string | Uint8Array;
  files?: Record<string, string | Uint8Array>;
  env?: Record<string, string | undefined>;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** The terminal width the CLI should fit (Io.columns). */
  columns?: number;
  /** Files written by the CLI (Io.writeFile) land here. */
  written?: Record<string, string>;
}

export function fakeIo(options: FakeIoOptions = {}): { io: Io; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  const decoder = new TextDecoder();
  const bytes = (v: string | Uint8Array) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
  const io: Io = {
    // Batch output comes as UTF-8 bytes, in chunks that may end inside a character.
    stdout: { write: (s: string | Uint8Array) => ((stdout += typeof s === 'string' ? s : decoder.decode(s, { stream: true })), true), isTTY: options.stdoutIsTTY ?? false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: options.stderrIsTTY ?? false },
    env: options.env ?? {},
    readStdin: async () => bytes(options.stdin ?? ''),
    readFile: async (path: string) => {
      const f = options.files?.[path];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      return bytes(f);
    },
    stdinIsTTY: false,
    columns: options.columns,
    writeFile: async (path: string, data: string) => {
      if (!options.written) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
      options.written[path] = data;
    },
  };
  return { io, out: () => stdout, err: () => stderr };
}

/** Runs `adiff ...argv` in-process. */
export async function run(argv: string[], options: FakeIoOptions = {}): Promise<Transcript> {
  const { io, out, err } = fakeIo(options);
  const code = await main(argv, io);
  return { code, stdout: out(), stderr: err() };
}

/** Parses the single JSON line of a --json run. */
export function json(t: Transcript): any {
  const lines = t.stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected one line of JSON, got ${lines.length}: ${t.stdout}`);
  return JSON.parse(lines[0]!);
}
