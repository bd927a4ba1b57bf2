// The contract every host layer follows. A layer owns preallocated buffers sized for the
// largest batch seen so far and reuses them across batches; forward() returns a view of its
// output buffer and backward() a view of its input-gradient buffer, both valid until the
// next call. Gradients are written (not accumulated) by each backward().
import { kernelFloats } from '../tensor/matmul.js';

/** A learned tensor with its gradient. */
export interface Param {
  /** PyTorch-style suffix: 'weight', 'bias' or 'slope'. */
  readonly name: string;
  readonly value: Float32Array;
  readonly grad: Float32Array;
  /** Logical shape of `value` (weights are [in, out] as in the course). */
  readonly shape: readonly number[];
  /** Whether L1/L2 penalties apply (weights yes, biases and PReLU slopes no). */
  readonly regularize: boolean;
}

export interface Layer {
  readonly kind: string;
  name: string;
  readonly inSize: number;
  readonly outSize: number;
  /** Computes the output for `batch` rows of `x`; `training` turns on dropout and caching. */
  forward(x: Float32Array, batch: number, training: boolean): Float32Array;
  /**
   * Given ∂L/∂output for the last forward batch, fills parameter gradients and returns
   * ∂L/∂input (skipped, returning an empty array, when `needInputGrad` is false).
   */
  backward(dy: Float32Array, needInputGrad: boolean): Float32Array;
  params(): Param[];
}

/**
 * Grows a buffer to hold at least `size` floats, reusing it when large enough. New buffers
 * are resident in the SIMD kernels' memory where possible (products and element-wise steps
 * then run on them in place); a view handed out is valid until the next call, as before.
 */
export function ensureBuffer(buf: Float32Array, size: number): Float32Array {
  return buf.length >= size ? buf : kernelFloats(size);
}

export const EMPTY = new Float32Array(0);
