// Benchmark 3 — schedule quality (issue #4): simulated cycles / roofline for the MNIST MLP and
// the dense-layer suite (K, N ∈ {10, 64, 100, 128, 256, 784, 1024, 4096}, batch 1, 16, 256,
// 10000) on every preset, tuned vs naive, and two estimate errors |estimate − simulated| /
// simulated: `predictionError` of the compiler's estimate, which for tuned schedules replays the
// emitted instructions on the timing rules (near zero by construction: a consistency check), and
// `analyticError` of the analytic cost model (compiler/passes/cost.ts) that ranks every candidate
// before the replay re-ranks the best few (the figure that says how far the search can be
// trusted). Points run timing-only on the explore worker pool.
// Work caps keep the full suite to minutes: tuned points above TUNED_MAC_CAP MACs and naive
// points above NAIVE_MAC_CAP are skipped (and counted), since the naive schedule's
// instruction count — the simulator's cost — grows with the MACs at its minimal tiles.
import { presetNames } from '../isa/hardware.js';
import { loadHardware } from '../isa/node.js';
import { runPoints, type PointResult, type PointTask } from '../runtime/explore/index.js';
import { buildMlpGraph, MNIST_WIDTHS, mnistGraph, macsPerRow } from './models.js';
import { median } from './stats.js';

export const SUITE_SIZES = [10, 64, 100, 128, 256, 784, 1024, 4096] as const;
export const SUITE_BATCHES = [1, 16, 256, 10000] as const;
export const TUNED_MAC_CAP = 2 ** 28;
export const NAIVE_MAC_CAP = 2 ** 22;

export interface SchedulePoint {
  preset: string;
  model: string;
  K: number;
  N: number;
  batch: number;
  schedule: 'tuned' | 'naive';
  cycles?: number;
  rooflineCycles?: number;
  rooflineRatio?: number;
  predictedCycles?: number;
  /** |predicted − simulated| / simulated (the replay estimate for tuned schedules). */
  predictionError?: number;
  /** The analytic cost model's cycles for the chosen schedule. */
  analyticCycles?: number;
  /** |analytic − simulated| / simulated. */
  analyticError?: number;
  error?: string;
}

export interface PresetSummary {
  preset: string;
  points: number;
  medianRooflineRatio: number;
  medianPredictionError: number;
  /** Median and largest analytic-model error over the preset's tuned dense points. */
  medianAnalyticError: number;
  maxAnalyticError: number;
  /** Median naive cycles / tuned cycles over the points run both ways. */
  medianNaiveSpeedup: number;
}

export interface ScheduleResult {
  /** What each error measures (kept with the numbers so the JSON explains itself). */
  errorNotes: { predictionError: string; analyticError: string };
  mnist: {
    preset: string; batch: number; tunedCycles?: number; naiveCycles?: number; rooflineRatio?: number; naiveSpeedup?: number;
    predictionError?: number; analyticCycles?: number; analyticError?: number;
  }[];
  suite: { sizes: number[]; batches: number[]; presets: string[]; tunedMacCap: number; naiveMacCap: number; skipped: number };
  perPreset: PresetSummary[];
  overall: Omit<PresetSummary, 'preset'> & { failed: number };
  points: SchedulePoint[];
}

interface Job { preset: string; model: string; K: number; N: number; batch: number; schedule: 'tuned' | 'naive'; task: PointTask }

function toPoint(j: Job, r: PointResult): SchedulePoint {
  const base = { preset: j.preset, model: j.model, K: j.K, N: j.N, batch: j.batch, schedule: j.schedule };
  const m = r.metrics;
  if (!m) return { ...base, error: r.error };
  return {
    ...base, cycles: m.cycles, rooflineCycles: m.rooflineCycles, rooflineRatio: m.rooflineRatio, predictedCycles: m.predictedCycles,
    predictionError: Math.abs(m.predictedCycles - m.cycles) / m.cycles,
    analyticCycles: m.analyticCycles,
    analyticError: m.analyticCycles === undefined ? undefined : Math.abs(m.analyticCycles - m.cycles) / m.cycles,
  };
}

export async function benchSchedule(quick: boolean, workers: number | undefined, log: (s: string) => void): Promise<ScheduleResult> {
  const presets = quick ? ['dlp-s', 'edge-tiny'] : presetNames();
  const sizes: number[] = quick ? [64, 784] : [...SUITE_SIZES];
  const batches: number[] = quick ? [1, 256] : [...SUITE_BATCHES];
  const mnistBatches = quick ? [256] : [1000, 10000];
  const jobs: Job[] = [];
  let skipped = 0;
  const add = (preset: string, model: string, widths: number[], batch: number, schedule: 'tuned' | 'naive', softmax: boolean) => {
    const graph = softmax ? mnistGraph() : buildMlpGraph(model, widths, false, 'relu');
    const task: PointTask = { index: jobs.length, params: {}, model: graph, hw: loadHardware(preset), dtype: 'int8', batch, schedule, seed: 1 };
    jobs.push({ preset, model, K: widths[0]!, N: widths[widths.length - 1]!, batch, schedule, task });
  };
  for (const preset of presets) {
    for (const batch of mnistBatches) {
      add(preset, 'mnist', [...MNIST_WIDTHS], batch, 'tuned', true);
      // The naive MNIST run at batch 10000 is only affordable on dlp-s (the reference point).
      if (batch * macsPerRow(MNIST_WIDTHS) <= 2 ** 27 || preset === 'dlp-s') add(preset, 'mnist', [...MNIST_WIDTHS], batch, 'naive', true);
    }
    for (const K of sizes) for (const N of sizes) for (const batch of batches) {
      const macs = batch * K * N;
      if (macs <= TUNED_MAC_CAP) add(preset, 'dense', [K, N], batch, 'tuned', false); else skipped++;
      if (macs <= NAIVE_MAC_CAP) add(preset, 'dense', [K, N], batch, 'naive', false); else skipped++;
    }
  }
  log(`  schedule quality: ${jobs.length} compile+simulate points on ${presets.length} presets (${skipped} over the work caps skipped)`);
  let lastShown = 0;
  const results = await runPoints(jobs.map((j) => j.task), {
    workers,
    onProgress: (done, total) => {
      if (done === total || done - lastShown >= Math.max(25, total / 10)) { lastShown = done; log(`    ${done}/${total}`); }
    },
  });
  const points = jobs.map((j, i) => toPoint(j, results[i]!));
  const key = (p: SchedulePoint) => `${p.preset}/${p.model}/${p.K}/${p.N}/${p.batch}`;
  const naive = new Map(points.filter((p) => p.schedule === 'naive' && p.cycles).map((p) => [key(p), p.cycles!]));
  const summarise = (ps: SchedulePoint[]) => {
    const tuned = ps.filter((p) => p.schedule === 'tuned' && p.model === 'dense' && p.cycles !== undefined);
    const speedups = tuned.filter((p) => naive.has(key(p))).map((p) => naive.get(key(p))! / p.cycles!);
    const analytic = tuned.filter((p) => p.analyticError !== undefined).map((p) => p.analyticError!);
    return {
      points: tuned.length,
      medianRooflineRatio: median(tuned.map((p) => p.rooflineRatio!)),
      medianPredictionError: median(tuned.map((p) => p.predictionError!)),
      medianAnalyticError: median(analytic),
      maxAnalyticError: analytic.length ? Math.max(...analytic) : NaN,
      medianNaiveSpeedup: median(speedups),
    };
  };
  const mnist = presets.flatMap((preset) => mnistBatches.map((batch) => {
    const t = points.find((p) => p.preset === preset && p.model === 'mnist' && p.batch === batch && p.schedule === 'tuned');
    const n = points.find((p) => p.preset === preset && p.model === 'mnist' && p.batch === batch && p.schedule === 'naive');
    return {
      preset, batch, tunedCycles: t?.cycles, naiveCycles: n?.cycles, rooflineRatio: t?.rooflineRatio,
      naiveSpeedup: t?.cycles && n?.cycles ? n.cycles / t.cycles : undefined, predictionError: t?.predictionError,
      analyticCycles: t?.analyticCycles, analyticError: t?.analyticError,
    };
  }));
  return {
    errorNotes: {
      predictionError: 'compiler estimate vs simulation; for tuned schedules the estimate replays the emitted instructions on the same timing rules, so it is near zero by construction',
      analyticError: 'analytic cost model (compiler/passes/cost.ts, ranks every candidate) vs simulation, tuned schedules',
    },
    mnist,
    suite: { sizes, batches, presets, tunedMacCap: TUNED_MAC_CAP, naiveMacCap: NAIVE_MAC_CAP, skipped },
    perPreset: presets.map((preset) => ({ preset, ...summarise(points.filter((p) => p.preset === preset)) })),
    overall: { ...summarise(points), failed: points.filter((p) => p.error).length },
    points,
  };
}
