// Host wall-clock timing that is stable enough to grade with: one full-size warm-up run (JIT,
// caches, allocations), then the median of several runs, with the spread reported so a noisy
// machine is visible in the feedback.

export interface Timing {
  /** Median seconds of the timed runs. */
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Times `fn` (the same work each call): one warm-up call, then the median of `runs` calls. */
export function medianSeconds(fn: () => void, runs = 5): Timing {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, got ${runs}`);
  fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push((performance.now() - s) / 1000);
  }
  t.sort((a, b) => a - b);
  const mid = t.length >> 1;
  const median = t.length % 2 ? t[mid]! : (t[mid - 1]! + t[mid]!) / 2;
  return { median, min: t[0]!, max: t[t.length - 1]!, runs };
}
