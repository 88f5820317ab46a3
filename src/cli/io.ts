// The CLI's only contact with the outside world: streams, environment, files. Tests pass their own.
import { fstatSync, statSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { Chalk, type ChalkInstance } from 'chalk';
import { AdiffError } from '../diagnostics.js';

export interface OutStream {
  /** Text, or bytes already encoded as UTF-8 (batch output from worker threads). */
  write(text: string | Uint8Array): unknown;
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
 * Standard output or error written straight to its file descriptor, without creating Node's `process.stdout` or
 * `process.stderr`: for a pipe or a terminal Node builds a network or terminal stream (and loads those modules),
 * which is a good part of a one-formula run's start-up. Each write is synchronous and complete, as Node's own
 * stdout writes are to files and terminals. The real stream takes over, after everything written so far, when
 * stream events are wanted (batch output's backpressure and closed-pipe check), when `stream()` is asked for (the
 * REPL), or when the descriptor is non-blocking and full (EAGAIN). A reader that has gone away (EPIPE) ends the
 * output quietly, as a closed pipe does for the real stream; any other failure (a full disk) is an input/output
 * error of the run.
 */
export class FdOut implements OutStream {
  private real: NodeJS.WriteStream | undefined;
  private closed = false;
  private tty: boolean | undefined;

  constructor(
    private readonly fd: number,
    private readonly open: () => NodeJS.WriteStream,
  ) {}

  get isTTY(): boolean {
    if (this.real) return this.real.isTTY === true;
    this.tty ??= isTerminal(this.fd);
    return this.tty;
  }

  /** The real stream, through which every later write goes. */
  stream(): NodeJS.WriteStream {
    this.real ??= this.open();
    return this.real;
  }

  write(text: string | Uint8Array): boolean {
    if (this.real) return this.real.write(text);
    if (this.closed) return true;
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    let done = 0;
    while (done < bytes.length) {
      try {
        done += writeSync(this.fd, bytes, done, bytes.length - done);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          this.closed = true;
          return true;
        }
        if (code === 'EAGAIN') return this.stream().write(bytes.subarray(done));
        const why = code === 'ENOSPC' ? 'no space left on device' : (e as Error).message;
        throw new AdiffError({ kind: 'io', message: `cannot write to standard ${this.fd === 2 ? 'error' : 'output'}: ${why}` });
      }
    }
    return true;
  }

  on(event: string, listener: (...args: unknown[]) => void): this {
    this.stream().on(event, listener);
    return this;
  }

  once(event: string, listener: (...args: unknown[]) => void): this {
    this.stream().once(event, listener);
    return this;
  }

  off(event: string, listener: (...args: unknown[]) => void): this {
    this.stream().off(event, listener);
    return this;
  }
}

/**
 * Whether a file descriptor is a terminal, asking Node's terminal module (which loads net and streams, a few ms of a
 * short run, so the bundle loads it on first use) only when the device does not tell. Only a character device can
 * be a terminal. On Linux its major number does tell (the kernel's device list, Documentation/admin-guide/
 * devices.txt): 1 is memory devices such as /dev/null (never a terminal), 4 virtual consoles and serial ports,
 * 136-143 pseudo-terminals, 5 with minor 0 or 1 /dev/tty and /dev/console. Elsewhere /dev/null is recognised by
 * its device number.
 */
export function isTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    if (process.platform === 'linux' && st.rdev < 2 ** 32) {
      const major = Math.floor(st.rdev / 256) & 0xfff;
      const minor = st.rdev & 0xff;
      if (major === 1) return false;
      if (major === 4 || (major >= 136 && major <= 143) || (major === 5 && minor <= 1)) return true;
    } else if (process.platform !== 'win32' && st.rdev === statSync('/dev/null').rdev) return false;
  } catch {
    // Not known: ask the terminal module.
  }
  return isatty(fd);
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
