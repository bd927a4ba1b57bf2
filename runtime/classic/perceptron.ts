// Rosenblatt's perceptron as chapter 2 states it: H(x) = sign(wᵀx + b) with sign(0) = +1,
// the loss L(w, b) = −Σ_{j misclassified} yⱼ(wᵀxⱼ + b), and the stochastic update
// w ← w + α·yⱼ·xⱼ, b ← b + α·yⱼ on one misclassified point chosen at random (seeded). On
// linearly separable data the perceptron convergence theorem guarantees it stops; otherwise
// it runs into the step limit and reports the data as (apparently) non-separable.
import { DlpError } from '../../isa/errors.js';
import { createRng } from '../rng.js';
import type { FeatureRows } from './linear-regression.js';

export interface PerceptronModel {
  w: Float64Array;
  b: number;
}

export interface PerceptronOptions {
  /** α. Default 1 (the scale of w is irrelevant to sign(·), so α only matters with initial w). */
  learningRate?: number;
  /** Update budget before giving up, in epochs of n updates. Default 1000. */
  maxEpochs?: number;
  /** Seed for choosing among the misclassified points. Default 1. */
  seed?: number;
}

export interface PerceptronResult {
  model: PerceptronModel;
  /** 'separated': no point is misclassified; 'non-separable': the update budget ran out. */
  status: 'separated' | 'non-separable';
  /** Updates made. */
  steps: number;
  /** −Σ_{misclassified} yⱼ(wᵀxⱼ + b) after the last update (0 when separated). */
  loss: number;
  /** Misclassified points after the last update. */
  misclassified: number;
  /** The loss before each update and after the last one (length steps + 1). */
  lossCurve: Float64Array;
  /** A one-line summary for reports and the CLI. */
  summary: string;
}

/** sign(wᵀx + b) with sign(0) = +1, as ±1 per sample. */
export function predictPerceptron(model: PerceptronModel, x: FeatureRows): Int8Array {
  const out = new Int8Array(x.length);
  for (let j = 0; j < x.length; j++) {
    const row = x[j]!;
    if (row.length !== model.w.length) throw new DlpError(`sample ${j} has ${row.length} features, the perceptron expects ${model.w.length}`);
    out[j] = activation(model, row) >= 0 ? 1 : -1;
  }
  return out;
}

/** Trains a perceptron on labels yⱼ ∈ {−1, +1}. */
export function trainPerceptron(x: FeatureRows, y: ArrayLike<number>, options: PerceptronOptions = {}): PerceptronResult {
  const n = x.length;
  if (n === 0) throw new DlpError('the perceptron needs at least one sample');
  if (y.length !== n) throw new DlpError(`got ${n} samples but ${y.length} labels`);
  const d = x[0]!.length;
  for (let j = 0; j < n; j++) {
    if (x[j]!.length !== d) throw new DlpError(`sample ${j} has ${x[j]!.length} features, sample 0 has ${d}`);
    if (y[j] !== 1 && y[j] !== -1) throw new DlpError(`label ${j} is ${y[j]}; perceptron labels must be -1 or +1`);
  }
  const alpha = options.learningRate ?? 1;
  const maxEpochs = options.maxEpochs ?? 1000;
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new DlpError(`learningRate must be a positive number, got ${alpha}`);
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) throw new DlpError(`maxEpochs must be a positive integer, got ${maxEpochs}`);
  const maxSteps = maxEpochs * n;
  const rng = createRng(options.seed ?? 1);
  const model: PerceptronModel = { w: new Float64Array(d), b: 0 };
  const wrong = new Int32Array(n); // indices of the misclassified points, refilled each step
  const curve: number[] = [];
  let steps = 0;
  let loss = 0;
  let count = 0;
  for (;;) {
    // One scan finds the misclassified set and the loss; sign(0) = +1 means a point with
    // yⱼ = −1 on the hyperplane is wrong, one with yⱼ = +1 is right.
    loss = 0;
    count = 0;
    for (let j = 0; j < n; j++) {
      const a = activation(model, x[j]!);
      const predicted = a >= 0 ? 1 : -1;
      if (predicted !== y[j]) {
        wrong[count++] = j;
        loss -= y[j]! * a;
      }
    }
    curve.push(loss);
    if (count === 0 || steps === maxSteps) break;
    const j = wrong[rng.int(count)]!;
    const row = x[j]!;
    const yj = y[j]!;
    for (let i = 0; i < d; i++) model.w[i]! += alpha * yj * row[i]!;
    model.b += alpha * yj;
    steps++;
  }
  const status = count === 0 ? 'separated' : 'non-separable';
  const summary =
    status === 'separated'
      ? `separated all ${n} points after ${steps} updates`
      : `non-separable: ${count} of ${n} points still misclassified after ${steps} updates (loss ${formatLoss(loss)})`;
  return { model, status, steps, loss, misclassified: count, lossCurve: Float64Array.from(curve), summary };
}

function activation(model: PerceptronModel, row: ArrayLike<number>): number {
  let a = model.b;
  for (let i = 0; i < model.w.length; i++) a += model.w[i]! * row[i]!;
  return a;
}

function formatLoss(l: number): string {
  return Number.isInteger(l) ? String(l) : l.toPrecision(6);
}
