// The seeded random generator of dlpkit: mulberry32 (Tommy Ettinger's 32-bit generator).
// Region fills (`random(seed=…)`), the compiler's weight initialisation and the runtime all
// draw from it, so the same seed gives the same numbers in every part of the toolkit.

/** Returns a generator of uniform numbers in [0, 1), each a multiple of 2^-32.
 * The state lives in the closure, so generators never share state. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [min, max] (inclusive) from one draw. Exact for ranges up to 2^32. */
export function drawInt(rng: () => number, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}
