// Lab 09 (and 10): the checker's own host forward pass of the three-layer MLP — dense, ReLU,
// dense, ReLU, dense, softmax — written plainly from the course's definitions, so a student's
// saved parameters are judged by code the student did not write.
import { argmaxRows, matmul, matmulJs } from '../../runtime/tensor/matmul.js';

/** fc1..fc3 as (in × out) weights and biases. */
export type MlpParams = { w: Float32Array; b: Float32Array }[];

/**
 * Which matrix product the host forward uses: 'simd' (the runtime's WebAssembly SIMD kernels,
 * the fastest this machine runs) or 'portable' (the same blocked, zero-skipping loops in plain
 * TypeScript, one thread, no SIMD). Both give the same products up to float rounding order.
 */
export type HostKernel = 'simd' | 'portable';

function dense(x: Float32Array, w: Float32Array, b: Float32Array, rows: number, k: number, n: number, kernel: HostKernel = 'simd'): Float32Array {
  const y = new Float32Array(rows * n);
  (kernel === 'simd' ? matmul : matmulJs)(x, w, y, rows, k, n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) y[r * n + j]! += b[j]!;
  return y;
}

function softmax(z: Float32Array, rows: number, c: number): Float32Array {
  const p = new Float32Array(z.length);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let k = 0; k < c; k++) max = Math.max(max, z[r * c + k]!);
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.exp(z[r * c + k]! - max);
    for (let k = 0; k < c; k++) p[r * c + k] = Math.exp(z[r * c + k]! - max) / sum;
  }
  return p;
}

/** Class probabilities, rows × 10. */
function probabilities(params: MlpParams, x: Float32Array, rows: number, sizes: number[], kernel: HostKernel = 'simd'): Float32Array {
  let h = x;
  params.forEach((l, i) => {
    h = dense(h, l.w, l.b, rows, sizes[i]!, sizes[i + 1]!, kernel);
    if (i < params.length - 1) h = h.map((v) => (v > 0 ? v : 0));
  });
  return softmax(h, rows, sizes[sizes.length - 1]!);
}

/** The class of each row: the index of its largest probability (the first on a tie). */
function predictions(p: Float32Array, rows: number, classes: number): Int32Array {
  const out = new Int32Array(rows);
  argmaxRows(p, rows, classes, out);
  return out;
}

/** Fraction of rows whose largest probability is the label. */
function accuracy(params: MlpParams, x: Float32Array, labels: Uint8Array, rows: number, sizes: number[]): number {
  const predicted = predictions(probabilities(params, x, rows, sizes), rows, sizes[sizes.length - 1]!);
  let correct = 0;
  for (let r = 0; r < rows; r++) if (predicted[r] === labels[r]) correct++;
  return correct / rows;
}

export const hostForward = { dense, softmax, probabilities, predictions, accuracy };
