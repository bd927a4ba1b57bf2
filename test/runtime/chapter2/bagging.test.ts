// Bagging: bootstrap statistics (≈ 1 − 1/e distinct samples, seeded determinism) and, on a
// small MNIST subset with tiny nets, an ensemble whose test error beats its average member.
import { describe, expect, it } from 'vitest';
import {
  countUnique, createEnsemble, drawBootstrap, evaluateBagging, formatBaggingReport, trainBagging,
  type ProbabilisticClassifier,
} from '../../../runtime/bagging.js';
import { createDataset } from '../../../runtime/data.js';
import { loadMnist } from '../../../runtime/mnist.js';
import { createRng } from '../../../runtime/rng.js';

describe('drawBootstrap', () => {
  it('keeps about 63.2 % distinct samples', () => {
    // E[unique]/n = 1 − (1 − 1/n)ⁿ → 1 − 1/e = 0.6321; the sd of the fraction at n = 10 000
    // is about 0.005, so 0.015 is a three-sigma band.
    const rng = createRng(42);
    const n = 10_000;
    for (let t = 0; t < 5; t++) {
      const s = drawBootstrap(n, rng);
      expect(s.length).toBe(n);
      expect(Math.min(...s)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...s)).toBeLessThan(n);
      expect(countUnique(s, n) / n).toBeCloseTo(1 - 1 / Math.E, 1);
      expect(Math.abs(countUnique(s, n) / n - (1 - 1 / Math.E))).toBeLessThan(0.015);
    }
  });

  it('draws every index with equal frequency on average', () => {
    const rng = createRng(3);
    const n = 50;
    const counts = new Float64Array(n);
    for (let t = 0; t < 2000; t++) for (const i of drawBootstrap(n, rng)) counts[i]!++;
    // Each index is drawn 2000 times in expectation (sd ≈ 44).
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(250);
  });

  it('is deterministic for a seed', () => {
    expect(Array.from(drawBootstrap(100, createRng(7)))).toEqual(Array.from(drawBootstrap(100, createRng(7))));
    expect(Array.from(drawBootstrap(100, createRng(7)))).not.toEqual(Array.from(drawBootstrap(100, createRng(8))));
  });

  it('rejects an empty set', () => {
    expect(() => drawBootstrap(0, createRng(1))).toThrow('a bootstrap sample needs n ≥ 1 samples, got 0');
  });
});

describe('createEnsemble', () => {
  it('averages member probabilities', () => {
    const fixed = (p: number[]): ProbabilisticClassifier => ({ outputSize: 2, predict: () => Float32Array.from(p) });
    const e = createEnsemble([fixed([0.9, 0.1, 0.4, 0.6]), fixed([0.3, 0.7, 0.2, 0.8]), fixed([0.6, 0.4, 0.6, 0.4])]);
    const p = e.predict(new Float32Array(4), 2);
    expect(Array.from(p).map((v) => Number(v.toFixed(6)))).toEqual([0.6, 0.4, 0.4, 0.6]);
    expect(Array.from(e.classify(new Float32Array(4), 2))).toEqual([0, 1]);
  });

  it('uses the caller-supplied trainer with distinct seeds and resamples', async () => {
    const data = createDataset(Float32Array.from({ length: 20 }, (_, i) => i), new Uint8Array(20), 1);
    const seen: Array<{ member: number; seed: number; first: number }> = [];
    const e = await trainBagging(data, {
      members: 3,
      seed: 5,
      trainMember: (sample, info) => {
        seen.push({ ...info, first: sample.x[0]! });
        return { outputSize: 1, predict: (_x, n = 1) => new Float32Array(n) };
      },
    });
    expect(seen.map((s) => s.member)).toEqual([0, 1, 2]);
    expect(new Set(seen.map((s) => s.seed)).size).toBe(3);
    expect(e.samples.map((s) => s.length)).toEqual([20, 20, 20]);
    expect(seen.map((s) => s.first)).toEqual(e.samples.map((s) => s[0]));
  });
});

describe('bagging on MNIST', () => {
  it('has a lower test error than the mean of its members', async () => {
    const { train, test } = loadMnist({ subset: 1000 });
    const ensemble = await trainBagging(train, {
      members: 5,
      seed: 1,
      spec: { inputSize: 784, hidden: [16], outputs: 10 },
      trainOptions: { epochs: 4, batchSize: 50, lr: 0.005, optimizer: 'adam' },
    });
    const r = evaluateBagging(ensemble, test);
    expect(r.memberErrors.length).toBe(5);
    expect(r.ensembleError).toBeLessThan(r.meanMemberError);
    expect(r.ensembleError).toBeLessThan(0.3);
    for (const u of r.uniqueFractions) expect(Math.abs(u - 0.632)).toBeLessThan(0.05);
    expect(formatBaggingReport(r).split('\n').at(-1)).toMatch(/^mean member error \d+\.\d\d %; ensemble of 5: \d+\.\d\d %$/);
  });
});
