// The fast paths of host training give the same bits as the plain ones: the WebAssembly
// optimiser updates against the JavaScript loops (Adam, momentum, Nesterov, SGD), and the
// matmuls split with the worker thread against one thread.
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, type Param } from '../../runtime/index.js';
import { createOptimizerOn, type OptimizerOptions } from '../../runtime/optim.js';
import { createSimdKernels, type SimdKernels } from '../../runtime/tensor/simd.js';
import { canSplit, kernelThreadCount } from '../../runtime/tensor/kernel-threads.js';

/** Parameters of awkward sizes (not multiples of 4, one scalar) with random values. */
function randomParams(seed: number): Param[] {
  const rng = createRng(seed);
  return [[37, 13], [13], [1], [128, 10], [6]].map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const value = Float32Array.from({ length: n }, () => rng.normal() * 0.1);
    return { name: i % 2 ? 'bias' : 'weight', value, grad: new Float32Array(n), shape, regularize: i % 2 === 0 };
  });
}

function bits(params: readonly Param[]): number[] {
  return params.flatMap((p) => Array.from(new Uint32Array(p.value.buffer, p.value.byteOffset, p.value.length)));
}

describe('optimiser updates in WebAssembly', () => {
  const cases: Array<[string, OptimizerOptions, number]> = [
    ['sgd', { kind: 'sgd' }, 0.05],
    ['momentum', { kind: 'momentum', momentum: 0.9 }, 0.01],
    ['nesterov', { kind: 'momentum', momentum: 0.8, nesterov: true }, 0.01],
    ['adam', { kind: 'adam' }, 0.002],
    ['adam (β 0.5, 0.9, ε 1e-3)', { kind: 'adam', beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }, 0.01],
  ];
  for (const [name, opts, lr] of cases) {
    it(`${name}: the same weights bit for bit as the JavaScript loops after 25 steps`, () => {
      const fast = randomParams(7);
      const slow = randomParams(7);
      const wasm = createOptimizerOn(opts, 'auto');
      const js = createOptimizerOn(opts, 'js');
      const rng = createRng(11);
      for (let step = 0; step < 25; step++) {
        for (let i = 0; i < fast.length; i++) {
          const g = fast[i]!.grad;
          // Gradients over many magnitudes, with exact zeros, as real ones have.
          for (let j = 0; j < g.length; j++) g[j] = rng.next() < 0.2 ? 0 : rng.normal() * 10 ** (-1 - 4 * rng.next());
          slow[i]!.grad.set(g);
        }
        wasm.step(fast, lr * (1 - step / 50));
        js.step(slow, lr * (1 - step / 50));
      }
      expect(bits(fast)).toEqual(bits(slow));
      expect(bits(fast)).not.toEqual(bits(randomParams(7)));
    });
  }
});

describe('matmuls split with a worker thread', () => {
  it('is the default on the main thread of a multi-core machine; DLP_THREADS=1 opts out', () => {
    const saved = process.env.DLP_THREADS;
    try {
      delete process.env.DLP_THREADS;
      expect(kernelThreadCount()).toBe(canSplit() ? 2 : 1);
      process.env.DLP_THREADS = '2';
      expect(kernelThreadCount()).toBe(canSplit() ? 2 : 1);
      process.env.DLP_THREADS = '1';
      expect(kernelThreadCount()).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.DLP_THREADS;
      else process.env.DLP_THREADS = saved;
    }
  });

  const single = createSimdKernels(false)!;
  const threaded = createSimdKernels(true)!;
  afterAll(() => threaded.stopThreads());

  const rand = (n: number, seed: number, zeroRate: number): Float32Array => {
    const rng = createRng(seed);
    return Float32Array.from({ length: n }, () => (rng.next() < zeroRate ? 0 : rng.normal()));
  };
  type Variant = 'matmul' | 'matmulTransA' | 'matmulTransB';
  // [variant, the three dims as the variant takes them, rows of C]
  const products: Array<[Variant, [number, number, number]]> = [
    ['matmul', [100, 784, 128]], ['matmul', [37, 301, 77]],
    ['matmulTransA', [100, 784, 128]], ['matmulTransB', [100, 64, 128]], ['matmulTransB', [33, 250, 130]],
  ];
  const inputs = new Map<string, Float32Array[]>();
  const run = (kern: SimdKernels, v: Variant, dims: [number, number, number], acc: boolean): Float32Array => {
    const [m, k, n] = v === 'matmulTransA' ? [dims[1], dims[0], dims[2]] : dims;
    const key = `${v} ${dims.join()}`;
    if (!inputs.has(key)) inputs.set(key, [rand(m * k, m + k, 0.7), rand(k * n, k + n, 0.1), rand(m * n, n, 0)]);
    const [a, b, c0] = inputs.get(key)!;
    const c = c0!.slice();
    kern[v](a!, b!, c, ...dims, acc);
    return c;
  };

  it('gives the same bits as one thread, and the worker takes part', async () => {
    run(threaded, 'matmul', [100, 784, 128], false); // starts the worker
    for (let i = 0; i < 500 && threaded.threads() < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(threaded.threads()).toBe(2);
    expect(single.threads()).toBe(1);
    // The worker joins a product only when it wakes in time; repeat until it has done some.
    for (let round = 0; round < 200 && (round < 3 || threaded.workerChunks() === 0); round++) {
      for (const [v, dims] of products) {
        for (const acc of [false, true]) {
          const want = new Uint32Array(run(single, v, dims, acc).buffer);
          const got = new Uint32Array(run(threaded, v, dims, acc).buffer);
          expect(got, `${v} ${dims.join('×')} acc=${acc}`).toEqual(want);
        }
      }
    }
    expect(threaded.workerChunks()).toBeGreaterThan(0);
    expect(single.workerChunks()).toBe(0);
  });
});
