// The fast paths of host training give the same bits as the plain ones: the WebAssembly
// optimiser updates against the JavaScript loops (Adam, momentum, Nesterov, SGD), and the
// matmuls split with the worker thread against one thread.
import { afterAll, describe, expect, it } from 'vitest';
import { createMlp, createRng, train, type Dataset, type Param } from '../../runtime/index.js';
import { kernelFloats, kernelsHold } from '../../runtime/tensor/matmul.js';
import { createOptimizerOn, type OptimizerOptions } from '../../runtime/optim.js';
import { createSimdKernels, simdKernels, type SimdKernels } from '../../runtime/tensor/simd.js';
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

describe('training batches gathered by the kernels', () => {
  const single = createSimdKernels(false)!;
  const threaded = createSimdKernels(true)!;
  afterAll(() => threaded.stopThreads());
  const width = 37;
  const rowsOf = 500;
  const fill = (x: Float32Array) => {
    const rng = createRng(5);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    return x;
  };
  const order = (n: number, seed: number): Uint32Array => {
    const rng = createRng(seed);
    return Uint32Array.from({ length: n }, () => Math.floor(rng.next() * rowsOf));
  };
  const jsGather = (x: Float32Array, rows: ArrayLike<number>): Float32Array => {
    const out = new Float32Array(rows.length * width);
    for (let r = 0; r < rows.length; r++) out.set(x.subarray(rows[r]! * width, (rows[r]! + 1) * width), r * width);
    return out;
  };

  it('copies the rows the order names, on one thread and split with the worker', async () => {
    for (const kern of [single, threaded]) {
      const x = fill(kern.alloc(rowsOf * width)!);
      const out = kern.alloc(2000 * width)!;
      for (const n of [1, 3, 100, 2000]) {
        const rows = order(n, n);
        expect(kern.gatherRows(x, width, rows, out)).toBe(true);
        expect(out.subarray(0, n * width)).toEqual(jsGather(x, rows));
      }
    }
    // Until the worker has gathered some rows itself (it joins a job when it wakes in time,
    // so the gathers follow each other closely: a plain loop compares each).
    const x = fill(threaded.alloc(rowsOf * width)!);
    const out = threaded.alloc(2000 * width)!;
    let wrong = 0;
    for (let round = 0; round < 2000 && (round < 3 || threaded.workerChunks() === 0); round++) {
      const rows = order(2000, round);
      threaded.gatherRows(x, width, rows, out);
      for (let r = 0; r < rows.length; r++) {
        for (let j = 0; j < width; j++) if (!Object.is(out[r * width + j], x[rows[r]! * width + j])) wrong++;
      }
      if (threaded.threads() < 2) await new Promise((r) => setTimeout(r, 10));
    }
    expect(wrong).toBe(0);
    expect(threaded.workerChunks()).toBeGreaterThan(0);
  });

  it('a copy past the memory\'s maximum throws and leaves the memory and the allocator as they were', () => {
    const small = createSimdKernels(false, true, 128)!; // 8 MiB
    const before = small.memory.buffer.byteLength;
    expect(() => small.alloc(3_000_000, new Float32Array(3_000_000))).toThrow(RangeError);
    expect(small.memory.buffer.byteLength).toBe(before);
    // The next allocations land where they would have without the failed one.
    const a = small.alloc(1000)!;
    const b = small.alloc(1000)!;
    expect(b.byteOffset - a.byteOffset).toBe(4000);
    expect(a.byteOffset + 4000 + 4000).toBeLessThanOrEqual(before);
  });

  it('declines rows or outputs that are not resident, and a too short output', () => {
    const x = fill(single.alloc(rowsOf * width)!);
    const out = single.alloc(10 * width)!;
    const rows = order(10, 1);
    expect(single.gatherRows(fill(new Float32Array(rowsOf * width)), width, rows, out)).toBe(false);
    expect(single.gatherRows(x, width, rows, new Float32Array(10 * width))).toBe(false);
    expect(single.gatherRows(x, width, order(11, 1), out)).toBe(false);
  });
});

describe('training on rows resident in the kernels\' memory', () => {
  // Rows the kernels gather (resident: loaded there, or copied there for several epochs) train
  // to the same bits as rows JavaScript copies.
  const n = 700;
  const features = 83;
  const rng = createRng(17);
  const x = Float32Array.from({ length: n * features }, () => (rng.next() < 0.6 ? 0 : rng.next()));
  const y = Uint8Array.from({ length: n }, () => Math.floor(rng.next() * 4));
  const trained = async (data: Dataset, epochs: number): Promise<number[]> => {
    const model = createMlp({ inputSize: features, hidden: [40, 20], outputs: 4, seed: 3 });
    await train(model, data, { epochs, batchSize: 64, lr: 0.05, optimizer: 'sgd', seed: 9 });
    return bits(model.params());
  };

  it('gives the same weights as rows copied by JavaScript', async () => {
    const plain: Dataset = { x, y, n, features };
    const loaded: Dataset = { x: kernelFloats(x.length), y, n, features };
    loaded.x.set(x);
    expect(kernelsHold(loaded.x)).toBe(true);
    expect(kernelsHold(x)).toBe(false);
    // One epoch: the plain rows are copied row by row in JavaScript, the loaded ones gathered.
    expect(await trained(loaded, 1)).toEqual(await trained(plain, 1));
    // Several epochs: the plain rows are first copied into the kernels' memory.
    expect(await trained(plain, 3)).toEqual(await trained(loaded, 3));
  });

  it('frees its copy of the rows when training ends: repeated trainings reuse it', async () => {
    const memory = simdKernels()!.memory;
    const big: Dataset = { x: new Float32Array(20_000 * 50), y: new Uint8Array(20_000), n: 20_000, features: 50 };
    const model = createMlp({ inputSize: 50, hidden: [8], outputs: 2, seed: 3 });
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) {
      await train(model, big, { epochs: 2, batchSize: 500, lr: 0.01, optimizer: 'sgd', seed: i });
      sizes.push(memory.buffer.byteLength);
    }
    // Each copy is 4 MB; without the free the memory would grow by that every run (the
    // batch buffers, 100 kB a run, are left to the collector).
    expect(sizes[3]! - sizes[0]!).toBeLessThan(20_000 * 50 * 4);
  });
});
