// Batches of points on several threads. Formatting numbers is most of what `--points` costs (a shortest
// round-trip decimal takes ~250 ns a number), so a large input is cut into runs of complete records, and worker
// threads parse, evaluate and format them while the main thread only reads, cuts and writes, in input order.
// A worker loads the same bundle as the CLI (dist/cli/adiff.bundle.cjs, with its code cache) and builds the same
// plan from the formula's text and the command's options (batch-worker.ts), so every line is exactly what the
// single-threaded path writes. Only the bundled CLI can start workers; elsewhere (tests run in-process, the
// library) everything runs on one thread.
import { availableParallelism } from 'node:os';
import type { Tally } from './batch.js';
import { csvRecordBoundary, type ParserState } from './points.js';

/** What a worker needs to rebuild the command's plan: the command, the formula's text and its options. */
export interface PlanSpec {
  command: string;
  formula: string;
  opts: Record<string, unknown>;
}

export interface WorkerInit {
  spec: PlanSpec;
  /** The point reader's options and where it stands (format, CSV header) when the workers take over. */
  names: readonly string[];
  needed: readonly boolean[];
  defaults: [string, number][];
  state: ParserState;
  format: 'ndjson' | 'csv';
  label: string;
}

/** A run of complete records (lines), the first numbered `firstLine`; `last`: the end of the input. */
export interface Job {
  seq: number;
  text: string;
  firstLine: number;
  last: boolean;
}

export interface JobResult extends Tally {
  seq: number;
  /** The lines as UTF-8, in chunks of their own buffers (from a worker, the buffers are moved, not copied). */
  out: readonly Uint8Array[];
}

type Message = { ok: true; result: JobResult } | { ok: true; ready: true } | { ok: false; error: string };

interface WorkerLike {
  postMessage(m: unknown): void;
  on(event: 'message', f: (m: Message) => void): void;
  on(event: 'error', f: (e: Error) => void): void;
  on(event: 'exit', f: (code: number) => void): void;
  terminate(): Promise<number>;
  unref(): void;
  readonly stdout?: { resume(): void } | null;
  readonly stderr?: { resume(): void } | null;
}

declare const require: ((id: string) => unknown) & { resolve(id: string): string } | undefined;

/** Where the bundle is, when this code runs as the bundled CLI. */
function bundlePath(): string | undefined {
  try {
    return typeof require === 'function' ? require.resolve('./adiff.bundle.cjs') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How many threads to use in all: ADIFF_THREADS if set (0 or 1: the main thread only); else, for points read from a
 * file, 2 when there are two cores or more; else (standard input) 1. Measured on 2 cores: a 10^6-point file takes
 * about 0.7x the time on 2 threads; points generated into a pipe do not (the producer needs a core too: 5.5 s
 * against 4.5 s), and each worker costs about 30 MB (its own heap and a copy of the code: 10^6 points from a file
 * peak at about 165 MB on 2 threads, 220 MB on 4), so more threads, or threads on a pipe, are for those who ask.
 */
export function threadCount(env: Readonly<Record<string, string | undefined>>, fromFile: boolean): number {
  const set = env.ADIFF_THREADS;
  if (set !== undefined && /^\d+$/.test(set.trim())) {
    const n = Number(set);
    return n <= 1 ? 0 : Math.min(n, 16);
  }
  return fromFile && availableParallelism() >= 2 ? 2 : 0;
}

/**
 * The input size from which workers start (small inputs are done before a worker would have loaded): right after
 * the header when the file's size says it is that large, else once that many bytes have been read. Starting at
 * once rather than after the first 4 MB: 10^6 points (23 MB) took 0.84x–0.98x the time (6 rounds side by side).
 */
export function parallelAfter(env: Readonly<Record<string, string | undefined>>): number {
  const set = env.ADIFF_PARALLEL_AFTER;
  return set !== undefined && /^\d+$/.test(set.trim()) ? Number(set) : 4 << 20;
}

// The worker's entry: load the bundle as bin/adiff.js does, then run its batch worker.
const WORKER_SOURCE = `
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { Script } = require('node:vm');
const { workerData } = require('node:worker_threads');
let cachedData;
try { cachedData = readFileSync(workerData.cache); } catch { cachedData = undefined; }
const script = new Script(readFileSync(workerData.bundle, 'utf8'), { filename: workerData.bundle, cachedData });
const cli = { exports: {} };
script.runInThisContext()(createRequire(workerData.bundle), cli, cli.exports);
cli.exports.batchWorker();
`;

/** Worker threads that run jobs; results are handed back in the order the jobs were submitted. */
export class Pool {
  private readonly workers: WorkerLike[] = [];
  private readonly waiting = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failure: Error | undefined;

  private constructor(count: number, bundle: string, init: WorkerInit) {
    const { Worker } = require!('node:worker_threads') as { Worker: new (src: string, o: object) => WorkerLike };
    const cache = bundle.replace(/adiff\.bundle\.cjs$/, 'adiff.cache');
    for (let i = 0; i < count; i++) {
      // A small young generation: a worker's garbage is short-lived strings, and V8's default would let each
      // worker's heap grow by tens of megabytes (measured: peak RSS 190 MB with the default, 160 MB with 8 MB).
      // stdout/stderr: true keeps the workers' own streams (they write nothing: their Io is silent) from being piped
      // into the process's, which adds listeners to those for each worker (Node warns past 10: 9 threads or more).
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { bundle, cache }, stdout: true, stderr: true, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      w.stdout?.resume();
      w.stderr?.resume();
      w.on('message', (m) => this.receive(m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a worker thread exited with code ${code}`));
      });
      w.postMessage({ init });
      this.workers.push(w);
    }
  }

  /** `threads - 1` workers when this is the bundled CLI and there are threads to use; otherwise undefined. */
  static start(threads: number, init: WorkerInit): Pool | undefined {
    const bundle = bundlePath();
    if (threads < 2 || bundle === undefined) return undefined;
    return new Pool(threads - 1, bundle, init);
  }

  /**
   * Jobs go to the threads in turn (they are of about equal size), the calling thread taking its share: with
   * `threads` threads, one job in `threads` is run at once by `here`.
   */
  submit(text: string, firstLine: number, last: boolean, here: (job: Job) => JobResult): Promise<JobResult> {
    const seq = this.next++;
    const job: Job = { seq, text, firstLine, last };
    const turn = seq % (this.workers.length + 1);
    const result = new Promise<JobResult>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      if (turn === this.workers.length) return resolve(here(job)); // a throw rejects
      this.waiting.set(seq, { resolve, reject });
      this.workers[turn]!.postMessage({ job });
    });
    result.catch(() => {}); // a failure is seen when the result is awaited, in order, not as an unhandled rejection
    return result;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private receive(m: Message): void {
    if (!m.ok) return this.fail(new Error(m.error));
    if (!('result' in m)) return;
    const w = this.waiting.get(m.result.seq);
    this.waiting.delete(m.result.seq);
    w?.resolve(m.result);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }
}

/**
 * Where to cut `text` so that the part before the cut is whole records: after the last line break, or for CSV
 * after the last line break outside a quoted field (a quoted field may hold line breaks). 0 when there is none.
 */
export function recordBoundary(text: string, csv: boolean): number {
  return csv ? csvRecordBoundary(text) : text.lastIndexOf('\n') + 1;
}

/** How many line breaks `text` has. */
export function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
