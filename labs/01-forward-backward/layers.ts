// Lab 01 — your file. Implement forward and backward for a fully connected layer, ReLU,
// sigmoid, softmax + cross-entropy and MSE, all in double precision (Float64Array) so the
// checker's finite differences are precise. Shapes follow the course:
//   x is batch × in (row-major), w is in × out (w[i * out + j] connects input i to output j),
//   b and every bias gradient have length out, y = x·w + b is batch × out.
// Check your work with `dlp lab check 01` (or `node --import tsx labs/01-forward-backward/check.ts`).

export interface DenseGrads {
  /** ∂L/∂x, batch × in. */
  dx: Float64Array;
  /** ∂L/∂w, in × out. */
  dw: Float64Array;
  /** ∂L/∂b, out. */
  db: Float64Array;
}

/** y = x·w + b for `batch` rows. The input width is x.length / batch, the output width b.length. */
export function denseForward(x: Float64Array, w: Float64Array, b: Float64Array, batch: number): Float64Array {
  throw new Error('TODO: denseForward');
}

/** Given dy = ∂L/∂y (batch × out), returns ∂L/∂x, ∂L/∂w and ∂L/∂b. */
export function denseBackward(x: Float64Array, w: Float64Array, dy: Float64Array, batch: number): DenseGrads {
  throw new Error('TODO: denseBackward');
}

/** max(0, x) element-wise. */
export function reluForward(x: Float64Array): Float64Array {
  throw new Error('TODO: reluForward');
}

/** ∂L/∂x from the layer input x and dy (use 0 as the derivative at x = 0). */
export function reluBackward(x: Float64Array, dy: Float64Array): Float64Array {
  throw new Error('TODO: reluBackward');
}

/** 1 / (1 + e^−x) element-wise. */
export function sigmoidForward(x: Float64Array): Float64Array {
  throw new Error('TODO: sigmoidForward');
}

/** ∂L/∂x from the layer OUTPUT y = σ(x) and dy. */
export function sigmoidBackward(y: Float64Array, dy: Float64Array): Float64Array {
  throw new Error('TODO: sigmoidBackward');
}

/** Row-wise softmax of logits (batch × classes) and the mean cross-entropy over the batch:
 * loss = −(1/batch) Σ_n log p[n][label_n]; dLogits = ∂loss/∂logits. Must not overflow for
 * logits like 1000. */
export function softmaxCrossEntropy(
  logits: Float64Array,
  labels: Int32Array,
  batch: number,
): { loss: number; probs: Float64Array; dLogits: Float64Array } {
  throw new Error('TODO: softmaxCrossEntropy');
}

/** The chapter's loss: L = (1 / (2·batch)) Σ (target − pred)²; dPred = ∂L/∂pred. */
export function mseLoss(pred: Float64Array, target: Float64Array, batch: number): { loss: number; dPred: Float64Array } {
  throw new Error('TODO: mseLoss');
}

/** Plain SGD, in place: param −= lr · grad. */
export function sgdUpdate(param: Float64Array, grad: Float64Array, lr: number): void {
  throw new Error('TODO: sgdUpdate');
}
