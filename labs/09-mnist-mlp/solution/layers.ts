// Lab 09 — reference solution: the course's three layer classes in TypeScript. Arrays are
// row-major Float32Array: inputs batch × in, weights in × out (the course's layout), biases out.
import { matmul, matmulTransA, matmulTransB, normalSampler } from 'dlpkit/labkit';

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
    const normal = normalSampler(seed);
    for (let i = 0; i < this.weight.length; i++) this.weight[i] = normal(0, std);
    this.bias.fill(0);
  }

  /** y = x·W + b. */
  forward(input: Float32Array, batch: number): Float32Array {
    this.input = input;
    this.batch = batch;
    const y = matmul(input, this.weight, batch, this.numInput, this.numOutput);
    for (let r = 0; r < batch; r++) for (let j = 0; j < this.numOutput; j++) y[r * this.numOutput + j]! += this.bias[j]!;
    return y;
  }

  /** dW = xᵀ·dy, db = Σ_rows dy; returns dx = dy·Wᵀ. */
  backward(topDiff: Float32Array): Float32Array {
    const { batch, numInput, numOutput } = this;
    this.dWeight = matmulTransA(this.input, topDiff, numInput, batch, numOutput);
    this.dBias = new Float32Array(numOutput);
    for (let r = 0; r < batch; r++) for (let j = 0; j < numOutput; j++) this.dBias[j]! += topDiff[r * numOutput + j]!;
    return matmulTransB(topDiff, this.weight, batch, numOutput, numInput);
  }

  /** Plain SGD. */
  updateParam(lr: number): void {
    for (let i = 0; i < this.weight.length; i++) this.weight[i]! -= lr * this.dWeight[i]!;
    for (let j = 0; j < this.bias.length; j++) this.bias[j]! -= lr * this.dBias[j]!;
  }

  loadParam(weight: Float32Array, bias: Float32Array): void {
    this.weight = Float32Array.from(weight);
    this.bias = Float32Array.from(bias);
  }

  saveParam(): { weight: Float32Array; bias: Float32Array } {
    return { weight: this.weight, bias: this.bias };
  }
}

export class ReLULayer {
  private input: Float32Array = new Float32Array(0);

  forward(input: Float32Array): Float32Array {
    this.input = input;
    return input.map((v) => (v > 0 ? v : 0));
  }

  backward(topDiff: Float32Array): Float32Array {
    return topDiff.map((d, i) => (this.input[i]! > 0 ? d : 0));
  }
}

export class SoftmaxLossLayer {
  private prob: Float32Array = new Float32Array(0);
  private label: Uint8Array = new Uint8Array(0);
  private batch = 0;
  private classes = 0;

  /** Row-wise softmax (the row maximum subtracted first). */
  forward(input: Float32Array, batch: number): Float32Array {
    const c = input.length / batch;
    const prob = new Float32Array(input.length);
    for (let r = 0; r < batch; r++) {
      let max = -Infinity;
      for (let k = 0; k < c; k++) max = Math.max(max, input[r * c + k]!);
      let sum = 0;
      for (let k = 0; k < c; k++) sum += (prob[r * c + k] = Math.exp(input[r * c + k]! - max));
      for (let k = 0; k < c; k++) prob[r * c + k]! /= sum;
    }
    this.prob = prob;
    this.batch = batch;
    this.classes = c;
    return prob;
  }

  /** Mean cross-entropy of the last forward's probabilities. */
  getLoss(label: Uint8Array): number {
    this.label = label;
    let loss = 0;
    for (let r = 0; r < this.batch; r++) loss -= Math.log(Math.max(this.prob[r * this.classes + label[r]!]!, 1e-30));
    return loss / this.batch;
  }

  /** ∂loss/∂input = (prob − onehot) / batch. */
  backward(): Float32Array {
    const d = Float32Array.from(this.prob);
    for (let r = 0; r < this.batch; r++) d[r * this.classes + this.label[r]!]! -= 1;
    for (let i = 0; i < d.length; i++) d[i]! /= this.batch;
    return d;
  }
}
