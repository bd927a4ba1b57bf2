// The host side of the course grade: seconds of the fp32 forward pass over the whole test set,
// measured so that the grade does not move with machine load. One cold run is at the mercy of
// JIT warm-up and whatever else the machine does; so the pass is warmed up at full size (the JIT
// compiles the same shapes the timed runs use), then timed several times. Each run is timed by
// the wall clock and by the process's CPU time; the grade uses the median CPU time, which other
// jobs on the machine hardly move (on a busy 2-core machine the wall-clock median moved a grade
// between 106x and 795x while the CPU time stayed put), with the spread reported next to it.

/** Untimed full-size runs before timing (JIT and caches warmed at the timed shapes). */
export const HOST_WARMUP_RUNS = 2;
/** Timed runs; odd, so the median is one measured run. */
export const HOST_TIMED_RUNS = 11;
/** The course's grading thresholds: DLP time ≤ 1/50 (80 points) or ≤ 1/200 (100 points) of the CPU's. */
export const SPEEDUP_THRESHOLDS = [50, 200] as const;

export interface HostTiming {
  /** Seconds of every timed run, in the order measured. */
  samples: number[];
  median: number;
  min: number;
  max: number;
  /** Median process CPU seconds (user + system) per timed run, when measured: unlike wall
   * time it hardly moves when other jobs share the machine, so it tells load from slowness. */
  cpuMedian?: number;
  /** Process CPU seconds of every timed run, when measured. */
  cpuSamples?: number[];
}

export interface Grade {
  /** What is compared: "measured host CPU time (Node, this machine) vs simulated DLP at 1.00 GHz". */
  basis: string;
  thresholds: readonly number[];
  /** The speed-up the grade uses: median host CPU seconds / simulated DLP seconds. */
  speedup: number;
  meets50: boolean;
  meets200: boolean;
  points: 0 | 80 | 100;
}

/** Median (mean of the middle two for an even count), min and max of the samples. */
export function summariseSamples(samples: readonly number[]): HostTiming {
  if (samples.length === 0) throw new RangeError('no timing samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { samples: [...samples], median, min: s[0]!, max: s[s.length - 1]! };
}

/**
 * Times `run` `runs` times after `warmup` untimed calls. `clock` returns milliseconds
 * (performance.now by default; tests inject one to drive the statistics deterministically).
 */
export function timeHost(
  run: () => void,
  opts: { warmup?: number; runs?: number; clock?: () => number; cpuClock?: () => number } = {},
): HostTiming {
  const { warmup = HOST_WARMUP_RUNS, runs = HOST_TIMED_RUNS, clock = () => performance.now(), cpuClock } = opts;
  for (let i = 0; i < warmup; i++) run();
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = cpuClock?.() ?? 0;
    const t0 = clock();
    run();
    samples.push((clock() - t0) / 1000);
    if (cpuClock) cpu.push((cpuClock() - c0) / 1000);
  }
  const t = summariseSamples(samples);
  return cpuClock ? { ...t, cpuMedian: summariseSamples(cpu).median, cpuSamples: cpu } : t;
}

/** The process's CPU time (user + system) in milliseconds: the clock the grade uses. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Host forward timing as the grade uses it: `cpu` over each run's process CPU time, `wall` beside it. */
export function timeHostCpu(run: () => void): { cpu: HostTiming; wall: HostTiming } {
  const wall = timeHost(run, { cpuClock: processCpuMs });
  return { cpu: summariseSamples(wall.cpuSamples!), wall };
}

/** [min, max] speed-up over the samples: fastest host run gives the smallest speed-up. */
export function speedupRange(t: HostTiming, dlpSeconds: number): [number, number] {
  return [t.min / dlpSeconds, t.max / dlpSeconds];
}

export function gradeBasis(clockHz: number): string {
  return `measured host CPU time (Node, this machine) vs simulated DLP at ${(clockHz / 1e9).toFixed(2)} GHz`;
}

/** The course grade from the median speed-up. */
export function gradeSpeedup(speedup: number, clockHz: number): Grade {
  const [t80, t100] = SPEEDUP_THRESHOLDS;
  return {
    basis: gradeBasis(clockHz), thresholds: SPEEDUP_THRESHOLDS, speedup,
    meets50: speedup >= t80, meets200: speedup >= t100, points: speedup >= t100 ? 100 : speedup >= t80 ? 80 : 0,
  };
}
