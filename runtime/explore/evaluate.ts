// One design point: compile the model for the point's hardware without weights, dense (no
// figure of a timing-only simulation reads a value: docs/quantization.md, "Without weights")
// and run the simulator in timing-only mode.
// Pure and self-contained so a worker thread can run it from a structured-cloned task; a
// point that cannot be compiled or simulated comes back as an error row, not a crash.
import { DlpError } from '../../isa/errors.js';
import { peakMacsPerCycle, type HardwareConfig } from '../../isa/hardware.js';
import type { ModelGraph } from '../../compiler/model.js';
import type { ComputeDType } from '../../compiler/passes/quantize.js';
import { compile } from '../../compiler/pipeline.js';
import { simulate } from '../../simulator/simulate.js';
import type { SweepValue } from './sweep.js';

export interface PointTask {
  index: number;
  params: Record<string, SweepValue>;
  model: ModelGraph;
  hw: HardwareConfig;
  dtype: ComputeDType;
  batch: number;
  schedule: 'tuned' | 'naive';
  /** The sweep's `--seed`: part of the plan format and of each point's id, read by nothing
   * else since points compile without weights. */
  seed: number;
}

/** Every figure of a simulated point (all deterministic: no host timings). */
export interface PointMetrics {
  cycles: number;
  seconds: number;
  macs: number;
  instructions: number;
  mfuUtilization: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  compulsoryDramBytes: number;
  energyJoules: number;
  rooflineCycles: number;
  rooflineRatio: number;
  boundBy: 'compute' | 'memory';
  /** The compiler's estimate for the chosen schedule (instruction replay when tuned). */
  predictedCycles: number;
  /** The analytic cost model's cycles for the chosen schedule (what ranks the candidates). */
  analyticCycles?: number;
  /** Roofline coordinates: MACs per compulsory DRAM byte, MACs per cycle achieved. */
  intensity: number;
  macsPerCycle: number;
  /** The point's roofs: peak MACs per cycle and DRAM bytes per cycle. */
  peakMacsPerCycle: number;
  dramBytesPerCycle: number;
}

export interface PointResult {
  index: number;
  params: Record<string, SweepValue>;
  hardware: string;
  dtype: ComputeDType;
  batch: number;
  schedule: 'tuned' | 'naive';
  /** Present when the point ran. */
  metrics?: PointMetrics;
  /** One-line reason when it did not (e.g. a tile cannot fit the buffers). */
  error?: string;
}

export function evaluatePoint(t: PointTask): PointResult {
  const head = { index: t.index, params: t.params, hardware: t.hw.name, dtype: t.dtype, batch: t.batch, schedule: t.schedule };
  try {
    // Simulated with its DRAM image, never written out: no values inlined into the program.
    const bundle = compile(t.model, undefined, t.hw, { dtype: t.dtype, batch: t.batch, schedule: t.schedule, inlineData: false, skipZeroTiles: false });
    const r = simulate(bundle.program, t.hw, { dram: bundle.image, functional: false }).report;
    const metrics: PointMetrics = {
      cycles: r.cycles, seconds: r.seconds, macs: r.macs, instructions: r.instructions, mfuUtilization: r.mfuUtilization,
      dramReadBytes: r.dramReadBytes, dramWriteBytes: r.dramWriteBytes, compulsoryDramBytes: r.compulsoryDramBytes,
      energyJoules: r.energy.totalJoules, rooflineCycles: r.rooflineCycles, rooflineRatio: r.rooflineRatio, boundBy: r.boundBy,
      predictedCycles: bundle.estimate.cycles, analyticCycles: bundle.estimate.analyticCycles,
      intensity: r.compulsoryDramBytes > 0 ? r.macs / r.compulsoryDramBytes : 0,
      macsPerCycle: r.cycles > 0 ? r.macs / r.cycles : 0,
      peakMacsPerCycle: peakMacsPerCycle(t.hw, t.dtype), dramBytesPerCycle: t.hw.dram.bytesPerCycle,
    };
    return { ...head, metrics };
  } catch (e) {
    if (e instanceof DlpError) return { ...head, error: e.message };
    throw e;
  }
}
