// A sweep as a plain list of independent jobs, for engines that run them elsewhere (a Slurm
// job array, a shell loop of shards): `DIR/plan.json` holds everything a job needs (each
// model's shape graph, the base hardware, the sweep axes and compile options) and
// `DIR/jobs.jsonl` one line per point with a stable id. Nothing in a job refers to the
// planning machine's files, so DIR can be copied to a cluster as it is.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { stripBom } from '../../isa/format.js';
import { parseHardware, type HardwareConfig } from '../../isa/hardware.js';
import type { ModelGraph } from '../../compiler/model.js';
import type { ComputeDType } from '../../compiler/passes/quantize.js';
import { checkShapes } from '../../compiler/passes/shapes.js';
import type { PointTask } from './evaluate.js';
import { planExploration } from './explore.js';
import { parseSweep, type SweepAxis, type SweepValue } from './sweep.js';

export const PLAN_FILES = { plan: 'plan.json', jobs: 'jobs.jsonl', results: 'results', logs: 'logs', sbatch: 'sbatch.sh' } as const;

export interface SweepOptions {
  dtype: ComputeDType;
  batch: number;
  schedule: 'tuned' | 'naive';
  seed: number;
}

export interface SweepPlan {
  format: 'dlpkit-sweep-plan';
  version: 1;
  models: ModelGraph[];
  hardware: HardwareConfig;
  axes: SweepAxis[];
  options: SweepOptions;
}

/** One line of jobs.jsonl. */
export interface SweepJob {
  /** Stable: a hash of everything the point's result depends on. */
  id: string;
  model: string;
  /** The point's position in its model's sweep (the CSV row order). */
  index: number;
  params: Record<string, SweepValue>;
}

/** Every point of every model, in plan order (model by model, each in sweep order). */
export function planTasks(plan: SweepPlan): Array<{ job: SweepJob; task: PointTask }> {
  const names = new Set<string>();
  for (const m of plan.models) {
    if (names.has(m.name)) throw new DlpError(`two models are named '${m.name}'; a sweep needs distinct model names`);
    names.add(m.name);
  }
  return plan.models.flatMap((model) => planExploration(model, plan.hardware, plan.axes, plan.options).map((task) => ({
    task, job: { id: pointId(model, task), model: model.name, index: task.index, params: task.params },
  })));
}

/** sha256 over the model's shapes, the point's hardware and compile options: 16 hex digits. */
export function pointId(model: ModelGraph, t: PointTask): string {
  const key = JSON.stringify({
    model: shapesOf(model),
    hw: t.hw, dtype: t.dtype, batch: t.batch, schedule: t.schedule, seed: t.seed,
  });
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** A model's shapes only: no source file or line, so the plan (and the ids) do not depend on them. */
export function shapesOf(m: ModelGraph): ModelGraph {
  return {
    name: m.name, inputSize: m.inputSize, softmax: m.softmax,
    layers: m.layers.map((l) => ({ kind: 'dense', name: l.name, units: l.units, activation: l.activation })),
  };
}

export function createPlan(models: ModelGraph[], hardware: HardwareConfig, axes: SweepAxis[], options: SweepOptions): SweepPlan {
  const plan: SweepPlan = { format: 'dlpkit-sweep-plan', version: 1, models: models.map(shapesOf), hardware, axes, options };
  planTasks(plan); // validates names and every point's hardware before anything is written
  return plan;
}

export function formatPlan(plan: SweepPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

export function formatJobs(jobs: readonly SweepJob[]): string {
  return jobs.map((j) => JSON.stringify(j)).join('\n') + (jobs.length ? '\n' : '');
}

/** Reads DIR/plan.json back, re-validating what a hand edit could have broken. */
export function readPlan(dir: string): SweepPlan {
  const path = join(dir, PLAN_FILES.plan);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DlpError(`${path}: no sweep plan here (make one with dlp explore MODEL --sweep ... --plan ${dir})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(stripBom(text));
  } catch (e) {
    throw new DlpError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const p = raw as Partial<SweepPlan>;
  if (!p || p.format !== 'dlpkit-sweep-plan' || p.version !== 1) throw new DlpError(`${path}: not a dlpkit sweep plan (format/version)`);
  if (!Array.isArray(p.models) || p.models.length === 0) throw new DlpError(`${path}: models must be a non-empty array`);
  if (!Array.isArray(p.axes)) throw new DlpError(`${path}: axes must be an array`);
  const o = p.options;
  if (!o || !['int8', 'int16', 'fp32'].includes(o.dtype) || !Number.isInteger(o.batch) || o.batch < 1
    || !['tuned', 'naive'].includes(o.schedule) || !Number.isInteger(o.seed)) {
    throw new DlpError(`${path}: options must have dtype (int8|int16|fp32), batch, schedule (tuned|naive) and seed`);
  }
  const hardware = parseHardware(p.hardware, path);
  const models = p.models.map((m) => shapesOf(checkShapes({ ...m, file: path })));
  // Axes go through the same parser as the command line.
  const axes = p.axes.map((a) => parseSweep(`${String(a.key)}=${(a.values ?? []).join(',')}`));
  return { format: 'dlpkit-sweep-plan', version: 1, models, hardware, axes, options: o };
}

/** Parses `I/N` (0 ≤ I < N). */
export function parseShard(spec: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new DlpError(`--shard must be I/N with 0 <= I < N (e.g. 0/4), got '${spec}'`);
  return { index, count };
}

/** The shard of a Slurm array task: SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT. */
export function shardFromEnv(env: Record<string, string | undefined>): { index: number; count: number } {
  const id = env.SLURM_ARRAY_TASK_ID;
  const count = env.SLURM_ARRAY_TASK_COUNT;
  if (id === undefined || count === undefined) {
    throw new DlpError('--shard-from-env needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (run it as a Slurm array task, or use --shard I/N)');
  }
  const min = env.SLURM_ARRAY_TASK_MIN ?? '0';
  if (![id, count, min].every((v) => /^\d+$/.test(v))) throw new DlpError(`Slurm array variables must be integers, got id '${id}', count '${count}', min '${min}'`);
  return parseShard(`${Number(id) - Number(min)}/${Number(count)}`);
}
