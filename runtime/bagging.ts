// Bagging (bootstrap aggregating, chapter 2's ensemble regulariser): train k models, each on
// a bootstrap resample of the training set (n draws with replacement, so each sees about
// 1 − 1/e ≈ 63.2 % of the distinct samples), and predict with the average of their output
// probabilities. Members err on different samples, so the average errs less than a typical
// member: the report gives every member's test error next to the ensemble's.
import { DlpError } from '../isa/errors.js';
import { formatPercent } from '../simulator/index.js';
import { classOf, selectRows, type Dataset } from './data.js';
import { createMlp, defaultMnistSpec, type MlpSpec, type Model } from './model.js';
import { createRng, type Rng } from './rng.js';
import { train, type TrainOptions } from './train.js';

/** What bagging needs of a member: class probabilities for n rows, `outputSize` per row. */
export interface ProbabilisticClassifier {
  readonly outputSize: number;
  predict(x: Float32Array, n?: number): Float32Array;
}

/** Trains one member on its bootstrap sample; `seed` is distinct per member. */
export type MemberTrainer<M extends ProbabilisticClassifier> = (
  sample: Dataset, info: { member: number; seed: number },
) => M | Promise<M>;

export interface BaggingOptions<M extends ProbabilisticClassifier> {
  /** Ensemble size k ≥ 1. */
  members: number;
  /** Seeds the resampling and the member seeds. Default 1. */
  seed?: number;
  /** Custom trainer; default: `createMlp(spec)` trained with `train(…, trainOptions)`. */
  trainMember?: MemberTrainer<M>;
  /** Network of the default trainer. Default: the 784-128-64-10 MNIST MLP. */
  spec?: MlpSpec;
  /** Options of the default trainer. */
  trainOptions?: Partial<TrainOptions>;
  /** Called after each member is trained (for progress output). */
  onMember?: (member: number, members: number) => void;
}

export interface Ensemble<M extends ProbabilisticClassifier> {
  members: M[];
  /** The bootstrap indices member i was trained on. */
  samples: Uint32Array[];
  /** Mean of the members' probabilities, n × outputSize. */
  predict(x: Float32Array, n?: number): Float32Array;
  /** Class per row from the averaged probabilities. */
  classify(x: Float32Array, n?: number): Uint8Array;
}

export interface BaggingReport {
  /** Test error of each member alone. */
  memberErrors: number[];
  meanMemberError: number;
  ensembleError: number;
  /** Fraction of distinct training samples in each bootstrap (≈ 0.632). */
  uniqueFractions: number[];
}

/** n indices drawn uniformly from [0, n) with replacement, written into `out`. */
export function drawBootstrap(n: number, rng: Rng, out: Uint32Array = new Uint32Array(n)): Uint32Array {
  if (!Number.isInteger(n) || n < 1) throw new DlpError(`a bootstrap sample needs n ≥ 1 samples, got ${n}`);
  if (out.length !== n) throw new DlpError(`bootstrap output has length ${out.length}, expected ${n}`);
  for (let i = 0; i < n; i++) out[i] = rng.int(n);
  return out;
}

/** Distinct indices in `sample` (all in [0, n)). */
export function countUnique(sample: ArrayLike<number>, n: number): number {
  const seen = new Uint8Array(n);
  let unique = 0;
  for (let i = 0; i < sample.length; i++) {
    const s = sample[i]!;
    if (!seen[s]) {
      seen[s] = 1;
      unique++;
    }
  }
  return unique;
}

/** Trains a bagged ensemble of `options.members` models on bootstrap resamples of `data`. */
export async function trainBagging<M extends ProbabilisticClassifier = Model>(
  data: Dataset, options: BaggingOptions<M>,
): Promise<Ensemble<M>> {
  const k = options.members;
  if (!Number.isInteger(k) || k < 1) throw new DlpError(`bagging needs members ≥ 1, got ${k}`);
  if (data.n === 0) throw new DlpError('bagging needs a non-empty training set');
  const rng = createRng(options.seed ?? 1);
  const trainMember = options.trainMember ?? (defaultTrainer(options.spec, options.trainOptions) as unknown as MemberTrainer<M>);
  const members: M[] = [];
  const samples: Uint32Array[] = [];
  for (let i = 0; i < k; i++) {
    const sample = drawBootstrap(data.n, rng);
    const seed = Math.floor(rng.next() * 2 ** 31);
    members.push(await trainMember(selectRows(data, sample), { member: i, seed }));
    samples.push(sample);
    options.onMember?.(i + 1, k);
  }
  return createEnsemble(members, samples);
}

/** Wraps trained members into an averaging ensemble. */
export function createEnsemble<M extends ProbabilisticClassifier>(members: M[], samples: Uint32Array[] = []): Ensemble<M> {
  if (members.length === 0) throw new DlpError('an ensemble needs at least one member');
  const width = members[0]!.outputSize;
  for (const m of members) if (m.outputSize !== width) throw new DlpError(`ensemble members disagree on outputs: ${m.outputSize} vs ${width}`);
  const predict = (x: Float32Array, n?: number): Float32Array => {
    let sum: Float32Array | undefined;
    for (const m of members) {
      const p = m.predict(x, n);
      if (!sum) sum = Float32Array.from(p);
      else for (let i = 0; i < p.length; i++) sum[i]! += p[i]!;
    }
    const mean = sum!;
    const inv = 1 / members.length;
    for (let i = 0; i < mean.length; i++) mean[i]! *= inv;
    return mean;
  };
  return {
    members,
    samples,
    predict,
    classify(x, n) {
      const p = predict(x, n);
      const rows = p.length / width;
      const out = new Uint8Array(rows);
      for (let r = 0; r < rows; r++) out[r] = classOf(p, r * width, width);
      return out;
    },
  };
}

/** Test error of every member and of the ensemble on a labelled data set. */
export function evaluateBagging<M extends ProbabilisticClassifier>(ensemble: Ensemble<M>, test: Dataset, trainSize?: number): BaggingReport {
  if (!(test.y instanceof Uint8Array)) throw new DlpError('bagging evaluation needs class labels (Uint8Array y)');
  const labels = test.y;
  const width = ensemble.members[0]!.outputSize;
  const errorOf = (p: Float32Array): number => {
    let wrong = 0;
    for (let r = 0; r < test.n; r++) if (classOf(p, r * width, width) !== labels[r]) wrong++;
    return test.n ? wrong / test.n : 0;
  };
  const memberErrors = ensemble.members.map((m) => errorOf(m.predict(test.x, test.n)));
  const n = trainSize ?? Math.max(0, ...ensemble.samples.map((s) => s.length));
  return {
    memberErrors,
    meanMemberError: memberErrors.reduce((s, e) => s + e, 0) / memberErrors.length,
    ensembleError: errorOf(ensemble.predict(test.x, test.n)),
    uniqueFractions: ensemble.samples.map((s) => (n ? countUnique(s, n) / n : 0)),
  };
}

/** One line per member and a summary, for the CLI and the docs. */
export function formatBaggingReport(r: BaggingReport): string {
  const pct = (v: number): string => formatPercent(v, 2);
  const lines = r.memberErrors.map(
    (e, i) => `member ${i + 1}: test error ${pct(e)}${r.uniqueFractions[i] !== undefined ? ` (saw ${pct(r.uniqueFractions[i]!)} of the data)` : ''}`,
  );
  lines.push(`mean member error ${pct(r.meanMemberError)}; ensemble of ${r.memberErrors.length}: ${pct(r.ensembleError)}`);
  return lines.join('\n');
}

function defaultTrainer(spec: MlpSpec = defaultMnistSpec, trainOptions: Partial<TrainOptions> = {}): MemberTrainer<Model> {
  return async (sample, { seed }) => {
    // The member seed drives both the initial weights and the batch order, so members differ
    // in their start as well as in their data.
    const model = createMlp({ ...spec, seed });
    await train(model, sample, { ...trainOptions, seed });
    return model;
  };
}
