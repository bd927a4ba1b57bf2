// The host timing behind the course grade: statistics and grade from injected clock readings
// (no wall-clock assertions), so the grade depends on the median, not on one noisy run.
import { describe, expect, it } from 'vitest';
import { gradeSpeedup, HOST_TIMED_RUNS, speedupRange, summariseSamples, timeHost } from '../../cli/report/host-timing.js';

/** A clock whose successive readings are `ms`: timeHost reads it twice per timed run. */
function scriptedClock(runMs: readonly number[]): () => number {
  const readings = runMs.flatMap((d, i) => [i * 1000, i * 1000 + d]);
  let k = 0;
  return () => readings[k++]!;
}

describe('host timing', () => {
  it('median, min and max of odd and even sample counts', () => {
    expect(summariseSamples([0.3, 0.1, 0.2])).toEqual({ samples: [0.3, 0.1, 0.2], median: 0.2, min: 0.1, max: 0.3 });
    expect(summariseSamples([0.4, 0.1, 0.2, 0.3]).median).toBeCloseTo(0.25, 12);
    expect(() => summariseSamples([])).toThrow(RangeError);
  });

  it('warms up untimed, then times every run with the injected clock', () => {
    let calls = 0;
    const durations = [200, 210, 190, 600, 205, 195, 200, 199, 201, 450, 202];
    const t = timeHost(() => { calls++; }, { clock: scriptedClock(durations) });
    expect(calls).toBe(2 + HOST_TIMED_RUNS);
    expect(t.samples).toEqual(durations.map((d) => d / 1000));
    // Sorted: 190 195 199 200 200 201 202 205 210 450 600 → the 6th is 201 ms; outliers do not move it.
    expect(t.median).toBeCloseTo(0.201, 12);
    expect(t.min).toBeCloseTo(0.19, 12);
    expect(t.max).toBeCloseTo(0.6, 12);
    expect(speedupRange(t, 0.001).map((v) => Math.round(v))).toEqual([190, 600]);
  });

  it('records the median process CPU time per run when given a CPU clock', () => {
    // Wall 200 ms per run while the process used 50 ms of CPU (the cores were busy elsewhere).
    const t = timeHost(() => {}, { clock: scriptedClock([200, 200, 200]), cpuClock: scriptedClock([50, 40, 60]), runs: 3, warmup: 0 });
    expect(t.median).toBeCloseTo(0.2, 12);
    expect(t.cpuMedian).toBeCloseTo(0.05, 12);
    expect(timeHost(() => {}, { clock: scriptedClock([1]), runs: 1, warmup: 0 }).cpuMedian).toBeUndefined();
  });

  it('grades the median against 1/50 and 1/200, inclusive, and names its basis', () => {
    expect(gradeSpeedup(49.99, 1e9)).toMatchObject({ meets50: false, meets200: false, points: 0 });
    expect(gradeSpeedup(50, 1e9)).toMatchObject({ meets50: true, meets200: false, points: 80 });
    expect(gradeSpeedup(199.9, 1e9).points).toBe(80);
    expect(gradeSpeedup(200, 1e9)).toMatchObject({ meets50: true, meets200: true, points: 100 });
    expect(gradeSpeedup(187, 1e9).basis).toBe('measured host CPU time (Node, this machine) vs simulated DLP at 1.00 GHz');
  });

  it('one slow run among eleven does not change the grade', () => {
    const fast = Array<number>(HOST_TIMED_RUNS).fill(250);
    const noisy = [...fast];
    noisy[3] = 150; // one unusually fast host run (lower speed-up) and one slow one
    noisy[7] = 400;
    const dlp = 0.00116;
    const a = timeHost(() => {}, { clock: scriptedClock(fast), warmup: 0 });
    const b = timeHost(() => {}, { clock: scriptedClock(noisy), warmup: 0 });
    expect(gradeSpeedup(a.median / dlp, 1e9).points).toBe(100);
    expect(gradeSpeedup(b.median / dlp, 1e9).points).toBe(100);
    expect(gradeSpeedup(noisy[3]! / 1000 / dlp, 1e9).points).toBe(80); // what a single cold run could have graded
  });
});

describe('the load note', () => {
  it('appears when the wall time is well above the process CPU time', async () => {
    const { loadNote } = await import('../../cli/report/summary.js');
    expect(loadNote({ hostWallSeconds: 0.2, cpuForwardSeconds: 0.19 })).toBe('');
    expect(loadNote({ hostWallSeconds: 0.3, cpuForwardSeconds: 0.1 })).toBe('\nnote: the host wall time is 3.0× its CPU time: other jobs shared the cores; the grade uses the CPU time');
    expect(loadNote({ hostWallSeconds: 0.3, cpuForwardSeconds: NaN })).toBe('');
  });
});
