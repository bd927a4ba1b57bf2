// Validation splits of the course: hold-out, k-fold and leave-one-out, as seeded index lists,
// so any data set and any model builder can use them (training's own hold-out included).
import { DlpError } from '../isa/errors.js';
import { createRng, type Rng } from './rng.js';

export interface Split {
  train: Uint32Array;
  val: Uint32Array;
}

/** Holds out ⌊n·fraction⌋ (at least 1) random samples for validation. */
export function holdoutSplit(n: number, fraction: number, seed: number | Rng = 1): Split {
  if (!(fraction > 0 && fraction < 1)) throw new DlpError(`validation fraction must be in (0, 1), got ${fraction}`);
  const nVal = Math.max(1, Math.floor(n * fraction));
  if (nVal >= n) throw new DlpError(`cannot hold out ${nVal} of ${n} samples and keep any for training`);
  const order = shuffledIndices(n, seed);
  return { val: sorted(order.subarray(0, nVal)), train: sorted(order.subarray(nVal)) };
}

/** k disjoint validation folds (sizes differ by at most one) that together cover 0..n−1. */
export function kFoldSplits(n: number, k: number, seed: number | Rng = 1): Split[] {
  if (!Number.isInteger(k) || k < 2) throw new DlpError(`k-fold needs k ≥ 2, got ${k}`);
  if (k > n) throw new DlpError(`k-fold needs k ≤ the number of samples (${n}), got ${k}`);
  const order = shuffledIndices(n, seed);
  const splits: Split[] = [];
  for (let f = 0; f < k; f++) {
    const lo = Math.floor((f * n) / k);
    const hi = Math.floor(((f + 1) * n) / k);
    const train = new Uint32Array(n - (hi - lo));
    train.set(order.subarray(0, lo));
    train.set(order.subarray(hi), lo);
    splits.push({ val: sorted(order.subarray(lo, hi)), train: sorted(train) });
  }
  return splits;
}

/** n folds, each validating on exactly one sample (use on small subsets). */
export function leaveOneOutSplits(n: number): Split[] {
  if (n < 2) throw new DlpError(`leave-one-out needs at least 2 samples, got ${n}`);
  return Array.from({ length: n }, (_, i) => {
    const train = new Uint32Array(n - 1);
    for (let j = 0, t = 0; j < n; j++) if (j !== i) train[t++] = j;
    return { train, val: Uint32Array.of(i) };
  });
}

function shuffledIndices(n: number, seed: number | Rng): Uint32Array {
  const rng = typeof seed === 'number' ? createRng(seed) : seed;
  return rng.shuffle(Uint32Array.from({ length: n }, (_, i) => i));
}

function sorted(a: Uint32Array): Uint32Array {
  return a.slice().sort();
}
