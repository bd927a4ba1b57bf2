// The training loop: seeded shuffling, mini-batches, an optimiser with an optional learning-
// rate schedule, L1/L2 penalties, per-epoch reports (for the CLI's progress bar), early
// stopping on a validation split with the best weights restored, and clean cancellation
// through an AbortSignal. Same seed, same data, same options → the same weights.
import { DlpError } from '../isa/errors.js';
import { gatherBatch, selectRows, targetWidth, type Dataset } from './data.js';
import type { Metrics, Model } from './model.js';
import { addPenaltyGradients, createOptimizer, type OptimizerKind, type OptimizerOptions } from './optim.js';
import { trainableParams } from './freeze.js';
import { createRng } from './rng.js';
import { holdoutSplit } from './splits.js';
import { freeKernelFloats, kernelFloats, residentRows } from './tensor/matmul.js';

/** Learning rate as a function of training progress (epoch may be fractional). */
export type LrSchedule =
  | { kind: 'constant' }
  /** lr·γ^⌊epoch/every⌋ */
  | { kind: 'step'; every: number; gamma: number }
  /** lr·γ^epoch */
  | { kind: 'exponential'; gamma: number }
  /** Cosine from lr down to `min` (default 0) over all epochs. */
  | { kind: 'cosine'; min?: number }
  | ((epoch: number, baseLr: number, epochs: number) => number);

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerKind | OptimizerOptions;
  /** Applied per batch at fractional epochs. Default constant. */
  schedule?: LrSchedule;
  /** L1 penalty λ1·Σ|w| on weights. Default 0. */
  l1?: number;
  /** L2 penalty ½λ2·Σw² on weights ("weight decay"). Default 0. */
  l2?: number;
  /** Shuffle the training order every epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling order (and the hold-out split). Default 1. */
  seed?: number;
  /** A validation set, or a fraction of the training data to hold out for it. */
  validation?: Dataset | number;
  /** Stop when the validation metric has not improved for `patience` epochs; restore the best weights. */
  earlyStopping?: { patience: number; monitor?: 'loss' | 'accuracy'; minDelta?: number };
  onEpoch?: (report: EpochReport) => void;
  /**
   * Rewrites each training batch before the forward pass (e.g. augmentation): gets the
   * `batch` gathered rows and returns rows to train on (may be its own buffer). Default none.
   */
  transformBatch?: (x: Float32Array, batch: number) => Float32Array;
  /** Called right after every optimiser step with (batches done in this epoch, batches per epoch). */
  onBatch?: (done: number, total: number) => void;
  /** Stops training cleanly after the current batch; the result says `aborted`. */
  signal?: AbortSignal;
  /**
   * Parameters left as they are (`fc1.bias`, `*.bias`, `fc2.*`): no optimiser step and no
   * penalty touches them. Default none.
   */
  freeze?: readonly string[];
}

export interface EpochReport {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Learning rate at the end of the epoch. */
  lr: number;
  /** Mean training loss over the epoch's batches (data term only). */
  loss: number;
  /** Training accuracy over the epoch's batches (in training mode, e.g. with dropout). */
  accuracy: number;
  val?: Metrics;
  seconds: number;
}

export interface TrainResult {
  history: EpochReport[];
  /** Epoch (1-based) whose weights the model holds when early stopping restored them. */
  bestEpoch?: number;
  stoppedEarly: boolean;
  aborted: boolean;
  seconds: number;
}

/** Defaults tuned for the 784-128-64-10 MNIST network (≥ 98 % test accuracy). */
export const defaultTrainOptions: TrainOptions = {
  epochs: 8, batchSize: 100, lr: 0.002, optimizer: 'adam', schedule: { kind: 'cosine' }, seed: 1,
};

/** The course lab's settings: plain SGD, lr 0.01, batch 100. */
export const courseTrainOptions: TrainOptions = { epochs: 2, batchSize: 100, lr: 0.01, optimizer: 'sgd', seed: 1 };

export async function train(model: Model, data: Dataset, options: Partial<TrainOptions> = {}): Promise<TrainResult> {
  const opts: TrainOptions = { ...defaultTrainOptions, ...options };
  checkOptions(opts, model, data);
  const t0 = performance.now();
  const rng = createRng(opts.seed ?? 1);
  let trainSet = data;
  let valSet: Dataset | undefined;
  if (typeof opts.validation === 'number') {
    const split = holdoutSplit(data.n, opts.validation, rng.fork());
    trainSet = selectRows(data, split.train);
    valSet = selectRows(data, split.val);
  } else valSet = opts.validation;
  if (opts.earlyStopping && !valSet) throw new DlpError('earlyStopping needs a validation set or fraction');

  const optimizer = createOptimizer(opts.optimizer);
  const params = trainableParams(model, opts.freeze);
  const w = model.outputSize;
  const bs = Math.min(opts.batchSize, trainSet.n);
  const xb = kernelFloats(bs * trainSet.features);
  const tb = new Float32Array(bs * w);
  const cb = new Int32Array(bs);
  const order = Uint32Array.from({ length: trainSet.n }, (_, i) => i);
  const batches = Math.ceil(trainSet.n / bs);
  // The kernels gather each batch from rows resident in their memory, on both threads; JS
  // copies row by row into that (shared) memory slowly. Resident rows are used as they are;
  // others are copied there once when several epochs pay for it (a tenth of a second for
  // MNIST), and the copy is freed when training ends.
  const rows = trainSet.x.subarray(0, trainSet.n * trainSet.features);
  const residentX = residentRows(rows, opts.epochs >= 2);

  const history: EpochReport[] = [];
  const es = opts.earlyStopping;
  let best: { score: number; epoch: number; weights: Float32Array[] } | undefined;
  let stoppedEarly = false;
  let aborted = false;
  let lr = opts.lr;

  try {
    for (let epoch = 0; epoch < opts.epochs && !aborted; epoch++) {
      const te = performance.now();
      if (opts.shuffle ?? true) rng.shuffle(order);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        if (opts.signal?.aborted) {
          aborted = true;
          break;
        }
        const start = b * bs;
        const m = Math.min(bs, trainSet.n - start);
        gatherBatch(trainSet, order, start, m, w, xb, tb, cb, residentX);
        const out = model.forward(opts.transformBatch ? opts.transformBatch(xb, m) : xb, m, true);
        const loss = model.lossFn.forward(out, tb, m, w);
        // Diverged (too large a learning rate): stop before NaN weights reach anyone.
        if (!Number.isFinite(loss)) throw diverged(`the loss is ${loss}`, epoch, b, batches, lr);
        lossSum += loss * m;
        correct += countCorrect(out, cb, m, w, model.lossFn.head);
        model.backward(model.lossFn.backward());
        addPenaltyGradients(params, opts.l1 ?? 0, opts.l2 ?? 0);
        lr = learningRate(opts, epoch + b / batches);
        optimizer.step(params, lr);
        opts.onBatch?.(b + 1, batches);
        // Let timers and signal handlers (Ctrl-C → abort) run during long epochs.
        if ((b & 63) === 63) await yieldToEventLoop();
      }
      if (aborted) break;
      const bad = model.namedParams().find((n) => !n.param.value.every(Number.isFinite));
      if (bad) throw diverged(`parameter ${bad.name} is no longer finite`, epoch, batches - 1, batches, lr);
      const report: EpochReport = {
        epoch: epoch + 1, epochs: opts.epochs, lr, loss: lossSum / trainSet.n, accuracy: correct / trainSet.n,
        val: valSet ? model.evaluate(valSet) : undefined, seconds: (performance.now() - te) / 1000,
      };
      history.push(report);
      opts.onEpoch?.(report);
      if (es && report.val) {
        const score = es.monitor === 'accuracy' ? -report.val.accuracy : report.val.loss;
        if (!best || score < best.score - (es.minDelta ?? 0)) best = { score, epoch: epoch + 1, weights: model.snapshot() };
        else if (epoch + 1 - best.epoch >= es.patience) {
          stoppedEarly = true;
          break;
        }
      }
      await yieldToEventLoop();
    }
  } finally {
    if (residentX !== undefined && residentX !== rows) freeKernelFloats(residentX);
  }
  if (best) model.restore(best.weights);
  return { history, bestEpoch: best?.epoch, stoppedEarly, aborted, seconds: (performance.now() - t0) / 1000 };
}

/** Training diverged: a DlpError naming where, so the caller writes no weights. */
function diverged(what: string, epoch: number, batch: number, batches: number, lr: number): DlpError {
  return new DlpError(`training diverged at epoch ${epoch + 1}, batch ${batch + 1} of ${batches}: ${what} (learning rate ${lr}); try a smaller --lr`);
}

/** The learning rate at (fractional) `epoch` under the options' schedule. */
export function learningRate(opts: Pick<TrainOptions, 'lr' | 'epochs' | 'schedule'>, epoch: number): number {
  const s = opts.schedule ?? { kind: 'constant' };
  if (typeof s === 'function') return s(epoch, opts.lr, opts.epochs);
  switch (s.kind) {
    case 'constant': return opts.lr;
    case 'step': return opts.lr * s.gamma ** Math.floor(epoch / s.every);
    case 'exponential': return opts.lr * s.gamma ** epoch;
    case 'cosine': {
      const min = s.min ?? 0;
      return min + ((opts.lr - min) * (1 + Math.cos((Math.PI * epoch) / opts.epochs))) / 2;
    }
  }
}

function countCorrect(out: Float32Array, cls: Int32Array, m: number, w: number, head: string): number {
  let correct = 0;
  for (let r = 0; r < m; r++) {
    const row = r * w;
    let c: number;
    if (w === 1) c = out[row]! >= (head === 'sigmoid' ? 0 : 0.5) ? 1 : 0;
    else {
      c = 0;
      for (let j = 1; j < w; j++) if (out[row + j]! > out[row + c]!) c = j;
    }
    if (c === cls[r]) correct++;
  }
  return correct;
}

function checkOptions(o: TrainOptions, model: Model, data: Dataset): void {
  const positiveInt = (v: number, name: string): void => {
    if (!Number.isInteger(v) || v <= 0) throw new DlpError(`${name} must be a positive integer, got ${v}`);
  };
  positiveInt(o.epochs, 'epochs');
  positiveInt(o.batchSize, 'batchSize');
  if (!(o.lr > 0)) throw new DlpError(`lr must be positive, got ${o.lr}`);
  if (data.n === 0) throw new DlpError('the training set is empty');
  if (data.features !== model.inputSize) throw new DlpError(`data has ${data.features} features but the model takes ${model.inputSize}`);
  if (!(data.y instanceof Uint8Array) && targetWidth(data) !== model.outputSize) {
    throw new DlpError(`targets have width ${targetWidth(data)} but the model has ${model.outputSize} outputs`);
  }
  if (o.earlyStopping) positiveInt(o.earlyStopping.patience, 'earlyStopping.patience');
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
