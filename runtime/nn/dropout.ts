// Inverted dropout: during training each unit is kept with probability 1 − p and scaled by
// 1/(1 − p), so inference needs no rescaling and the layer is the identity there. The mask
// comes from a seeded generator, so runs are reproducible.
import { DlpError } from '../../isa/errors.js';
import type { Rng } from '../rng.js';
import { EMPTY, ensureBuffer, type Layer, type Param } from './layer.js';

export class Dropout implements Layer {
  readonly kind = 'dropout';
  name: string;
  private mask: Float32Array = EMPTY;
  private out: Float32Array = EMPTY;
  private dxBuf: Float32Array = EMPTY;
  private n = 0;
  private active = false;

  constructor(readonly inSize: number, readonly rate: number, private readonly rng: Rng, name?: string) {
    if (!(rate >= 0 && rate < 1)) throw new DlpError(`dropout rate must be in [0, 1), got ${rate}`);
    this.name = name ?? 'dropout';
  }

  get outSize(): number {
    return this.inSize;
  }

  forward(x: Float32Array, batch: number, training: boolean): Float32Array {
    this.n = batch * this.inSize;
    this.active = training && this.rate > 0;
    if (!this.active) return x.subarray(0, this.n);
    this.mask = ensureBuffer(this.mask, this.n);
    this.out = ensureBuffer(this.out, this.n);
    const keep = 1 - this.rate;
    const scale = 1 / keep;
    for (let i = 0; i < this.n; i++) {
      const m = this.rng.next() < keep ? scale : 0;
      this.mask[i] = m;
      this.out[i] = x[i]! * m;
    }
    return this.out.subarray(0, this.n);
  }

  backward(dy: Float32Array): Float32Array {
    if (!this.active) return dy;
    this.dxBuf = ensureBuffer(this.dxBuf, this.n);
    for (let i = 0; i < this.n; i++) this.dxBuf[i] = dy[i]! * this.mask[i]!;
    return this.dxBuf.subarray(0, this.n);
  }

  params(): Param[] {
    return [];
  }
}
