// Properties 1, 2 and 6 of issue #7 and the sparse case of issue #11, on random MLPs, data and
// machines: compiled + simulated outputs equal the reference MLP (bit-exact int8/int16; fp32
// within FP32_REL plus the reference's rounding bound), no access outside the allocations,
// assembly round trips on compiled programs, and zeroed weight tiles stay exact and never cost
// more than dense. Failures print the seed and a case to paste into regressions.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbCase, arbExtremeCase } from './arbitraries.js';
import { checkAccesses, checkEquivalence, checkMagnitudes, checkRoundTrip, checkSparse, isNamedScaleRefusal } from './checks.js';
import { DlpError } from '../../isa/errors.js';
import { assertProperty, PROPERTY_TIMEOUT, runsOf } from './report.js';

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
