// The sbatch script `dlp explore --plan DIR --slurm` writes: a job array with one task per
// shard, its time and memory limits from a measured estimate (one point of each model run
// here, at plan time), and the exact command each task runs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluatePoint, planTasks, type SweepPlan } from '../../runtime/explore/index.js';

export interface PointEstimate {
  /** Wall seconds of the slowest measured point. */
  secondsPerPoint: number;
  /** Resident memory of this process after the measurement, in MiB. */
  rssMiB: number;
}

/** Runs the first point of every model once and measures it. */
export async function measurePoints(plan: SweepPlan): Promise<PointEstimate> {
  const tasks = planTasks(plan);
  let worst = 0;
  for (const m of plan.models) {
    const first = tasks.find((t) => t.job.model === m.name)!;
    const t0 = performance.now();
    evaluatePoint(first.task);
    worst = Math.max(worst, (performance.now() - t0) / 1000);
  }
  return { secondsPerPoint: worst, rssMiB: process.memoryUsage().rss / 2 ** 20 };
}

/** How this dlp is started again on a compute node: node + the built bin (the bundle's,
 * dist/dlp/bin.cjs, when this runs from it), else `npx dlp`. */
export function dlpCommand(): string {
  for (const rel of ['./bin.cjs', '../bin.js', '../../dist/cli/bin.js', '../../../dist/cli/bin.js']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) return `${shellQuote(process.execPath)} ${shellQuote(fileURLToPath(url))}`;
  }
  return 'npx dlp';
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Slurm's [D-]HH:MM:SS. */
export function slurmTime(seconds: number): string {
  const s = Math.ceil(seconds);
  const d = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((v) => String(v).padStart(2, '0')).join(':');
  return d > 0 ? `${d}-${hms}` : hms;
}

/**
 * Time per task: its points × the slowest measured point × 3 (other models' points and a busy
 * node can be slower), plus 2 minutes to start Node and read the plan. Memory: twice the
 * measured resident size, at least 512 MiB.
 */
export function formatSbatch(absDir: string, shards: number, points: number, est: PointEstimate, command: string): string {
  const perTask = Math.ceil(points / shards);
  const seconds = perTask * est.secondsPerPoint * 3 + 120;
  const mem = Math.max(512, Math.ceil((2 * est.rssMiB) / 64) * 64);
  const dir = shellQuote(absDir);
  return [
    '#!/bin/bash',
    `# dlp explore: ${points} points in ${shards} array tasks (${perTask} points each at most).`,
    `# Measured at plan time: ${est.secondsPerPoint.toFixed(3)} s for the slowest model's point, ${Math.round(est.rssMiB)} MiB resident.`,
    '#SBATCH --job-name=dlp-explore',
    `#SBATCH --array=0-${shards - 1}`,
    `#SBATCH --time=${slurmTime(seconds)}`,
    `#SBATCH --mem=${mem}M`,
    '#SBATCH --cpus-per-task=1',
    '#SBATCH --ntasks=1',
    `#SBATCH --output=${absDir}/logs/shard-%a.out`,
    'set -euo pipefail',
    `mkdir -p ${dir}/logs`,
    `exec ${command} explore --run ${dir} --shard-from-env`,
    '',
  ].join('\n');
}
