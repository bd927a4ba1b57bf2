// Both cores for the simulator's big MATMUL tiles. The tile kernel (kernels/tile-matmul.ts)
// runs on a shared WebAssembly.Memory, and the rows of its multiply step are split with a
// worker thread (tensor/kernel-threads.ts). Only the multiply is split: the caller stages the
// operands and copies the results back as before, and every output row is computed by one
// thread in the kernel's own order (integer sums exact, fp32 sums in order p = 0..k-1), so the
// simulation's bytes are those of one thread; the timing model never sees the kernel, so the
// report is too. Node only: the simulator itself stays single-threaded and browser-safe and
// takes this kernel as SimOptions.tiles.
import { compileTileMatmulModule, createTileMatmul, wasmApi, type MultiplyRunner, type TileMatmul, type WasmMemory } from '../kernels/index.js';
import { kernelThreadCount, lazyKernelThreads } from './tensor/kernel-threads.js';

/** The shared memory's maximum, 512 MiB (reserved, not committed; small enough to reserve under
 * `ulimit -v 4000000`). A tile needing more scratch runs on the simulator's scalar loops. */
const MAX_PAGES = 8192;
/**
 * Multiply steps with fewer (padded) multiply-adds always run on the caller. Measured on the
 * 2-core reference machine while idle (bench, int8 tiles, kernel already staged, worker awake):
 * 64×128×64 (2^19) 22 µs alone, 24 split; 64×128×128 (2^20) 43 µs either way; 64×1024×128
 * 335 µs alone, 236 split. From it on, each size class learns whether splitting pays (StepTimer).
 */
export const SPLIT_MIN_MACS = 1 << 20;
/** Row chunks per split step: enough to balance two threads on a busy machine. */
const CHUNKS_PER_STEP = 8;
/** Every PROBE-th step of a size class runs the way that currently looks slower, to notice a change in the machine's load. */
const PROBE = 16;
const KERNELS = ['mmI16', 'mmF64'] as const;

type Way = 'split' | 'solo';

/**
 * Picks how the steps of one size class (a power of two of multiply-adds) run, from their own
 * times: nanoseconds per multiply-add, a moving average for each way. The split loses when
 * another process keeps the second core busy (the caller waits for a descheduled worker's
 * chunk) or the worker has parked between steps (a wake-up, and the staged operands pulled
 * across cores); it wins on big steps with an idle, awake worker (see SPLIT_MIN_MACS). Which way
 * ran never changes a bit of the result.
 */
export class StepTimer {
  private readonly rate = { split: NaN, solo: NaN };
  private steps = 0;
  pick(): Way {
    this.steps++;
    if (Number.isNaN(this.rate.split)) return 'split';
    if (Number.isNaN(this.rate.solo)) return 'solo';
    const best: Way = this.rate.split < this.rate.solo ? 'split' : 'solo';
    return this.steps % PROBE === 0 ? (best === 'split' ? 'solo' : 'split') : best;
  }
  record(way: Way, ns: number, macs: number): void {
    const r = ns / macs, prev = this.rate[way];
    this.rate[way] = Number.isNaN(prev) ? r : prev + (r - prev) / 4;
  }
}

export interface SimThreadsOptions {
  /** Steps below this many multiply-adds run on the caller (default SPLIT_MIN_MACS). */
  minMacs?: number;
  /** Learn per size class whether splitting pays (default true); false splits every step (tests). */
  adaptive?: boolean;
}

export interface SimThreads {
  /** The kernel to pass as SimOptions.tiles. */
  tiles: TileMatmul;
  /** 2 while the worker is running, else 1. */
  threads(): number;
  /** Row chunks the worker has computed so far. */
  workerChunks(): number;
  /** Steps at or above the threshold so far, by how they ran. */
  steps(): { split: number; solo: number };
  /** Ends the worker; later tiles run on the caller alone. */
  stop(): void;
}

/**
 * A threaded tile kernel with its own memory and worker (the worker starts on the first step
 * big enough to split, which itself runs on the caller); undefined without WebAssembly SIMD or
 * shared memory.
 */
export function createSimThreads(opts: SimThreadsOptions = {}): SimThreads | undefined {
  const minMacs = opts.minMacs ?? SPLIT_MIN_MACS;
  const timers = opts.adaptive === false ? undefined : new Map<number, StepTimer>();
  const counts = { split: 0, solo: 0 };
  const wasm = wasmApi();
  const module = compileTileMatmulModule({ shared: true, maxPages: MAX_PAGES });
  if (!wasm || !module) return undefined;
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  } catch {
    return undefined;
  }
  const threads = lazyKernelThreads(module, memory, KERNELS);
  const run: MultiplyRunner = (step, own) => {
    const rows = step.args[3];
    if (threads.off() || step.macs < minMacs || rows < 2 * step.rowBlock) {
      own(...step.args);
      return true;
    }
    const pool = threads.take();
    let timer: StepTimer | undefined;
    if (timers) {
      const size = Math.floor(Math.log2(step.macs));
      timer = timers.get(size) ?? new StepTimer();
      timers.set(size, timer);
    }
    const way: Way = pool ? timer?.pick() ?? 'split' : 'solo';
    counts[way]++;
    const t0 = performance.now();
    if (way === 'solo') own(...step.args);
    else {
      const chunkRows = Math.ceil(rows / CHUNKS_PER_STEP / step.rowBlock) * step.rowBlock;
      if (!pool!.run({ fn: KERNELS.indexOf(step.kernel), args: step.args, steps: step.steps, rowArg: 3, chunkRows }, own)) {
        threads.fail(); // the worker failed: the caller redoes the step alone from now on
        return false;
      }
    }
    timer?.record(way, (performance.now() - t0) * 1e6, step.macs);
    return true;
  };
  const tiles = createTileMatmul({ memory, module, run });
  if (!tiles) return undefined;
  return {
    tiles,
    threads: threads.threads,
    workerChunks: threads.workerChunks,
    steps: () => ({ ...counts }),
    stop: threads.stop,
  };
}

let shared: TileMatmul | null | undefined;

/** The tile kernel simulatorTiles hands out, made on its first tile: the threaded one on the
 * main thread of a multi-core machine (not with DLP_THREADS=1), else the simulator's own
 * single-threaded one; null without WebAssembly SIMD (the simulator's scalar loops run). */
function tilesNow(): TileMatmul | null {
  if (shared === undefined) shared = (kernelThreadCount() > 1 ? createSimThreads()?.tiles : undefined) ?? createTileMatmul() ?? null;
  return shared;
}

/**
 * The process-wide kernel for SimOptions.tiles. It is made when the simulator first hands it a
 * tile (one of at least MIN_SIMD_MACS multiply-adds), so a run whose tiles are all smaller
 * compiles no WebAssembly, allocates no shared memory and loads no worker_threads. Either
 * kernel gives the same bits; false (the simulator's scalar loops) without one.
 */
export function simulatorTiles(): TileMatmul {
  return LAZY_TILES;
}

const LAZY_TILES: TileMatmul = {
  int: (out, a, w, m, k, n, acc) => tilesNow()?.int(out, a, w, m, k, n, acc) ?? false,
  f32: (out, a, w, m, k, n, acc) => tilesNow()?.f32(out, a, w, m, k, n, acc) ?? false,
};
