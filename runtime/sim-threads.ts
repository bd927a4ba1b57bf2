// Both cores for the simulator's big MATMUL tiles. The tile kernel (kernels/tile-matmul.ts)
// runs on a shared WebAssembly.Memory, and the rows of its multiply step are split with a
// worker thread (tensor/kernel-threads.ts). Only the multiply is split: the caller stages the
// operands and copies the results back as before, and every output row is computed by one
// thread in the kernel's own order (integer sums exact, fp32 sums in order p = 0..k-1), so the
// simulation's bytes are those of one thread; the timing model never sees the kernel, so the
// report is too. Node only: the simulator itself stays single-threaded and browser-safe and
// takes this kernel as SimOptions.tiles.
import { compileTileMatmulModule, createTileMatmul, wasmApi, type MultiplyRunner, type TileMatmul, type WasmMemory } from '../kernels/index.js';
import { canSplit, startKernelThreads, type KernelThreads } from './tensor/kernel-threads.js';

/** The shared memory's maximum, 512 MiB (reserved, not committed; small enough to reserve under
 * `ulimit -v 4000000`). A tile needing more scratch runs on the simulator's scalar loops. */
const MAX_PAGES = 8192;
/**
 * Multiply steps with at least this many (padded) multiply-adds are split with the worker;
 * below it the handshake and the worker's wake-up cost more than half the step saves
 * (bench/ratios.ts measures the split on the GEMM and MNIST; see docs/bench.md).
 */
export const SPLIT_MIN_MACS = 1 << 19;
/** Row chunks per split step: enough to balance two threads on a busy machine. */
const CHUNKS_PER_STEP = 8;
const KERNELS = ['mmI16', 'mmF64'] as const;

export interface SimThreads {
  /** The kernel to pass as SimOptions.tiles. */
  tiles: TileMatmul;
  /** 2 while the worker is running, else 1. */
  threads(): number;
  /** Row chunks the worker has computed so far. */
  workerChunks(): number;
  /** Ends the worker; later tiles run on the caller alone. */
  stop(): void;
}

/**
 * A threaded tile kernel with its own memory and worker (the worker starts on the first step
 * big enough to split, which itself runs on the caller); undefined without WebAssembly SIMD or
 * shared memory. `minMacs` is the split threshold (tests lower it to split small tiles).
 */
export function createSimThreads(minMacs = SPLIT_MIN_MACS): SimThreads | undefined {
  const wasm = wasmApi();
  const module = compileTileMatmulModule({ shared: true, maxPages: MAX_PAGES });
  if (!wasm || !module) return undefined;
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  } catch {
    return undefined;
  }
  let pool: KernelThreads | undefined;
  let state: 'none' | 'on' | 'off' = 'none';
  const run: MultiplyRunner = (step, own) => {
    const rows = step.args[3];
    if (state === 'off' || step.macs < minMacs || rows < 2 * step.rowBlock) {
      own(...step.args);
      return true;
    }
    if (state === 'none') {
      pool = startKernelThreads(module, memory, KERNELS);
      state = pool ? 'on' : 'off';
    }
    if (!pool?.ready()) {
      own(...step.args);
      return true;
    }
    const chunkRows = Math.ceil(rows / CHUNKS_PER_STEP / step.rowBlock) * step.rowBlock;
    if (pool.run({ fn: KERNELS.indexOf(step.kernel), args: step.args, steps: step.steps, rowArg: 3, chunkRows }, own)) return true;
    state = 'off'; // the worker failed: the caller redoes the step alone from now on
    return false;
  };
  const tiles = createTileMatmul({ memory, module, run });
  if (!tiles) return undefined;
  return {
    tiles,
    threads: () => (state === 'on' && pool?.ready() ? 2 : 1),
    workerChunks: () => pool?.workerChunks() ?? 0,
    stop() {
      pool?.stop();
      state = 'off';
    },
  };
}

let shared: SimThreads | null | undefined;

/**
 * The process-wide threaded kernel for SimOptions.tiles, or undefined (the simulator's own
 * single-threaded kernel) off the main thread, on one core, or with DLP_THREADS=1.
 */
export function simulatorTiles(): TileMatmul | undefined {
  if (shared === undefined) shared = process.env.DLP_THREADS !== '1' && canSplit() ? createSimThreads() ?? null : null;
  return shared?.tiles;
}
