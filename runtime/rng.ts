// Seeded randomness for reproducible training: the uniforms are isa/rng.ts's mulberry32 stream
// (the one generator of dlpkit, also behind `random` DRAM regions), plus Box-Muller normals,
// integers, shuffles and forks on top of it. State lives in the closure, so two generators
// with one seed give the same stream and nothing is global.
import { createRng as uniformStream } from '../isa/rng.js';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T;
  /** A new independent generator derived from this one (for per-fold or per-layer streams). */
  fork(): Rng;
}

export function createRng(seed: number): Rng {
  const next = uniformStream(seed);
  let spare: number | undefined;
  const rng: Rng = {
    next,
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      // 1 - u keeps the logarithm finite.
      const r = Math.sqrt(-2 * Math.log(1 - next()));
      const theta = 2 * Math.PI * next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    int(n) {
      return Math.floor(next() * n);
    },
    shuffle(a) {
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
      }
      return a;
    },
    fork() {
      return createRng(Math.floor(next() * 4294967296));
    },
  };
  return rng;
}
