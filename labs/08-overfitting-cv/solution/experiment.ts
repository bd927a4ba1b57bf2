// Lab 08 — reference solution: an MLP that memorises 300 images, k-fold cross-validation of
// the L2 strength, and a regularised model that generalises better.
import { createMlp, createRng, selectRows, train, type Dataset, type MlpSpec, type TrainOptions } from 'dlpkit/runtime';

export interface Setup {
  model: MlpSpec;
  training: Partial<TrainOptions>;
}

// Many epochs of Adam on 300 images: training loss → 0, test loss climbs.
export const overfit: Setup = {
  model: { inputSize: 784, hidden: [64], outputs: 10, seed: 1 },
  training: { epochs: 60, batchSize: 30, lr: 0.003, optimizer: 'adam', seed: 1 },
};

// The L2 strength cross-validation picks (task 2), plus a little dropout.
export const regularised: Setup = {
  model: { inputSize: 784, hidden: [64], outputs: 10, dropout: 0.2, seed: 1 },
  training: { epochs: 60, batchSize: 30, lr: 0.003, optimizer: 'adam', l2: 0.003, seed: 1 },
};

export const cvSetup: Setup = {
  model: { inputSize: 784, hidden: [64], outputs: 10, seed: 1 },
  training: { epochs: 30, batchSize: 30, lr: 0.003, optimizer: 'adam', seed: 1 },
};

export const l2Candidates = [0, 0.003, 0.01, 0.03, 0.1];
export const folds = 4;

export interface Split {
  train: Uint32Array;
  val: Uint32Array;
}

export interface CandidateResult {
  l2: number;
  foldLoss: number[];
  foldAccuracy: number[];
  meanLoss: number;
  meanAccuracy: number;
}

export function kFold(n: number, k: number, seed: number): Split[] {
  const order = createRng(seed).shuffle(Uint32Array.from({ length: n }, (_, i) => i));
  const splits: Split[] = [];
  for (let f = 0; f < k; f++) {
    // fold f validates on order[lo, hi): sizes ⌊n/k⌋ or ⌈n/k⌉
    const lo = Math.floor((f * n) / k);
    const hi = Math.floor(((f + 1) * n) / k);
    const rest = new Uint32Array(n - (hi - lo));
    rest.set(order.subarray(0, lo));
    rest.set(order.subarray(hi), lo);
    splits.push({ train: rest, val: order.slice(lo, hi) });
  }
  return splits;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

export async function crossValidateL2(
  data: Dataset,
  candidates: number[],
  k: number,
): Promise<{ results: CandidateResult[]; best: number }> {
  const splits = kFold(data.n, k, 1);
  const results: CandidateResult[] = [];
  for (const l2 of candidates) {
    const foldLoss: number[] = [];
    const foldAccuracy: number[] = [];
    for (const s of splits) {
      const model = createMlp(cvSetup.model);
      await train(model, selectRows(data, s.train), { ...cvSetup.training, l2 });
      const m = model.evaluate(selectRows(data, s.val));
      foldLoss.push(m.loss);
      foldAccuracy.push(m.accuracy);
    }
    results.push({ l2, foldLoss, foldAccuracy, meanLoss: mean(foldLoss), meanAccuracy: mean(foldAccuracy) });
  }
  const best = results.reduce((a, b) => (b.meanLoss < a.meanLoss ? b : a)).l2;
  return { results, best };
}
