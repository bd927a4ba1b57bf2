// Runs one shard of a planned sweep: point k of jobs.jsonl belongs to shard k mod N. Each
// finished point is one file, DIR/results/<id>.json, written atomically, so a shard killed at
// any moment leaves only whole results, and running it again skips them (resumable after
// preemption). A point that fails records its error in its file instead of stopping the shard.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { writeFileAtomic } from '../../isa/files.js';
import { evaluatePoint, type PointResult } from './evaluate.js';
import { PLAN_FILES, planTasks, type SweepJob, type SweepPlan } from './plan.js';

/** What DIR/results/<id>.json holds. */
export interface PointRecord extends PointResult {
  id: string;
  model: string;
}

export interface ShardProgress {
  done: number;
  skipped: number;
  failed: number;
  total: number;
  last?: PointRecord;
}

export interface ShardOptions {
  index: number;
  count: number;
  signal?: AbortSignal;
  onPoint?: (p: ShardProgress) => void;
}

export function resultPath(dir: string, id: string): string {
  return join(dir, PLAN_FILES.results, `${id}.json`);
}

/** A finished point's record, or undefined when it is missing or unreadable (then it reruns). */
export function readRecord(dir: string, job: SweepJob): PointRecord | undefined {
  const path = resultPath(dir, job.id);
  if (!existsSync(path)) return undefined;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as PointRecord;
    return r.id === job.id && (r.metrics !== undefined || typeof r.error === 'string') ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Evaluates the shard's unfinished points in order; resolves with the counts. */
export async function runShard(dir: string, plan: SweepPlan, o: ShardOptions): Promise<ShardProgress> {
  const mine = planTasks(plan).filter((_, k) => k % o.count === o.index);
  const progress: ShardProgress = { done: 0, skipped: 0, failed: 0, total: mine.length };
  for (const { job, task } of mine) {
    if (o.signal?.aborted) throw new DlpError('interrupted: the shard stopped; finished points are kept and a rerun resumes');
    if (readRecord(dir, job)) {
      progress.skipped++;
      continue;
    }
    let result: PointResult;
    try {
      result = evaluatePoint(task);
    } catch (e) {
      // Not a DlpError (evaluatePoint turns those into error rows): still this point's failure only.
      result = { index: task.index, params: task.params, hardware: task.hw.name, dtype: task.dtype, batch: task.batch, schedule: task.schedule, error: `internal error: ${(e as Error).message}` };
    }
    const record: PointRecord = { id: job.id, model: job.model, ...result };
    writeFileAtomic(resultPath(dir, job.id), `${JSON.stringify(record)}\n`);
    progress.done++;
    if (record.error !== undefined) progress.failed++;
    progress.last = record;
    o.onPoint?.(progress);
    // Let Ctrl-C (the abort signal) through between points.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return progress;
}
