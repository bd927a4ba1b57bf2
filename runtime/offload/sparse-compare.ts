// What zero-tile skipping saves: compiles a model twice (skipZeroTiles on and off), simulates
// both programs on the same inputs, and reports cycles, DRAM bytes and energy per layer and in
// total, with the weight tiles skipped and a check that the outputs are bit-identical (they
// must be: a skipped tile contributes exactly zero, docs/sparsity.md). `dlp run
// --sparsity-report` prints formatSparseComparison of this.
import type { HardwareConfig } from '../../isa/hardware.js';
import { createRng } from '../../isa/rng.js';
import { compile, type CompileOptions } from '../../compiler/pipeline.js';
import { readOutputs, writeInputs, type Bundle } from '../../compiler/bundle.js';
import type { ModelGraph, ModelWeights } from '../../compiler/model.js';
import { formatTable, simulate, type SimReport } from '../../simulator/index.js';
import { simulatorTiles } from '../sim-threads.js';

export interface SparseCompareOptions extends Omit<CompileOptions, 'skipZeroTiles'> {
  /** Input rows (batch × inputSize); default seeded uniform values in [0, 1), as `dlp run`. */
  inputs?: Float32Array;
  /** Seed of the default inputs (default 1). */
  seed?: number;
}

/** Cost of one program (or one layer of it). */
export interface RunCost {
  cycles: number;
  /** DRAM bytes read plus written. */
  dramBytes: number;
  /** Total energy of the run; per layer, the dynamic energy of its instructions. */
  energyJoules: number;
}

export interface ProgramCost extends RunCost {
  instructions: number;
  loads: number;
  matmuls: number;
}

export interface SparseLayerRow {
  name: string;
  /** Weight tiles of the sparse schedule's grid and how many were skipped (0 for softmax). */
  tiles: number;
  skipped: number;
  dense: RunCost;
  sparse: RunCost;
}

export interface SparseComparison {
  hardware: string;
  dtype: string;
  batch: number;
  dense: ProgramCost;
  sparse: ProgramCost;
  perLayer: SparseLayerRow[];
  /** Every output value equal (===) between the two programs: always so for int8/int16. fp32
   * sums are rounded once per MATMUL, so when the two schedules tile the reduction differently
   * fp32 outputs may differ in the last bits (maxAbsDiff says how much). */
  outputsIdentical: boolean;
  maxAbsDiff: number;
  denseBundle: Bundle;
  sparseBundle: Bundle;
}

function costOf(b: Bundle, r: SimReport): ProgramCost {
  let loads = 0;
  let matmuls = 0;
  for (const i of b.program.instrs) {
    if (i.op === 'LOAD') loads++;
    else if (i.op === 'MATMUL') matmuls++;
  }
  return {
    cycles: r.cycles, dramBytes: r.dramReadBytes + r.dramWriteBytes, energyJoules: r.energy.totalJoules,
    instructions: b.program.instrs.length, loads, matmuls,
  };
}

function layerCosts(r: SimReport): Map<string, RunCost> {
  return new Map(r.perLayer.map((l) => [l.name, { cycles: l.cycles, dramBytes: l.dramReadBytes + l.dramWriteBytes, energyJoules: l.energyJoules }]));
}

function run(b: Bundle, hw: HardwareConfig, x: Float32Array): { report: SimReport; out: Float32Array } {
  const dram = b.image.slice();
  writeInputs(b, dram, x);
  const result = simulate(b.program, hw, { dram, tiles: simulatorTiles() });
  return { report: result.report, out: readOutputs(b, result.dram) };
}

/** Compiles with and without zero-tile skipping, simulates both and compares them. */
export function compareSparse(model: ModelGraph, weights: ModelWeights, hw: HardwareConfig, opts: SparseCompareOptions = {}): SparseComparison {
  const { inputs, seed, ...compileOpts } = opts;
  const sparseBundle = compile(model, weights, hw, { ...compileOpts, skipZeroTiles: true });
  const denseBundle = compile(model, weights, hw, { ...compileOpts, skipZeroTiles: false });
  let x = inputs;
  if (!x) {
    const rng = createRng(seed ?? 1);
    x = new Float32Array(sparseBundle.batch * model.inputSize);
    for (let i = 0; i < x.length; i++) x[i] = rng();
  }
  const d = run(denseBundle, hw, x);
  const s = run(sparseBundle, hw, x);
  const dl = layerCosts(d.report);
  const sl = layerCosts(s.report);
  const none: RunCost = { cycles: 0, dramBytes: 0, energyJoules: 0 };
  const names = [...new Set([...dl.keys(), ...sl.keys()])];
  const perLayer = names.map((name): SparseLayerRow => {
    const t = sparseBundle.estimate.tiles?.[name];
    return { name, tiles: t?.tiles ?? 0, skipped: t?.skipped ?? 0, dense: dl.get(name) ?? none, sparse: sl.get(name) ?? none };
  });
  const outputsIdentical = d.out.length === s.out.length && d.out.every((v, i) => v === s.out[i] || (Number.isNaN(v) && Number.isNaN(s.out[i]!)));
  let maxAbsDiff = 0;
  for (let i = 0; i < d.out.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(d.out[i]! - s.out[i]!));
  return {
    hardware: hw.name, dtype: sparseBundle.dtype, batch: sparseBundle.batch,
    dense: costOf(denseBundle, d.report), sparse: costOf(sparseBundle, s.report), perLayer, outputsIdentical, maxAbsDiff, denseBundle, sparseBundle,
  };
}

function saved(dense: number, sparse: number, fmt: (v: number) => string): string {
  const pct = dense > 0 ? ((100 * (dense - sparse)) / dense).toFixed(1) : '0.0';
  return `${fmt(dense)} → ${fmt(sparse)} (${pct} %)`;
}

const int = (v: number) => String(Math.round(v));
const uj = (v: number) => (v * 1e6).toFixed(3);

function outputVerdict(c: SparseComparison): string {
  if (c.outputsIdentical) return 'bit-identical';
  if (c.dtype === 'fp32') return `differ by at most ${c.maxAbsDiff.toExponential(2)} (fp32 rounding: the two schedules tile the reduction differently)`;
  return 'DIFFER (a compiler bug: please report it)';
}

/** The comparison as an aligned table: per layer and total, dense → sparse (saved %). */
export function formatSparseComparison(c: SparseComparison): string {
  const head = ['layer', 'tiles skipped', 'cycles', 'DRAM bytes', 'energy µJ'];
  const rows = c.perLayer.map((l) => [
    l.name, l.tiles ? `${l.skipped}/${l.tiles}` : '-',
    saved(l.dense.cycles, l.sparse.cycles, int), saved(l.dense.dramBytes, l.sparse.dramBytes, int), saved(l.dense.energyJoules, l.sparse.energyJoules, uj),
  ]);
  const skipped = c.perLayer.reduce((a, l) => a + l.skipped, 0);
  const tiles = c.perLayer.reduce((a, l) => a + l.tiles, 0);
  rows.push([
    'total', `${skipped}/${tiles}`, saved(c.dense.cycles, c.sparse.cycles, int), saved(c.dense.dramBytes, c.sparse.dramBytes, int),
    saved(c.dense.energyJoules, c.sparse.energyJoules, uj),
  ]);
  const out = [
    `zero-tile skipping on ${c.hardware} (${c.dtype}, batch ${c.batch}): dense → sparse (saved)`,
    formatTable([head, ...rows]),
    `instructions ${c.dense.instructions} → ${c.sparse.instructions}, LOAD ${c.dense.loads} → ${c.sparse.loads}, MATMUL ${c.dense.matmuls} → ${c.sparse.matmuls}`,
    `outputs ${outputVerdict(c)}`,
  ];
  return `${out.join('\n')}\n`;
}
