// Runs design points on a piscina worker pool (all cores by default). Results are placed by
// point index, so the output is the same for any number of workers or completion order.
// The worker is the compiled worker.js when this file runs from dist/, or worker.ts loaded
// through tsx when it runs from the TypeScript sources (vitest, `node --import tsx`).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { PointResult, PointTask } from './evaluate.js';

export interface PoolOptions {
  /** Worker threads (default: every core). */
  workers?: number;
  /** Aborting stops the run: queued points never start, running ones are terminated. */
  signal?: AbortSignal;
  /** Called after each finished point with the count done so far. */
  onProgress?: (done: number, total: number, last: PointResult) => void;
}

/** The default worker count: the machine's available parallelism. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

function workerLocation(): { filename: string; execArgv?: string[] } {
  const js = new URL('./worker.js', import.meta.url);
  if (existsSync(js)) return { filename: js.href };
  return { filename: new URL('./worker.ts', import.meta.url).href, execArgv: ['--import', 'tsx'] };
}

/** Evaluates `tasks` in parallel; rejects with the abort reason if `signal` fires. */
export async function runPoints(tasks: readonly PointTask[], opts: PoolOptions = {}): Promise<PointResult[]> {
  const threads = Math.max(1, Math.min(opts.workers ?? defaultWorkerCount(), tasks.length));
  const results: PointResult[] = new Array<PointResult>(tasks.length);
  if (tasks.length === 0) return results;
  opts.signal?.throwIfAborted();
  const pool = new Piscina({ ...workerLocation(), minThreads: threads, maxThreads: threads, idleTimeout: 1000 });
  let done = 0;
  let next = 0;
  // `threads` runners each take the next point in index order, so at most `threads` tasks are
  // in flight (and hold an abort listener) at any time.
  const runNext = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      const r = (await pool.run(tasks[i], { signal: opts.signal ?? null })) as PointResult;
      results[i] = r;
      done++;
      opts.onProgress?.(done, tasks.length, r);
    }
  };
  try {
    await Promise.all(Array.from({ length: threads }, runNext));
  } catch (e) {
    opts.signal?.throwIfAborted();
    throw e;
  } finally {
    await pool.destroy();
  }
  return results;
}
