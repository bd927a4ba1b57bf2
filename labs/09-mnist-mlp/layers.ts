// Lab 09 — your file: the course's three layer classes in TypeScript (its numpy lab's
// FullyConnectedLayer, ReLULayer and SoftmaxLossLayer). Fill in every TODO. Arrays are
// row-major Float32Array: inputs batch × in, weights in × out (the course's layout), biases out.
import { matmul, matmulTransA, matmulTransB, normalSampler } from 'dlpkit/labkit';

// Imported for you (README "Building blocks"); remove this line once you use them.
void [matmul, matmulTransA, matmulTransB, normalSampler];

export class FullyConnectedLayer {
  weight: Float32Array;
  bias: Float32Array;
  dWeight: Float32Array;
  dBias: Float32Array;
  private input: Float32Array = new Float32Array(0);
  private batch = 0;

  constructor(readonly numInput: number, readonly numOutput: number) {
    this.weight = new Float32Array(numInput * numOutput);
    this.bias = new Float32Array(numOutput);
    this.dWeight = new Float32Array(numInput * numOutput);
    this.dBias = new Float32Array(numOutput);
  }

  /** weight ~ N(0, std²), bias = 0. */
  initParam(std = 0.01, seed = 1): void {
    throw new Error('TODO: initParam');
  }

  /** y = x·W + b. */
  forward(input: Float32Array, batch: number): Float32Array {
    throw new Error('TODO: forward');
  }

  /** dW = xᵀ·dy, db = Σ_rows dy; returns dx = dy·Wᵀ. */
  backward(topDiff: Float32Array): Float32Array {
    throw new Error('TODO: backward');
  }

  /** Plain SGD. */
  updateParam(lr: number): void {
    throw new Error('TODO: updateParam');
  }

  loadParam(weight: Float32Array, bias: Float32Array): void {
    throw new Error('TODO: loadParam');
  }

  saveParam(): { weight: Float32Array; bias: Float32Array } {
    return { weight: this.weight, bias: this.bias };
  }
}

export class ReLULayer {
  private input: Float32Array = new Float32Array(0);

  forward(input: Float32Array): Float32Array {
    throw new Error('TODO: forward');
  }

  backward(topDiff: Float32Array): Float32Array {
    throw new Error('TODO: backward');
  }
}

export class SoftmaxLossLayer {
  private prob: Float32Array = new Float32Array(0);
  private label: Uint8Array = new Uint8Array(0);
  private batch = 0;
  private classes = 0;

  /** Row-wise softmax (the row maximum subtracted first). */
  forward(input: Float32Array, batch: number): Float32Array {
    throw new Error('TODO: forward');
  }

  /** Mean cross-entropy of the last forward's probabilities. */
  getLoss(label: Uint8Array): number {
    throw new Error('TODO: getLoss');
  }

  /** ∂loss/∂input = (prob − onehot) / batch. */
  backward(): Float32Array {
    throw new Error('TODO: backward');
  }
}
