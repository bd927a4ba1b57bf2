// A compile without weights (pipeline.ts `compile(model, undefined, …)`): the program, layout
// and timing of the same model compiled dense with any weights, but for ACT's quantisation
// constants and the image's values; and no zero tile skipped.
import { describe, expect, it } from 'vitest';
import { compile } from '../../../compiler/pipeline.js';
import type { Activation } from '../../../compiler/model.js';
import { loadHardware } from '../../../isa/node.js';
import { instrShape, makeModel, makeWeights, timingDifference } from './helpers.js';

describe('compile without weights', () => {
  const hw = loadHardware('dlp-s');
  const cases: [string, [number, Activation][], boolean, 'int8' | 'int16' | 'fp32', number][] = [
    ['relu MLP, int8', [[96, { kind: 'relu' }], [40, { kind: 'sigmoid' }], [10, { kind: 'identity' }]], true, 'int8', 16],
    ['prelu and leaky, int16', [[33, { kind: 'prelu' }], [17, { kind: 'leaky', alpha: 0.2 }], [5, { kind: 'identity' }]], false, 'int16', 7],
    ['fp32', [[64, { kind: 'tanh' }], [8, { kind: 'identity' }]], true, 'fp32', 3],
  ];
  it.each(cases)('%s: the instructions and cycles of the dense compile with weights', (_, layers, softmax, dtype, batch) => {
    const model = makeModel(70, layers, softmax);
    const options = { dtype, batch, skipZeroTiles: false };
    const weightless = compile(model, undefined, hw, options);
    const weighted = compile(model, makeWeights(model, 3), hw, options);
    expect(weightless.program.instrs.map(instrShape)).toEqual(weighted.program.instrs.map(instrShape));
    expect(weightless.image.length).toBe(weighted.image.length);
    // The regions and the timing-only figures (cycles, DRAM bytes, energy, breakdown) too.
    expect(timingDifference(weightless, weighted, hw)).toBeUndefined();
  });

  it('skips no zero tile by default, and refuses to be told to', () => {
    const model = makeModel(70, [[40, { kind: 'relu' }], [10, { kind: 'identity' }]], false);
    const dense = compile(model, makeWeights(model, 3), hw, { skipZeroTiles: false });
    expect(compile(model, undefined, hw).program.instrs.map(instrShape)).toEqual(dense.program.instrs.map(instrShape));
    expect(() => compile(model, undefined, hw, { skipZeroTiles: true })).toThrow('skipZeroTiles needs the weights: a model compiled without weights has nothing but zero tiles');
  });
});
