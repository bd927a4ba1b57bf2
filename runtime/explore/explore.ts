// Design-space exploration of one model: expand the sweep into points, evaluate them on the
// worker pool, and mark the (cycles, energy) Pareto front. Rendering (CSV, SVG) and writing
// files are separate so a caller can stop before anything touches the disk.
import type { HardwareConfig } from '../../isa/hardware.js';
import type { ModelGraph } from '../../compiler/model.js';
import type { ComputeDType } from '../../compiler/passes/quantize.js';
import type { PointResult, PointTask } from './evaluate.js';
import { findParetoFront } from './pareto.js';
import { runPoints, type PoolOptions } from './pool.js';
import { expandSweep, type SweepAxis } from './sweep.js';

export interface ExploreOptions extends PoolOptions {
  dtype?: ComputeDType;
  batch?: number;
  schedule?: 'tuned' | 'naive';
  /** Recorded in the plan and point ids; no figure reads it (points compile without weights). */
  seed?: number;
}

export interface Exploration {
  /** Swept keys, in the order given. */
  keys: string[];
  /** One result per point, in sweep order. */
  results: PointResult[];
  /** Indices of the Pareto-optimal points, by increasing cycles. */
  pareto: number[];
}

/** Builds the tasks of a sweep (validating every point) without running them. */
export function planExploration(model: ModelGraph, base: HardwareConfig, axes: readonly SweepAxis[], o: ExploreOptions = {}): PointTask[] {
  const points = expandSweep(base, axes, { dtype: o.dtype ?? 'int8', batch: o.batch ?? 1 });
  return points.map((p) => ({
    index: p.index, params: p.params, model, hw: p.hw, dtype: p.dtype, batch: p.batch,
    schedule: o.schedule ?? 'tuned', seed: o.seed ?? 1,
  }));
}

export async function exploreDesignSpace(model: ModelGraph, base: HardwareConfig, axes: readonly SweepAxis[], o: ExploreOptions = {}): Promise<Exploration> {
  const tasks = planExploration(model, base, axes, o);
  const results = await runPoints(tasks, o);
  return { keys: axes.map((a) => a.key), results, pareto: findParetoFront(results) };
}
