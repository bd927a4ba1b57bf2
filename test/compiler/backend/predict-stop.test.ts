// The tiling search asks for a candidate's replayed prediction with `below`, the best one so
// far (predict.ts replaySegmentCycles): the replays may stop once the prediction is sure to
// reach it. These tests hold that to the full prediction for every kind of candidate (rows
// order with its paired lo/hi replays, cols order, batches replayed whole): the answer is the
// full prediction whenever that is less than `below`, Infinity only when it is not, and a
// prediction cut short is never memoised as the full one.
import { describe, expect, it } from 'vitest';
import { loadHardware } from '../../../isa/node.js';
import type { ModelGraph } from '../../../compiler/model.js';
import { randomWeights } from '../../../compiler/weights/random.js';
import { quantizeModel } from '../../../compiler/passes/quantize.js';
import { findZeroTiles } from '../../../compiler/passes/sparsity.js';
import { fusedCandidates, singleLayerCandidates } from '../../../compiler/passes/tile.js';
import { estimatePlanCycles } from '../../../compiler/passes/cost.js';
import { replaySegmentCycles } from '../../../compiler/passes/predict.js';
import { createRng } from '../../../isa/rng.js';

interface Case { hw: string; dims: number[]; batch: number; dtype: 'int8' | 'int16' | 'fp32' }

// Batches from a few row blocks (replayed whole) to many (lo/hi slope).
const CASES: Case[] = [
  { hw: 'dlp-s', dims: [784, 128, 64, 10], batch: 1000, dtype: 'int8' },
  { hw: 'systolic-16-os', dims: [300, 200], batch: 640, dtype: 'int16' },
  { hw: 'edge-tiny', dims: [100, 37, 5], batch: 24, dtype: 'int8' },
  { hw: 'systolic-32-ws', dims: [256, 256], batch: 256, dtype: 'fp32' },
];

// Targets around the analytic estimate, which is near the replayed prediction.
const FRACTIONS = [0.9, 0.97, 1, 1.02, 1.05, 1.2];

describe('replayed predictions that stop at a bound', () => {
  for (const c of CASES) {
    it(`agree with the full prediction below the bound: ${c.dims.join('-')} batch ${c.batch} on ${c.hw}`, () => {
      const model: ModelGraph = {
        name: 'm', inputSize: c.dims[0]!, softmax: false,
        layers: c.dims.slice(1).map((units, i) => ({ kind: 'dense', name: `fc${i + 1}`, units, activation: { kind: 'relu' } })),
      };
      const hw = loadHardware(c.hw);
      const q = findZeroTiles(quantizeModel(model, randomWeights(model, 3), { dtype: c.dtype }), true);
      const all = q.layers.flatMap((_, l) => singleLayerCandidates(q, l, c.batch, hw));
      for (let a = 0; a + 1 < q.layers.length; a++) all.push(...fusedCandidates(q, a, q.layers.length - 1, c.batch, hw));
      // A fixed sample keeps the test fast; the seed makes it the same sample every run.
      const rng = createRng(9);
      const cands = all.filter(() => rng() < 0.12).slice(0, 60);
      expect(new Set(cands.map((s) => s.order)).size).toBe(2);
      let stopped = 0;
      let exact = 0;
      cands.forEach((seg, i) => {
        const below = Math.round(estimatePlanCycles(q, seg, c.batch, hw) * FRACTIONS[i % FRACTIONS.length]!);
        // With the bound first: a full prediction memoised now would hide a later stop.
        const got = replaySegmentCycles(q, seg, c.batch, hw, below);
        const full = replaySegmentCycles(q, seg, c.batch, hw);
        if (full === undefined) {
          expect(got).toBeUndefined();
          return;
        }
        expect(full).toBeLessThan(Infinity);
        if (full < below) {
          expect(got).toBe(full);
          exact++;
        } else {
          expect(got === full || got === Infinity).toBe(true);
          if (got === Infinity) stopped++;
        }
      });
      expect(stopped).toBeGreaterThan(0);
      expect(exact).toBeGreaterThan(0);
    });
  }
});
