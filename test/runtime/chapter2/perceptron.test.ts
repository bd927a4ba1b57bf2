// The perceptron on linearly separable data (it must stop with zero loss) and on XOR (no line
// separates it, so it must run out of updates and say so, with the final loss).
import { describe, expect, it } from 'vitest';
import { predictPerceptron, trainPerceptron } from '../../../runtime/classic/perceptron.js';
import { createRng } from '../../../runtime/rng.js';

/** 200 points either side of the line x₁ + 2x₂ = 1, with a margin of 0.1. */
function separable(seed: number): { x: number[][]; y: number[] } {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  while (x.length < 200) {
    const p = [rng.next() * 4 - 2, rng.next() * 4 - 2];
    const s = p[0]! + 2 * p[1]! - 1;
    if (Math.abs(s) < 0.1) continue;
    x.push(p);
    y.push(s > 0 ? 1 : -1);
  }
  return { x, y };
}

describe('trainPerceptron', () => {
  it.each([1, 2, 3])('separates linearly separable data (seed %i)', (seed) => {
    const { x, y } = separable(seed);
    const r = trainPerceptron(x, y, { seed });
    expect(r.status).toBe('separated');
    expect(r.loss).toBe(0);
    expect(r.misclassified).toBe(0);
    expect(Array.from(predictPerceptron(r.model, x))).toEqual(y);
    expect(r.lossCurve.length).toBe(r.steps + 1);
    expect(r.summary).toBe(`separated all 200 points after ${r.steps} updates`);
  });

  it('learns AND in a handful of updates', () => {
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const y = [-1, -1, -1, 1];
    const r = trainPerceptron(x, y);
    expect(r.status).toBe('separated');
    expect(Array.from(predictPerceptron(r.model, x))).toEqual(y);
  });

  it('reports XOR as non-separable with its final loss', () => {
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const y = [-1, 1, 1, -1];
    const r = trainPerceptron(x, y, { maxEpochs: 50 });
    expect(r.status).toBe('non-separable');
    expect(r.steps).toBe(200);
    expect(r.misclassified).toBeGreaterThan(0);
    expect(r.loss).toBeGreaterThanOrEqual(0);
    expect(r.summary).toBe(`non-separable: ${r.misclassified} of 4 points still misclassified after 200 updates (loss ${r.loss})`);
  });

  it('uses sign(0) = +1', () => {
    expect(Array.from(predictPerceptron({ w: new Float64Array([1, -1]), b: 0 }, [[2, 2], [1, 2], [2, 1]]))).toEqual([1, -1, 1]);
  });

  it('is deterministic for a seed', () => {
    const { x, y } = separable(7);
    const a = trainPerceptron(x, y, { seed: 11 });
    const b = trainPerceptron(x, y, { seed: 11 });
    expect(Array.from(a.model.w)).toEqual(Array.from(b.model.w));
    expect(a.steps).toBe(b.steps);
  });

  it.each([
    [[[0], [1]], [0, 1], {}, 'label 0 is 0; perceptron labels must be -1 or +1'],
    [[[0], [1]], [1, -1], { maxEpochs: 0 }, 'maxEpochs must be a positive integer, got 0'],
    [[[0], [1]], [1, -1], { learningRate: -1 }, 'learningRate must be a positive number, got -1'],
  ] as const)('rejects bad input %#', (x, y, opts, message) => {
    expect(() => trainPerceptron(x, y, opts)).toThrow(message);
  });
});
