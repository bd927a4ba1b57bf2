// The WebAssembly SIMD backend of the matmul kernels. Operands are copied into one scratch
// linear memory (a memcpy, small next to the multiply), B is transposed there for A·Bᵀ (Aᵀ
// is read in place through strides), one register-blocked, zero-skipping kernel
// (wasm-module.ts) multiplies, and the result is copied back. With DLP_THREADS=2, big
// products are split by rows of C with a worker thread on a shared memory
// (kernel-threads.ts); the split never changes a bit of the result. The compiled instance
// (and the worker) are created once per process on first use — a cache, not state that
// changes results. DLP_NO_SIMD=1 forces the TypeScript kernels.
import { kernelThreadCount, startKernelThreads, type KernelThreads, type MmBlocked } from './kernel-threads.js';
import { wasmApi, type WasmMemory } from '../../kernels/wasm-encoder.js';
import { buildKernelModule } from './wasm-module.js';

type Kernel7 = (a: number, b: number, c: number, d0: number, d1: number, d2: number, d3: number) => void;

export interface SimdKernels {
  matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, acc: boolean): boolean;
  matmulTransA(a: Float32Array, b: Float32Array, c: Float32Array, k: number, m: number, n: number, acc: boolean): boolean;
  matmulTransB(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, acc: boolean): boolean;
  /** Threads the products use (1, or 2 once the worker is up). */
  threads(): number;
  /** Row chunks the worker has computed so far (for tests and benchmarks). */
  workerChunks(): number;
  stopThreads(): void;
}

/** The shared memory's maximum (4 GiB, as an unshared one); only reserved, not committed. */
const MAX_PAGES = 65536;
/**
 * Products with at least this many multiply-adds (m·k·n, before zero skipping) are split
 * with the worker; below it the handshake costs more than it saves.
 */
const SPLIT_MIN_MACS = 400_000;

let cached: SimdKernels | null | undefined;

/** The SIMD kernels, or undefined when WebAssembly SIMD is unavailable or disabled. */
export function simdKernels(): SimdKernels | undefined {
  if (cached === undefined) cached = process.env.DLP_NO_SIMD === '1' ? null : (createSimdKernels(kernelThreadCount() > 1) ?? null);
  return cached ?? undefined;
}

/** Stops the kernels' worker thread, if any; later products run on one thread. */
export function stopKernelThreads(): void {
  cached?.stopThreads();
}

/**
 * A fresh set of kernels with its own memory (and, when `threaded`, its own worker, started
 * on the first product big enough to split); undefined without WebAssembly SIMD.
 * simdKernels() is the process-wide instance; this is for tests that compare the two.
 */
export function createSimdKernels(threaded: boolean): SimdKernels | undefined {
  const wasm = wasmApi();
  if (!wasm) return undefined;
  let memory: WasmMemory;
  let module: object;
  let exports: Record<string, Kernel7>;
  try {
    memory = threaded ? new wasm.Memory({ initial: 64, maximum: MAX_PAGES, shared: true }) : new wasm.Memory({ initial: 64 });
    module = new wasm.Module(buildKernelModule(threaded ? { shared: true, maxPages: MAX_PAGES } : { shared: false }));
    const instance = new wasm.Instance(module, { env: { mem: memory } });
    exports = instance.exports as unknown as Record<string, Kernel7>;
  } catch {
    return threaded ? createSimdKernels(false) : undefined;
  }
  let heap = new Float32Array(memory.buffer);
  const transpose = exports.transpose!;
  const mmBlocked = exports.mmBlocked as unknown as MmBlocked;
  // Started on the first product big enough to split (which itself still runs on one thread).
  let pool: KernelThreads | undefined;
  let poolState: 'none' | 'on' | 'off' = threaded ? 'none' : 'off';

  /** Lays out regions of the given float sizes back to back (16-byte aligned); returns offsets. */
  const place = (...sizes: number[]): number[] => {
    const offs: number[] = [];
    let end = 0;
    for (const size of sizes) {
      offs.push(end);
      end = align4(end + size);
    }
    if (end * 4 > memory.buffer.byteLength) memory.grow(Math.ceil((end * 4 - memory.buffer.byteLength) / 65536));
    // grow() detaches an unshared buffer; a shared one stays valid but keeps its old length.
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
    return offs;
  };

  /** The worker, when this product should be split with it. */
  const splitter = (m: number, k: number, n: number): KernelThreads | undefined => {
    if (poolState === 'off' || m < 2 || m * k * n < SPLIT_MIN_MACS) return undefined;
    if (poolState === 'none') {
      pool = startKernelThreads(module, memory, mmBlocked);
      poolState = pool ? 'on' : 'off';
      return undefined;
    }
    return pool?.ready() ? pool : undefined;
  };

  /**
   * C (+)= A·B with A at oa (element (i, p) at byte oa·4 + i·rs + p·es) and B at ob: copies C
   * in when accumulating, runs the kernel (split by rows with the worker when big enough; ol
   * holds both threads' 2k-float lists) and copies C out.
   */
  const multiply = (
    oa: number, rs: number, es: number, ob: number, oc: number, ol: number, c: Float32Array, m: number, k: number, n: number, acc: boolean,
  ): true => {
    const sc = m * n;
    if (acc) heap.set(c.subarray(0, sc), oc);
    const split = splitter(m, k, n);
    const flag = acc ? 1 : 0;
    if (!split || !split.mmBlocked(oa * 4, rs, es, ob * 4, oc * 4, m, k, n, ol * 4, (ol + 2 * k) * 4, flag)) {
      if (split) {
        poolState = 'off'; // the worker failed: redo the whole product here
        if (acc) heap.set(c.subarray(0, sc), oc);
      }
      mmBlocked(oa * 4, ob * 4, oc * 4, m, k, n, ol * 4, rs, es, flag);
    }
    c.set(heap.subarray(oc, oc + sc));
    return true;
  };

  return {
    threads: () => (poolState === 'on' && pool?.ready() ? 2 : 1),
    workerChunks: () => pool?.workerChunks() ?? 0,
    stopThreads() {
      pool?.stop();
      poolState = 'off';
    },
    matmul(a, b, c, m, k, n, acc) {
      const [oa, ob, oc, ol] = place(m * k, k * n, m * n, 4 * k) as [number, number, number, number];
      heap.set(a.subarray(0, m * k), oa);
      heap.set(b.subarray(0, k * n), ob);
      return multiply(oa, k * 4, 4, ob, oc, ol, c, m, k, n, acc);
    },
    // Aᵀ·B: the kernel reads A (k×m) column by column (row stride 4 bytes, element stride
    // 4m), so no transpose is needed; the same zero-skipping kernel.
    matmulTransA(a, b, c, k, m, n, acc) {
      const [oa, ob, oc, ol] = place(k * m, k * n, m * n, 4 * k) as [number, number, number, number];
      heap.set(a.subarray(0, k * m), oa);
      heap.set(b.subarray(0, k * n), ob);
      return multiply(oa, 4, m * 4, ob, oc, ol, c, m, k, n, acc);
    },
    // A·Bᵀ: transpose B (n×k) to k×n; zeros of A (e.g. ReLU-masked gradients) are skipped.
    matmulTransB(a, b, c, m, k, n, acc) {
      const [oa, ob, obt, oc, ol] = place(m * k, n * k, k * n, m * n, 4 * k) as [number, number, number, number, number];
      heap.set(a.subarray(0, m * k), oa);
      heap.set(b.subarray(0, n * k), ob);
      transpose(ob * 4, obt * 4, n, k, 0, 0, 0);
      return multiply(oa, k * 4, 4, obt, oc, ol, c, m, k, n, acc);
    },
  };
}

function align4(floats: number): number {
  return (floats + 3) & ~3;
}
