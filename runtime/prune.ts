// Magnitude pruning (chapter 2, sparsity: "make 90 % of the weights zero to cut forward
// computation"). A pruner holds one keep-mask per weight tensor; on a schedule it removes the
// smallest-magnitude surviving weights until the tensor reaches the scheduled sparsity, and
// after every optimiser step it re-zeroes what was removed, so pruned weights are exactly 0
// whatever the optimiser (momentum and Adam keep pushing them otherwise). Masks only ever
// lose entries: a pruned weight never comes back. The default schedule is Zhu & Gupta's
// (2017) cubic ramp s_t = s_f + (s_i − s_f)(1 − (t − t₀)/(t₁ − t₀))³: prune fast while the
// network is redundant, slowly near the target.
import { DlpError } from '../isa/errors.js';
import { formatPercent, formatTable } from '../simulator/index.js';
import type { Dataset } from './data.js';
import type { Model } from './model.js';
import type { Layer, Param } from './nn/layer.js';
import { defaultTrainOptions, train, type TrainOptions, type TrainResult } from './train.js';

export type PruneSchedule = 'cubic' | 'linear' | 'oneshot';

export interface PruneOptions {
  /** Final fraction of zero weights in every pruned tensor, in [0, 1). */
  targetSparsity: number;
  /** Sparsity at startStep. Default 0. */
  initialSparsity?: number;
  /** First optimiser step (0-based) at which masks are updated. Default 0. */
  startStep?: number;
  /** Step at which the target is reached; required unless the schedule is 'oneshot'. */
  endStep?: number;
  /** Steps between mask updates inside the ramp. Default 50. */
  frequency?: number;
  /** Default 'cubic'. 'oneshot' jumps to the target at startStep. */
  schedule?: PruneSchedule;
  /**
   * 'layer' (default): every tensor reaches the sparsity on its own. 'global': one magnitude
   * threshold over all tensors, so the overall fraction of zeros is the target and layers with
   * many small weights (a wide first layer) give up more than a small classifier layer, as in
   * Han et al. (2015), whose LeNet-300-100 keeps 8 % of fc1 but 26 % of the output layer.
   */
  scope?: PruneScope;
}

export type PruneScope = 'layer' | 'global';

/** One weight tensor to prune, with the layer name used in reports. */
export interface PruneTarget {
  name: string;
  param: Param;
}

export interface LayerSparsity {
  name: string;
  /** Weights in the tensor. */
  size: number;
  /** Weights exactly equal to 0 (counted in the values, not read from the mask). */
  zeros: number;
  sparsity: number;
}

export interface SparsityReport {
  layers: LayerSparsity[];
  size: number;
  zeros: number;
  sparsity: number;
}

export interface Pruner {
  readonly options: Readonly<Required<PruneOptions>>;
  /** The scheduled sparsity after optimiser step `step` (0-based). */
  sparsityAt(step: number): number;
  /**
   * Call after optimiser step `step`: tightens the masks when the schedule says so, then
   * zeroes every pruned weight.
   */
  afterStep(step: number): void;
  /** Prunes to the final target now (for one-shot pruning of a trained model). */
  finish(): void;
  /** Zeroes the pruned weights (and their gradients) without changing the masks. */
  applyMasks(): void;
  /** Per-layer and overall counts of exact zeros. */
  report(): SparsityReport;
}

/** The dense weight matrices of a layer stack (biases and PReLU slopes are never pruned). */
export function collectPruneTargets(layers: readonly Layer[]): PruneTarget[] {
  const targets: PruneTarget[] = [];
  for (const layer of layers) {
    for (const p of layer.params()) if (p.name === 'weight' && p.regularize) targets.push({ name: layer.name, param: p });
  }
  return targets;
}

export function normalisePruneOptions(options: PruneOptions): Required<PruneOptions> {
  const o = { initialSparsity: 0, startStep: 0, frequency: 50, schedule: 'cubic' as PruneSchedule, scope: 'layer' as PruneScope, endStep: -1, ...options };
  if (o.scope !== 'layer' && o.scope !== 'global') throw new DlpError(`prune: scope must be 'layer' or 'global', got '${String(o.scope)}'`);
  if (!(o.targetSparsity >= 0 && o.targetSparsity < 1)) throw new DlpError(`prune: targetSparsity must be in [0, 1), got ${o.targetSparsity}`);
  if (!(o.initialSparsity >= 0 && o.initialSparsity <= o.targetSparsity)) {
    throw new DlpError(`prune: initialSparsity must be in [0, targetSparsity = ${o.targetSparsity}], got ${o.initialSparsity}`);
  }
  if (!['cubic', 'linear', 'oneshot'].includes(o.schedule)) throw new DlpError(`prune: unknown schedule '${o.schedule}' (expected cubic, linear or oneshot)`);
  if (!Number.isInteger(o.startStep) || o.startStep < 0) throw new DlpError(`prune: startStep must be a non-negative integer, got ${o.startStep}`);
  if (!Number.isInteger(o.frequency) || o.frequency < 1) throw new DlpError(`prune: frequency must be a positive integer, got ${o.frequency}`);
  if (o.schedule === 'oneshot') {
    if (options.endStep === undefined) o.endStep = o.startStep;
  } else if (options.endStep === undefined) {
    throw new DlpError(`prune: the ${o.schedule} schedule needs endStep (the step at which sparsity reaches ${o.targetSparsity})`);
  }
  if (!Number.isInteger(o.endStep) || o.endStep < o.startStep) throw new DlpError(`prune: endStep must be an integer ≥ startStep (${o.startStep}), got ${o.endStep}`);
  return o;
}

/** Scheduled sparsity at `step`, before quantising to mask-update steps. */
export function scheduledSparsity(o: Required<PruneOptions>, step: number): number {
  if (step < o.startStep) return 0;
  if (o.schedule === 'oneshot' || step >= o.endStep) return o.targetSparsity;
  const progress = (step - o.startStep) / (o.endStep - o.startStep);
  const remaining = o.schedule === 'cubic' ? (1 - progress) ** 3 : 1 - progress;
  return o.targetSparsity + (o.initialSparsity - o.targetSparsity) * remaining;
}

export function createPruner(targets: readonly PruneTarget[], options: PruneOptions): Pruner {
  const o = normalisePruneOptions(options);
  if (targets.length === 0) throw new DlpError('prune: the model has no weight matrices to prune');
  const masks = targets.map((t) => new Uint8Array(t.param.value.length).fill(1));
  const pruned = new Int32Array(targets.length); // entries cleared in each mask
  let scratch = new Float32Array(0);
  let current = 0; // sparsity the masks were last tightened to

  // Removes the `more` smallest-magnitude survivors among the tensors `ls`. Magnitudes of the
  // survivors, sorted, give the threshold; ties at the threshold are taken in (tensor, index)
  // order so the count is exact.
  const removeSmallest = (ls: readonly number[], more: number): void => {
    let total = 0;
    for (const l of ls) total += targets[l]!.param.value.length - pruned[l]!;
    if (scratch.length < total) scratch = new Float32Array(total);
    let u = 0;
    for (const l of ls) {
      const w = targets[l]!.param.value;
      const mask = masks[l]!;
      for (let i = 0; i < w.length; i++) if (mask[i]) scratch[u++] = Math.abs(w[i]!);
    }
    const sorted = scratch.subarray(0, u).sort();
    const threshold = sorted[more - 1]!;
    let atThreshold = 0;
    for (let i = 0; i < more; i++) if (sorted[i] === threshold) atThreshold++;
    for (const l of ls) {
      const w = targets[l]!.param.value;
      const mask = masks[l]!;
      for (let i = 0; i < w.length; i++) {
        if (!mask[i]) continue;
        const a = Math.abs(w[i]!);
        if (a < threshold || (a === threshold && atThreshold-- > 0)) {
          mask[i] = 0;
          pruned[l]!++;
        }
      }
    }
  };

  const tighten = (sparsity: number): void => {
    if (sparsity <= current) return;
    current = sparsity;
    if (o.scope === 'global') {
      let size = 0;
      let done = 0;
      targets.forEach((t, l) => { size += t.param.value.length; done += pruned[l]!; });
      const more = Math.floor(sparsity * size) - done;
      if (more > 0) removeSmallest(targets.map((_, l) => l), more);
      return;
    }
    targets.forEach((t, l) => {
      const more = Math.floor(sparsity * t.param.value.length) - pruned[l]!;
      if (more > 0) removeSmallest([l], more);
    });
  };

  const applyMasks = (): void => {
    targets.forEach((t, l) => {
      const mask = masks[l]!;
      const w = t.param.value;
      const g = t.param.grad;
      for (let i = 0; i < w.length; i++) {
        if (!mask[i]) {
          w[i] = 0;
          g[i] = 0;
        }
      }
    });
  };

  return {
    options: o,
    sparsityAt: (step) => scheduledSparsity(o, step),
    afterStep(step) {
      const due = step >= o.endStep || (step >= o.startStep && (step - o.startStep) % o.frequency === 0);
      if (due) tighten(scheduledSparsity(o, step));
      applyMasks();
    },
    finish() {
      tighten(o.targetSparsity);
      applyMasks();
    },
    applyMasks,
    report: () => measureSparsity(targets),
  };
}

/** Counts exact zeros per tensor: the sparsity the DLP would actually see. */
export function measureSparsity(targets: readonly PruneTarget[]): SparsityReport {
  const layers = targets.map(({ name, param }) => {
    let zeros = 0;
    for (const v of param.value) if (v === 0) zeros++;
    return { name, size: param.value.length, zeros, sparsity: param.value.length ? zeros / param.value.length : 0 };
  });
  const size = layers.reduce((s, l) => s + l.size, 0);
  const zeros = layers.reduce((s, l) => s + l.zeros, 0);
  return { layers, size, zeros, sparsity: size ? zeros / size : 0 };
}

/** One line per layer plus a total, e.g. `fc1     90.0 % zero (90316 of 100352)`. */
export function formatSparsityReport(report: SparsityReport): string {
  const width = Math.max(5, ...report.layers.map((l) => l.name.length));
  const line = (name: string, zeros: number, size: number, s: number): string =>
    `${name.padEnd(width)}  ${(100 * s).toFixed(1).padStart(5)} % zero (${zeros} of ${size})`;
  return [...report.layers.map((l) => line(l.name, l.zeros, l.size, l.sparsity)), line('total', report.zeros, report.size, report.sparsity)].join('\n');
}

/**
 * The schedule `dlp train --prune` uses (Han et al. 2015's prune-and-retrain, made gradual as
 * Zhu & Gupta 2017): one magnitude threshold over all layers, dense training for the first
 * eighth of the run, a cubic ramp to the target by 60 % of the run with masks tightened every
 * 25 steps, and the last 40 % retraining the survivors at full sparsity (docs/chapter2.md).
 */
export const gradualPruning: Readonly<Omit<PruneTrainingOptions, 'targetSparsity'>> = {
  scope: 'global', startFraction: 0.125, rampFraction: 0.6, frequency: 25,
};

/**
 * Adam's learning rate for pruned runs: survivors must grow into the removed weights' role
 * after every mask update. Measured at 90 % on MNIST, 0.003 beats 0.002 for the pruned model
 * while the dense model is best at 0.002 (docs/chapter2.md has the runs).
 */
export const gradualPruningLr = 0.003;

/** Pruning during `train`: the schedule's steps may be given as a fraction of the run. */
export interface PruneTrainingOptions extends Omit<PruneOptions, 'endStep'> {
  endStep?: number;
  /** When endStep is omitted: reach the target after this fraction of all steps, leaving the
   * rest to recover accuracy at full sparsity. Default 0.75. */
  rampFraction?: number;
  /** When startStep is omitted: train densely for this fraction of all steps first. Default 0. */
  startFraction?: number;
  /** Names of the dense layers to prune (e.g. ['fc1', 'fc2'], leaving a small classifier
   * layer dense). Default: every dense layer. */
  layers?: readonly string[];
}

/** Optimiser steps `train` will take with these options on `n` samples. */
export function countTrainingSteps(n: number, options: Partial<TrainOptions> = {}): number {
  const o = { ...defaultTrainOptions, ...options };
  const trainN = typeof o.validation === 'number' ? n - Math.max(1, Math.floor(n * o.validation)) : n;
  return o.epochs * Math.ceil(trainN / Math.min(o.batchSize, trainN));
}

/**
 * Returns train options that run `pruner.afterStep` after every optimiser step (chained
 * before the caller's own onBatch), and the pruner over the model's dense weights.
 */
export function attachPruner(
  model: Model, data: Dataset, trainOptions: Partial<TrainOptions>, prune: PruneTrainingOptions,
): { pruner: Pruner; trainOptions: Partial<TrainOptions> } {
  const { rampFraction = 0.75, startFraction = 0, layers, ...rest } = prune;
  if (!(rampFraction > 0 && rampFraction <= 1)) throw new DlpError(`prune: rampFraction must be in (0, 1], got ${rampFraction}`);
  if (!(startFraction >= 0 && startFraction < rampFraction)) {
    throw new DlpError(`prune: startFraction must be in [0, rampFraction = ${rampFraction}), got ${startFraction}`);
  }
  const total = countTrainingSteps(data.n, trainOptions);
  const startStep = rest.startStep ?? Math.floor(startFraction * total);
  const endStep = rest.endStep ?? Math.max(startStep, Math.ceil(rampFraction * total) - 1);
  const all = collectPruneTargets(model.layers);
  for (const name of layers ?? []) {
    if (!all.some((t) => t.name === name)) throw new DlpError(`prune: no dense layer named '${name}' (the model has ${all.map((t) => t.name).join(', ')})`);
  }
  const targets = layers ? all.filter((t) => layers.includes(t.name)) : all;
  const pruner = createPruner(targets, { ...rest, startStep, endStep });
  let step = 0;
  const userOnBatch = trainOptions.onBatch;
  return {
    pruner,
    trainOptions: {
      ...trainOptions,
      // train() calls onBatch right after optimizer.step: the moment to re-zero pruned weights.
      onBatch(done, batches) {
        pruner.afterStep(step++);
        userOnBatch?.(done, batches);
      },
    },
  };
}

export interface PrunedTraining {
  result: TrainResult;
  pruner: Pruner;
  /** Exact zeros in every dense weight matrix of the model (also the ones not pruned). */
  report: SparsityReport;
}

/** Trains `model` while pruning it to the target sparsity; the weights end exactly sparse. */
export async function trainPruned(
  model: Model, data: Dataset, trainOptions: Partial<TrainOptions>, prune: PruneTrainingOptions,
): Promise<PrunedTraining> {
  const { pruner, trainOptions: opts } = attachPruner(model, data, trainOptions, prune);
  const result = await train(model, data, opts);
  // Early stopping or an abort may leave the ramp unfinished or restore older weights: settle
  // on the final masks either way.
  pruner.finish();
  // Measured over every dense layer, pruned or not: the sparsity the compiler will see.
  return { result, pruner, report: measureSparsity(collectPruneTargets(model.layers)) };
}

export interface SparsitySweepRow {
  targetSparsity: number;
  /** Overall fraction of exact zeros in the dense weights. */
  sparsity: number;
  layers: LayerSparsity[];
  accuracy: number;
  loss: number;
}

export interface SparsitySweepOptions {
  /** Target sparsities to train at, e.g. [0, 0.5, 0.8, 0.9, 0.95]. */
  sparsities: readonly number[];
  /** A fresh, identically initialised model per run. */
  createModel: () => Model;
  train: Dataset;
  test: Dataset;
  trainOptions?: Partial<TrainOptions>;
  prune?: Omit<PruneTrainingOptions, 'targetSparsity'>;
  onRow?: (row: SparsitySweepRow) => void;
}

/** Accuracy against sparsity: one gradually pruned training run per target. */
export async function sweepSparsity(o: SparsitySweepOptions): Promise<SparsitySweepRow[]> {
  const rows: SparsitySweepRow[] = [];
  for (const target of o.sparsities) {
    const model = o.createModel();
    const { report } = await trainPruned(model, o.train, o.trainOptions ?? {}, { ...o.prune, targetSparsity: target });
    const m = model.evaluate(o.test);
    const row = { targetSparsity: target, sparsity: report.sparsity, layers: report.layers, accuracy: m.accuracy, loss: m.loss };
    rows.push(row);
    o.onRow?.(row);
  }
  return rows;
}

/** The sweep as a table: target, measured sparsity, per-layer sparsity, test accuracy. */
export function formatSparsitySweep(rows: readonly SparsitySweepRow[]): string {
  const names = rows[0]?.layers.map((l) => l.name) ?? [];
  const head = ['target', 'zeros', ...names, 'accuracy'];
  const body = rows.map((r) => [
    formatPercent(r.targetSparsity), formatPercent(r.sparsity), ...r.layers.map((l) => formatPercent(l.sparsity)), formatPercent(r.accuracy, 2),
  ]);
  return formatTable([head, ...body], []); // every column a number
}
