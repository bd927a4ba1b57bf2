// Leaky ReLU is x < 0 ? αx : x (PyTorch, ONNX): the book's max(αx, x) for α in [0, 1].
// Element-wise activations of the course: ReLU, Leaky ReLU, PReLU (learned per-channel
// slopes), ELU, sigmoid and tanh. Each keeps what its derivative needs (the input, or the
// output where the derivative is cheaper from it) in a reused buffer.
import type { Activation } from '../../compiler/model.js';
import { DlpError } from '../../isa/errors.js';
import { simdKernels } from '../tensor/simd.js';
import { EMPTY, ensureBuffer, type Layer, type Param } from './layer.js';

/** An activation layer, tagged with its IR description for Model.toGraph(). */
export interface ActivationLayer extends Layer {
  readonly activation: Activation;
}

/** Shared buffer handling: subclasses implement the two element loops. */
abstract class Elementwise implements ActivationLayer {
  abstract readonly kind: string;
  abstract readonly activation: Activation;
  name: string;
  protected x: Float32Array = EMPTY;
  protected y: Float32Array = EMPTY;
  protected n = 0;
  protected batch = 0;
  private out: Float32Array = EMPTY;
  private dxBuf: Float32Array = EMPTY;

  constructor(readonly inSize: number, name?: string) {
    this.name = name ?? 'act';
  }

  get outSize(): number {
    return this.inSize;
  }

  forward(x: Float32Array, batch: number): Float32Array {
    this.batch = batch;
    this.n = batch * this.inSize;
    this.out = ensureBuffer(this.out, this.n);
    this.x = x;
    this.y = this.out.subarray(0, this.n);
    this.apply(x, this.y, this.n);
    return this.y;
  }

  backward(dy: Float32Array): Float32Array {
    this.dxBuf = ensureBuffer(this.dxBuf, this.n);
    const dx = this.dxBuf.subarray(0, this.n);
    this.derive(dy, dx, this.n);
    return dx;
  }

  params(): Param[] {
    return [];
  }

  protected abstract apply(x: Float32Array, y: Float32Array, n: number): void;
  protected abstract derive(dy: Float32Array, dx: Float32Array, n: number): void;
}

export class ReLU extends Elementwise {
  readonly kind = 'relu';
  readonly activation: Activation = { kind: 'relu' };
  protected apply(x: Float32Array, y: Float32Array, n: number): void {
    if (simdKernels()?.maskPositive(x, x, y, n)) return;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      y[i] = v > 0 ? v : 0;
    }
  }
  protected derive(dy: Float32Array, dx: Float32Array, n: number): void {
    const y = this.y;
    if (simdKernels()?.maskPositive(y, dy, dx, n)) return;
    for (let i = 0; i < n; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
  }
}

export class LeakyReLU extends Elementwise {
  readonly kind = 'leaky';
  readonly activation: Activation;
  constructor(inSize: number, readonly alpha = 0.01, name?: string) {
    super(inSize, name);
    this.activation = { kind: 'leaky', alpha };
  }
  protected apply(x: Float32Array, y: Float32Array, n: number): void {
    const a = this.alpha;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      y[i] = v > 0 ? v : a * v;
    }
  }
  protected derive(dy: Float32Array, dx: Float32Array, n: number): void {
    const x = this.x;
    const a = this.alpha;
    for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? dy[i]! : a * dy[i]!;
  }
}

/** y = x for x > 0, a_c·x otherwise, with one learned slope a_c per channel (feature). */
export class PReLU extends Elementwise {
  readonly kind = 'prelu';
  readonly activation: Activation = { kind: 'prelu' };
  readonly slopes: Param;

  constructor(inSize: number, initialSlope = 0.25, name?: string) {
    super(inSize, name);
    const value = new Float32Array(inSize).fill(initialSlope);
    this.slopes = { name: 'slope', value, grad: new Float32Array(inSize), shape: [inSize], regularize: false };
  }

  override params(): Param[] {
    return [this.slopes];
  }

  protected apply(x: Float32Array, y: Float32Array): void {
    const c = this.inSize;
    const a = this.slopes.value;
    for (let r = 0; r < this.batch; r++) {
      const row = r * c;
      for (let j = 0; j < c; j++) {
        const v = x[row + j]!;
        y[row + j] = v > 0 ? v : a[j]! * v;
      }
    }
  }

  protected derive(dy: Float32Array, dx: Float32Array): void {
    const c = this.inSize;
    const a = this.slopes.value;
    const g = this.slopes.grad;
    const x = this.x;
    g.fill(0);
    for (let r = 0; r < this.batch; r++) {
      const row = r * c;
      for (let j = 0; j < c; j++) {
        const v = x[row + j]!;
        const d = dy[row + j]!;
        if (v > 0) dx[row + j] = d;
        else {
          dx[row + j] = a[j]! * d;
          g[j] = g[j]! + v * d;
        }
      }
    }
  }
}

/** y = x for x > 0, α(eˣ − 1) otherwise. */
export class ELU extends Elementwise {
  readonly kind = 'elu';
  readonly activation: Activation;
  constructor(inSize: number, readonly alpha = 1, name?: string) {
    super(inSize, name);
    this.activation = { kind: 'elu', alpha };
  }
  protected apply(x: Float32Array, y: Float32Array, n: number): void {
    const a = this.alpha;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      y[i] = v > 0 ? v : a * Math.expm1(v);
    }
  }
  protected derive(dy: Float32Array, dx: Float32Array, n: number): void {
    // For x ≤ 0, dy/dx = α·eˣ = y + α.
    const { x, y, alpha } = this;
    for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? dy[i]! : dy[i]! * (y[i]! + alpha);
  }
}

export class Sigmoid extends Elementwise {
  readonly kind = 'sigmoid';
  readonly activation: Activation = { kind: 'sigmoid' };
  protected apply(x: Float32Array, y: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) y[i] = sigmoid(x[i]!);
  }
  protected derive(dy: Float32Array, dx: Float32Array, n: number): void {
    const y = this.y;
    for (let i = 0; i < n; i++) dx[i] = dy[i]! * y[i]! * (1 - y[i]!);
  }
}

export class Tanh extends Elementwise {
  readonly kind = 'tanh';
  readonly activation: Activation = { kind: 'tanh' };
  protected apply(x: Float32Array, y: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]!);
  }
  protected derive(dy: Float32Array, dx: Float32Array, n: number): void {
    const y = this.y;
    for (let i = 0; i < n; i++) dx[i] = dy[i]! * (1 - y[i]! * y[i]!);
  }
}

/** Numerically safe logistic function. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** Builds the layer for an IR activation (identity has no layer: returns undefined). */
export function createActivationLayer(act: Activation, size: number, name?: string): ActivationLayer | undefined {
  switch (act.kind) {
    case 'identity': return undefined;
    case 'relu': return new ReLU(size, name);
    case 'leaky': return new LeakyReLU(size, act.alpha, name);
    case 'prelu': return new PReLU(size, 0.25, name);
    case 'elu': return new ELU(size, act.alpha, name);
    case 'sigmoid': return new Sigmoid(size, name);
    case 'tanh': return new Tanh(size, name);
    default: throw new DlpError(`unknown activation '${(act as { kind: string }).kind}'`);
  }
}
