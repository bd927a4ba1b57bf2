// Magnitude pruning: the cubic schedule, exact counts with ties, masks that never reopen,
// exact zeros after every optimiser step in a real training run, and the sparsity sweep.
import { describe, expect, it } from 'vitest';
import { createMlp } from '../../../runtime/model.js';
import { loadMnist } from '../../../runtime/mnist.js';
import type { Param } from '../../../runtime/nn/layer.js';
import {
  collectPruneTargets, createPruner, formatSparsityReport, formatSparsitySweep, normalisePruneOptions,
  scheduledSparsity, sweepSparsity, attachPruner, gradualPruning,
} from '../../../runtime/prune.js';
import { train } from '../../../runtime/train.js';

function param(values: number[]): Param {
  return { name: 'weight', value: Float32Array.from(values), grad: new Float32Array(values.length), shape: [values.length], regularize: true };
}

describe('schedule', () => {
  it('follows Zhu & Gupta’s cubic ramp', () => {
    const o = normalisePruneOptions({ targetSparsity: 0.9, startStep: 100, endStep: 200 });
    expect(scheduledSparsity(o, 50)).toBe(0);
    expect(scheduledSparsity(o, 100)).toBe(0);
    // s = 0.9 + (0 − 0.9)(1 − ½)³ = 0.9 − 0.1125
    expect(scheduledSparsity(o, 150)).toBeCloseTo(0.7875, 12);
    expect(scheduledSparsity(o, 200)).toBe(0.9);
    expect(scheduledSparsity(o, 1000)).toBe(0.9);
  });

  it.each([
    [{ targetSparsity: 1 }, 'prune: targetSparsity must be in [0, 1), got 1'],
    [{ targetSparsity: 0.5 }, 'prune: the cubic schedule needs endStep (the step at which sparsity reaches 0.5)'],
    [{ targetSparsity: 0.5, endStep: 10, startStep: 20 }, 'prune: endStep must be an integer ≥ startStep (20), got 10'],
    [{ targetSparsity: 0.5, initialSparsity: 0.6, schedule: 'oneshot' as const }, 'prune: initialSparsity must be in [0, targetSparsity = 0.5], got 0.6'],
    [{ targetSparsity: 0.5, frequency: 0, schedule: 'oneshot' as const }, 'prune: frequency must be a positive integer, got 0'],
  ])('rejects bad options %#', (o, message) => {
    expect(() => normalisePruneOptions(o)).toThrow(message);
  });
});

describe('createPruner', () => {
  it('removes exactly the smallest magnitudes, ties in index order', () => {
    const p = param([0.5, -0.1, 0.3, 0.1, -0.7, 0.1, 0.2, -0.3, 0.9, 0.05]);
    const pruner = createPruner([{ name: 'fc1', param: p }], { targetSparsity: 0.4, schedule: 'oneshot' });
    pruner.finish();
    // 4 of 10: 0.05, then the first three of the four 0.1s (−0.1, 0.1, 0.1).
    expect(Array.from(p.value).map((v) => Number(v.toFixed(2)))).toEqual([0.5, 0, 0.3, 0, -0.7, 0, 0.2, -0.3, 0.9, 0]);
    expect(pruner.report()).toEqual({ layers: [{ name: 'fc1', size: 10, zeros: 4, sparsity: 0.4 }], size: 10, zeros: 4, sparsity: 0.4 });
    expect(formatSparsityReport(pruner.report())).toBe('fc1     40.0 % zero (4 of 10)\ntotal   40.0 % zero (4 of 10)');
  });

  it("scope 'global': one threshold over all tensors, the total exact, ties in (tensor, index) order", () => {
    const a = param([0.1, 0.2, 0.3, 0.4]);
    const b = param([1, 2, 0.05, 3]);
    const pruner = createPruner([{ name: 'fc1', param: a }, { name: 'fc2', param: b }], { targetSparsity: 0.5, schedule: 'oneshot', scope: 'global' });
    pruner.finish();
    // The 4 smallest of all 8 magnitudes: 0.05 (fc2), 0.1, 0.2, 0.3 (fc1).
    expect(Array.from(a.value).map((v) => Number(v.toFixed(2)))).toEqual([0, 0, 0, 0.4]);
    expect(Array.from(b.value)).toEqual([1, 2, 0, 3]);
    expect(pruner.report().layers.map((l) => l.zeros)).toEqual([3, 1]);
    const c = param([0.1, 0.1]);
    const d = param([0.1, 0.1, 0.1]);
    const tied = createPruner([{ name: 'fc1', param: c }, { name: 'fc2', param: d }], { targetSparsity: 0.6, schedule: 'oneshot', scope: 'global' });
    tied.finish();
    // ⌊0.6·5⌋ = 3 zeros: both of fc1, then fc2's first.
    expect(tied.report().layers.map((l) => l.zeros)).toEqual([2, 1]);
    expect(Array.from(d.value).map((v) => Number(v.toFixed(2)))).toEqual([0, 0.1, 0.1]);
  });

  it('rejects an unknown scope and a startFraction past the ramp', () => {
    expect(() => normalisePruneOptions({ targetSparsity: 0.5, schedule: 'oneshot', scope: 'row' as never })).toThrow("prune: scope must be 'layer' or 'global', got 'row'");
    const model = createMlp({ inputSize: 4, hidden: [3], outputs: 2, seed: 1 });
    const data = { x: new Float32Array(8), y: new Uint8Array(2), n: 2, features: 4 };
    expect(() => attachPruner(model, data, { epochs: 1 }, { targetSparsity: 0.5, startFraction: 0.8, rampFraction: 0.6 })).toThrow(
      'prune: startFraction must be in [0, rampFraction = 0.6), got 0.8',
    );
  });

  it('never reopens a pruned weight and holds it at zero', () => {
    const p = param([1, 2, 3, 4, 5, 6, 7, 8]);
    const pruner = createPruner([{ name: 'w', param: p }], { targetSparsity: 0.5, schedule: 'linear', startStep: 0, endStep: 4, frequency: 1 });
    pruner.afterStep(0);
    pruner.afterStep(2); // 0.25 → prunes 1 and 2
    expect(Array.from(p.value)).toEqual([0, 0, 3, 4, 5, 6, 7, 8]);
    p.value.set([9, 9, 0.5, 0.6, 5, 6, 7, 8]); // an optimiser step moves everything
    pruner.afterStep(4); // 0.5: the old two stay pruned, plus the two now-smallest survivors
    expect(Array.from(p.value)).toEqual([0, 0, 0, 0, 5, 6, 7, 8]);
  });

  it('prunes weights only, never biases', () => {
    const model = createMlp({ inputSize: 4, hidden: [3], outputs: 2, seed: 1 });
    expect(collectPruneTargets(model.layers).map((t) => [t.name, t.param.value.length])).toEqual([['fc1', 12], ['fc2', 6]]);
  });
});

describe('pruning during training', () => {
  it('leaves exactly the target fraction of exact zeros, after every step', async () => {
    const { train: data, test } = loadMnist({ subset: 600 });
    const model = createMlp({ inputSize: 784, hidden: [32], outputs: 10, seed: 2 });
    const targets = collectPruneTargets(model.layers);
    let step = 0;
    let violations = 0;
    let checked = 0;
    // 3 epochs × 12 batches = 36 steps; the ramp ends at ⌈0.75·36⌉ − 1 = step 26.
    const schedule = normalisePruneOptions({ targetSparsity: 0.9, frequency: 10, endStep: 26 });
    const { pruner, trainOptions } = attachPruner(
      model, data,
      {
        epochs: 3, batchSize: 50, lr: 0.005, optimizer: 'adam',
        // Runs after the pruner's own hook: the scheduled sparsity must already hold.
        onBatch: () => {
          const due = Math.floor(scheduledSparsity(schedule, step >= 26 ? step : Math.floor(step / 10) * 10) * 784 * 32);
          const zeros = targets[0]!.param.value.reduce((z, v) => z + (v === 0 ? 1 : 0), 0);
          if (zeros < due) violations++;
          checked++;
          step++;
        },
      },
      { targetSparsity: 0.9, frequency: 10 },
    );
    expect(pruner.options.endStep).toBe(26);
    await train(model, data, trainOptions);
    const report = pruner.report();
    expect(checked).toBe(36);
    expect(violations).toBe(0);
    expect(report.layers.map((l) => [l.name, l.zeros])).toEqual([['fc1', Math.floor(0.9 * 784 * 32)], ['fc2', Math.floor(0.9 * 320)]]);
    expect(report.sparsity).toBeCloseTo(0.9, 3);
    // Far above chance (10 %) even with only 32 of 320 output weights left on 600 samples.
    expect(model.evaluate(test).accuracy).toBeGreaterThan(0.3);
    // The compiler's IR sees the same exact zeros.
    const { weights } = model.toGraph();
    expect(weights[0]!.w.filter((v) => v === 0).length).toBe(Math.floor(0.9 * 784 * 32));
  });

  it('the gradual schedule (gradualPruning) trains densely first, then prunes globally to the exact total', async () => {
    const { train: data } = loadMnist({ subset: 800 });
    const model = createMlp({ inputSize: 784, hidden: [32], outputs: 10, seed: 2 });
    const targets = collectPruneTargets(model.layers);
    const zerosAt: number[] = [];
    const { pruner, trainOptions } = attachPruner(model, data, {
      epochs: 4, batchSize: 50, lr: 0.003, optimizer: 'adam',
      onBatch: () => zerosAt.push(targets.reduce((z, t) => z + t.param.value.reduce((n, v) => n + (v === 0 ? 1 : 0), 0), 0)),
    }, { ...gradualPruning, targetSparsity: 0.9 });
    // 4 epochs × 16 batches = 64 steps: dense until ⌊0.125·64⌋ = 8, target at ⌈0.6·64⌉ − 1 = 38.
    expect([pruner.options.startStep, pruner.options.endStep, pruner.options.scope]).toEqual([8, 38, 'global']);
    await train(model, data, trainOptions);
    expect(zerosAt.slice(0, 8).every((z) => z === 0)).toBe(true);
    const total = 784 * 32 + 32 * 10;
    expect(zerosAt[38]).toBe(Math.floor(0.9 * total));
    const report = pruner.report();
    expect(report.zeros).toBe(Math.floor(0.9 * total));
    // One threshold: the wide first layer gives up a larger share than the classifier layer.
    expect(report.layers[0]!.sparsity).toBeGreaterThan(report.layers[1]!.sparsity);
  });

  it('rejects an unknown layer name', () => {
    const model = createMlp({ inputSize: 4, hidden: [3], outputs: 2, seed: 1 });
    const data = { x: new Float32Array(8), y: new Uint8Array(2), n: 2, features: 4 };
    expect(() => attachPruner(model, data, { epochs: 1 }, { targetSparsity: 0.5, layers: ['fc9'] })).toThrow(
      "prune: no dense layer named 'fc9' (the model has fc1, fc2)",
    );
  });

  it('reports accuracy against sparsity', async () => {
    const { train, test } = loadMnist({ subset: 1000 });
    const rows = await sweepSparsity({
      sparsities: [0, 0.9],
      createModel: () => createMlp({ inputSize: 784, hidden: [32], outputs: 10, seed: 3 }),
      train, test,
      trainOptions: { epochs: 3, batchSize: 50, lr: 0.005, optimizer: 'adam' },
      // The 32×10 classifier stays dense: at 90 % it would keep 32 weights for 10 classes.
      prune: { frequency: 5, layers: ['fc1'] },
    });
    expect(rows.map((r) => r.targetSparsity)).toEqual([0, 0.9]);
    expect(rows[0]!.sparsity).toBeLessThan(0.01);
    expect(rows[1]!.layers.map((l) => [l.name, l.zeros])).toEqual([['fc1', 22579], ['fc2', 0]]);
    expect(rows[1]!.sparsity).toBeCloseTo(22579 / (784 * 32 + 320), 12);
    for (const r of rows) expect(r.accuracy).toBeGreaterThan(0.65);
    const table = formatSparsitySweep(rows).split('\n');
    expect(table[0]).toMatch(/^target\s+zeros\s+fc1\s+fc2\s+accuracy$/);
    expect(table[2]).toMatch(/^90\.0 %  88\.9 %  90\.0 %  0\.0 %\s+\d+\.\d\d %$/);
  });
});
