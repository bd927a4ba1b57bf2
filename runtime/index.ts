// Public API of the host runtime: CPU training of MLPs (the course's chapter 2), the MNIST
// loader, validation helpers and conversion of a trained model to the compiler's IR.
// See docs/training.md for a guided tour.

// Seeded randomness (mulberry32 + Box-Muller).
export { createRng, type Rng } from './rng.js';

// Float32Array kernels: blocked, allocation-free, zero-skipping matmuls.
export { matmul, matmulTransA, matmulTransB, addBias, sumRows, argmaxRows } from './tensor/matmul.js';

// Layers, losses, initialisers.
export type { Layer, Param } from './nn/layer.js';
export { Dense, type DenseOptions } from './nn/dense.js';
export {
  ReLU, LeakyReLU, PReLU, ELU, Sigmoid, Tanh, createActivationLayer, type ActivationLayer,
} from './nn/activations.js';
export { Dropout } from './nn/dropout.js';
export { createLoss, softmaxRows, type Loss, type LossKind } from './nn/losses.js';
export { initWeights, type InitKind } from './nn/init.js';

// Optimisers and regularisation.
export {
  createOptimizer, addPenaltyGradients, penaltyLoss, type Optimizer, type OptimizerKind, type OptimizerOptions,
} from './optim.js';

// Data sets, splits and validation.
export { type Dataset, createDataset, selectRows, oneHot, targetWidth } from './data.js';
export {
  holdoutSplit, kFoldSplits, leaveOneOutSplits, crossValidate,
  type Split, type FoldResult, type CrossValidation,
} from './cross-validate.js';

// The host model and its builders.
export {
  Model, createMlp, courseMnistSpec, defaultMnistSpec, type MlpSpec, type Metrics,
} from './model.js';
export { saveModel, loadModelParams, modelToTensors } from './params-io.js';

// Training.
export {
  train, defaultTrainOptions, courseTrainOptions, learningRate, type TrainOptions, type TrainResult, type EpochReport, type LrSchedule,
} from './train.js';

// MNIST from the original IDX files.
export { loadMnist, readIdxImages, readIdxLabels, mnistDataDir, courseMnistOptions, type Mnist, type MnistOptions } from './mnist.js';

// The rest of chapter 2: linear regression, the perceptron, bagging, pruning, augmentation.
export {
  fitLinearRegressionGD, fitLinearRegressionClosedForm, predictLinear, computeSquaredLoss, computeStandardisation,
  solveLinearSystem, type FeatureRows, type LinearModel, type Standardisation, type GradientDescentOptions,
  type GradientDescentResult, type ClosedFormOptions,
} from './classic/linear-regression.js';
export {
  trainPerceptron, predictPerceptron, type PerceptronModel, type PerceptronOptions, type PerceptronResult,
} from './classic/perceptron.js';
export {
  trainBagging, createEnsemble, evaluateBagging, formatBaggingReport, drawBootstrap, countUnique,
  type BaggingOptions, type BaggingReport, type Ensemble, type MemberTrainer, type ProbabilisticClassifier,
} from './bagging.js';
export {
  createPruner, collectPruneTargets, normalisePruneOptions, scheduledSparsity, measureSparsity, formatSparsityReport,
  attachPruner, trainPruned, countTrainingSteps, sweepSparsity, formatSparsitySweep, gradualPruning, gradualPruningLr,
  type Pruner, type PruneOptions, type PruneSchedule, type PruneScope, type PruneTarget, type PruneTrainingOptions, type PrunedTraining,
  type LayerSparsity, type SparsityReport, type SparsitySweepOptions, type SparsitySweepRow,
} from './prune.js';
export { trainableParams, parseFreezeList } from './freeze.js';
export {
  createAugmenter, augmentTrainOptions, normaliseAugmentOptions, transformImage, shiftImage,
  type Augmenter, type AugmentOptions, type ImageTransform,
} from './augment.js';

// Offloading inference to the DLP: the pycnnl-style CnnlNet and the idiomatic DeviceModel.
export { CnnlNet, type CnnlNetOptions, type NumberData } from './offload/cnnl-net.js';
export {
  DeviceModel, compileForDevice, sampleCalibration, DEFAULT_DEVICE_BATCH,
  type DeviceOptions, type DeviceRun, type DeviceAccuracy, type DeviceTimes, type DeviceSource,
} from './offload/device-model.js';
export { mergeReports } from './offload/merge-report.js';
export {
  compareSparse, formatSparseComparison,
  type SparseComparison, type SparseCompareOptions, type SparseLayerRow, type RunCost, type ProgramCost,
} from './offload/sparse-compare.js';
export { pruneBlocks, type BlockPruneOptions } from './offload/block-prune.js';

// Design-space exploration on a worker pool (`dlp explore`).
export * from './explore/index.js';
