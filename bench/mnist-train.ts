// Benchmark of host training (issue #5): seconds per epoch of the default 784-128-64-10 MLP at
// batch 100 and its test accuracy after 5 epochs, plus the wall time of the whole default
// training run. Reference points on this kind of machine: numpy (OpenBLAS) ≈ 0.3 s/epoch,
// TensorFlow.js 4.22 ≈ 10 s (wasm backend) and 42 s (cpu backend). Target: ≤ 1 s/epoch.
// The matmuls and the optimiser run in WebAssembly SIMD; big matmuls are split with a worker
// thread on a multi-core machine (DLP_THREADS=1 keeps one thread; DLP_NO_SIMD=1 is plain TypeScript);
// the thread count used is reported. Wall time is the median epoch; CPU time counts every
// thread of the process, so with a worker it exceeds wall time.
// Run: node --import tsx bench/mnist-train.ts [epochs]   (or import benchMnistTraining from bench/run).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMlp, defaultMnistSpec, defaultTrainOptions, loadMnist, train } from '../runtime/index.js';
import { simdKernels } from '../runtime/tensor/simd.js';

export interface MnistTrainingBench {
  loadSeconds: number;
  epochs: number;
  /** Wall seconds per epoch (median). */
  secondsPerEpoch: number;
  /** CPU seconds per epoch of the process, all threads (mean): less sensitive to a busy machine. */
  cpuSecondsPerEpoch: number;
  testAccuracy: number;
  /** Threads the matmul kernels used (2 on a multi-core machine, 1 with DLP_THREADS=1); 0 without WebAssembly SIMD. */
  threads: number;
}

export async function benchMnistTraining(epochs = 5): Promise<MnistTrainingBench> {
  const t0 = performance.now();
  const data = loadMnist();
  const loadSeconds = (performance.now() - t0) / 1000;
  const model = createMlp(defaultMnistSpec);
  const cpu0 = process.cpuUsage().user;
  const r = await train(model, data.train, { ...defaultTrainOptions, epochs });
  const cpu = (process.cpuUsage().user - cpu0) / 1e6;
  const times = r.history.map((h) => h.seconds).sort((a, b) => a - b);
  return {
    loadSeconds,
    epochs,
    secondsPerEpoch: times[Math.floor(times.length / 2)]!,
    cpuSecondsPerEpoch: cpu / epochs,
    testAccuracy: model.evaluate(data.test).accuracy,
    threads: simdKernels()?.threads() ?? 0,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const epochs = Number(process.argv[2] ?? 5);
  const r = await benchMnistTraining(epochs);
  console.log(`load ${r.loadSeconds.toFixed(2)} s; ${r.epochs} epochs: ${r.secondsPerEpoch.toFixed(2)} s/epoch wall (median), ` +
    `${r.cpuSecondsPerEpoch.toFixed(2)} s/epoch cpu; test accuracy ${(100 * r.testAccuracy).toFixed(2)} %; ` +
    `${r.threads === 0 ? 'TypeScript kernels' : `${r.threads} thread${r.threads > 1 ? 's' : ''}`}`);
}
