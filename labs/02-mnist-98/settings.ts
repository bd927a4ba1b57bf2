// Lab 02 — your file. The network and training settings the checker trains on MNIST.
// These start as the course's lab (784-32-16-10, N(0, 0.01) init, plain SGD, lr 0.01,
// one epoch), which lands far below 92 %. Change them — architecture, initialisation,
// optimiser, learning-rate schedule, regularisation — until the test accuracy passes 98 %
// within the time budget. See README.md for every option and `runtime/` for what they do.
import type { MlpSpec, TrainOptions } from 'dlpkit/runtime';

export const model: MlpSpec = {
  inputSize: 784,
  hidden: [32, 16],
  outputs: 10,
  activation: 'relu',
  init: 'normal',
  std: 0.01,
  seed: 1,
};

export const training: Partial<TrainOptions> = {
  epochs: 1,
  batchSize: 100,
  lr: 0.01,
  optimizer: 'sgd',
  seed: 1,
};
