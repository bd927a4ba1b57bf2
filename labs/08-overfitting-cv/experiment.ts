// Lab 08 — your file. Three tasks on a 300-image MNIST subset (README.md has the details):
//  1. make `overfit` overfit: ≥ 99 % training accuracy, ≥ 10 points above test accuracy;
//  2. implement `kFold` and `crossValidateL2`, which picks the L2 strength with the lowest
//     mean validation loss over k folds (train each fold with `cvSetup`, l2 overridden);
//  3. make `regularised` generalise: test loss ≥ 10 % below the overfit model's, accuracy no worse.
import { createMlp, selectRows, train, type Dataset, type MlpSpec, type TrainOptions } from 'dlpkit/runtime';

export interface Setup {
  model: MlpSpec;
  training: Partial<TrainOptions>;
}

/** Task 1: a network and schedule that memorise the 300 training images. */
export const overfit: Setup = {
  model: { inputSize: 784, hidden: [64], outputs: 10, seed: 1 },
  training: { epochs: 2, batchSize: 30, lr: 0.003, optimizer: 'adam', seed: 1 },
};

/** Task 3: the same data, regularised (l2, dropout, earlyStopping with a validation fraction…). */
export const regularised: Setup = {
  model: { inputSize: 784, hidden: [64], outputs: 10, seed: 1 },
  training: { epochs: 2, batchSize: 30, lr: 0.003, optimizer: 'adam', seed: 1 },
};

/** Task 2: the setup every fold trains with (only l2 changes between candidates). */
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
  /** Validation loss and accuracy of each fold, in fold order. */
  foldLoss: number[];
  foldAccuracy: number[];
  meanLoss: number;
  meanAccuracy: number;
}

/** k folds over 0..n−1: validation sets disjoint, covering every index once, sizes differing
 * by at most one; each fold trains on all the other indices. Shuffle with `seed`. */
export function kFold(n: number, k: number, seed: number): Split[] {
  throw new Error('TODO: kFold');
}

/** Cross-validates every candidate on kFold(data.n, k, 1) and returns the one with the
 * lowest mean validation loss as `best`. Use createMlp(cvSetup.model) and
 * train(model, trainRows, { ...cvSetup.training, l2 }), then model.evaluate(valRows). */
export async function crossValidateL2(
  data: Dataset,
  candidates: number[],
  k: number,
): Promise<{ results: CandidateResult[]; best: number }> {
  throw new Error('TODO: crossValidateL2');
}

// Imported for you; remove this line once you use them.
void [createMlp, selectRows, train];
