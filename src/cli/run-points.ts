// Streams the points of `--points` through a command's plan: points go through in fixed-size blocks (bounded
// memory), and each point gives exactly one output line, in input order: its result, or an error object in its
// place. It stops early and quietly when the reader of stdout goes away (`| head -5`), and cleanly on Ctrl-C
// after writing every finished line. Past a few megabytes of input, runs of records go to worker threads
// (parallel.ts), and their lines are written in order as they are ready.
import { AdiffError } from '../diagnostics.js';
import { BLOCK, drainBlock, earliest, emptyTally, runJob, type BatchPlan, type PointsOptions, type Tally } from './batch.js';
import { EXIT, type Context } from './context.js';
import type { Io, OutStream } from './io.js';
import { countLines, parallelAfter, Pool, recordBoundary, threadCount } from './parallel.js';
import { PointParser, type InputFormat } from './points.js';
import { LineBytes } from './render/line-bytes.js';

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

const INTERRUPTED = Symbol('interrupted');

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The command's options as plain data for a worker thread (the formula comes as text; no file to read). */
function plainOptions(opts: PointsOptions): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (k === 'file' || k === 'points') continue;
    if (v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) plain[k] = v;
  }
  return plain;
}

/**
 * Writes to stdout with backpressure; notices when the reader has gone away (EPIPE: the output ends quietly) or
 * when writing failed otherwise (a full disk: `failure`, an input/output error of the run once it has stopped).
 */
class Sink {
  closed = false;
  failure: AdiffError | undefined;
  private readonly onError = (e: unknown) => this.fail(e);
  /** Called before each write (to take a progress line off a terminal that stdout shares). */
  beforeWrite: (() => void) | undefined;
  constructor(private readonly out: OutStream) {
    out.on?.('error', this.onError);
  }
  private fail(e: unknown): void {
    this.closed = true;
    if (e instanceof AdiffError) this.failure ??= e;
    else {
      const code = (e as NodeJS.ErrnoException | undefined)?.code;
      if (code === 'EPIPE') return;
      const why = code === 'ENOSPC' ? 'no space left on device' : (e as Error | undefined)?.message ?? String(e);
      this.failure ??= new AdiffError({ kind: 'io', message: `cannot write to standard output: ${why}` });
    }
  }
  async write(text: string | Uint8Array): Promise<void> {
    if (this.closed || text.length === 0) return;
    this.beforeWrite?.();
    let ok: unknown;
    try {
      ok = this.out.write(text);
    } catch (e) {
      this.fail(e);
      return;
    }
    if (ok === false && this.out.once && this.out.off) {
      const out = this.out as Required<Pick<OutStream, 'once' | 'off'>>;
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          out.off('error', done);
          resolve();
        };
        out.once('drain', done);
        out.once('close', done);
        out.once('error', done);
      });
    }
  }
  dispose(): void {
    this.out.off?.('error', this.onError);
  }
}

/** The points' bytes, from a file or standard input, streamed when the Io can, counted for progress. */
async function openPoints(io: Io, path: string): Promise<{ chunks: AsyncIterable<Uint8Array>; size?: number; label: string }> {
  if (path === '-') {
    const chunks: AsyncIterable<Uint8Array> = io.stdinChunks ? io.stdinChunks() : (async function* () { yield await io.readStdin(); })();
    return { chunks, label: '<stdin>' };
  }
  try {
    if (io.openFile) return { ...(await io.openFile(path)), label: path };
    const bytes = await io.readFile(path);
    return { chunks: (async function* () { yield bytes; })(), size: bytes.length, label: path };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new AdiffError({ kind: 'io', message: `cannot read '${path}': ${why}` });
  }
}

/** A progress line on a terminal's stderr, once the run has taken more than a second. */
export class Progress {
  private readonly start: number;
  private last = 0;
  private drawn = false;
  constructor(
    private readonly err: OutStream,
    private readonly size: number | undefined,
    private readonly clock: () => number = Date.now,
  ) {
    this.start = clock();
  }
  update(points: number, bytes: number): void {
    const now = this.clock();
    const elapsed = now - this.start;
    if (elapsed < 1000 || now - this.last < 250) return;
    this.last = now;
    const rate = points / (elapsed / 1000);
    let eta = '';
    if (this.size && bytes > 0 && bytes <= this.size) eta = `, about ${Math.ceil(((this.size - bytes) / bytes) * (elapsed / 1000))} s left`;
    this.err.write(`\r\x1b[2Kadiff: ${points.toLocaleString('en-US')} points, ${Math.round(rate).toLocaleString('en-US')} points/s${eta}`);
    this.drawn = true;
  }
  clear(): void {
    if (this.drawn) this.err.write('\r\x1b[2K');
    this.drawn = false;
  }
}

/**
 * Streams the points of `--points` through a command's plan: validates the shared options, builds the plan
 * once (`makePlan` loads the formula and compiles what it needs), then reads, evaluates and writes block by block.
 */
export async function runPoints(ctx: Context, expr: string | undefined, opts: PointsOptions, command: string, makePlan: () => Promise<BatchPlan>): Promise<number> {
  const io = ctx.io;
  if (opts.trace) throw new AdiffError({ kind: 'usage', message: '--trace shows one point; it cannot be combined with --points' });
  const inputFormat = opts.inputFormat;
  if (inputFormat !== undefined && inputFormat !== 'csv' && inputFormat !== 'ndjson') {
    throw new AdiffError({ kind: 'usage', message: `unknown input format '${inputFormat}'`, hint: '--input-format is csv or ndjson (by default it is detected from the content)' });
  }
  const format = opts.format ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'csv') {
    throw new AdiffError({ kind: 'usage', message: `unknown output format '${format}'`, hint: '--format is ndjson (one JSON object per point) or csv' });
  }
  if (opts.points === '-' && expr === '-') {
    throw new AdiffError({ kind: 'usage', message: 'the formula and the points cannot both come from standard input', hint: 'give the formula as an argument or with --file' });
  }

  const plan = await makePlan();
  const source = await openPoints(io, opts.points);
  let bytes = 0;
  let interrupted = false;
  // Wakes the read that is waiting when Ctrl-C comes. A fresh promise per read: racing every read against one
  // long-lived promise would keep each read's result (every chunk) reachable from it, and memory would grow.
  let wake: (() => void) | undefined;
  const stopListening = io.onInterrupt?.(() => {
    interrupted = true;
    wake?.();
  });
  // Counts bytes for the progress line, and stops waiting for input at Ctrl-C (a half-read point is dropped).
  const counted = (async function* () {
    const it = source.chunks[Symbol.asyncIterator]();
    let finished = false;
    try {
      for (;;) {
        const stop = new Promise<typeof INTERRUPTED>((resolve) => (wake = () => resolve(INTERRUPTED)));
        const next = it.next(); // may itself see Ctrl-C come (and call wake) before it returns
        const r = interrupted ? INTERRUPTED : await Promise.race([next, stop]);
        wake = undefined;
        if (r === INTERRUPTED) throw r;
        if (r.done) {
          finished = true;
          return;
        }
        bytes += r.value.length;
        yield r.value;
      }
    } finally {
      // Stopped before the end (Ctrl-C, a fatal error such as a bad header, or the reader of stdout gone): stop
      // reading. A stream is destroyed (a pending read of a pipe would keep the process alive until the writer
      // ends it), other sources are returned.
      if (!finished) {
        const stream = source.chunks as { destroy?: () => void };
        if (typeof stream.destroy === 'function') stream.destroy();
        else void it.return?.()?.catch?.(() => {});
      }
    }
  })();

  const sink = new Sink(io.stdout);
  const progress = io.stderr.isTTY ? new Progress(io.stderr, source.size) : undefined;
  // stdout on a terminal too (most likely the same one): the progress line is taken off before each output chunk
  // and drawn again on the next update, so it never sticks to the start of an output line.
  if (progress && io.stdout.isTTY) sink.beforeWrite = () => progress.clear();
  let done = 0;
  let failed = 0;
  let nonFinite = 0;
  let firstNonFinite = 0;

  const parser = new PointParser({
    names: plan.names,
    needed: plan.needed,
    defaults: plan.defaults,
    format: inputFormat as InputFormat | undefined,
    blockSize: BLOCK,
    label: source.label,
  });
  const { block } = parser;
  // Large inputs go to worker threads once this many bytes have been read (see parallel.ts).
  const threads = threadCount(io.env, source.size !== undefined);
  const after = parallelAfter(io.env);
  let pool: Pool | undefined;
  let triedPool = false;
  // Jobs on the threads, oldest first: each settles once its lines are written. Lines are written as soon as
  // they and every line before them are ready (not when the next input comes), by a chain of writes in order.
  const inFlight: Promise<void>[] = [];
  let written: Promise<void> = Promise.resolve();
  /** Counts what a block or a job gave, reports its bad points (CSV), and writes its lines. */
  const settle = async (t: Tally, chunks: readonly Uint8Array[]) => {
    failed += t.failed;
    nonFinite += t.nonFinite;
    firstNonFinite = earliest(firstNonFinite, t.firstNonFinite);
    for (const message of t.reports) ctx.report({ severity: 'error', kind: 'input', message });
    done += t.count;
    for (const chunk of chunks) await sink.write(chunk);
    progress?.update(done, bytes);
  };
  /** Writes one block's lines (single-threaded path). */
  const emitBlock = async () => {
    const lines = new LineBytes();
    const tally = emptyTally();
    drainBlock(plan, block, format, source.label, lines, tally);
    await settle(tally, lines.finish());
  };
  /** Hands a run of records to the threads; its lines are written after those of the runs before it. */
  const submit = (text: string, first: number, last: boolean) => {
    const result = pool!.submit(text, first, last, (job) => runJob(plan, parser, format, source.label, job));
    written = written.then(async () => {
      const r = await result;
      if (!sink.closed) await settle(r, r.out);
    });
    written.catch(() => {}); // a failure is thrown where the chain is awaited, not as an unhandled rejection
    inFlight.push(written);
  };

  const decoder = new TextDecoder('utf-8'); // drops a BOM; invalid bytes become U+FFFD and that point fails
  let rest = '';
  const pending: string[] = [];
  // With threads, the first line of the next run handed out (the parser's own count moves with the runs it parses).
  let jobLine = 1;
  try {
    if (format === 'csv') await sink.write(plan.csvHeader.map(csvField).join(',') + '\n');
    for await (const chunk of counted) {
      const piece = decoder.decode(chunk, { stream: true });
      // A chunk without a line break only lengthens the unfinished line: kept aside and joined once a line break
      // comes, so that a very long line is not copied and rescanned at every chunk (quadratic time).
      if (piece.indexOf('\n') < 0) {
        pending.push(piece);
        continue;
      }
      let text = rest + pending.join('') + piece;
      pending.length = 0;
      if (pool) {
        const cut = recordBoundary(text, parser.format === 'csv');
        if (cut > 0) {
          const run = text.slice(0, cut);
          submit(run, jobLine, false);
          jobLine += countLines(run);
          text = text.slice(cut);
        }
        rest = text;
        while (inFlight.length >= 3 * threads) await inFlight.shift(); // bounded memory: wait for the oldest
      } else {
        // Lines are split in a plain loop, a block at a time; a partial block goes out at the end of each chunk,
        // so points piped in slowly are answered as they come.
        for (;;) {
          text = text.slice(parser.feed(text));
          if (!parser.full()) break;
          await emitBlock();
          if (sink.closed || interrupted) break;
        }
        rest = text;
        if (block.count > 0) await emitBlock();
        const state = threads > 1 && (bytes >= after || (source.size ?? 0) >= after) && !triedPool ? parser.state() : undefined;
        if (state) {
          triedPool = true; // once: only the bundled CLI has workers
          jobLine = parser.nextLine;
          pool = Pool.start(threads, {
            spec: { command, formula: plan.formula, opts: plainOptions(opts) },
            names: plan.names,
            needed: plan.needed,
            defaults: [...plan.defaults],
            state,
            format,
            label: source.label,
          });
        }
      }
      if (sink.closed || interrupted) break;
    }
    if (!sink.closed && !interrupted) {
      rest += pending.join('') + decoder.decode();
      if (pool) {
        if (rest !== '') submit(rest, jobLine, true);
      } else {
        parser.last(rest);
        if (parser.full()) await emitBlock();
        parser.finish();
        if (block.count > 0) await emitBlock();
      }
    }
    await written; // every job's lines (after Ctrl-C too: the lines finished so far)
    // With threads no single parser saw the whole input: a header with no point after it is found here.
    if (pool && done === 0 && !sink.closed && !interrupted) parser.failNoPoints();
  } catch (e) {
    if (e !== INTERRUPTED) throw e;
    await written.catch(() => {}); // Ctrl-C while reading: the lines of the runs already handed out
  } finally {
    await pool?.close();
    stopListening?.();
    sink.dispose();
    progress?.clear();
  }
  if (sink.failure) throw sink.failure;
  if (sink.closed) return EXIT.ok; // the reader went away (e.g. `| head -5`): not an error
  if (interrupted) {
    io.stderr.write(`adiff: interrupted after ${done} points\n`);
    return EXIT_INTERRUPTED;
  }
  if (failed > 0) {
    ctx.report({ severity: 'warning', kind: 'input', message: `${failed} of ${done} points could not be evaluated; each has an error in its place in the output` });
  }
  if (nonFinite > 0 && opts.strict) {
    // No warning per point (it would drown the output): the count, and where the first one is. Said even when
    // some points also failed (whose exit code, 1, then wins).
    const points = nonFinite === 1 ? `1 of ${done} points has` : `${nonFinite} of ${done} points have`;
    ctx.report({ severity: 'error', kind: 'domain', message: `--strict: ${points} a value or derivative that is NaN or infinite (the first at ${source.label}, line ${firstNonFinite})` });
    if (failed === 0) return EXIT.notFinite;
  }
  return failed > 0 ? EXIT.partial : EXIT.ok;
}
