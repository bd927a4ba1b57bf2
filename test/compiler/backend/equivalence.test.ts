// Compiled + simulated outputs equal the reference MLP: bit-exact for int8/int16 and within
// a relative tolerance of 1e-5 (plus 1e-6 absolute) for fp32, on every preset.
import { describe, expect, it } from 'vitest';
import { presetNames, withParam } from '../../../isa/hardware.js';
import { loadHardware } from '../../../isa/node.js';
import { makeInputs, makeModel, makeWeights, referenceFor, runCompiled } from './helpers.js';
import type { Activation } from '../../../compiler/model.js';

const FP32_REL = 1e-5;

function expectClose(got: Float32Array, want: Float32Array, dtype: string): void {
  expect(got.length).toBe(want.length);
  if (dtype !== 'fp32') {
    expect(Array.from(got)).toEqual(Array.from(want));
    return;
  }
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(FP32_REL * Math.abs(want[i]!) + 1e-6);
  }
}

const relu: Activation = { kind: 'relu' };
const odd = makeModel(37, [[53, relu], [91, { kind: 'leaky', alpha: 0.1 }], [10, { kind: 'identity' }]], true);

describe('compiled programs equal the reference MLP', () => {
  for (const preset of presetNames()) {
    for (const dtype of ['int8', 'int16', 'fp32'] as const) {
      it(`${preset} ${dtype}: 37-53-91-10 softmax, batch 5`, () => {
        const hw = loadHardware(preset);
        const w = makeWeights(odd, 3);
        const x = makeInputs(5, 37, 7);
        const { bundle, out } = runCompiled(odd, w, hw, x, { dtype, batch: 5 });
        expectClose(out, referenceFor(bundle, odd, w, x, 5), dtype);
      });
    }
  }

  const acts: [string, Activation[]][] = [
    ['sigmoid/tanh/elu', [{ kind: 'sigmoid' }, { kind: 'tanh' }, { kind: 'elu', alpha: 0.7 }]],
    ['prelu/relu/sigmoid', [{ kind: 'prelu' }, relu, { kind: 'sigmoid' }]],
  ];
  for (const [name, [a, b, c]] of acts) {
    for (const dtype of ['int8', 'int16', 'fp32'] as const) {
      for (const perChannel of dtype === 'fp32' ? [false] : [false, true]) {
        it(`${name} ${dtype}${perChannel ? ' per-channel' : ''}, no softmax, batch 9 on edge-tiny`, () => {
          const model = makeModel(29, [[40, a!], [23, b!], [7, c!]], false);
          const w = makeWeights(model, 11);
          const x = makeInputs(9, 29, 5);
          const { bundle, out } = runCompiled(model, w, loadHardware('edge-tiny'), x, { dtype, batch: 9, perChannel });
          expectClose(out, referenceFor(bundle, model, w, x, 9), dtype);
        });
      }
    }
  }

  it('tiny buffers forcing many tiles: naive and tuned both exact, tuned faster', () => {
    let hw = withParam(loadHardware('edge-tiny'), 'nram.bytes', 2048);
    hw = withParam(hw, 'wram.bytes', 1024);
    const w = makeWeights(odd, 5);
    const x = makeInputs(13, 37, 2);
    const tuned = runCompiled(odd, w, hw, x, { dtype: 'int8', batch: 13 });
    const naive = runCompiled(odd, w, hw, x, { dtype: 'int8', batch: 13, schedule: 'naive' });
    const ref = referenceFor(tuned.bundle, odd, w, x, 13);
    expectClose(tuned.out, ref, 'int8');
    expectClose(naive.out, ref, 'int8');
    expect(tuned.report.cycles).toBeLessThan(naive.report.cycles);
  });

  it('saturating inputs and zero weights stay exact', () => {
    const model = makeModel(16, [[33, relu], [5, { kind: 'identity' }]], true);
    const w = makeWeights(model, 2);
    w[0]!.w.fill(0, 0, 16 * 10);
    const x = makeInputs(4, 16, 9).map((v) => v * 50);
    const calibration = makeInputs(4, 16, 9);
    const { bundle, out } = runCompiled(model, w, loadHardware('dlp-s'), x, { dtype: 'int8', batch: 4, calibration });
    expectClose(out, referenceFor(bundle, model, w, x, 4), 'int8');
  });
});
