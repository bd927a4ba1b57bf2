// Fully connected layer y = x·W + b with W stored (in, out) as in the course:
// W[i * out + j] connects input i to output j.
import { addBias, kernelFloats, matmul, matmulTransA, matmulTransB, sumRows } from '../tensor/matmul.js';
import type { Rng } from '../rng.js';
import { initWeights, type InitKind } from './init.js';
import { EMPTY, ensureBuffer, type Layer, type Param } from './layer.js';

export interface DenseOptions {
  name?: string;
  init?: InitKind;
  /** σ for the 'normal' initialiser (course: 0.01). */
  std?: number;
  rng?: Rng;
}

export class Dense implements Layer {
  readonly kind = 'dense';
  name: string;
  readonly weight: Param;
  readonly bias: Param;
  private x: Float32Array = EMPTY;
  private batch = 0;
  private out: Float32Array = EMPTY;
  private dx: Float32Array = EMPTY;

  constructor(readonly inSize: number, readonly outSize: number, opts: DenseOptions = {}) {
    this.name = opts.name ?? 'fc';
    const n = inSize * outSize;
    // Resident in the kernels' memory: the products and the optimiser use them in place.
    this.weight = { name: 'weight', value: kernelFloats(n), grad: kernelFloats(n), shape: [inSize, outSize], regularize: true };
    this.bias = { name: 'bias', value: kernelFloats(outSize), grad: kernelFloats(outSize), shape: [outSize], regularize: false };
    if (opts.rng) initWeights(this.weight.value, inSize, outSize, opts.init ?? 'normal', opts.rng, opts.std);
  }

  forward(x: Float32Array, batch: number): Float32Array {
    this.x = x;
    this.batch = batch;
    this.out = ensureBuffer(this.out, batch * this.outSize);
    const y = this.out.subarray(0, batch * this.outSize);
    matmul(x, this.weight.value, y, batch, this.inSize, this.outSize);
    addBias(y, this.bias.value, batch, this.outSize);
    return y;
  }

  backward(dy: Float32Array, needInputGrad: boolean): Float32Array {
    const { batch, inSize, outSize } = this;
    matmulTransA(this.x, dy, this.weight.grad, batch, inSize, outSize);
    sumRows(dy, batch, outSize, this.bias.grad);
    if (!needInputGrad) return EMPTY;
    this.dx = ensureBuffer(this.dx, batch * inSize);
    const dx = this.dx.subarray(0, batch * inSize);
    matmulTransB(dy, this.weight.value, dx, batch, outSize, inSize);
    return dx;
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }
}
