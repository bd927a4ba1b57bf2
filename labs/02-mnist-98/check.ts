// Lab 02 checker: trains the student's MNIST settings with the host runtime under a time
// budget and grades the test accuracy in the course's tiers (92 % → 80, 95 % → 90, 98 % → 100
// points); the lab passes at 98 %. Quick mode (used by the project's tests) trains on 6000
// images for at most 3 epochs and grades 2000 test images against lowered, labelled tiers.
import { createMlp, loadMnist, selectRows, train, type Dataset, type MlpSpec, type TrainOptions } from '../../runtime/index.js';
import { labInfo } from '../lib/catalog.js';
import { loadStudentModule, studentDir } from '../lib/load.js';
import { runCheckerMain } from '../lib/main.js';
import { CaseList, finishCheck, fmt, type CheckOptions, type CheckResult } from '../lib/result.js';

const INFO = labInfo('02');

export interface Tier { accuracy: number; points: number }
/** The course's grading (test accuracy → points). */
export const FULL_TIERS: Tier[] = [{ accuracy: 0.92, points: 80 }, { accuracy: 0.95, points: 90 }, { accuracy: 0.98, points: 100 }];
/** Quick mode: 6000 training images, ≤ 3 epochs, so the bar is lowered (and labelled so). */
export const QUICK_TIERS: Tier[] = [{ accuracy: 0.8, points: 80 }, { accuracy: 0.85, points: 90 }, { accuracy: 0.88, points: 100 }];
const QUICK = { train: 6000, test: 2000, maxEpochs: 3 };
/** Wall-clock budget for training in full mode (seconds); generous for a 2-core laptop. */
export const TIME_BUDGET_S = 600;
const MAX_PARAMS = 2_000_000;

interface Lab02Module { model: MlpSpec; training: Partial<TrainOptions> }

function firstRows(d: Dataset, n: number): Dataset {
  return selectRows(d, Uint32Array.from({ length: Math.min(n, d.n) }, (_, i) => i));
}

/** Parameter count of an MLP spec (weights + biases). */
function countParams(spec: MlpSpec): number {
  const sizes = [spec.inputSize, ...spec.hidden, spec.outputs];
  let n = 0;
  for (let i = 0; i + 1 < sizes.length; i++) n += sizes[i]! * sizes[i + 1]! + sizes[i + 1]!;
  return n;
}

export async function checkLab02(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const dir = studentDir(INFO.folder, opts);
  const list = new CaseList();
  const tiers = opts.quick ? QUICK_TIERS : FULL_TIERS;
  let s: Lab02Module | undefined;

  await list.run('settings.ts', async () => {
    const m = await loadStudentModule<Partial<Lab02Module>>(dir, 'settings.ts');
    if (!m.model || !m.training) return { name: '', passed: false, detail: 'settings.ts must export `model` (MlpSpec) and `training` (TrainOptions)' };
    const problems: string[] = [];
    if (m.model.inputSize !== 784) problems.push(`model.inputSize must be 784, got ${m.model.inputSize}`);
    if (m.model.outputs !== 10) problems.push(`model.outputs must be 10, got ${m.model.outputs}`);
    if ((m.model.loss ?? 'softmax-ce') !== 'softmax-ce') problems.push(`model.loss must be softmax-ce, got ${m.model.loss}`);
    if (m.training.validation !== undefined && typeof m.training.validation !== 'number') problems.push('training.validation must be a fraction of the training set (never the test set)');
    const params = countParams(m.model);
    if (params > MAX_PARAMS) problems.push(`the network has ${params} parameters; keep it under ${MAX_PARAMS} so it trains within the budget`);
    if (problems.length) return { name: '', passed: false, detail: problems.join('; ') };
    s = m as Lab02Module;
    list.metrics.parameters = params;
    return { name: '', passed: true, detail: `784-${m.model.hidden.join('-')}-10, ${params} parameters, ${m.training.optimizer ?? 'adam'}` };
  });
  if (!s) return finishCheck(INFO, dir, opts, list, started);
  const settings = s;

  const mnist = loadMnist(opts.quick ? { subset: Math.max(QUICK.train, QUICK.test) } : {});
  const trainSet = opts.quick ? firstRows(mnist.train, QUICK.train) : mnist.train;
  const testSet = opts.quick ? firstRows(mnist.test, QUICK.test) : mnist.test;
  if (opts.quick) list.notes.push(`quick mode: ${QUICK.train} training images, at most ${QUICK.maxEpochs} epochs, ${QUICK.test} test images; tiers lowered to ${tiers.map((t) => `${t.accuracy * 100} %`).join(' / ')}`);

  let accuracy = 0;
  await list.run('training within the time budget', async () => {
    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(), TIME_BUDGET_S * 1000);
    const model = createMlp(settings.model);
    const epochs = opts.quick ? Math.min(settings.training.epochs ?? 8, QUICK.maxEpochs) : settings.training.epochs;
    try {
      const r = await train(model, trainSet, {
        ...settings.training,
        ...(epochs !== undefined ? { epochs } : {}),
        signal: budget.signal,
        onEpoch: (e) => opts.log?.(`epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(4)}, train accuracy ${(e.accuracy * 100).toFixed(2)} %${e.val ? `, validation ${(e.val.accuracy * 100).toFixed(2)} %` : ''} (${e.seconds.toFixed(1)} s)`),
      });
      list.metrics.trainSeconds = r.seconds;
      list.metrics.epochs = r.history.length;
      accuracy = model.evaluate(testSet).accuracy;
      list.metrics.testAccuracy = accuracy;
      if (r.aborted) return { name: '', passed: false, detail: `training was stopped at the ${TIME_BUDGET_S} s budget after ${r.history.length} epochs: use fewer epochs or a smaller network`, expected: `≤ ${TIME_BUDGET_S} s`, got: `> ${TIME_BUDGET_S} s` };
      return { name: '', passed: true, detail: `${r.history.length} epochs in ${r.seconds.toFixed(1)} s (budget ${TIME_BUDGET_S} s)` };
    } finally {
      clearTimeout(timer);
    }
  });

  const reached = tiers.filter((t) => accuracy >= t.accuracy);
  const top = tiers[tiers.length - 1]!;
  const points = reached.length ? reached[reached.length - 1]!.points : 0;
  const pct = (a: number) => `${(a * 100).toFixed(2)} %`;
  for (const t of tiers) {
    list.add({
      name: `tier ${t.accuracy * 100} % (${t.points} points)`,
      passed: accuracy >= t.accuracy,
      detail: accuracy >= t.accuracy ? `test accuracy ${pct(accuracy)}` : `test accuracy ${pct(accuracy)} is ${fmt((t.accuracy - accuracy) * 100, 3)} points short`,
      expected: `≥ ${pct(t.accuracy)}`,
      got: pct(accuracy),
    });
  }
  return finishCheck(INFO, dir, opts, list, started, {
    score: { points, of: 100, tier: reached.length ? `≥ ${reached[reached.length - 1]!.accuracy * 100} %` : `below ${tiers[0]!.accuracy * 100} %` },
    passed: list.passed && accuracy >= top.accuracy,
  });
}

await runCheckerMain(import.meta.url, checkLab02);
