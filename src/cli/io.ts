// The CLI's only contact with the outside world: streams, environment, files. Tests pass their own.
import { Chalk, type ChalkInstance } from 'chalk';

export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Stream events ('drain', 'error', 'close'), for backpressure and a closed pipe in batch output. */
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  once?(event: string, listener: (...args: unknown[]) => void): unknown;
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  /** Reads all of standard input as bytes. */
  readStdin(): Promise<Uint8Array>;
  /** Reads a whole file as bytes (rejects with a Node error carrying `code` when it cannot). */
  readFile(path: string): Promise<Uint8Array>;
  /** Whether standard input is a terminal. */
  stdinIsTTY?: boolean;
  /** The terminal's width when stdout is a terminal (long tables fit it); undefined otherwise. */
  columns?: number;
  /** Writes a whole file (plot --out). */
  writeFile?(path: string, data: string): Promise<void>;
  /** The live input stream, for the interactive REPL (only used when stdinIsTTY). */
  stdin?: NodeJS.ReadableStream;
  /** The live output stream, for the interactive REPL. */
  stdoutStream?: NodeJS.WritableStream;
  /** Streams a file in chunks (batch --points); rejects like readFile when it cannot be opened. */
  openFile?(path: string): Promise<{ chunks: AsyncIterable<Uint8Array>; size?: number }>;
  /** Streams standard input in chunks (batch --points -). */
  stdinChunks?(): AsyncIterable<Uint8Array>;
  /** Runs `handler` on Ctrl-C (SIGINT) instead of ending the process; returns a function that undoes this. */
  onInterrupt?(handler: () => void): () => void;
}

/**
 * The colour level for one stream, decided once: `--color`/`--no-color` first, then NO_COLOR (any non-empty
 * value turns colour off, which chalk alone ignores), then FORCE_COLOR, then whether the stream is a terminal.
 */
export function colorLevel(stream: OutStream, env: Io['env'], flag: boolean | undefined): 0 | 1 | 2 | 3 {
  const detected = (): 1 | 2 | 3 => {
    if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
    if (/256/.test(env.TERM ?? '')) return 2;
    return 1;
  };
  if (flag === false) return 0;
  if (flag === true) return detected();
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (!stream.isTTY || env.TERM === 'dumb') return 0;
  return detected();
}

export function chalkFor(stream: OutStream, env: Io['env'], flag: boolean | undefined): ChalkInstance {
  return new Chalk({ level: colorLevel(stream, env, flag) });
}

/** Decodes bytes as UTF-8, rejecting invalid sequences (and dropping a leading byte-order mark). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}
