// Benchmark 1 — simulator speed (issue #3): host seconds, simulated MACs and instructions per
// host second, for the MNIST MLP (int8, dlp-s) and single GEMMs; the ratio to a plain
// typed-array reference forward pass of the same arithmetic in the same process; and the cost
// of the timing model, from a timing-only run (functional: false) of the same program:
// functional = full − timing-only, timing overhead = timing-only / functional. Validation is
// charged to the timing side, so the overhead is an upper bound.
import type { HardwareConfig } from '../isa/hardware.js';
import { writeInputs } from '../compiler/bundle.js';
import { simulate } from '../simulator/simulate.js';
import { compileBench, gemmGraph, mnistGraph, MNIST_WIDTHS } from './models.js';
import { createRefInput, createRefLayers, runReferenceForward } from './reference.js';
import { timeRuns, type Timing } from './stats.js';

export interface SimSpeedCase {
  name: string;
  /** Rows (batch) and widths of the chain: a GEMM m×k×n is rows m, widths [k, n]. */
  rows: number;
  widths: number[];
  runs: number;
}

export interface SimSpeedResult {
  name: string;
  rows: number;
  widths: number[];
  macs: number;
  instructions: number;
  cycles: number;
  compileSeconds: number;
  /** Functional + timing simulation. */
  simulate: Timing;
  /** Timing only (functional: false). */
  timingOnly: Timing;
  reference: Timing;
  macsPerSecond: number;
  instructionsPerSecond: number;
  /** Median full simulation / median reference (the target for the functional part is ≤ 3). */
  ratioToReference: number;
  /** (full − timing-only) / reference. */
  functionalRatioToReference: number;
  /** timing-only / (full − timing-only) (target ≤ 0.3). */
  timingOverhead: number;
}

export function benchCases(quick: boolean): SimSpeedCase[] {
  const mnist = [...MNIST_WIDTHS];
  if (quick) {
    return [
      { name: 'mnist-mlp b1000', rows: 1000, widths: mnist, runs: 2 },
      { name: 'gemm 100x784x128', rows: 100, widths: [784, 128], runs: 3 },
      { name: 'gemm 256x256x256', rows: 256, widths: [256, 256], runs: 3 },
    ];
  }
  return [
    { name: 'mnist-mlp b10000', rows: 10000, widths: mnist, runs: 3 },
    { name: 'gemm 100x784x128', rows: 100, widths: [784, 128], runs: 7 },
    { name: 'gemm 256x256x256', rows: 256, widths: [256, 256], runs: 5 },
    { name: 'gemm 1024x1024x1024', rows: 1024, widths: [1024, 1024], runs: 2 },
  ];
}

export function benchSimSpeedCase(c: SimSpeedCase, hw: HardwareConfig): SimSpeedResult {
  const isMnist = c.widths.length > 2;
  const model = isMnist ? mnistGraph() : gemmGraph(c.widths[0]!, c.widths[1]!);
  const t0 = performance.now();
  const bundle = compileBench(model, hw, c.rows);
  const compileSeconds = (performance.now() - t0) / 1000;
  const dram = bundle.image.slice();
  const x = new Float32Array(c.rows * c.widths[0]!);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 1000) / 1000;
  writeInputs(bundle, dram, x);
  let report = simulate(bundle.program, hw, { dram }).report;
  const full = timeRuns(() => { report = simulate(bundle.program, hw, { dram }).report; }, c.runs);
  const timingOnly = timeRuns(() => simulate(bundle.program, hw, { dram, functional: false }), c.runs);
  const layers = createRefLayers(c.widths);
  const input = createRefInput(c.rows, c.widths[0]!);
  const reference = timeRuns(() => runReferenceForward(layers, input, c.rows), c.runs, 1);
  const functional = Math.max(full.median - timingOnly.median, 1e-9);
  return {
    name: c.name, rows: c.rows, widths: c.widths, macs: report.macs, instructions: report.instructions, cycles: report.cycles,
    compileSeconds, simulate: full, timingOnly, reference,
    macsPerSecond: report.macs / full.median,
    instructionsPerSecond: report.instructions / full.median,
    ratioToReference: full.median / reference.median,
    functionalRatioToReference: functional / reference.median,
    timingOverhead: timingOnly.median / functional,
  };
}

export function benchSimSpeed(hw: HardwareConfig, quick: boolean, log: (s: string) => void): SimSpeedResult[] {
  return benchCases(quick).map((c) => {
    log(`  simulator speed: ${c.name}`);
    return benchSimSpeedCase(c, hw);
  });
}
