// The tuned search prunes its work (issue #23): candidates are priced in full only when their
// MFU lower bound reaches the front of the analytic order, the rescoring scan stops once no
// kind can take more, and the replay's scoreboard skips conflict tests that cannot matter. None
// of that may change a result. search-recorded.json holds what the search chose before the
// pruning (commit 10f3e3b, the full sort of every candidate and the full scan): each case's
// segments, replayed cycles and analytic cycles. A change here is a change of the compiler's
// choices, not of its speed.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadHardware } from '../../../isa/node.js';
import type { HardwareConfig } from '../../../isa/hardware.js';
import { createRng } from '../../../isa/rng.js';
import { compile, type CompileOptions } from '../../../compiler/pipeline.js';
import type { ModelGraph } from '../../../compiler/model.js';
import { randomWeights } from '../../../compiler/weights/random.js';
import { parseScaleSimConfig, scaleSimHardware } from '../../../compiler/scalesim/index.js';
import { quantizeModel } from '../../../compiler/passes/quantize.js';
import { findZeroTiles } from '../../../compiler/passes/sparsity.js';
import { fusedCandidates, singleLayerCandidates } from '../../../compiler/passes/tile.js';
import { planCoster } from '../../../compiler/passes/cost.js';

/** The machine: one 8×8 output-stationary array, 64 KiB SRAMs (128 KiB NRAM), 10 B/cycle. */
const SCALE_CFG = `[general]
run_name = bench

[architecture_presets]
ArrayHeight: 8
ArrayWidth: 8
IfmapSramSzkB: 64
FilterSramSzkB: 64
OfmapSramSzkB: 64
IfmapOffset: 0
FilterOffset: 10000000
OfmapOffset: 20000000
Dataflow : os
Bandwidth : 10
MemoryBanks: 1

[run_presets]
InterfaceBandwidth: CALC
`;

interface Case {
  name: string;
  hw: string;
  /** Input width, then each layer's units. */
  dims: number[];
  batch: number;
  softmax?: boolean;
  act?: 'relu' | 'prelu' | 'sigmoid';
  dtype?: CompileOptions['dtype'];
  perChannel?: boolean;
  /** About 80% of the weights zeroed (zero-tile skipping in play). */
  sparse?: boolean;
}

const CASES: Case[] = [
  { name: 'gemm 256x256x256 on 8x8 OS', hw: 'scalesim-8x8-os', dims: [256, 256], batch: 256 },
  { name: 'gemm 100x128x784 on 8x8 OS', hw: 'scalesim-8x8-os', dims: [784, 128], batch: 100 },
  { name: 'gemm 64x10x500 on 8x8 OS', hw: 'scalesim-8x8-os', dims: [500, 10], batch: 64 },
  { name: 'MNIST 784-128-64-10 batch 1000 on dlp-s', hw: 'dlp-s', dims: [784, 128, 64, 10], batch: 1000, softmax: true },
  { name: 'MNIST 784-128-64-10 batch 1 on dlp-s', hw: 'dlp-s', dims: [784, 128, 64, 10], batch: 1, softmax: true },
  { name: 'sparse 200-120 batch 32 on dlp-s', hw: 'dlp-s', dims: [200, 120], batch: 32, sparse: true },
  { name: 'tiny 100-37-5 batch 7 on edge-tiny', hw: 'edge-tiny', dims: [100, 37, 5], batch: 7, act: 'prelu' },
  { name: 'sparse 96-64 batch 3 on edge-tiny', hw: 'edge-tiny', dims: [96, 64], batch: 3, sparse: true },
  { name: 'int16 per-channel 300-200 batch 64 on systolic-16-os', hw: 'systolic-16-os', dims: [300, 200], batch: 64, dtype: 'int16', perChannel: true },
  { name: 'fp32 512-256-10 batch 16 on systolic-32-ws', hw: 'systolic-32-ws', dims: [512, 256, 10], batch: 16, dtype: 'fp32', softmax: true },
  { name: 'sigmoid 161-221 batch 1000 on diannao', hw: 'diannao', dims: [161, 221], batch: 1000, act: 'sigmoid' },
  { name: 'softmax 2-31-28-90 batch 256 on diannao', hw: 'diannao', dims: [2, 31, 28, 90], batch: 256, softmax: true },
];

const recorded = JSON.parse(readFileSync(new URL('./search-recorded.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function hardware(name: string): HardwareConfig {
  return name === 'scalesim-8x8-os' ? scaleSimHardware(parseScaleSimConfig(SCALE_CFG, 'cfg'), loadHardware('systolic-32-ws'), 'cfg') : loadHardware(name);
}

function build(c: Case) {
  const model: ModelGraph = {
    name: 'm', inputSize: c.dims[0]!, softmax: c.softmax ?? false,
    layers: c.dims.slice(1).map((units, i) => ({ kind: 'dense', name: `fc${i + 1}`, units, activation: { kind: c.act ?? 'relu' } })),
  };
  const weights = randomWeights(model, 7);
  if (c.sparse) {
    const rng = createRng(11);
    for (const lw of weights) for (let i = 0; i < lw.w.length; i++) if (rng() < 0.8) lw.w[i] = 0;
  }
  return { model, weights };
}

describe('tuned search against recorded choices', () => {
  for (const c of CASES) {
    it(`chooses as before: ${c.name}`, () => {
      const { model, weights } = build(c);
      const b = compile(model, weights, hardware(c.hw), { dtype: c.dtype ?? 'int8', batch: c.batch, perChannel: c.perChannel });
      expect({ segments: b.plans.segments, cycles: b.estimate.cycles, analyticCycles: b.estimate.analyticCycles }).toEqual(recorded[c.name]);
    });
  }

  it('prices no candidate below its lower bound (what makes the lazy order exact)', () => {
    for (const c of CASES.filter((x) => x.batch <= 256)) {
      const { model, weights } = build(c);
      const hw = hardware(c.hw);
      const q = findZeroTiles(quantizeModel(model, weights, { dtype: c.dtype ?? 'int8', perChannel: c.perChannel }), true);
      const cost = planCoster(q, c.batch, hw);
      const cands = q.layers.flatMap((_, l) => singleLayerCandidates(q, l, c.batch, hw));
      for (let a = 0; a + 1 < q.layers.length; a++) cands.push(...fusedCandidates(q, a, q.layers.length - 1, c.batch, hw));
      const above = cands.filter((seg) => cost.lowerBound(seg) > cost.cycles(seg));
      expect(cands.length).toBeGreaterThan(0);
      expect(above).toEqual([]);
    }
  });
});
