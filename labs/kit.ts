// The lab kit: the documented building blocks lab hand-outs import as `dlpkit/labkit` (from any
// folder; see labs/lib/student-tsconfig.json and package.json "exports"). It holds plumbing a
// student is not graded on — reading MNIST, matrix kernels, a seeded normal generator, saving
// and loading parameters, timing — and never a trainer or a layer: those are the labs' work.
import { existsSync, readFileSync } from 'node:fs';
import { readSafetensorsWithMetadata, writeSafetensors } from '../compiler/weights/safetensors.js';
import { DlpError } from '../isa/errors.js';
import { writeFileAtomic } from '../isa/files.js';
import { createRng } from '../runtime/rng.js';
import { loadMnist } from '../runtime/mnist.js';
import { matmul as mm, matmulTransA as mmTA, matmulTransB as mmTB } from '../runtime/tensor/matmul.js';

export { compileAndRun, mlpGraph, type DeviceRun } from './lib/device.js';
export { timeHost, type HostTiming } from '../cli/report/host-timing.js';
// Provided experiments of labs 05 and 06 (the checkers run the same code).
export { baseHardware, measureLayer } from './05-roofline/measure.js';
export { runVariant, trainModel, VARIANTS, type DeviceResult, type Trained, type Variant } from './06-quantization/experiment.js';

/** Environment the checkers set when they run a student's program (quick mode, output file). */
export const LAB_ENV = { subset: 'DLP_LAB_SUBSET', params: 'DLP_LAB_PARAMS' } as const;

export interface MnistData {
  /** nTrain × 784 pixels, row-major. */
  trainImages: Float32Array;
  trainLabels: Uint8Array;
  /** nTest × 784 pixels. */
  testImages: Float32Array;
  testLabels: Uint8Array;
  nTrain: number;
  nTest: number;
  /** 'raw': bytes 0..255 as the course's numpy lab feeds them; 'unit': divided by 255. */
  pixels: 'raw' | 'unit';
}

/**
 * MNIST from the original IDX files (60000 training, 10000 test images). Pixels are 'raw'
 * (0..255) by default, as in the course's lab, whose N(0, 0.01) initialisation relies on them.
 * When a checker runs your program in quick mode it sets DLP_LAB_SUBSET and you get that many
 * images of each set instead.
 */
export function loadMnistData(opts: { pixels?: 'raw' | 'unit' } = {}): MnistData {
  const pixels = opts.pixels ?? 'raw';
  const env = process.env[LAB_ENV.subset];
  const subset = env ? Number(env) : undefined;
  const m = loadMnist({ pixels, ...(subset ? { subset } : {}) });
  return {
    trainImages: m.train.x, trainLabels: m.train.y as Uint8Array, testImages: m.test.x, testLabels: m.test.y as Uint8Array,
    nTrain: m.train.n, nTest: m.test.n, pixels,
  };
}

/** C = A·B for A (m × k) and B (k × n), row-major; a new m × n array. */
export function matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  sizeCheck('matmul', a, m * k, b, k * n);
  const c = new Float32Array(m * n);
  mm(a, b, c, m, k, n);
  return c;
}

/** C = Aᵀ·B for A (k × m) and B (k × n): the weight gradient xᵀ·dy. */
export function matmulTransA(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  sizeCheck('matmulTransA', a, k * m, b, k * n);
  const c = new Float32Array(m * n);
  mmTA(a, b, c, k, m, n);
  return c;
}

/** C = A·Bᵀ for A (m × k) and B (n × k): the input gradient dy·Wᵀ. */
export function matmulTransB(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  sizeCheck('matmulTransB', a, m * k, b, n * k);
  const c = new Float32Array(m * n);
  mmTB(a, b, c, m, k, n);
  return c;
}

function sizeCheck(what: string, a: Float32Array, na: number, b: Float32Array, nb: number): void {
  if (a.length !== na || b.length !== nb) throw new DlpError(`${what}: operands have ${a.length} and ${b.length} values, the sizes given need ${na} and ${nb}`);
}

/** A seeded generator of N(mean, std²) samples (the course's np.random.normal). */
export function normalSampler(seed: number): (mean?: number, std?: number) => number {
  const rng = createRng(seed);
  return (mean = 0, std = 1) => mean + std * rng.normal();
}

/** A seeded permutation of 0..n−1 (shuffling the training set each epoch). */
export function shuffledIndices(n: number, seed: number): Uint32Array {
  return createRng(seed).shuffle(Uint32Array.from({ length: n }, (_, i) => i));
}

/** One named parameter: values row-major with their shape (weights [in, out], biases [out]). */
export interface ParamTensor {
  shape: number[];
  data: Float32Array;
}

/** Where a program saves its parameters: DLP_LAB_PARAMS when a checker runs it, else `fallback`. */
export function paramsPath(fallback = 'mlp-params.safetensors'): string {
  return process.env[LAB_ENV.params] || fallback;
}

/** Saves parameters (safetensors, written atomically), with the pixel scaling they were trained on. */
export function saveParams(file: string, params: Record<string, ParamTensor>, pixels: 'raw' | 'unit'): void {
  const tensors: Parameters<typeof writeSafetensors>[0] = {};
  for (const [name, p] of Object.entries(params)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    if (n !== p.data.length) throw new DlpError(`saveParams: '${name}' has ${p.data.length} values but shape [${p.shape.join(', ')}] holds ${n}`);
    tensors[name] = { dtype: 'F32', shape: p.shape, data: p.data };
  }
  writeFileAtomic(file, writeSafetensors(tensors, { pixels }));
}

/** Loads what saveParams wrote. */
export function loadParams(file: string): { params: Record<string, ParamTensor>; pixels: 'raw' | 'unit' } {
  if (!existsSync(file)) throw new DlpError(`no parameter file ${file}`);
  const { tensors, metadata } = readSafetensorsWithMetadata(new Uint8Array(readFileSync(file)), file);
  const params: Record<string, ParamTensor> = {};
  for (const [name, t] of tensors) params[name] = { shape: t.shape, data: Float32Array.from(t.data as ArrayLike<number>) };
  return { params, pixels: metadata['pixels'] === 'unit' ? 'unit' : 'raw' };
}
