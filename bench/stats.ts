// Measurement helpers for the benchmarks: repeated timing with median and min–max, and the
// least-squares slope of a log-log fit (the growth exponent of a cost).

export interface Timing {
  /** Seconds per run. */
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarise(seconds: readonly number[]): Timing {
  const s = [...seconds].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, runs: s.length };
}

/** Runs `fn` `runs` times (after `warmup` untimed runs) and summarises the wall seconds. */
export function timeRuns(fn: () => unknown, runs: number, warmup = 0): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push((performance.now() - t0) / 1000);
  }
  return summarise(t);
}

/** Slope of log(y) against log(x) by least squares: 1 means linear growth, 0 flat. */
export function fitLogLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const n = lx.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (lx[i]! - mx) * (ly[i]! - my);
    den += (lx[i]! - mx) ** 2;
  }
  return den > 0 ? num / den : 0;
}

export function median(xs: readonly number[]): number {
  return xs.length ? summarise(xs).median : NaN;
}
