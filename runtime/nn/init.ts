// Weight initialisers: the course's N(0, σ) (σ = 0.01 in the MNIST lab), He (σ = √(2/in),
// for ReLU-family layers) and Xavier/Glorot (σ = √(2/(in+out)), for sigmoid and tanh).
import type { Rng } from '../rng.js';

export type InitKind = 'normal' | 'he' | 'xavier';

/** Fills an in×out weight matrix in place from `rng`. `std` is used by 'normal' only. */
export function initWeights(w: Float32Array, inSize: number, outSize: number, kind: InitKind, rng: Rng, std = 0.01): void {
  const sigma =
    kind === 'he' ? Math.sqrt(2 / inSize)
      : kind === 'xavier' ? Math.sqrt(2 / (inSize + outSize))
        : std;
  for (let i = 0; i < inSize * outSize; i++) w[i] = rng.normal() * sigma;
}
