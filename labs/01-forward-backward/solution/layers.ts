// Lab 01 — reference solution: forward and backward of dense, ReLU, sigmoid, softmax-CE and
// MSE in double precision, weights stored (in, out) as in the course.

export interface DenseGrads {
  dx: Float64Array;
  dw: Float64Array;
  db: Float64Array;
}

export function denseForward(x: Float64Array, w: Float64Array, b: Float64Array, batch: number): Float64Array {
  const inF = x.length / batch;
  const outF = b.length;
  const y = new Float64Array(batch * outF);
  for (let n = 0; n < batch; n++) {
    const row = y.subarray(n * outF, (n + 1) * outF);
    row.set(b);
    for (let i = 0; i < inF; i++) {
      const xi = x[n * inF + i]!;
      if (xi === 0) continue; // MNIST pixels and ReLU outputs are mostly zero
      for (let j = 0; j < outF; j++) row[j]! += xi * w[i * outF + j]!;
    }
  }
  return y;
}

export function denseBackward(x: Float64Array, w: Float64Array, dy: Float64Array, batch: number): DenseGrads {
  const inF = x.length / batch;
  const outF = dy.length / batch;
  const dx = new Float64Array(batch * inF);
  const dw = new Float64Array(inF * outF);
  const db = new Float64Array(outF);
  for (let n = 0; n < batch; n++) {
    for (let j = 0; j < outF; j++) db[j]! += dy[n * outF + j]!;
    for (let i = 0; i < inF; i++) {
      const xi = x[n * inF + i]!;
      let s = 0;
      for (let j = 0; j < outF; j++) {
        const g = dy[n * outF + j]!;
        s += g * w[i * outF + j]!; // dx = dy · wᵀ
        dw[i * outF + j]! += xi * g; // dw = xᵀ · dy
      }
      dx[n * inF + i] = s;
    }
  }
  return { dx, dw, db };
}

export function reluForward(x: Float64Array): Float64Array {
  return x.map((v) => (v > 0 ? v : 0));
}

export function reluBackward(x: Float64Array, dy: Float64Array): Float64Array {
  return dy.map((g, i) => (x[i]! > 0 ? g : 0));
}

export function sigmoidForward(x: Float64Array): Float64Array {
  return x.map((v) => 1 / (1 + Math.exp(-v)));
}

export function sigmoidBackward(y: Float64Array, dy: Float64Array): Float64Array {
  return dy.map((g, i) => g * y[i]! * (1 - y[i]!));
}

export function softmaxCrossEntropy(
  logits: Float64Array,
  labels: Int32Array,
  batch: number,
): { loss: number; probs: Float64Array; dLogits: Float64Array } {
  const classes = logits.length / batch;
  const probs = new Float64Array(logits.length);
  let loss = 0;
  for (let n = 0; n < batch; n++) {
    const row = logits.subarray(n * classes, (n + 1) * classes);
    const max = row.reduce((a, b) => Math.max(a, b), -Infinity); // subtract the max: no overflow
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(row[c]! - max);
    for (let c = 0; c < classes; c++) probs[n * classes + c] = Math.exp(row[c]! - max) / sum;
    // log p = (z − max) − log Σ: stays finite even when p underflows to 0
    loss -= row[labels[n]!]! - max - Math.log(sum);
  }
  const dLogits = probs.map((p) => p / batch);
  for (let n = 0; n < batch; n++) dLogits[n * classes + labels[n]!]! -= 1 / batch;
  return { loss: loss / batch, probs, dLogits };
}

export function mseLoss(pred: Float64Array, target: Float64Array, batch: number): { loss: number; dPred: Float64Array } {
  let loss = 0;
  for (let i = 0; i < pred.length; i++) loss += (target[i]! - pred[i]!) ** 2;
  return { loss: loss / (2 * batch), dPred: pred.map((p, i) => (p - target[i]!) / batch) };
}

export function sgdUpdate(param: Float64Array, grad: Float64Array, lr: number): void {
  for (let i = 0; i < param.length; i++) param[i]! -= lr * grad[i]!;
}
