// A design point compiles its model without weights, dense (evaluate.ts): its figures must be
// those of the same point compiled with seeded random weights, as `dlp explore` did before,
// which practically never leave an all-zero tile to skip.
import { describe, expect, it } from 'vitest';
import { compile, randomWeights } from '../../compiler/index.js';
import { loadHardware } from '../../isa/node.js';
import { simulate } from '../../simulator/index.js';
import { evaluatePoint } from '../../runtime/explore/evaluate.js';
import { planExploration } from '../../runtime/explore/explore.js';
import { parseSweep } from '../../runtime/explore/sweep.js';
import type { ModelGraph } from '../../compiler/model.js';

const MODEL: ModelGraph = {
  name: 'mlp', inputSize: 784, softmax: true,
  layers: [
    { kind: 'dense', name: 'fc1', units: 128, activation: { kind: 'relu' } },
    { kind: 'dense', name: 'fc2', units: 64, activation: { kind: 'sigmoid' } },
    { kind: 'dense', name: 'fc3', units: 10, activation: { kind: 'identity' } },
  ],
};

describe('explore points compile without weights', () => {
  const tasks = planExploration(MODEL, loadHardware('dlp-s'), [parseSweep('pes=8,32'), parseSweep('dtype=int8,fp32')], { batch: 64, seed: 7 });

  it.each(tasks.map((t) => [JSON.stringify(t.params), t] as const))('%s: the figures of a compile with seeded random weights', (_, t) => {
    const got = evaluatePoint(t);
    const bundle = compile(t.model, randomWeights(t.model, t.seed), t.hw, { dtype: t.dtype, batch: t.batch, schedule: t.schedule, inlineData: false });
    const r = simulate(bundle.program, t.hw, { dram: bundle.image, functional: false }).report;
    expect(got.error).toBeUndefined();
    expect(got.metrics).toMatchObject({
      cycles: r.cycles, instructions: r.instructions, dramReadBytes: r.dramReadBytes, dramWriteBytes: r.dramWriteBytes,
      energyJoules: r.energy.totalJoules, rooflineRatio: r.rooflineRatio, boundBy: r.boundBy,
      predictedCycles: bundle.estimate.cycles, analyticCycles: bundle.estimate.analyticCycles,
    });
  });
});
