// Training end to end on small data: a 2-class toy set to 100 %, every optimiser and loss,
// reproducibility with a seed, early stopping restoring the best weights, abort, schedules.
import { describe, expect, it } from 'vitest';
import {
  createDataset, createMlp, createRng, holdoutSplit, learningRate, selectRows, train, type Dataset, type LossKind, type OptimizerKind,
} from '../../runtime/index.js';
import { DlpError } from '../../isa/errors.js';

/** Two interleaved half-moons-like classes: the label is the sign of x1·x2 (XOR quadrants). */
function xorSet(n: number, seed: number): Dataset {
  const rng = createRng(seed);
  const x = new Float32Array(n * 2);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = (rng.next() * 2 - 1) * 1.0;
    const b = (rng.next() * 2 - 1) * 1.0;
    // Keep a margin around the axes so 100 % is reachable.
    x[2 * i] = a + Math.sign(a) * 0.2;
    x[2 * i + 1] = b + Math.sign(b) * 0.2;
    y[i] = a * b > 0 ? 1 : 0;
  }
  return createDataset(x, y, 2);
}

describe('train', () => {
  const cases: Array<[OptimizerKind, LossKind, number, number]> = [
    ['adam', 'softmax-ce', 2, 0.02],
    ['momentum', 'softmax-ce', 2, 0.1],
    ['sgd', 'softmax-ce', 2, 0.5],
    ['adam', 'bce', 1, 0.02],
    ['adam', 'mse', 2, 0.02],
  ];
  for (const [optimizer, loss, outputs, lr] of cases) {
    it(`a 2-16-16-${outputs} MLP reaches 100 % on the XOR toy set (${optimizer}, ${loss})`, async () => {
      const data = xorSet(200, 1);
      const model = createMlp({ inputSize: 2, hidden: [16, 16], outputs, loss, activation: 'tanh', seed: 2 });
      const r = await train(model, data, { epochs: 150, batchSize: 20, lr, optimizer, schedule: { kind: 'constant' } });
      expect(model.evaluate(data).accuracy).toBe(1);
      expect(r.history[r.history.length - 1]!.loss).toBeLessThan(r.history[0]!.loss);
    });
  }

  it('is reproducible: same seed, same weights; another seed, other weights', async () => {
    const data = xorSet(100, 3);
    const run = async (seed: number): Promise<Float32Array[]> => {
      const model = createMlp({ inputSize: 2, hidden: [8], outputs: 2, seed: 4, dropout: 0.2 });
      await train(model, data, { epochs: 3, batchSize: 10, seed });
      return model.snapshot();
    };
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('early stopping restores the weights of the best validation epoch', async () => {
    // Random labels: the network can only memorise, so validation loss rises after a while.
    const rng = createRng(9);
    const x = Float32Array.from({ length: 120 * 10 }, () => rng.normal());
    const y = Uint8Array.from({ length: 120 }, () => rng.int(2));
    const data = createDataset(x, y, 10);
    const model = createMlp({ inputSize: 10, hidden: [64], outputs: 2, seed: 1 });
    const r = await train(model, data, {
      epochs: 200, batchSize: 10, lr: 0.01, optimizer: 'adam', validation: 0.25, earlyStopping: { patience: 3 },
      schedule: { kind: 'constant' },
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.history.length).toBeLessThan(200);
    const losses = r.history.map((h) => h.val!.loss);
    const best = losses.indexOf(Math.min(...losses));
    expect(r.bestEpoch).toBe(best + 1);
    expect(r.history.length).toBe(best + 1 + 3);
    // The restored model scores exactly what the best epoch reported on the same split.
    // train() draws the hold-out split from the first fork of its seed's generator.
    const val = selectRows(data, holdoutSplit(120, 0.25, createRng(1).fork()).val);
    expect(model.evaluate(val).loss).toBeCloseTo(losses[best]!, 6);
  });

  it('stops cleanly when the AbortSignal fires', async () => {
    const ac = new AbortController();
    const model = createMlp({ inputSize: 2, hidden: [4], outputs: 2 });
    const r = await train(model, xorSet(100, 1), {
      epochs: 50, batchSize: 10, onEpoch: (e) => e.epoch === 2 && ac.abort(), signal: ac.signal,
    });
    expect(r.aborted).toBe(true);
    expect(r.history.length).toBe(2);
  });

  it('reports per-epoch progress and per-batch callbacks', async () => {
    const seen: number[] = [];
    let batches = 0;
    await train(createMlp({ inputSize: 2, hidden: [4], outputs: 2 }), xorSet(95, 1), {
      epochs: 2, batchSize: 10, onEpoch: (e) => seen.push(e.epoch), onBatch: () => batches++,
    });
    expect(seen).toEqual([1, 2]);
    expect(batches).toBe(20);
  });

  it('L1 and L2 shrink the weights (but not the biases)', async () => {
    const data = xorSet(100, 5);
    const norm = async (opts: { l1?: number; l2?: number }): Promise<number> => {
      const model = createMlp({ inputSize: 2, hidden: [16], outputs: 2, seed: 3 });
      await train(model, data, { epochs: 20, batchSize: 10, lr: 0.01, ...opts });
      return model.params().filter((p) => p.regularize).reduce((s, p) => s + p.value.reduce((a, w) => a + Math.abs(w), 0), 0);
    };
    const plain = await norm({});
    expect(await norm({ l2: 0.05 })).toBeLessThan(plain);
    expect(await norm({ l1: 0.01 })).toBeLessThan(plain);
  });

  it('learning-rate schedules', () => {
    const base = { lr: 0.1, epochs: 10 };
    expect(learningRate({ ...base, schedule: { kind: 'step', every: 3, gamma: 0.5 } }, 7)).toBeCloseTo(0.025, 12);
    expect(learningRate({ ...base, schedule: { kind: 'exponential', gamma: 0.9 } }, 2)).toBeCloseTo(0.081, 12);
    expect(learningRate({ ...base, schedule: { kind: 'cosine' } }, 5)).toBeCloseTo(0.05, 12);
    expect(learningRate({ ...base, schedule: { kind: 'cosine', min: 0.01 } }, 10)).toBeCloseTo(0.01, 12);
    expect(learningRate({ ...base, schedule: (e, lr) => lr / (1 + e) }, 1)).toBeCloseTo(0.05, 12);
  });

  it('rejects bad options and mismatched data with clear messages', async () => {
    const model = createMlp({ inputSize: 2, hidden: [4], outputs: 2 });
    const data = xorSet(10, 1);
    const cases: Array<[object, string]> = [
      [{ epochs: 0 }, 'epochs must be a positive integer, got 0'],
      [{ batchSize: 2.5 }, 'batchSize must be a positive integer, got 2.5'],
      [{ lr: -1 }, 'lr must be positive, got -1'],
      [{ earlyStopping: { patience: 2 } }, 'earlyStopping needs a validation set or fraction'],
    ];
    for (const [opts, message] of cases) {
      await expect(train(model, data, opts)).rejects.toThrow(new DlpError(message));
    }
    await expect(train(createMlp({ inputSize: 3, hidden: [4], outputs: 2 }), data)).rejects.toThrow('data has 2 features but the model takes 3');
  });
});
