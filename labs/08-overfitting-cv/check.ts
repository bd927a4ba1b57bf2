// Lab 08 checker: on 300 MNIST training images (1000 test images) it retrains the student's
// `overfit` setup and checks the memorisation gap, property-checks `kFold`, runs the
// student's cross-validation and recomputes the chosen candidate's folds independently, then
// checks that `regularised` lowers the test loss without costing accuracy.
import { createMlp, loadMnist, selectRows, train, type Dataset, type Metrics, type MlpSpec, type TrainOptions } from '../../runtime/index.js';
import { labInfo } from '../lib/catalog.js';
import { loadStudentModule, studentDir } from '../lib/load.js';
import { runCheckerMain } from '../lib/main.js';
import { CaseList, finishCheck, fmt, type CaseResult, type CheckOptions, type CheckResult } from '../lib/result.js';

const INFO = labInfo('08');
export const SUBSET = { train: 300, test: 1000 };
/** Overfitting shown: training accuracy at least this, and this many points above test. */
export const OVERFIT = { trainAccuracy: 0.99, gap: 0.1 };
/** Regularisation works: test loss at most this fraction of the overfit model's, accuracy within 0.5 points. */
export const REGULARISED = { lossRatio: 0.9, accuracySlack: 0.005 };

interface Setup { model: MlpSpec; training: Partial<TrainOptions> }
interface Split { train: Uint32Array; val: Uint32Array }
interface CandidateResult { l2: number; foldLoss: number[]; foldAccuracy: number[]; meanLoss: number; meanAccuracy: number }
interface Lab08Module {
  overfit: Setup;
  regularised: Setup;
  cvSetup: Setup;
  l2Candidates: number[];
  folds: number;
  kFold(n: number, k: number, seed: number): Split[];
  crossValidateL2(data: Dataset, candidates: number[], k: number): Promise<{ results: CandidateResult[]; best: number }>;
}

const pct = (a: number) => `${(a * 100).toFixed(1)} %`;

async function fit(setup: Setup, trainSet: Dataset, testSet: Dataset, extra: Partial<TrainOptions> = {}): Promise<{ train: Metrics; test: Metrics }> {
  const model = createMlp(setup.model);
  await train(model, trainSet, { ...setup.training, ...extra });
  return { train: model.evaluate(trainSet), test: model.evaluate(testSet) };
}

/** Partition properties of k folds over n indices; returns the first violation. */
function checkFolds(splits: Split[], n: number, k: number): string | undefined {
  if (!Array.isArray(splits) || splits.length !== k) return `expected ${k} folds, got ${Array.isArray(splits) ? splits.length : typeof splits}`;
  const seen = new Uint8Array(n);
  const lo = Math.floor(n / k), hi = Math.ceil(n / k);
  for (let f = 0; f < k; f++) {
    const { train: tr, val } = splits[f]!;
    if (val.length < lo || val.length > hi) {
      return `fold ${f} validates on ${val.length} samples; sizes must be ${lo === hi ? lo : `${lo} or ${hi}`} — spread the remainder (${n} mod ${k} = ${n % k}) one sample each over the first folds instead of giving it all to one fold`;
    }
    const inVal = new Uint8Array(n);
    for (const i of val) {
      if (!(i < n)) return `fold ${f} has index ${i} outside 0..${n - 1}`;
      if (seen[i]) return `index ${i} is in the validation set of two folds`;
      seen[i] = 1;
      inVal[i] = 1;
    }
    for (const i of tr) if (inVal[i]) return `fold ${f}: index ${i} is both trained on and validated on (data leakage: a fold must never train on its validation samples)`;
    if (tr.length + val.length !== n) return `fold ${f}: ${tr.length} training + ${val.length} validation ≠ ${n} (every other index trains)`;
  }
  const missing = seen.indexOf(0);
  return missing >= 0 ? `index ${missing} is never in a validation set` : undefined;
}

export async function checkLab08(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const dir = studentDir(INFO.folder, opts);
  const list = new CaseList();
  let s: Lab08Module | undefined;
  await list.run('load experiment.ts', async () => {
    const m = await loadStudentModule<Partial<Lab08Module>>(dir, 'experiment.ts');
    const missing = ['overfit', 'regularised', 'cvSetup', 'l2Candidates', 'folds', 'kFold', 'crossValidateL2'].filter((k) => m[k as keyof Lab08Module] === undefined);
    if (missing.length) return { name: '', passed: false, detail: `missing exports: ${missing.join(', ')}` };
    s = m as Lab08Module;
    return { name: '', passed: true, detail: 'setups, candidates and functions exported' };
  });
  if (!s) return finishCheck(INFO, dir, opts, list, started);
  const st = s;
  if (opts.quick) list.notes.push('quick mode: only fold 0 of the chosen candidate is recomputed (the lab already runs on a 300-image subset)');

  const mnist = loadMnist({ subset: SUBSET.test });
  const trainSet = selectRows(mnist.train, Uint32Array.from({ length: SUBSET.train }, (_, i) => i));
  const testSet = mnist.test;

  // Task 1
  let base: { train: Metrics; test: Metrics } | undefined;
  await list.run('task 1: overfitting shown', async () => {
    base = await fit(st.overfit, trainSet, testSet);
    const gap = base.train.accuracy - base.test.accuracy;
    Object.assign(list.metrics, { overfitTrainAccuracy: base.train.accuracy, overfitTestAccuracy: base.test.accuracy, overfitTestLoss: base.test.loss });
    const ok = base.train.accuracy >= OVERFIT.trainAccuracy && gap >= OVERFIT.gap;
    return {
      name: '', passed: ok,
      detail: ok
        ? `train ${pct(base.train.accuracy)} vs test ${pct(base.test.accuracy)} (loss ${fmt(base.train.loss, 3)} vs ${fmt(base.test.loss, 3)})`
        : `not overfitting yet: train for longer (or with a bigger network) until it memorises the ${SUBSET.train} images`,
      expected: `train ≥ ${pct(OVERFIT.trainAccuracy)} and train − test ≥ ${OVERFIT.gap * 100} points`,
      got: `train ${pct(base.train.accuracy)}, test ${pct(base.test.accuracy)}, gap ${fmt(gap * 100, 3)} points`,
    };
  });

  // Task 2a: the split
  // n mod k > 1 in (11, 4) and (14, 4): a last fold that takes the whole remainder is caught.
  for (const [n, k] of [[10, 3], [11, 4], [14, 4], [SUBSET.train, st.folds], [7, 7], [101, 4]] as const) {
    await list.run(`task 2: kFold(${n}, ${k}) partitions the data`, () => {
      const problem = checkFolds(st.kFold(n, k, 1), n, k);
      return { name: '', passed: !problem, detail: problem ?? `${k} disjoint validation folds covering all ${n} indices` };
    });
  }
  await list.run('task 2: kFold is seeded (same seed → same folds, new seed → new folds)', () => {
    const a = st.kFold(50, 5, 1), b = st.kFold(50, 5, 1), c = st.kFold(50, 5, 2);
    const same = a.every((f, i) => f.val.join() === b[i]!.val.join());
    const differs = a.some((f, i) => f.val.join() !== c[i]!.val.join());
    return { name: '', passed: same && differs, detail: same ? (differs ? 'deterministic per seed' : 'seed 2 gives the same folds as seed 1: shuffle with the seed') : 'two calls with seed 1 gave different folds' };
  });

  // Task 2b: cross-validation (on the student's own splits, so only once kFold is right)
  const foldsOk = list.cases.filter((c) => c.name.startsWith('task 2: kFold')).every((c) => c.passed);
  await list.run(`task 2: ${st.folds}-fold cross-validation of l2`, async (): Promise<CaseResult> => {
    if (!foldsOk) return { name: '', passed: false, detail: 'not run yet: fix kFold first (cross-validation uses your splits)' };
    const cv = await st.crossValidateL2(trainSet, st.l2Candidates, st.folds);
    if (!cv?.results || cv.results.length !== st.l2Candidates.length) return { name: '', passed: false, detail: `expected one result per candidate (${st.l2Candidates.length})`, got: String(cv?.results?.length) };
    for (const r of cv.results) {
      if (r.foldLoss.length !== st.folds) return { name: '', passed: false, detail: `l2 = ${r.l2}: ${r.foldLoss.length} fold losses for ${st.folds} folds` };
      const m = r.foldLoss.reduce((a, b) => a + b, 0) / r.foldLoss.length;
      if (Math.abs(m - r.meanLoss) > 1e-9) return { name: '', passed: false, detail: `l2 = ${r.l2}: meanLoss is not the mean of foldLoss`, expected: fmt(m), got: fmt(r.meanLoss) };
    }
    const argmin = cv.results.reduce((a, b) => (b.meanLoss < a.meanLoss ? b : a));
    list.metrics.chosenL2 = cv.best;
    list.metrics.chosenMeanValLoss = argmin.meanLoss;
    if (cv.best !== argmin.l2) return { name: '', passed: false, detail: 'best must be the candidate with the lowest mean validation loss', expected: String(argmin.l2), got: String(cv.best) };
    // Recompute the chosen candidate's folds independently with the student's own splits.
    const splits = st.kFold(trainSet.n, st.folds, 1);
    const redo = opts.quick ? [0] : splits.map((_, i) => i);
    for (const f of redo) {
      const model = createMlp(st.cvSetup.model);
      await train(model, selectRows(trainSet, splits[f]!.train), { ...st.cvSetup.training, l2: argmin.l2 });
      const want = model.evaluate(selectRows(trainSet, splits[f]!.val)).loss;
      if (Math.abs(want - argmin.foldLoss[f]!) > 1e-6) {
        return { name: '', passed: false, detail: `fold ${f} of l2 = ${argmin.l2} does not match an independent rerun (train on split.train with cvSetup, evaluate on split.val, splits from kFold(n, k, 1))`, expected: fmt(want), got: fmt(argmin.foldLoss[f]) };
      }
    }
    const table = cv.results.map((r) => `${r.l2}: ${fmt(r.meanLoss, 4)}`).join(', ');
    return { name: '', passed: true, detail: `chose l2 = ${cv.best} (mean validation loss ${table}); fold results reproduced` };
  });

  // Task 3
  await list.run('task 3: regularisation lowers the test loss', async () => {
    if (!base) return { name: '', passed: false, detail: 'needs task 1 to run first' };
    if (typeof st.regularised.training.validation === 'object') return { name: '', passed: false, detail: 'validation must be a fraction of the training images, never the test set' };
    const reg = await fit(st.regularised, trainSet, testSet);
    Object.assign(list.metrics, { regularisedTestAccuracy: reg.test.accuracy, regularisedTestLoss: reg.test.loss });
    const ok = reg.test.loss <= REGULARISED.lossRatio * base.test.loss && reg.test.accuracy >= base.test.accuracy - REGULARISED.accuracySlack;
    return {
      name: '', passed: ok,
      detail: ok
        ? `test loss ${fmt(base.test.loss, 3)} → ${fmt(reg.test.loss, 3)}, accuracy ${pct(base.test.accuracy)} → ${pct(reg.test.accuracy)}`
        : 'regularise more (l2, dropout, early stopping on a validation fraction) — or check that task 1 really overfits',
      expected: `test loss ≤ ${fmt(REGULARISED.lossRatio * base.test.loss, 4)} and accuracy ≥ ${pct(base.test.accuracy - REGULARISED.accuracySlack)}`,
      got: `test loss ${fmt(reg.test.loss, 4)}, accuracy ${pct(reg.test.accuracy)}`,
    };
  });
  return finishCheck(INFO, dir, opts, list, started);
}

await runCheckerMain(import.meta.url, checkLab08);
