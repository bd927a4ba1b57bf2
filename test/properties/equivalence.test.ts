// Properties 1, 2 and 6 of issue #7 and the sparse case of issue #11, on random MLPs, data and
// machines: compiled + simulated outputs equal the reference MLP (bit-exact int8/int16; fp32
// within FP32_REL plus the reference's rounding bound), no access outside the allocations,
// assembly round trips on compiled programs, and zeroed weight tiles stay exact and never cost
// more than dense. Failures print the seed and a case to paste into regressions.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbCase, arbExtremeCase } from './arbitraries.js';
import { checkAccesses, checkEquivalence, checkMagnitudes, checkRoundTrip, checkSparse, checkWeightless, isNamedScaleRefusal } from './checks.js';
import { timingDifference } from '../compiler/backend/helpers.js';
import { materialise, type PropCase } from './case.js';
import { compile } from '../../compiler/index.js';
import { DlpError } from '../../isa/errors.js';
import { assertProperty, PROPERTY_TIMEOUT, runsOf } from './report.js';

/** Two int8 layers on a 32×32 adder tree, the first with 32×32 weight blocks zeroed three
 * times in four; the naive schedule's MFU-sized tiles find whole zero tiles to skip. */
const SPARSE: PropCase = {
  inputSize: 128, softmax: false, dtype: 'int8', batch: 4, rows: 4, perChannel: false, schedule: 'naive', calibration: 'inputs',
  layers: [
    { units: 96, activation: { kind: 'relu' }, weights: { seed: 3, dist: 'uniform', scale: 1, biasScale: 0.5, zeroTiles: { rows: 32, cols: 32, keep: 0.25 } } },
    { units: 10, activation: { kind: 'identity' }, weights: { seed: 4, dist: 'uniform', scale: 1, biasScale: 0.5 } },
  ],
  inputs: { seed: 5, dist: 'uniform', scale: 1 },
  hw: {
    base: 'dlp-s', mfu: { kind: 'adder-tree', pes: 32, lanes: 32 }, nramBytes: 262144, wramBytes: 524288,
    dram: { bytesPerCycle: 32, latencyCycles: 100, burstBytes: 64 }, queues: { load: 8, compute: 8, store: 8 },
  },
};

describe('compiled programs against the reference MLP (properties)', () => {
  it('1. compile + simulate = reference (int8/int16 bit-exact, fp32 within tolerance)', () => {
    assertProperty('equivalence', arbCase(), (c) => fc.pre(checkEquivalence(c)), runsOf(60));
  }, PROPERTY_TIMEOUT);

  it('1. int16 with saturating inputs and fixed scales', () => {
    assertProperty('equivalence', arbCase({ dtypes: ['int16'] }), (c) => fc.pre(checkEquivalence(c)), runsOf(15));
  }, PROPERTY_TIMEOUT);

  it('1. values across fp32\'s range: bit-exact, or refused naming the layer (docs/quantization.md, "Scales")', () => {
    assertProperty('magnitudes', arbExtremeCase(), (c) => fc.pre(checkMagnitudes(c)), runsOf(25));
  }, PROPERTY_TIMEOUT);

  it('the magnitudes check accepts only a DlpError that names the layer or the calibration rows', () => {
    expect(isNamedScaleRefusal(new DlpError("layer 'fc1': its fp32 outputs on the calibration rows are not finite (range Infinity): x"))).toBe(true);
    expect(isNamedScaleRefusal(new DlpError('calibration rows are not finite (range NaN): x'))).toBe(true);
    // What the compiler said before scales were floored and overflow was refused.
    expect(isNamedScaleRefusal(new DlpError('cannot requantise by 0: the ratio of scales must be a positive number'))).toBe(false);
    expect(isNamedScaleRefusal(new DlpError('instruction 12: ACT scale=Infinity is not a finite fp32 value'))).toBe(false);
    expect(isNamedScaleRefusal(new Error("layer 'fc1': a plain Error is a bug"))).toBe(false);
    expect(isNamedScaleRefusal(new TypeError('x is undefined'))).toBe(false);
  });

  it('weightless: a compile without weights has the program and timing of the weights compiled dense', () => {
    assertProperty('weightless', arbCase(), (c) => fc.pre(checkWeightless(c)), runsOf(15));
  }, PROPERTY_TIMEOUT);

  it('the weightless check rejects programs that differ in more than ACT\'s constants', () => {
    // A case whose first layer has all-zero weight tiles: compiled skipping them, its program
    // differs from the weightless one (which skips none) in instructions and cycles.
    const m = materialise(SPARSE);
    const weightless = compile(m.model, undefined, m.hw, { ...m.opts, skipZeroTiles: false });
    const skipping = compile(m.model, m.weights, m.hw, { ...m.opts, skipZeroTiles: true });
    expect(timingDifference(weightless, weightless, m.hw)).toBeUndefined();
    // Each all-zero 32×32 tile of layer 1's stored weights drops its LOAD and MATMUL, each with
    // the SYNC the naive schedule puts after every instruction; the float weights' zero tiles
    // are zero stored, and small weights may quantise to more.
    const w = m.weights[0]!.w;
    let zeroTiles = 0;
    for (let i0 = 0; i0 < 128; i0 += 32) {
      for (let j0 = 0; j0 < 96; j0 += 32) {
        let zero = true;
        for (let i = i0; i < i0 + 32; i++) for (let j = j0; j < j0 + 32; j++) zero &&= w[i * 96 + j] === 0;
        if (zero) zeroTiles++;
      }
    }
    expect(zeroTiles).toBeGreaterThan(0);
    const n = weightless.program.instrs.length;
    const [, a, b] = /^(\d+) instructions against (\d+)$/.exec(timingDifference(weightless, skipping, m.hw) ?? '')!.map(Number);
    expect(a).toBe(n);
    expect((n - b!) % 4).toBe(0);
    expect((n - b!) / 4).toBeGreaterThanOrEqual(zeroTiles);
    // One LOAD moved by a byte-aligned step, the rest the same: caught at that instruction.
    const moved = structuredClone(weightless);
    const at = moved.program.instrs.findIndex((i) => i.op === 'LOAD');
    (moved.program.instrs[at] as { dst: number }).dst += 64;
    expect(timingDifference(weightless, moved, m.hw)).toMatch(new RegExp(`^instruction ${at}:`));
    // The same instructions over another DRAM layout: caught in the regions.
    const relaid = structuredClone(weightless);
    relaid.program.regions[0]!.addr += 64;
    expect(timingDifference(weightless, relaid, m.hw)).toBe('the DRAM regions differ');
    expect(checkWeightless(SPARSE)).toBe(true);
  });

  it('2. no access outside the allocations or beyond a buffer', () => {
    assertProperty('accesses', arbCase(), (c) => fc.pre(checkAccesses(c)), runsOf(30));
  }, PROPERTY_TIMEOUT);

  it('6. print∘parse and decode∘encode round-trip compiled programs', () => {
    assertProperty('roundtrip', arbCase({ weightBudget: 20000, budget: 40000 }), (c) => fc.pre(checkRoundTrip(c)), runsOf(15));
  }, PROPERTY_TIMEOUT);

  it('sparse: all-zero weight tiles stay exact and cost no more than dense', () => {
    // keep-skipping-if-faster compares both programs (replayed when tuned, summed when naive).
    assertProperty('sparse', arbCase({ sparse: true }), (c) => fc.pre(checkSparse(c)), runsOf(20));
  }, PROPERTY_TIMEOUT);
});
