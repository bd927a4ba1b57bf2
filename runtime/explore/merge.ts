// Gathers a sweep's results — from the worker pool or from shard result files — into one
// table per model and, for a suite of several models, the suite's totals per hardware point.
// The outcome depends only on the plan and the per-point results, never on where, in which
// order or in how many shards the points ran, so every way of running a sweep writes the same
// explore.csv and explore.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { formatExploreCsv } from './csv.js';
import type { PointMetrics, PointResult } from './evaluate.js';
import { findParetoFront } from './pareto.js';
import { PLAN_FILES, planTasks, type SweepJob, type SweepPlan } from './plan.js';
import { readRecord, type PointRecord } from './shard.js';

export interface ModelSweep {
  model: string;
  /** Finished points of this model in sweep order (missing ones left out). */
  results: PointResult[];
  /** Positions in `results` on the (cycles, energy) Pareto front. */
  pareto: number[];
}

export interface MergedSweep {
  keys: string[];
  models: ModelSweep[];
  /** For several models: per hardware point where every model ran, the sums over the suite. */
  suite?: ModelSweep;
  /** Points with no result yet. */
  missing: SweepJob[];
  /** Points whose result is an error. */
  failed: Array<{ job: SweepJob; error: string }>;
  total: number;
}

/** Assembles per-point results (by job id) into the merged sweep. */
export function assembleSweep(plan: SweepPlan, resultOf: (job: SweepJob) => PointResult | undefined): MergedSweep {
  const all = planTasks(plan);
  const missing: SweepJob[] = [];
  const failed: MergedSweep['failed'] = [];
  const byModel = new Map<string, PointResult[]>(plan.models.map((m) => [m.name, []]));
  const byIndex = new Map<string, Map<number, PointResult>>(plan.models.map((m) => [m.name, new Map()]));
  for (const { job } of all) {
    const r = resultOf(job);
    if (!r) {
      missing.push(job);
      continue;
    }
    const result = stripRecord(r);
    if (result.error !== undefined) failed.push({ job, error: result.error });
    byModel.get(job.model)!.push(result);
    byIndex.get(job.model)!.set(job.index, result);
  }
  const models = plan.models.map((m) => {
    const results = byModel.get(m.name)!;
    return { model: m.name, results, pareto: findParetoFront(results) };
  });
  const merged: MergedSweep = { keys: plan.axes.map((a) => a.key), models, missing, failed, total: all.length };
  if (plan.models.length > 1) merged.suite = suiteTotals(plan, byIndex);
  return merged;
}

/** Reads whatever DIR/results holds for the plan's jobs. */
export function mergeSweepDir(dir: string, plan: SweepPlan): MergedSweep {
  return assembleSweep(plan, (job) => readRecord(dir, job));
}

/** The job list as written at plan time, checked against the plan (a stale or edited jobs.jsonl is refused). */
export function checkJobsFile(dir: string, plan: SweepPlan): void {
  const path = join(dir, PLAN_FILES.jobs);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DlpError(`${path}: missing (the plan folder is incomplete; plan again)`);
  }
  const ids = text.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try {
      return (JSON.parse(l) as SweepJob).id;
    } catch {
      throw new DlpError(`${path}:${i + 1}: not a JSON job line`);
    }
  });
  const expected = planTasks(plan).map((t) => t.job.id);
  if (ids.length !== expected.length || ids.some((id, i) => id !== expected[i])) {
    throw new DlpError(`${path}: does not match plan.json (${ids.length} jobs listed, ${expected.length} planned); plan again`);
  }
}

function stripRecord(r: PointResult | PointRecord): PointResult {
  const { id: _id, model: _model, ...rest } = r as PointRecord;
  return rest;
}

const SUMMED: readonly (keyof PointMetrics)[] = [
  'cycles', 'seconds', 'macs', 'instructions', 'dramReadBytes', 'dramWriteBytes', 'compulsoryDramBytes', 'energyJoules',
  'rooflineCycles', 'predictedCycles',
];

/** One result per hardware point at which every model finished: the suite run back to back. */
function suiteTotals(plan: SweepPlan, byIndex: Map<string, Map<number, PointResult>>): ModelSweep {
  const first = byIndex.get(plan.models[0]!.name)!;
  const results: PointResult[] = [];
  const indices = [...first.keys()].sort((a, b) => a - b);
  for (const index of indices) {
    const parts = plan.models.map((m) => byIndex.get(m.name)!.get(index));
    if (parts.some((p) => p === undefined)) continue;
    const rs = parts as PointResult[];
    const head = { ...rs[0]!, hardware: rs[0]!.hardware };
    delete head.metrics;
    delete head.error;
    const bad = rs.findIndex((r) => !r.metrics);
    if (bad >= 0) {
      results.push({ ...head, error: `${plan.models[bad]!.name}: ${rs[bad]!.error ?? 'failed'}` });
      continue;
    }
    const ms = rs.map((r) => r.metrics!);
    const sum = Object.fromEntries(SUMMED.map((k) => [k, ms.reduce((s, m) => s + (m[k] as number), 0)])) as Record<string, number>;
    const busiest = ms.reduce((a, b) => (b.cycles > a.cycles ? b : a));
    const peak = ms[0]!.peakMacsPerCycle;
    const metrics: PointMetrics = {
      cycles: sum.cycles!, seconds: sum.seconds!, macs: sum.macs!, instructions: sum.instructions!,
      mfuUtilization: sum.cycles! > 0 ? sum.macs! / (sum.cycles! * peak) : 0,
      dramReadBytes: sum.dramReadBytes!, dramWriteBytes: sum.dramWriteBytes!, compulsoryDramBytes: sum.compulsoryDramBytes!,
      energyJoules: sum.energyJoules!, rooflineCycles: sum.rooflineCycles!,
      rooflineRatio: sum.rooflineCycles! > 0 ? sum.cycles! / sum.rooflineCycles! : 0,
      boundBy: busiest.boundBy, predictedCycles: sum.predictedCycles!,
      intensity: sum.compulsoryDramBytes! > 0 ? sum.macs! / sum.compulsoryDramBytes! : 0,
      macsPerCycle: sum.cycles! > 0 ? sum.macs! / sum.cycles! : 0,
      peakMacsPerCycle: peak, dramBytesPerCycle: ms[0]!.dramBytesPerCycle,
    };
    results.push({ ...head, metrics });
  }
  return { model: 'suite', results, pareto: findParetoFront(results) };
}

/** explore.csv: one model as `dlp explore` always wrote it; a suite gets a leading model column. */
export function formatMergedCsv(m: MergedSweep): string {
  if (m.models.length === 1) return formatExploreCsv(m.keys, m.models[0]!.results, m.models[0]!.pareto);
  const lines: string[] = [];
  const parts = [...m.models, ...(m.suite ? [m.suite] : [])];
  parts.forEach((s, i) => {
    const [head, ...rows] = formatExploreCsv(m.keys, s.results, s.pareto).trimEnd().split('\n');
    if (i === 0) lines.push(`model,${head}`);
    const name = /[",\n\r]/.test(s.model) ? `"${s.model.replace(/"/g, '""')}"` : s.model;
    for (const row of rows) lines.push(`${name},${row}`);
  });
  return `${lines.join('\n')}\n`;
}

/** explore.json: the run's settings and every result; `missing` lists unfinished point ids. */
export function mergedJson(plan: SweepPlan, m: MergedSweep): Record<string, unknown> {
  const settings = { hardware: plan.hardware.name, ...plan.options, keys: m.keys };
  const missing = m.missing.map((j) => j.id);
  if (m.models.length === 1) {
    const one = m.models[0]!;
    return { model: one.model, ...settings, pareto: one.pareto, results: one.results, missing };
  }
  return {
    models: m.models.map((s) => s.model), ...settings,
    perModel: m.models.map((s) => ({ model: s.model, pareto: s.pareto, results: s.results })),
    suite: m.suite ? { pareto: m.suite.pareto, results: m.suite.results } : undefined, missing,
  };
}
