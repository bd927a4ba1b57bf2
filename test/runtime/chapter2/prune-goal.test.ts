// The chapter's claim, "90 % of the weights can be made zero", held to the field's standard
// (Han et al. 2015: no accuracy loss after pruning and retraining): 784-128-64-10 pruned to
// 90 % with `gradualPruning` is within 0.3 points of the dense model trained with the same
// budget (8 epochs of Adam, cosine schedule), averaged over seeds 1-3. Full MNIST, six
// trainings: `npm run test:deep` only.
import { describe, expect, it } from 'vitest';
import {
  createMlp, defaultMnistSpec, gradualPruning, gradualPruningLr, loadMnist, train, trainPruned,
} from '../../../runtime/index.js';
import { DEEP } from '../../properties/report.js';

describe.skipIf(!DEEP)('90 % sparsity keeps the dense accuracy (full MNIST)', () => {
  it('mean gap over seeds 1-3 is at most 0.3 points, and the total sparsity is exact', async () => {
    const { train: data, test } = loadMnist();
    const gaps: number[] = [];
    for (const seed of [1, 2, 3]) {
      const dense = createMlp({ ...defaultMnistSpec, seed });
      await train(dense, data, { seed });
      const sparse = createMlp({ ...defaultMnistSpec, seed });
      const { report } = await trainPruned(sparse, data, { seed, lr: gradualPruningLr }, { ...gradualPruning, targetSparsity: 0.9 });
      expect(report.zeros).toBe(Math.floor(0.9 * report.size));
      gaps.push(dense.evaluate(test).accuracy - sparse.evaluate(test).accuracy);
    }
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    expect(mean).toBeLessThanOrEqual(0.003);
  }, 600_000);
});
