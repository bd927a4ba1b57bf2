// The WebAssembly SIMD backend of the matmul kernels. Operands are copied into one scratch
// linear memory (a memcpy, small next to the multiply), B is transposed there for A·Bᵀ (Aᵀ
// is read in place through strides), one register-blocked, zero-skipping kernel
// (wasm-module.ts) multiplies, and the result is copied back. On a multi-core machine big
// products are split by rows of C with a worker thread on a shared memory
// (kernel-threads.ts); the split never changes a bit of the result. The compiled instance
// (and the worker) are created once per process on first use — a cache, not state that
// changes results. DLP_NO_SIMD=1 forces the TypeScript kernels.
import { kernelThreadCount, lazyKernelThreads, type KernelThreads } from './kernel-threads.js';
import { wasmApi, type WasmMemory } from '../../kernels/wasm-encoder.js';
import { buildKernelModule } from './wasm-module.js';
import { UPDATE_COUNT_ARG, type UpdateExports } from './wasm-update-kernels.js';

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
  /**
   * n zeroed floats (or a copy of `init`'s first n) resident in the kernels' memory (a view
   * that never detaches: the memory is shared), so products and optimiser steps read and write
   * them in place with no copy; or undefined when the memory is not shared. The region returns
   * to a free list when the view is collected.
   */
  alloc(n: number, init?: Float32Array): Float32Array | undefined;
  /** Whether `x` is a view of the kernels' memory (resident). */
  holds(x: Float32Array): boolean;
  /**
   * Returns the region of `x`, a view alloc() gave, to the free list now rather than when
   * the view is collected (the collector does not see the kernels' memory fill up): for an
   * owner that knows nothing else holds it. Other arrays are left alone.
   */
  free(x: Float32Array): void;
  /**
   * The float offset of `x` in the kernels' memory when it is a resident view whose region
   * starts at x and holds `padded` floats (so a 4-float kernel may overrun its length), else -1.
   */
  regionOf(x: Float32Array, padded: number): number;
  /** out[i, j] += bias[j] in place; false (nothing done) unless both are resident. */
  addBias(out: Float32Array, bias: Float32Array, m: number, n: number): boolean;
  /** out[j] (+)= Σ_i x[i, j] in place; false (nothing done) unless both are resident. */
  sumRows(x: Float32Array, m: number, n: number, out: Float32Array, acc: boolean): boolean;
  /** y[i] = s[i] > 0 ? g[i] : +0 in place; false (nothing done) unless all are resident. */
  maskPositive(s: Float32Array, g: Float32Array, y: Float32Array, n: number): boolean;
  /**
   * Row i of `out` = row rows[i] of `x` (rows of `width` floats), for every i of `rows`, split
   * with the worker when big enough; false (nothing done) unless x and out are resident.
   */
  gatherRows(x: Float32Array, width: number, rows: ArrayLike<number>, out: Float32Array): boolean;
  /** The kernels' memory, for other modules that work on resident views. */
  readonly memory: WasmMemory;
  /**
   * The optimiser update kernels (wasm-update-kernels.ts) on this memory, for resident
   * parameters: big updates are split with the worker by rows of 4 floats (every float is
   * updated on its own, so any split gives the same bits). An update runs in place, so a
   * worker failing part way through is an error (the values are then in an unknown state).
   */
  readonly updates: UpdateExports;
}

/** The shared memory's maximum (4 GiB, as an unshared one); only reserved, not committed. */
const MAX_PAGES = 65536;
/**
 * Products with at least this many multiply-adds (m·k·n, before zero skipping) are split
 * with the worker; below it the handshake costs more than it saves.
 */
const SPLIT_MIN_MACS = 400_000;
/** Row chunks per split product: enough for balance, few enough that claiming costs nothing. */
const CHUNKS_PER_PRODUCT = 16;
/** Gathers of fewer floats run on the caller (a batch of 100 MNIST rows is 78,400). */
const SPLIT_MIN_FLOATS = 32_768;
/** Optimiser updates of fewer floats run on the caller (MNIST's first weight matrix is
 * 100,352; the others are 8,192 and 640). */
const SPLIT_MIN_UPDATE = 32_768;

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
 * simdKernels() is the process-wide instance; this is for tests that compare the two (and
 * give a shared memory a small `maxPages` to see it run out).
 */
export function createSimdKernels(threaded: boolean, shared = true, maxPages = MAX_PAGES): SimdKernels | undefined {
  const wasm = wasmApi();
  if (!wasm) return undefined;
  let memory: WasmMemory;
  let module: object;
  let exports: Record<string, Kernel7>;
  try {
    memory = shared ? new wasm.Memory({ initial: 64, maximum: maxPages, shared: true }) : new wasm.Memory({ initial: 64 });
    module = new wasm.Module(buildKernelModule(shared ? { shared: true, maxPages } : { shared: false }));
    const instance = new wasm.Instance(module, { env: { mem: memory } });
    exports = instance.exports as unknown as Record<string, Kernel7>;
  } catch {
    return shared ? createSimdKernels(false, false) : undefined;
  }
  let heap = new Float32Array(memory.buffer);
  let heapI32 = new Int32Array(memory.buffer);
  // Every buffer object the memory has handed out (a shared memory gives a new one per grow;
  // all of them map the same bytes from address 0), to recognise resident views.
  const buffers = new WeakSet<object>([memory.buffer]);
  /** Resident regions: float offset → padded size, and free regions by padded size. */
  const regions = new Map<number, number>();
  const freeBySize = new Map<number, number[]>();
  const registry = new FinalizationRegistry<number>((off) => {
    const size = regions.get(off);
    if (size === undefined) return;
    regions.delete(off);
    let list = freeBySize.get(size);
    if (!list) freeBySize.set(size, (list = []));
    list.push(off);
  });
  let top = 0;
  let scratch = 0;
  let scratchSize = 0;
  /** Re-makes the heap view after a grow. */
  const refresh = (): void => {
    if (heap.buffer !== memory.buffer || heap.length * 4 < memory.buffer.byteLength) {
      heap = new Float32Array(memory.buffer);
      heapI32 = new Int32Array(memory.buffer);
      buffers.add(memory.buffer);
    }
  };
  /** `floats` (a multiple of 4) fresh floats at the top of the memory, growing it as needed. */
  const reserve = (floats: number): number => {
    const off = top;
    const end = top + floats;
    // Grown before the top moves: a grow past the maximum throws and leaves the heap as it was.
    if (end * 4 > memory.buffer.byteLength) memory.grow(Math.ceil((end * 4 - memory.buffer.byteLength) / 65536));
    top = end;
    refresh();
    return off;
  };
  const resident = (x: Float32Array): boolean => shared && buffers.has(x.buffer);
  const transpose = exports.transpose!;
  const mmBlocked = exports.mmBlocked as unknown as (...args: number[]) => void;
  type Four = (a: number, b: number, c: number, d: number) => void;
  const ew = exports as unknown as { addBias: Four; sumRows: Four; maskPositive: Four; gatherRows: (...args: number[]) => void };
  // Started on the first product big enough to split (which itself still runs on one thread);
  // the worker runs these exports (RowJob.fn indexes them).
  const pool = lazyKernelThreads(module, memory, ['mmBlocked', 'gatherRows', ...UPDATE_NAMES], threaded);

  /** Lays out regions of the given float sizes back to back (16-byte aligned); returns offsets. */
  // Scratch (operands that are not resident, the kernel's lists) is one region, replaced by a
  // larger one when a product needs more; grow() detaches an unshared buffer, and a shared one
  // stays valid but keeps its old length, so the heap view is re-made either way.
  const place = (...sizes: number[]): number[] => {
    const offs: number[] = [];
    let end = 0;
    for (const size of sizes) {
      offs.push(end);
      end = align4(end + size);
    }
    if (end > scratchSize) {
      scratchSize = Math.max(end, 2 * scratchSize);
      scratch = reserve(scratchSize);
    }
    return offs.map((o) => o + scratch);
  };
  /** The float offset of x in the memory: in place when resident, else copied to `to`. */
  const operand = (x: Float32Array, size: number, to: number): number => {
    if (resident(x)) return x.byteOffset >> 2;
    heap.set(x.subarray(0, size), to);
    return to;
  };

  /** The worker, when a job of `rows` rows and `work` (multiply-adds, floats copied) is big
   * enough (at least `min`) to split with it. */
  const splitter = (rows: number, work: number, min: number): KernelThreads | undefined => {
    if (rows < 2 || work < min) return undefined;
    return pool.take();
  };

  /**
   * C (+)= A·B with A at oa (element (i, p) at byte oa·4 + i·rs + p·es) and B at ob: copies C
   * in when accumulating, runs the kernel (split by rows with the worker when big enough; ol
   * holds both threads' 2k-float lists) and copies C out.
   */
  const multiply = (
    oa: number, aSize: number, rs: number, es: number, ob: number, oc: number, ol: number, c: Float32Array, m: number, k: number, n: number, acc: boolean,
  ): true => {
    const sc = m * n;
    // C is written in place when resident and clear of A and B (the kernel reads them while
    // it writes C); otherwise through scratch.
    const ca = c.byteOffset >> 2;
    const inPlace = resident(c) && (ca + sc <= oa || ca >= oa + aSize) && (ca + sc <= ob || ca >= ob + k * n);
    if (inPlace) oc = ca;
    else if (acc) heap.set(c.subarray(0, sc), oc);
    // A worker failing half way through would leave an in-place accumulation half done.
    const split = inPlace && acc ? undefined : splitter(m, m * k * n, SPLIT_MIN_MACS);
    const flag = acc ? 1 : 0;
    // Arguments (a, b, c, m, k, n, list, rs, es, acc): rows of A advance rs bytes, rows of C
    // n floats; the worker has its own 2k-float list after the caller's.
    const args = [oa * 4, ob * 4, oc * 4, m, k, n, ol * 4, rs, es, flag];
    const job = {
      fn: 0, args, workerArgs: [oa * 4, ob * 4, oc * 4, m, k, n, (ol + 2 * k) * 4, rs, es, flag],
      steps: [rs, 0, n * 4, 0, 0, 0, 0, 0, 0, 0], rowArg: 3, chunkRows: Math.ceil(m / CHUNKS_PER_PRODUCT),
    };
    if (!split || !split.run(job, mmBlocked)) {
      if (split) {
        pool.fail(); // the worker failed: redo the whole product here
        if (acc) heap.set(c.subarray(0, sc), oc);
      }
      mmBlocked(...args);
    }
    if (!inPlace) c.set(heap.subarray(oc, oc + sc));
    return true;
  };

  /** Runs update kernel `name` (RowJob.fn 2 + its index in UPDATE_NAMES), split when big. */
  const update = (name: (typeof UPDATE_NAMES)[number]) => (...args: number[]): void => {
    const own = exports[name] as unknown as (...a: number[]) => void;
    const at = UPDATE_COUNT_ARG[name];
    const n = args[at]!;
    const split = splitter(n, n, SPLIT_MIN_UPDATE);
    const job = {
      fn: 2 + UPDATE_NAMES.indexOf(name), args, rowArg: at,
      steps: args.map((_, j) => (j < at ? 4 : 0)), chunkRows: align4(Math.ceil(n / CHUNKS_PER_PRODUCT)),
    };
    if (!split) own(...args);
    else if (!split.run(job, own)) {
      pool.fail();
      throw new Error(`the kernels' worker failed during an optimiser step (${name}): the parameters are in an unknown state`);
    }
  };
  const updates: UpdateExports = { sgd: update('sgd'), momentum: update('momentum'), nesterov: update('nesterov'), adam: update('adam') };

  return {
    updates,
    threads: pool.threads,
    workerChunks: pool.workerChunks,
    stopThreads: pool.stop,
    matmul(a, b, c, m, k, n, acc) {
      const [sa, sb, oc, ol] = place(m * k, k * n, m * n, 4 * k) as [number, number, number, number];
      const oa = operand(a, m * k, sa);
      const ob = operand(b, k * n, sb);
      return multiply(oa, m * k, k * 4, 4, ob, oc, ol, c, m, k, n, acc);
    },
    // Aᵀ·B: the kernel reads A (k×m) column by column (row stride 4 bytes, element stride
    // 4m), so no transpose is needed; the same zero-skipping kernel.
    matmulTransA(a, b, c, k, m, n, acc) {
      const [sa, sb, oc, ol] = place(k * m, k * n, m * n, 4 * k) as [number, number, number, number];
      const oa = operand(a, k * m, sa);
      const ob = operand(b, k * n, sb);
      return multiply(oa, k * m, 4, m * 4, ob, oc, ol, c, m, k, n, acc);
    },
    // A·Bᵀ: transpose B (n×k) to k×n; zeros of A (e.g. ReLU-masked gradients) are skipped.
    matmulTransB(a, b, c, m, k, n, acc) {
      const [sa, sb, obt, oc, ol] = place(m * k, n * k, k * n, m * n, 4 * k) as [number, number, number, number, number];
      const oa = operand(a, m * k, sa);
      const ob = operand(b, n * k, sb);
      transpose(ob * 4, obt * 4, n, k, 0, 0, 0);
      return multiply(oa, m * k, k * 4, 4, obt, oc, ol, c, m, k, n, acc);
    },
    memory,
    addBias(out, bias, m, n) {
      if (!resident(out) || !resident(bias)) return false;
      ew.addBias(out.byteOffset, bias.byteOffset, m, n);
      return true;
    },
    sumRows(x, m, n, out, acc) {
      if (!resident(x) || !resident(out)) return false;
      if (!acc) out.fill(0, 0, n);
      ew.sumRows(x.byteOffset, out.byteOffset, m, n);
      return true;
    },
    maskPositive(sv, g, y, n) {
      if (!resident(sv) || !resident(g) || !resident(y)) return false;
      ew.maskPositive(sv.byteOffset, g.byteOffset, y.byteOffset, n);
      return true;
    },
    gatherRows(x, width, rows, out) {
      const m = rows.length;
      if (!resident(x) || !resident(out) || out.length < m * width) return false;
      // The row numbers go to scratch as int32, where the kernel (and the worker) read them.
      const [ol] = place(m) as [number];
      for (let i = 0; i < m; i++) heapI32[ol + i] = rows[i]!;
      const args = [out.byteOffset, x.byteOffset, ol * 4, m, width * 4];
      const split = splitter(m, m * width, SPLIT_MIN_FLOATS);
      const job = { fn: 1, args, steps: [width * 4, 0, 4, 0, 0], rowArg: 3, chunkRows: Math.ceil(m / CHUNKS_PER_PRODUCT) };
      if (!split || !split.run(job, ew.gatherRows)) {
        if (split) pool.fail(); // the worker failed: gather every row here (whole-row copies)
        ew.gatherRows(...args);
      }
      return true;
    },
    holds: resident,
    alloc(n, init) {
      if (!shared) return undefined;
      const size = align4(Math.max(1, n));
      const off = freeBySize.get(size)?.pop() ?? reserve(size);
      if (init) heap.set(init.subarray(0, n), off);
      heap.fill(0, init ? off + n : off, off + size);
      regions.set(off, size);
      const view = new Float32Array(memory.buffer, off * 4, n);
      buffers.add(memory.buffer);
      registry.register(view, off, view);
      return view;
    },
    free(x) {
      const off = x.byteOffset >> 2;
      const size = regions.get(off);
      if (!resident(x) || size === undefined || size !== align4(Math.max(1, x.length))) return;
      registry.unregister(x);
      regions.delete(off);
      let list = freeBySize.get(size);
      if (!list) freeBySize.set(size, (list = []));
      list.push(off);
    },
    regionOf(x, padded) {
      if (!resident(x)) return -1;
      const off = x.byteOffset >> 2;
      return regions.get(off) === padded ? off : -1;
    },
  };
}

const UPDATE_NAMES = ['sgd', 'momentum', 'nesterov', 'adam'] as const;

function align4(floats: number): number {
  return (floats + 3) & ~3;
}
