// Hold-out, k-fold and leave-one-out splits, and cross-validation reports.
import { describe, expect, it } from 'vitest';
import {
  createDataset, createMlp, createRng, crossValidate, holdoutSplit, kFoldSplits, leaveOneOutSplits,
} from '../../runtime/index.js';

describe('splits', () => {
  for (const [n, k] of [[10, 2], [23, 5], [100, 10], [7, 7]] as const) {
    it(`${k}-fold over ${n} samples partitions the data`, () => {
      const splits = kFoldSplits(n, k, 3);
      expect(splits).toHaveLength(k);
      const seen = new Array(n).fill(0);
      for (const s of splits) {
        expect(s.val.length).toBeGreaterThanOrEqual(Math.floor(n / k));
        expect(s.val.length).toBeLessThanOrEqual(Math.ceil(n / k));
        expect(s.train.length + s.val.length).toBe(n);
        const all = new Set([...s.train, ...s.val]);
        expect(all.size).toBe(n);
        for (const i of s.val) seen[i]++;
      }
      expect(seen).toEqual(new Array(n).fill(1));
    });
  }

  it('leave-one-out has one fold per sample', () => {
    const splits = leaveOneOutSplits(5);
    expect(splits.map((s) => Array.from(s.val))).toEqual([[0], [1], [2], [3], [4]]);
    expect(Array.from(splits[2]!.train)).toEqual([0, 1, 3, 4]);
  });

  it('hold-out is disjoint, seeded and sized', () => {
    const a = holdoutSplit(50, 0.2, 1);
    expect(a.val.length).toBe(10);
    expect(new Set([...a.train, ...a.val]).size).toBe(50);
    expect(holdoutSplit(50, 0.2, 1)).toEqual(a);
    expect(holdoutSplit(50, 0.2, 2)).not.toEqual(a);
  });

  it('rejects impossible splits', () => {
    expect(() => kFoldSplits(3, 4)).toThrow('k-fold needs k ≤ the number of samples (3), got 4');
    expect(() => kFoldSplits(3, 1)).toThrow('k-fold needs k ≥ 2, got 1');
    expect(() => holdoutSplit(10, 1.5)).toThrow('validation fraction must be in (0, 1), got 1.5');
    expect(() => leaveOneOutSplits(1)).toThrow('leave-one-out needs at least 2 samples, got 1');
  });
});

describe('crossValidate', () => {
  // Linearly separable blobs: every fold should classify its held-out part well.
  const rng = createRng(4);
  const n = 40;
  const x = new Float32Array(n * 2);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x[2 * i] = (y[i] ? 1.5 : -1.5) + rng.normal() * 0.3;
    x[2 * i + 1] = rng.normal() * 0.3;
  }
  const data = createDataset(x, y, 2);
  const make = (fold: number) => createMlp({ inputSize: 2, hidden: [4], outputs: 2, seed: fold + 1 });

  it('k-fold reports per-fold and mean metrics', async () => {
    const cv = await crossValidate(make, data, kFoldSplits(n, 4, 1), { epochs: 30, batchSize: 5, lr: 0.02 });
    expect(cv.folds).toHaveLength(4);
    for (const f of cv.folds) expect(f.val.n).toBe(10);
    expect(cv.mean.accuracy).toBeCloseTo(cv.folds.reduce((s, f) => s + f.val.accuracy, 0) / 4, 12);
    expect(cv.mean.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('leave-one-out on a small subset', async () => {
    const cv = await crossValidate(make, data, leaveOneOutSplits(12).map((s) => s), { epochs: 20, batchSize: 4, lr: 0.05 });
    expect(cv.folds).toHaveLength(12);
    for (const f of cv.folds) expect([0, 1]).toContain(f.val.accuracy);
  });
});
