// The worker thread's side of parallel.ts: builds the command's plan from the formula's text and options (as the
// main thread did), then turns each job (a run of complete records) into output lines with the same parser and
// the same plan as the single-threaded path.
import { parentPort } from 'node:worker_threads';
import { AdiffError } from '../diagnostics.js';
import { runJob } from './batch.js';
import { runBatchPlan } from './batch-eval.js';
import { hessianPlan, hvpPlan, jacobianPlan, jvpPlan, vjpPlan } from './batch-higher.js';
import type { BatchPlan } from './batch.js';
import { Context } from './context.js';
import type { Io, OutStream } from './io.js';
import type { Job, WorkerInit } from './parallel.js';
import { PointParser } from './points.js';

type PlanMaker = (ctx: Context, expr: string, opts: never) => Promise<BatchPlan>;

/** Every command that reads --points, by the name runPoints passes on. */
export const PLANS: Record<string, PlanMaker> = {
  eval: runBatchPlan,
  hessian: hessianPlan,
  hvp: hvpPlan,
  jacobian: jacobianPlan,
  jvp: jvpPlan,
  vjp: vjpPlan,
};

const silent: OutStream = { write: () => true };

/** A context that reads nothing and reports nothing (the main thread has reported the plan's warnings). */
function quietContext(): Context {
  const io = {
    stdout: silent,
    stderr: silent,
    env: {},
    stdinIsTTY: false,
    readFile: () => Promise.reject(new Error('no files in a worker')),
    readStdin: () => Promise.reject(new Error('no standard input in a worker')),
    writeFile: () => Promise.reject(new Error('no files in a worker')),
  } as unknown as Io;
  return new Context(io, false, false);
}

export function batchWorker(): void {
  const port = parentPort!;
  let setup: Promise<{ plan: BatchPlan; parser: PointParser; init: WorkerInit }> | undefined;
  // Jobs run one after another, in the order they arrive.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (m: { init?: WorkerInit; job?: Job }) => {
    if (m.init) {
      const init = m.init;
      setup = (async () => {
        const maker = PLANS[init.spec.command];
        if (!maker) throw new Error(`no plan for '${init.spec.command}'`);
        const plan = await maker(quietContext(), init.spec.formula, init.spec.opts as never);
        const parser = new PointParser({ names: init.names, needed: init.needed, defaults: new Map(init.defaults), label: init.label }, init.state);
        return { plan, parser, init };
      })();
      return;
    }
    const job = m.job!;
    queue = queue.then(async () => {
      try {
        const { plan, parser, init } = await setup!;
        const result = runJob(plan, parser, init.format, init.label, job);
        // The bytes' buffers are moved, not copied: the main thread only writes them.
        port.postMessage({ ok: true, result }, result.out.map((b) => b.buffer as ArrayBuffer));
      } catch (e) {
        const error = e instanceof AdiffError ? e.diagnostic.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
        port.postMessage({ ok: false, error });
      }
    });
  });
}
