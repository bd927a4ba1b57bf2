// `dlp train`: host training on MNIST with the runtime's options (optimiser, learning rate,
// L1/L2, dropout, early stopping, k-fold cross-validation, bagging, pruning, augmentation)
// for the chapter's three models: `mlp` (default), `linear` (one dense layer, squared loss on
// one-hot targets, as the chapter's linear model) and `perceptron` (sign(wᵀx + b) on two
// digits). Writes the weights as safetensors (PyTorch naming) and with --json prints
// testAccuracy, epochSeconds and the loss history.
import type { Command } from 'commander';
import { DlpError } from '../../isa/errors.js';
import { writeWeightsFile } from '../../compiler/weights/weights-file.js';
import type { ActivationKind, ModelGraph } from '../../compiler/model.js';
import {
  attachPruner, augmentTrainOptions, crossValidate, createMlp, defaultTrainOptions, kFoldSplits, loadMnist, measureSparsity,
  collectPruneTargets, gradualPruning, gradualPruningLr, predictPerceptron, saveModel, train, trainBagging, trainPerceptron,
  courseMnistOptions, courseMnistSpec, courseTrainOptions, parseFreezeList, type InitKind, type PruneScope,
  type Dataset, type EpochReport, type Model, type OptimizerKind, type TrainOptions,
} from '../../runtime/index.js';
import { addExamples, parseChoice, parseFraction, parseHidden, parseNonNegative, parsePositiveInt, parseRate, parseSeed } from '../options.js';
import { chooseProgressMode, createEpochProgress } from '../progress.js';
import { reportToJson } from '../report/report-data.js';
import { checkOutputFile } from '../output/file.js';

const ACTIVATIONS = ['relu', 'leaky', 'prelu', 'elu', 'sigmoid', 'tanh'] as const;

interface TrainCliOptions {
  model?: string; hidden?: string; activation?: string; epochs?: string; batch?: string; lr?: string; optimizer?: string;
  l1?: string; l2?: string; dropout?: string; earlyStopping?: string; validation?: string; kfold?: string; bagging?: string;
  prune?: string; augment?: boolean; digits?: string; subset?: string; seed?: string; json?: boolean; output: string;
  pixels?: string; course?: boolean; init?: string; std?: string; freeze?: string; inputDropout?: string; pruneScope?: string;
}

export interface TrainSummary {
  model: 'mlp' | 'linear' | 'perceptron';
  testAccuracy: number;
  /** Wall-clock seconds of every training epoch run (all folds and members in order). */
  epochSeconds: number[];
  /** Mean training loss per epoch, in the same order (the perceptron: its loss per update). */
  lossHistory: number[];
  trainSamples: number;
  testSamples: number;
  weights: string;
  crossValidation?: { folds: { fold: number; accuracy: number; loss: number }[]; meanAccuracy: number; accuracyStd: number };
  bagging?: { memberAccuracies: number[]; ensembleAccuracy: number; files: string[] };
  sparsity?: number;
  stoppedEarly?: boolean;
  bestEpoch?: number;
}

function accuracyOf(model: Model, data: Dataset): number {
  return model.evaluate(data).accuracy;
}

async function trainNetwork(o: TrainCliOptions, kind: 'mlp' | 'linear', signal?: AbortSignal): Promise<TrainSummary> {
  const seed = parseSeed('seed', o.seed, 1);
  const subset = o.subset === undefined ? undefined : parsePositiveInt('subset', o.subset, 0);
  const hidden = kind === 'linear' ? [] : parseHidden(o.hidden, [128, 64]);
  const activation = parseChoice<ActivationKind>('activation', o.activation, ACTIVATIONS as unknown as ActivationKind[], 'relu');
  const dropout = parseFraction('dropout', o.dropout, 0);
  const inputDropout = parseFraction('input-dropout', o.inputDropout, 0);
  const freeze = o.freeze === undefined ? undefined : parseFreezeList(o.freeze);
  const pruneScope = parseChoice<PruneScope>('prune-scope', o.pruneScope, ['global', 'layer'], 'global');
  const patience = o.earlyStopping === undefined ? undefined : parsePositiveInt('early-stopping', o.earlyStopping, 1);
  const validation = parseFraction('validation', o.validation, patience ? 0.1 : 0);
  const kfold = o.kfold === undefined ? undefined : parsePositiveInt('kfold', o.kfold, 2);
  if (kfold !== undefined && kfold < 2) throw new DlpError(`--kfold must be at least 2, got '${o.kfold}'`);
  const bagging = o.bagging === undefined ? undefined : parsePositiveInt('bagging', o.bagging, 1);
  const prune = o.prune === undefined ? undefined : parseFraction('prune', o.prune, 0);
  if (bagging && prune !== undefined) throw new DlpError('--bagging and --prune cannot be combined');
  const epochs: EpochReport[] = [];
  let opts: Partial<TrainOptions> = {
    epochs: parsePositiveInt('epochs', o.epochs, defaultTrainOptions.epochs),
    batchSize: parsePositiveInt('batch', o.batch, defaultTrainOptions.batchSize),
    lr: parseRate('lr', o.lr, defaultTrainOptions.lr),
    optimizer: parseChoice<OptimizerKind>('optimizer', o.optimizer, ['sgd', 'momentum', 'adam'], 'adam'),
    l1: parseNonNegative('l1', o.l1, 0), l2: parseNonNegative('l2', o.l2, 0), seed, ...(signal ? { signal } : {}),
    ...(freeze ? { freeze } : {}),
    ...(validation > 0 ? { validation } : {}),
    ...(patience ? { earlyStopping: { patience } } : {}),
    onBatch: (d, t) => progress.onBatch(d, t),
    onEpoch: (r) => { epochs.push(r); progress.onEpoch(r); },
  };
  const progress = createEpochProgress(chooseProgressMode(Boolean(o.json)), opts.epochs!);
  if (o.augment) opts = augmentTrainOptions(opts, { seed });
  const pixels = parseChoice('pixels', o.pixels, ['unit', 'raw'] as const, 'unit');
  const { train: data, test } = loadMnist({ ...(subset ? { subset } : {}), pixels });
  const init = o.init === undefined ? undefined : parseChoice<InitKind>('init', o.init, ['he', 'xavier', 'normal'], 'he');
  const std = parseRate('std', o.std, 0.01);
  const spec = {
    inputSize: data.features, hidden, outputs: 10, activation, dropout, inputDropout, seed, loss: kind === 'linear' ? 'mse' as const : 'softmax-ce' as const,
    name: kind === 'linear' ? 'linear' : 'mnist-mlp', ...(init ? { init, std } : {}),
  };
  const interrupted = (): never => { throw new DlpError('interrupted (Ctrl-C) during training; no weights were written'); };
  const summary: TrainSummary = { model: kind, testAccuracy: 0, epochSeconds: [], lossHistory: [], trainSamples: data.n, testSamples: test.n, weights: o.output };
  try {
    if (kfold) {
      const cv = await crossValidate((f) => createMlp({ ...spec, seed: seed + f }), data, kFoldSplits(data.n, kfold, seed), opts);
      if (signal?.aborted) interrupted();
      summary.crossValidation = {
        folds: cv.folds.map((f) => ({ fold: f.fold, accuracy: f.val.accuracy, loss: f.val.loss })), meanAccuracy: cv.mean.accuracy, accuracyStd: cv.accuracyStd,
      };
    }
    if (bagging) {
      const ensemble = await trainBagging(data, { members: bagging, seed, spec, trainOptions: opts });
      if (signal?.aborted) interrupted();
      const files = ensemble.members.map((_, i) => o.output.replace(/(\.safetensors)?$/, `.member${i + 1}.safetensors`));
      ensemble.members.forEach((m, i) => saveModel(m, files[i]!, { pixels }));
      const predicted = ensemble.classify(test.x, test.n);
      let correct = 0;
      for (let i = 0; i < test.n; i++) if (predicted[i] === test.y[i]) correct++;
      summary.testAccuracy = correct / test.n;
      summary.bagging = { memberAccuracies: ensemble.members.map((m) => accuracyOf(m, test)), ensembleAccuracy: summary.testAccuracy, files };
      summary.weights = files[0]!;
    } else {
      const model = createMlp(spec);
      const withPrune = prune !== undefined ? attachPruner(model, data, opts, { ...gradualPruning, targetSparsity: prune, scope: pruneScope }) : undefined;
      const result = await train(model, data, withPrune?.trainOptions ?? opts);
      if (result.aborted) interrupted();
      withPrune?.pruner.finish();
      if (withPrune) summary.sparsity = measureSparsity(collectPruneTargets(model.layers)).sparsity;
      summary.testAccuracy = accuracyOf(model, test);
      summary.stoppedEarly = result.stoppedEarly;
      if (result.bestEpoch !== undefined) summary.bestEpoch = result.bestEpoch;
      saveModel(model, o.output, { pixels });
    }
  } finally {
    progress.stop();
  }
  summary.epochSeconds = epochs.map((e) => e.seconds);
  summary.lossHistory = epochs.map((e) => e.loss);
  return summary;
}

/** The chapter's perceptron on two digits (labels −1/+1), written as a 784→1 dense layer. */
function trainDigitPerceptron(o: TrainCliOptions): TrainSummary {
  const digits = (o.digits ?? '0,1').split(',');
  if (digits.length !== 2 || !digits.every((d) => /^[0-9]$/.test(d)) || digits[0] === digits[1]) {
    throw new DlpError(`--digits must be two different digits like 0,1, got '${o.digits}'`);
  }
  const [neg, pos] = digits.map(Number) as [number, number];
  const limit = parsePositiveInt('subset', o.subset, 2000);
  const { train: data, test } = loadMnist();
  const pick = (d: Dataset, max: number): { x: Float32Array[]; y: number[] } => {
    const x: Float32Array[] = [];
    const y: number[] = [];
    for (let i = 0; i < d.n && x.length < max; i++) {
      const c = d.y[i];
      if (c === neg || c === pos) {
        x.push(d.x.subarray(i * d.features, (i + 1) * d.features));
        y.push(c === pos ? 1 : -1);
      }
    }
    return { x, y };
  };
  const tr = pick(data, limit);
  const te = pick(test, Infinity);
  const t0 = performance.now();
  const r = trainPerceptron(tr.x, tr.y, { maxEpochs: parsePositiveInt('epochs', o.epochs, 1), seed: parseSeed('seed', o.seed, 1), learningRate: parseRate('lr', o.lr, 1) });
  const seconds = (performance.now() - t0) / 1000;
  const predicted = predictPerceptron(r.model, te.x);
  let correct = 0;
  for (let i = 0; i < te.y.length; i++) if (predicted[i] === te.y[i]) correct++;
  const graph: ModelGraph = { name: `perceptron-${neg}-${pos}`, inputSize: data.features, layers: [{ kind: 'dense', name: 'fc1', units: 1, activation: { kind: 'identity' } }], softmax: false };
  writeWeightsFile(o.output, graph, [{ w: Float32Array.from(r.model.w), b: Float32Array.of(r.model.b) }]);
  if (!o.json) process.stdout.write(`perceptron ${neg} vs ${pos}: ${r.summary}\n`);
  return {
    model: 'perceptron', testAccuracy: te.y.length ? correct / te.y.length : 0, epochSeconds: [seconds],
    lossHistory: Array.from(r.lossCurve), trainSamples: tr.y.length, testSamples: te.y.length, weights: o.output,
  };
}

function formatTrainSummary(s: TrainSummary): string {
  const lines = [`${s.model}: test accuracy ${(s.testAccuracy * 100).toFixed(2)} % on ${s.testSamples} images (trained on ${s.trainSamples})`];
  if (s.crossValidation) {
    const cv = s.crossValidation;
    lines.push(`${cv.folds.length}-fold cross-validation: ${cv.folds.map((f) => `${(f.accuracy * 100).toFixed(2)} %`).join(', ')}; mean ${(cv.meanAccuracy * 100).toFixed(2)} % ± ${(cv.accuracyStd * 100).toFixed(2)}`);
  }
  if (s.bagging) lines.push(`bagging: members ${s.bagging.memberAccuracies.map((a) => `${(a * 100).toFixed(2)} %`).join(', ')}; ensemble ${(s.bagging.ensembleAccuracy * 100).toFixed(2)} %`);
  if (s.sparsity !== undefined) lines.push(`sparsity: ${(s.sparsity * 100).toFixed(1)} % of the weights are exactly zero`);
  if (s.stoppedEarly) lines.push(`early stopping: best epoch ${s.bestEpoch} restored`);
  const total = s.epochSeconds.reduce((a, b) => a + b, 0);
  if (s.model !== 'perceptron') lines.push(`${s.epochSeconds.length} epoch${s.epochSeconds.length === 1 ? '' : 's'} in ${total.toFixed(1)} s (${(total / Math.max(1, s.epochSeconds.length)).toFixed(2)} s per epoch)`);
  lines.push(`wrote ${s.bagging ? s.bagging.files.join(', ') : s.weights}`);
  return `${lines.join('\n')}\n`;
}

/** --course: the lab's settings for every option not given on the command line. */
function courseDefaults(cmd: Command): Partial<TrainCliOptions> {
  const course: Partial<TrainCliOptions> = {
    hidden: courseMnistSpec.hidden.join(','), init: 'normal', std: String(courseMnistSpec.std), optimizer: courseTrainOptions.optimizer as string,
    lr: String(courseTrainOptions.lr), batch: String(courseTrainOptions.batchSize), epochs: String(courseTrainOptions.epochs), pixels: courseMnistOptions.pixels!,
  };
  return Object.fromEntries(Object.entries(course).filter(([k]) => cmd.getOptionValueSource(k) !== 'cli'));
}

export function register(program: Command): void {
  const cmd = program.command('train')
    .description('train a model on MNIST on the host (CPU) and write its weights')
    .option('--model <kind>', 'mlp, linear or perceptron', 'mlp')
    .option('--hidden <sizes>', 'hidden layer widths (mlp)', '128,64')
    .option('--activation <fn>', `hidden activation: ${ACTIVATIONS.join(', ')}`, 'relu')
    .option('--epochs <N>', 'training epochs (perceptron: update budget in epochs)', String(defaultTrainOptions.epochs))
    .option('--batch <B>', 'mini-batch size', String(defaultTrainOptions.batchSize))
    .option('--lr <x>', `learning rate (${gradualPruningLr} with --prune)`, String(defaultTrainOptions.lr))
    .option('--optimizer <kind>', 'sgd, momentum or adam', 'adam')
    .option('--l2 <lambda>', 'L2 penalty (weight decay) on weights', '0')
    .option('--l1 <lambda>', 'L1 penalty on weights', '0')
    .option('--dropout <p>', 'dropout rate after each hidden layer', '0')
    .option('--early-stopping <patience>', 'stop when validation loss has not improved for this many epochs')
    .option('--validation <fraction>', 'hold out this fraction of the training set for validation (0.1 with early stopping)')
    .option('--kfold <K>', 'also report K-fold cross-validation on the training set')
    .option('--bagging <K>', 'train K members on bootstrap samples and average them')
    .option('--prune <sparsity>', 'magnitude-prune to this fraction of zero weights, e.g. 0.9')
    .option('--prune-scope <scope>', 'global: one magnitude threshold over all layers (the --prune total is exact); layer: every layer at --prune', 'global')
    .option('--input-dropout <p>', 'dropout rate on the input pixels (the book keeps inputs with probability 0.8: 0.2)', '0')
    .option('--freeze <names>', 'parameters left untrained, e.g. *.bias or fc1.weight,fc2.bias')
    .option('--augment', 'random shifts (±2 px) and rotations (±10°) of the training images')
    .option('--digits <a,b>', 'the two digits the perceptron separates', '0,1')
    .option('--subset <N>', 'use only the first N images (perceptron: N training images of the two digits, default 2000)')
    .option('--seed <N>', 'seed of initialisation, shuffling and sampling', '1')
    .option('--init <kind>', 'weight initialisation: he, xavier or normal (N(0, std)); default he (xavier for sigmoid/tanh)')
    .option('--std <sigma>', 'σ of --init normal', '0.01')
    .option('--pixels <scale>', 'unit: pixels in [0, 1]; raw: 0..255 as the course\'s lab feeds them', 'unit')
    .option('--course', 'the course lab: 784-32-16-10, --init normal --std 0.01, SGD lr 0.01, batch 100, 2 epochs, raw pixels (options given explicitly still apply)')
    .option('--json', 'print testAccuracy, epochSeconds and lossHistory as JSON')
    .option('-o, --output <file>', 'weights file (safetensors)', 'weights.safetensors')
    .action(async (opts: TrainCliOptions) => {
      if (opts.course) Object.assign(opts, courseDefaults(cmd));
      // Pruned runs train at the pruning schedule's learning rate unless --lr is given.
      else if (opts.prune !== undefined && cmd.getOptionValueSource('lr') !== 'cli') opts.lr = String(gradualPruningLr);
      const kind = parseChoice('model', opts.model, ['mlp', 'linear', 'perceptron'] as const, 'mlp');
      checkOutputFile(opts.output, { flag: '-o' });
      const summary = kind === 'perceptron' ? trainDigitPerceptron(opts) : await trainNetwork(opts, kind);
      process.stdout.write(opts.json ? reportToJson(summary) : formatTrainSummary(summary));
    });
  addExamples(cmd, 'dlp train --epochs 8 --hidden 128,64 -o mnist.safetensors', 'dlp train --course -o course.safetensors', 'dlp train --model linear --optimizer sgd --lr 0.1 --epochs 3 --json',
    'dlp train --prune 0.9 --augment --early-stopping 2 -o sparse.safetensors');
}
