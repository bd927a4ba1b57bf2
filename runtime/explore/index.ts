// Design-space exploration: sweeps of hardware parameters evaluated on a worker pool, with
// the Pareto front, a CSV and an SVG (docs/explore.md).
export { parseSweep, expandSweep, SWEEP_ALIASES, type SweepAxis, type SweepValue, type ExplorePoint } from './sweep.js';
export { evaluatePoint, type PointTask, type PointResult, type PointMetrics } from './evaluate.js';
export { runPoints, defaultWorkerCount, type PoolOptions } from './pool.js';
export { findParetoFront } from './pareto.js';
export { formatExploreCsv } from './csv.js';
export { exploreDesignSpace, planExploration, type ExploreOptions, type Exploration } from './explore.js';
export {
  createPlan, planTasks, pointId, readPlan, formatPlan, formatJobs, parseShard, shardFromEnv, shapesOf, PLAN_FILES,
  type SweepPlan, type SweepJob, type SweepOptions,
} from './plan.js';
export { runShard, readRecord, resultPath, type PointRecord, type ShardOptions, type ShardProgress } from './shard.js';
export { assembleSweep, mergeSweepDir, checkJobsFile, formatMergedCsv, mergedJson, type MergedSweep, type ModelSweep } from './merge.js';
