// Benchmark 2 — scaling of the simulator (issue #3: "event-driven: the cost grows with
// instructions and MACs, not cycles"): host seconds of a full simulation as the batch grows
// (MNIST MLP) and as the hidden width grows (784-H-10), with log-log slopes of host time
// against MACs and against instructions (≈ 1 means linear) and of simulated cycles per MAC
// against MACs (≈ 0 means flat). Slopes are fitted over the points past the first, where the
// fixed per-run costs no longer dominate.
import type { HardwareConfig } from '../isa/hardware.js';
import { writeInputs } from '../compiler/bundle.js';
import { simulate } from '../simulator/simulate.js';
import { buildMlpGraph, compileBench, MNIST_WIDTHS } from './models.js';
import { fitLogLogSlope, timeRuns, type Timing } from './stats.js';

export interface ScalingPoint {
  batch: number;
  widths: number[];
  macs: number;
  instructions: number;
  cycles: number;
  host: Timing;
  cyclesPerMac: number;
}

export interface ScalingSeries {
  name: string;
  points: ScalingPoint[];
  /** Fitted growth exponents (log-log slopes). */
  slopeHostVsMacs: number;
  slopeHostVsInstructions: number;
  slopeCyclesPerMacVsMacs: number;
}

function measurePoint(hw: HardwareConfig, widths: number[], batch: number, runs: number): ScalingPoint {
  const bundle = compileBench(buildMlpGraph('scaling', widths, true), hw, batch);
  const dram = bundle.image.slice();
  const x = new Float32Array(batch * widths[0]!);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 31) % 100) / 100;
  writeInputs(bundle, dram, x);
  let r = simulate(bundle.program, hw, { dram }).report;
  const host = timeRuns(() => { r = simulate(bundle.program, hw, { dram }).report; }, runs);
  return { batch, widths, macs: r.macs, instructions: r.instructions, cycles: r.cycles, host, cyclesPerMac: r.cycles / r.macs };
}

function fitSeries(name: string, points: ScalingPoint[]): ScalingSeries {
  const fit = points.length > 2 ? points.slice(1) : points;
  const macs = fit.map((p) => p.macs);
  return {
    name, points,
    slopeHostVsMacs: fitLogLogSlope(macs, fit.map((p) => p.host.median)),
    slopeHostVsInstructions: fitLogLogSlope(fit.map((p) => p.instructions), fit.map((p) => p.host.median)),
    slopeCyclesPerMacVsMacs: fitLogLogSlope(macs, fit.map((p) => p.cyclesPerMac)),
  };
}

export function benchScaling(hw: HardwareConfig, quick: boolean, log: (s: string) => void): ScalingSeries[] {
  const batches = quick ? [1, 10, 100, 1000] : [1, 10, 100, 1000, 10000];
  const hidden = quick ? [64, 256, 1024] : [64, 256, 1024, 4096];
  const widthBatch = 100;
  log(`  scaling: batch ${batches.join(', ')}`);
  const byBatch = batches.map((b) => measurePoint(hw, [...MNIST_WIDTHS], b, b >= 10000 ? 1 : 3));
  log(`  scaling: hidden width ${hidden.join(', ')} (784-H-10, batch ${widthBatch})`);
  const byWidth = hidden.map((h) => measurePoint(hw, [784, h, 10], widthBatch, h >= 4096 ? 2 : 3));
  return [fitSeries('batch (MNIST MLP)', byBatch), fitSeries(`hidden width (784-H-10, batch ${widthBatch})`, byWidth)];
}
