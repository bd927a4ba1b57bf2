// The chapter's house-price example: areas x₁ = [50, 47, 60, 55] m², floors x₂ = [2, 1, 4, 3],
// prices y = [50, 42, 80, 52]. Hand computation (x̄₁ = 53, x̄₂ = 2.5, ȳ = 56; deviations
// d₁ = [−3, −6, 7, 2], d₂ = [−½, −3/2, 3/2, ½], dy = [−6, −14, 24, −4]):
//   area alone: S₁₁ = 98, S₁y = 262 → w₁ = 262/98 = 131/49, w₀ = 56 − 53·131/49 = −4199/49,
//               H(65) = (−4199 + 65·131)/49 = 4316/49 ≈ 88.0816.
//   both:       S₁₁ = 98, S₁₂ = 22, S₂₂ = 5, S₁y = 262, S₂y = 58; det = 98·5 − 22² = 6,
//               w₁ = (262·5 − 22·58)/6 = 17/3, w₂ = (98·58 − 22·262)/6 = −40/3,
//               w₀ = 56 − 53·17/3 + 2.5·40/3 = −211, H(65, 4) = −211 + 1105/3 − 160/3 = 104;
//               the book's query (65 m², 10 floors): H(65, 10) = −211 + 1105/3 − 400/3 = 24.
import { describe, expect, it } from 'vitest';
import {
  computeSquaredLoss, fitLinearRegressionClosedForm, fitLinearRegressionGD, predictLinear, solveLinearSystem,
} from '../../../runtime/classic/linear-regression.js';
import { DlpError } from '../../../isa/errors.js';

const area = [50, 47, 60, 55];
const floors = [2, 1, 4, 3];
const price = [50, 42, 80, 52];
const byArea = area.map((a) => [a]);
const byBoth = area.map((a, j) => [a, floors[j]!]);

describe('closed form (normal equations)', () => {
  it('matches the hand-computed fit on area alone', () => {
    const m = fitLinearRegressionClosedForm(byArea, price);
    expect(m.weights[0]).toBeCloseTo(-4199 / 49, 10);
    expect(m.weights[1]).toBeCloseTo(131 / 49, 12);
    expect(predictLinear(m, [[65]])[0]).toBeCloseTo(4316 / 49, 10);
  });

  it('matches the hand-computed fit on area and floors', () => {
    const m = fitLinearRegressionClosedForm(byBoth, price);
    expect(m.weights[0]).toBeCloseTo(-211, 9);
    expect(m.weights[1]).toBeCloseTo(17 / 3, 10);
    expect(m.weights[2]).toBeCloseTo(-40 / 3, 10);
    expect(predictLinear(m, [[65, 4]])[0]).toBeCloseTo(104, 9);
    expect(predictLinear(m, [[65, 10]])[0]).toBeCloseTo(24, 9);
  });

  it('fits better with the second feature', () => {
    const one = computeSquaredLoss(fitLinearRegressionClosedForm(byArea, price), byArea, price);
    const two = computeSquaredLoss(fitLinearRegressionClosedForm(byBoth, price), byBoth, price);
    // Syy = 824. Area alone: ½(Syy − S₁y²/S₁₁) = ½(824 − 262²/98) ≈ 61.7755;
    // both: ½(Syy − w₁S₁y − w₂S₂y) = ½(824 − (17·262 − 40·58)/3) = ½(824 − 2134/3) = 169/3.
    expect(one).toBeCloseTo(0.5 * (824 - (262 * 262) / 98), 9);
    expect(two).toBeCloseTo(169 / 3, 9);
  });

  it('rejects singular data and fixes it with ridge', () => {
    const dup = area.map((a) => [a, 2 * a]);
    expect(() => fitLinearRegressionClosedForm(dup, price)).toThrow(
      'the normal equations are singular: 4 samples cannot determine 3 weights, or some features are linear combinations of others (use ridge > 0)',
    );
    const m = fitLinearRegressionClosedForm(dup, price, { ridge: 1e-6 });
    expect(predictLinear(m, [[65, 130]])[0]).toBeCloseTo(4316 / 49, 3);
  });
});

describe('batch gradient descent', () => {
  it.each([
    ['area alone', byArea, [65], 4316 / 49],
    ['area and floors', byBoth, [65, 4], 104],
    ['area and floors (the book\'s query)', byBoth, [65, 10], 24],
  ] as const)('converges to the closed form on %s', (_name, x, query, expected) => {
    const r = fitLinearRegressionGD(x, price);
    expect(r.converged).toBe(true);
    const closed = fitLinearRegressionClosedForm(x, price);
    for (let i = 0; i < closed.weights.length; i++) expect(r.model.weights[i]).toBeCloseTo(closed.weights[i]!, 6);
    expect(predictLinear(r.model, [query])[0]).toBeCloseTo(expected, 6);
    // The loss curve never rises (α ≤ 1/λmax) and ends at the closed-form minimum.
    for (let s = 1; s < r.lossCurve.length; s++) expect(r.lossCurve[s]).toBeLessThanOrEqual(r.lossCurve[s - 1]! + 1e-12);
    expect(r.lossCurve.at(-1)).toBeCloseTo(computeSquaredLoss(closed, x, price), 8);
  });

  it('crawls on raw house-price scales without standardisation', () => {
    const r = fitLinearRegressionGD(byArea, price, { standardise: false, epochs: 2000 });
    expect(r.converged).toBe(false);
    expect(r.steps).toBe(2000);
    expect(Math.abs(r.model.weights[0]! - -4199 / 49)).toBeGreaterThan(10);
  });

  it('reports divergence with a clear message', () => {
    expect(() => fitLinearRegressionGD(byArea, price, { standardise: false, learningRate: 1, epochs: 5000 })).toThrow(
      /^gradient descent diverged at step \d+ \(loss (Infinity|NaN)\); lower learningRate \(now 1\) or enable standardise$/,
    );
  });

  it.each([
    [[[1], [2, 3]], [1, 2], 'sample 1 has 2 features, sample 0 has 1'],
    [[[1], [2]], [1], 'got 2 samples but 1 targets'],
    [[], [], 'linear regression needs at least one sample'],
    [[[1], [Number.NaN]], [1, 2], 'sample 1, feature 0 is not a finite number (NaN)'],
  ] as const)('rejects bad data %#', (x, y, message) => {
    expect(() => fitLinearRegressionGD(x, y)).toThrow(new DlpError(message));
  });
});

describe('solveLinearSystem', () => {
  it('needs the pivot swap for a zero leading entry', () => {
    const x = solveLinearSystem([0, 1, 1, 1], [2, 3], 2);
    expect(Array.from(x)).toEqual([1, 2]);
  });
  it('solves a 3×3 system exactly', () => {
    // 2x + y − z = 8, −3x − y + 2z = −11, −2x + y + 2z = −3 → (2, 3, −1)
    const x = solveLinearSystem([2, 1, -1, -3, -1, 2, -2, 1, 2], [8, -11, -3], 3);
    expect(x[0]).toBeCloseTo(2, 12);
    expect(x[1]).toBeCloseTo(3, 12);
    expect(x[2]).toBeCloseTo(-1, 12);
  });
  it('rejects a singular matrix', () => {
    expect(() => solveLinearSystem([1, 2, 2, 4], [1, 2], 2)).toThrow('the 2×2 system is singular (pivot 1 is zero)');
  });
});
