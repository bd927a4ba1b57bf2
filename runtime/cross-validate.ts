// Validation schemes of the course: hold-out, k-fold cross-validation and leave-one-out.
// Splits are index lists (seeded), so any data set and any model builder can use them;
// crossValidate trains a fresh model per fold and reports per-fold and mean metrics.
import { selectRows, type Dataset } from './data.js';
import type { Metrics, Model } from './model.js';
import { train, type TrainOptions } from './train.js';
import type { Split } from './splits.js';

export { holdoutSplit, kFoldSplits, leaveOneOutSplits, type Split } from './splits.js';

export interface FoldResult {
  fold: number;
  train: Metrics;
  val: Metrics;
}

export interface CrossValidation {
  folds: FoldResult[];
  /** Mean validation metrics over folds (for LOO, accuracy is the fraction of samples right). */
  mean: { loss: number; accuracy: number };
  /** Standard deviation of per-fold validation accuracy. */
  accuracyStd: number;
}

/** Trains `makeModel(fold)` on each split's training rows and evaluates on its validation rows. */
export async function crossValidate(
  makeModel: (fold: number) => Model, data: Dataset, splits: readonly Split[], options: Partial<TrainOptions> = {},
): Promise<CrossValidation> {
  const folds: FoldResult[] = [];
  for (let f = 0; f < splits.length; f++) {
    const s = splits[f]!;
    const model = makeModel(f);
    const trainSet = selectRows(data, s.train);
    const valSet = selectRows(data, s.val);
    const r = await train(model, trainSet, { ...options, validation: options.earlyStopping ? valSet : undefined });
    if (r.aborted) break;
    folds.push({ fold: f, train: model.evaluate(trainSet), val: model.evaluate(valSet) });
  }
  const k = Math.max(1, folds.length);
  const loss = folds.reduce((s, f) => s + f.val.loss, 0) / k;
  const accuracy = folds.reduce((s, f) => s + f.val.accuracy, 0) / k;
  const variance = folds.reduce((s, f) => s + (f.val.accuracy - accuracy) ** 2, 0) / k;
  return { folds, mean: { loss, accuracy }, accuracyStd: Math.sqrt(variance) };
}
