// The quantisation scheme: multiplier/shift exactness, rounding, scales and errors.
import { describe, expect, it } from 'vitest';
import { deriveRequant, quantizeInput, quantizeModel, roundHalfAway } from '../../../compiler/passes/quantize.js';
import { MIN_SCALE, checkScale, scaleFor } from '../../../compiler/passes/quant-math.js';
import { refRequant } from '../../reference/mlp-reference.js';
import { makeModel, makeWeights } from './helpers.js';
import type { Activation, ModelGraph, ModelWeights } from '../../../compiler/model.js';
import type { QuantOptions } from '../../../compiler/passes/quantize.js';
import { fitWeights, zeroWeights } from '../../../compiler/passes/fit-weights.js';
import { typeRange } from '../../../compiler/passes/headroom.js';

describe('deriveRequant', () => {
  const table: [number, number, number][] = [
    [1, 16384, 14],
    [0.5, 16384, 15],
    [0.75, 24576, 15],
    [0.99999, 16384, 14], // rounds up to 2^15, renormalised
    [2 ** -40, 128, 47], // below 2^-33: shift saturates at 47, mult shrinks
    [3, 24576, 13],
    [40000, 32767, 0], // above the largest multiplier: saturates
    [0.0123, 25795, 21], // 0.0123·2^21 = 25794.97
  ];
  for (const [r, mult, shift] of table) {
    it(`r=${r} → mult ${mult}, shift ${shift}`, () => {
      expect(deriveRequant(r)).toEqual({ mult, shift });
    });
  }

  it('keeps mult in [2^14, 2^15) and the relative error below 2^-15 over many ratios', () => {
    for (let e = -30; e <= 14; e += 0.37) {
      const r = 2 ** e;
      const { mult, shift } = deriveRequant(r);
      expect(mult).toBeGreaterThanOrEqual(16384);
      expect(mult).toBeLessThan(32768);
      expect(Math.abs(mult / 2 ** shift - r) / r).toBeLessThanOrEqual(2 ** -15);
      expect(refRequant(r)).toEqual({ mult, shift });
    }
  });

  it('rejects a non-positive ratio', () => {
    expect(() => deriveRequant(0)).toThrow('cannot requantise by 0: the ratio of scales must be a positive number');
  });
});

describe('rounding and input quantisation', () => {
  it('rounds half away from zero', () => {
    expect([2.5, -2.5, 0.49, -0.5, 1.5].map(roundHalfAway)).toEqual([3, -3, 0, -1, 2]);
  });
  it('saturates to ±qmax', () => {
    expect(Array.from(quantizeInput(Float32Array.of(0.5, -2, 2, 0.004), { inputType: 'int8', inputScale: 1 / 127 }))).toEqual([64, -127, 127, 1]);
  });
});

describe('quantizeModel', () => {
  const model = makeModel(4, [[3, { kind: 'relu' }], [2, { kind: 'identity' }]], true);
  const w = makeWeights(model, 1);

  it('uses max-abs calibration, per-tensor weight scales and int32 biases', () => {
    const calibration = Float32Array.of(0.5, -1.5, 1, 0, 1, 1, 1, 1);
    const q = quantizeModel(model, w, { dtype: 'int8', calibration });
    expect(q.inputScale).toBe(Math.fround(1.5 / 127));
    const L = q.layers[0]!;
    let max = 0;
    for (const v of w[0]!.w) max = Math.max(max, Math.abs(v));
    expect(L.wScale).toEqual([Math.fround(max / 127)]);
    expect(Math.max(...Array.from(L.w, Math.abs))).toBe(127);
    expect(L.bias[0]).toBe(roundHalfAway(w[0]!.b[0]! / (q.inputScale * L.wScale[0]!)));
    expect(L.path).toBe('int');
    expect(q.layers[1]!.outType).toBe('fp32');
  });

  it('per-channel gives one scale and one requantisation per output column', () => {
    const q = quantizeModel(model, w, { dtype: 'int16', perChannel: true });
    expect(q.layers[0]!.wScale).toHaveLength(3);
    expect(q.layers[0]!.requant).toHaveLength(3);
  });

  it('honours fixed scales', () => {
    const q = quantizeModel(model, w, { dtype: 'int8', scales: { input: 0.25, layers: [0.5] } });
    expect(q.inputScale).toBe(0.25);
    expect(q.layers[0]!.outScale).toBe(0.5);
    expect(() => quantizeModel(model, w, { dtype: 'int8', scales: { input: -1 } })).toThrow('input: scale must be a positive fp32 number from 2^-126 to 3.4e38, got -1');
  });

  it('refuses given scales that are not normal, finite fp32 numbers', () => {
    // 1e-50 rounds to 0 in fp32, 1e-40 to a subnormal, 1e39 to Infinity: none is a usable scale.
    for (const s of [0, 1e-50, 1e-40, 1e39, NaN]) {
      expect(() => quantizeModel(model, w, { dtype: 'int8', scales: { layers: [s] } }))
        .toThrow(`layer 'fc1': scale must be a positive fp32 number from 2^-126 to 3.4e38, got ${s}`);
    }
    expect(checkScale(2 ** -126, 'x')).toBe(2 ** -126);
    expect(checkScale(3.4e38, 'x')).toBe(Math.fround(3.4e38));
  });

  // Ranges so small that range/qmax is below fp32's least normal number used to give a scale
  // of 0 (or a subnormal): an ELU with a subnormal alpha whose outputs are all negative, or
  // weights of 1e-44, and then "cannot requantise by Infinity" (the property tests' find).
  it('floors derived scales at 2^-126', () => {
    expect(MIN_SCALE).toBe(Math.fround(MIN_SCALE));
    expect(scaleFor(1e-44, 127)).toBe(2 ** -126);
    expect(scaleFor(2 ** -110, 127)).toBe(Math.fround(2 ** -110 / 127)); // normal: unchanged
    expect(scaleFor(0, 127)).toBe(Math.fround(1 / 127));
    const tiny = makeWeights(model, 2);
    tiny[0]!.w.fill(1e-44);
    tiny[0]!.b.fill(0);
    const q = quantizeModel(model, tiny, { dtype: 'int8' });
    expect(q.layers[0]!.wScale).toEqual([2 ** -126]);
    expect(Array.from(q.layers[0]!.w).every((v) => v === 0)).toBe(true);
    // The fp32 calibration forward gives fc1 outputs of at most 4·1e-44: floored as well.
    expect(q.layers[0]!.outScale).toBe(2 ** -126);
    const elu = makeModel(1, [[1, { kind: 'elu', alpha: 1.401298464324817e-45 }], [1, { kind: 'identity' }]], false);
    const ew = makeWeights(elu, 3);
    ew[0]!.w[0] = 0;
    ew[0]!.b[0] = -1; // every calibration output is alpha·(e^-1 − 1) ≈ −8.9e-46
    const qe = quantizeModel(elu, ew, { dtype: 'int8' });
    expect(qe.layers[0]!.outScale).toBe(2 ** -126);
    expect(qe.layers[0]!.requant[0]!.mult).toBe(32767); // r = 1/(2^-126·65536) saturates
  });

  // Values past fp32's range have no scale: the layer is refused by name instead of reaching
  // deriveRequant (a 0 or infinite ratio) or the ACT encoder (an infinite scale field).
  it('refuses layers whose calibration outputs or accumulator scale overflow fp32', () => {
    const big = makeWeights(model, 4);
    big[0]!.w.fill(3e38);
    // fc1's fp32 outputs on the default calibration rows sum terms of up to 3e38: Infinity.
    expect(() => quantizeModel(model, big, { dtype: 'int8' }))
      .toThrow("layer 'fc1': its fp32 outputs on the calibration rows are not finite (range Infinity): the weights or inputs are too large for fp32");
    // With fc1's output scale given, calibration is skipped: s_in·s_w = (1/127)·(3e38/127) is
    // finite, but an input scale of 1e30 makes it 1e30·2.4e36, past fp32's 3.4e38.
    expect(() => quantizeModel(model, big, { dtype: 'int8', scales: { input: 1e30, layers: [1] } }))
      .toThrow(`layer 'fc1': its accumulator scale, input scale ${Math.fround(1e30)} × weight scale ${Math.fround(3e38 / 127)}, overflows fp32`);
    expect(() => quantizeModel(model, makeWeights(model, 4), { dtype: 'int8', calibration: Float32Array.of(1, 2, Infinity, 4) }))
      .toThrow('calibration rows are not finite (range Infinity): every value must be a finite number');
  });

  it('rejects calibration of the wrong width', () => {
    expect(() => quantizeModel(model, w, { dtype: 'int8', calibration: new Float32Array(5) }))
      .toThrow('calibration has 5 values, not a multiple of the input size 4');
  });
});

/** The model's weights, every value zero (PReLU slopes too). */
function zeroWeightsOf(m: ModelGraph): ModelWeights {
  return makeWeights(m, 1).map((lw) => ({ w: new Float32Array(lw.w.length), b: new Float32Array(lw.b.length), slopes: lw.slopes && new Float32Array(lw.slopes.length) }));
}

describe('quantizeModel without weights', () => {
  // Hidden activations that are 0 at 0 (their all-zero calibration outputs have range 0) or
  // bounded (their scale comes from the bound): the weightless model is exactly the
  // quantisation of the all-zero weights, found without reading a value or calibrating.
  const acts: Activation[] = [{ kind: 'relu' }, { kind: 'leaky', alpha: 0.1 }, { kind: 'elu', alpha: 1 }, { kind: 'prelu' }, { kind: 'sigmoid' }, { kind: 'tanh' }, { kind: 'identity' }];
  const zeroModel = makeModel(6, [...acts.map((a): [number, Activation] => [5, a]), [3, { kind: 'identity' }]], true);
  const cases: QuantOptions[] = [
    { dtype: 'int8' }, { dtype: 'int16' }, { dtype: 'int8', perChannel: true }, { dtype: 'int16', perChannel: true }, { dtype: 'fp32' },
    { dtype: 'int8', scales: { input: 0.5, layers: [0.25, undefined, 2] } },
    { dtype: 'int8', calibration: Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5) },
  ];
  it.each(cases.map((o) => [JSON.stringify(o), o] as const))('%s: the quantisation of all-zero weights', (_, opts) => {
    expect(quantizeModel(zeroModel, undefined, opts)).toEqual(quantizeModel(zeroModel, zeroWeightsOf(zeroModel), opts));
  });

  it('stores zeros at the scales of zero ranges', () => {
    // Bounded activations (sigmoid, tanh: bound 1) and zero ranges both give 1/127 here.
    const q = quantizeModel(zeroModel, undefined, { dtype: 'int8' });
    expect(q.layers.slice(0, -1).map((L) => L.outScale)).toEqual(acts.map(() => Math.fround(1 / 127)));
    expect(q.layers.map((L) => L.wScale[0])).toEqual(q.layers.map(() => scaleFor(0, 127)));
    expect(q.layers.every((L) => L.w.every((v) => v === 0) && L.bias.every((v) => v === 0) && L.accBound === 0)).toBe(true);
  });

  it('zeroWeights is what fitWeights gives for all-zero weights', () => {
    for (const [dtype, perChannel] of [['int8', false], ['int8', true], ['int16', false], ['int16', true]] as const) {
      const lw = { w: new Float32Array(7 * 5), b: new Float32Array(5) };
      expect(zeroWeights(7, 5, perChannel, dtype)).toEqual(fitWeights('fc', lw, 7, 5, 0.01, typeRange(dtype, 7), perChannel, dtype));
    }
  });
});
