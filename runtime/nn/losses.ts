// Losses of the course, each fused with its output head where that is the stable form:
//   'softmax-ce'  softmax + cross-entropy on logits;  L = −Σ t·log p
//   'mse'         mean squared error as the course writes it;  L = ½Σ(y − ŷ)²
//   'bce'         sigmoid + binary cross-entropy on logits;  L = −Σ [t·log p + (1−t)·log(1−p)]
// Every loss sums over a sample's outputs and takes the MEAN OVER THE BATCH, so its gradient
// is divided by the batch size (as the course's SoftmaxLossLayer does); with batch 1 the
// numbers are exactly the chapter's.
import { DlpError } from '../../isa/errors.js';
import { EMPTY, ensureBuffer } from './layer.js';
import { sigmoid } from './activations.js';

export type LossKind = 'softmax-ce' | 'mse' | 'bce';

export interface Loss {
  readonly kind: LossKind;
  /** The head applied at prediction time, as in the IR: softmax, sigmoid or none. */
  readonly head: 'softmax' | 'sigmoid' | 'none';
  /** Mean loss over `batch` rows of width `width`; keeps what backward() needs. */
  forward(out: Float32Array, target: Float32Array, batch: number, width: number): number;
  /** ∂L/∂out for the last forward() (already divided by the batch size). */
  backward(): Float32Array;
  /** Applies the head to raw outputs, in place. */
  applyHead(out: Float32Array, batch: number, width: number): void;
}

export function createLoss(kind: LossKind): Loss {
  switch (kind) {
    case 'softmax-ce': return new SoftmaxCrossEntropy();
    case 'mse': return new MeanSquaredError();
    case 'bce': return new BinaryCrossEntropy();
    default: throw new DlpError(`unknown loss '${String(kind)}' (expected softmax-ce, mse or bce)`);
  }
}

abstract class BaseLoss {
  protected grad: Float32Array = EMPTY;
  protected n = 0;
  backward(): Float32Array {
    return this.grad.subarray(0, this.n);
  }
  protected prepare(batch: number, width: number): Float32Array {
    this.n = batch * width;
    this.grad = ensureBuffer(this.grad, this.n);
    return this.grad;
  }
}

class SoftmaxCrossEntropy extends BaseLoss implements Loss {
  readonly kind = 'softmax-ce';
  readonly head = 'softmax';

  private exps = new Float64Array(0);

  forward(out: Float32Array, target: Float32Array, batch: number, width: number): number {
    const g = this.prepare(batch, width);
    if (this.exps.length < width) this.exps = new Float64Array(width);
    const e = this.exps;
    let loss = 0;
    for (let r = 0; r < batch; r++) {
      const row = r * width;
      let max = -Infinity;
      for (let j = 0; j < width; j++) max = Math.max(max, out[row + j]!);
      // One exp per output: e_j = exp(o_j − max), kept in double for p_j = e_j / Σe.
      let sum = 0;
      for (let j = 0; j < width; j++) sum += (e[j] = Math.exp(out[row + j]! - max));
      const logSum = Math.log(sum) + max;
      for (let j = 0; j < width; j++) {
        const t = target[row + j]!;
        if (t !== 0) loss -= t * (out[row + j]! - logSum);
        g[row + j] = (e[j]! / sum - t) / batch;
      }
    }
    return loss / batch;
  }

  applyHead(out: Float32Array, batch: number, width: number): void {
    softmaxRows(out, batch, width);
  }
}

class MeanSquaredError extends BaseLoss implements Loss {
  readonly kind = 'mse';
  readonly head = 'none';

  forward(out: Float32Array, target: Float32Array, batch: number, width: number): number {
    const g = this.prepare(batch, width);
    let loss = 0;
    for (let i = 0; i < batch * width; i++) {
      const d = out[i]! - target[i]!;
      loss += 0.5 * d * d;
      g[i] = d / batch;
    }
    return loss / batch;
  }

  applyHead(): void {}
}

class BinaryCrossEntropy extends BaseLoss implements Loss {
  readonly kind = 'bce';
  readonly head = 'sigmoid';

  forward(out: Float32Array, target: Float32Array, batch: number, width: number): number {
    const g = this.prepare(batch, width);
    let loss = 0;
    for (let i = 0; i < batch * width; i++) {
      const z = out[i]!;
      const t = target[i]!;
      // log(1 + e^z) − t·z written so that neither exp overflows.
      loss += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
      g[i] = (sigmoid(z) - t) / batch;
    }
    return loss / batch;
  }

  applyHead(out: Float32Array, batch: number, width: number): void {
    for (let i = 0; i < batch * width; i++) out[i] = sigmoid(out[i]!);
  }
}

/** Row-wise softmax in place (max-subtracted). */
export function softmaxRows(x: Float32Array, batch: number, width: number): void {
  for (let r = 0; r < batch; r++) {
    const row = r * width;
    let max = -Infinity;
    for (let j = 0; j < width; j++) max = Math.max(max, x[row + j]!);
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const e = Math.exp(x[row + j]! - max);
      x[row + j] = e;
      sum += e;
    }
    for (let j = 0; j < width; j++) x[row + j] = x[row + j]! / sum;
  }
}
