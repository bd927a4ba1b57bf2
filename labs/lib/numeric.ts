// Numeric comparison helpers for checkers: element-wise closeness with the worst index
// reported, relative error in the cs231n sense, and seeded random data.
import { createRng } from '../../isa/rng.js';

/** mulberry32 (isa/rng.ts), so every checker case is reproducible. */
export function seededRandom(seed: number): () => number {
  return createRng(seed);
}

/** n uniform values in [lo, hi). */
export function randomArray(rand: () => number, n: number, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

export interface Mismatch {
  ok: boolean;
  /** Index of the worst element (or -1 when the lengths differ). */
  index: number;
  expected: number;
  got: number;
  /** Worst error under the chosen measure. */
  error: number;
}

/** Compares two arrays with |a−b| ≤ atol + rtol·|a|; reports the worst element. */
export function compareArrays(
  expected: ArrayLike<number>,
  got: ArrayLike<number> | undefined,
  atol: number,
  rtol = 0,
): Mismatch {
  if (!got || got.length !== expected.length) {
    return { ok: false, index: -1, expected: expected.length, got: got ? got.length : NaN, error: Infinity };
  }
  let worst = { index: 0, excess: -Infinity, error: 0 };
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const g = got[i]!;
    const err = Number.isNaN(g) ? Infinity : Math.abs(e - g);
    const excess = err - (atol + rtol * Math.abs(e));
    if (excess > worst.excess) worst = { index: i, excess, error: err };
  }
  const i = worst.index;
  return { ok: worst.excess <= 0, index: i, expected: expected[i]!, got: got[i]!, error: worst.error };
}

/** Relative error |a−b| / max(|a|+|b|, tiny), the usual measure for gradient checks. */
export function relativeError(a: number, b: number): number {
  const d = Math.abs(a - b);
  return d === 0 ? 0 : d / Math.max(Math.abs(a) + Math.abs(b), 1e-12);
}

/** Describes where two arrays first differ beyond tolerance, for feedback. */
export function describeMismatch(m: Mismatch, what: string, shape?: [number, number]): string {
  if (m.index < 0) return `${what} has length ${m.got}, expected ${m.expected}`;
  const at = shape ? `[${Math.floor(m.index / shape[1])}][${m.index % shape[1]}]` : `[${m.index}]`;
  return `${what}${at} = ${m.got}, expected ${m.expected} (|error| ${m.error.toExponential(2)})`;
}
