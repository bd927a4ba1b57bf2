// Lab 06 (provided, do not edit): the fixed experiment both your script and the checker run.
// A 784-64-10 MLP is trained on 2000 MNIST images (seeded, about a second), then compiled for
// dlp-s as fp32, int16, int8 and int8 with per-channel weight scales, and run on the simulator
// over the first 500 test images (calibrated on 200 training images).
import { loadMnist, createMlp, train, selectRows, type Dataset, type Model } from '../../runtime/index.js';
import type { ModelGraph, ModelWeights } from '../../compiler/model.js';
import { loadHardware } from '../../isa/node.js';
import { compileAndRun } from '../lib/device.js';

export const SETUP = { train: 2000, test: 500, calibration: 200, hidden: 64, epochs: 3, hw: 'dlp-s' } as const;
export type Variant = 'fp32' | 'int16' | 'int8' | 'int8-per-channel';
export const VARIANTS: Variant[] = ['fp32', 'int16', 'int8', 'int8-per-channel'];

export interface DeviceResult {
  variant: Variant;
  /** Fraction of the test images classified right by the simulated program. */
  accuracy: number;
  cycles: number;
  energyJoules: number;
  dramBytes: number;
}

export interface Trained {
  model: Model;
  graph: ModelGraph;
  weights: ModelWeights;
  test: Dataset;
  calibration: Float32Array;
}

const rows = (d: Dataset, n: number) => selectRows(d, Uint32Array.from({ length: n }, (_, i) => i));

/** The trained model (deterministic: same seed, same data, same weights). */
export async function trainModel(): Promise<Trained> {
  const mnist = loadMnist({ subset: SETUP.train });
  const model = createMlp({ inputSize: 784, hidden: [SETUP.hidden], outputs: 10, seed: 6 });
  await train(model, mnist.train, { epochs: SETUP.epochs, batchSize: 50, lr: 0.002, optimizer: 'adam', seed: 6 });
  const { model: graph, weights } = model.toGraph();
  return { model, graph, weights, test: rows(mnist.test, SETUP.test), calibration: mnist.train.x.slice(0, SETUP.calibration * 784) };
}

/** Compiles and simulates one variant over the test images. */
export function runVariant(t: Trained, variant: Variant): DeviceResult {
  const hw = loadHardware(SETUP.hw);
  const dtype = variant === 'int8-per-channel' ? 'int8' : variant;
  const run = compileAndRun(t.graph, t.weights, hw, {
    dtype, batch: t.test.n, calibration: t.calibration, perChannel: variant === 'int8-per-channel',
  }, t.test.x);
  const out = run.outputs!;
  let correct = 0;
  for (let r = 0; r < t.test.n; r++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (out[r * 10 + c]! > out[r * 10 + best]!) best = c;
    if (best === t.test.y[r]) correct++;
  }
  return {
    variant, accuracy: correct / t.test.n, cycles: run.report.cycles,
    energyJoules: run.report.energy.totalJoules, dramBytes: run.report.dramReadBytes + run.report.dramWriteBytes,
  };
}
