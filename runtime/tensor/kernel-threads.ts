// A second thread for big WebAssembly kernels. One worker (node:worker_threads) instantiates
// the caller's kernel module on the same *shared* WebAssembly.Memory; a job's rows are cut into
// chunks that both threads claim with an atomic counter, each running the unchanged kernel on
// its chunk. Used for kernels that compute every output row independently (the training
// matmuls, the simulator's MATMUL tiles), so any split gives the same bits as one thread.
// Claiming (rather than halving) keeps a busy or slow-to-wake worker from delaying the caller:
// the caller takes whatever chunks are left.
//
// A job is a kernel export, its arguments (int32 pointers and counts, f64 scalars: held as
// doubles, which carry both exactly), the bytes each argument advances per row (pointers into
// row-major operands; 0 for the rest) and which argument is the row count: a chunk of rows
// [r0, r1) calls the kernel with argument j + r0·step j and r1 − r0 rows.
//
// Handshake on an Int32Array over a SharedArrayBuffer. The caller writes the job, opens job s
// (JOIN = s) and bumps SEQ to s. The worker, spinning briefly and then parked in Atomics.wait
// on SEQ, joins by swapping JOIN s → −s, claims chunks, then stores DONE = s. When the caller
// runs out of chunks it tries to close the job (JOIN s → 0): success means the worker never
// joined and there is nothing to wait for; otherwise it waits for DONE = s. The worker is
// unref'd (it never keeps the process alive) and leaves its loop on SEQ = −1. The worker gets
// the process's V8 flags (e.g. --disable-wasm-trap-handler under an address-space cap): a
// worker inherits the parent's execArgv, and V8 flags are process-wide anyway.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { WasmMemory } from '../../kernels/wasm-encoder.js';

/** node:worker_threads, loaded when a worker is first wanted: a run whose products and tiles
 * are all small never loads it (a few milliseconds of start-up). */
const nodeRequire = createRequire(import.meta.url);
const workerThreads = (): typeof import('node:worker_threads') => nodeRequire('node:worker_threads') as typeof import('node:worker_threads');

// Control slots.
const SEQ = 0, JOIN = 1, DONE = 2, READY = 3, NEXT = 4, CHUNKS = 5, ROWS = 6, FAILED = 7, WORKED = 8;
const FN = 9, NARGS = 10, ROW_ARG = 11;
const SLOTS = 12;
/** The job's arguments, then their steps, in a Float64Array beside the control slots. */
const MAX_ARGS = 12;
const ARGS = 0, STEPS = MAX_ARGS;
/** Spin iterations (each one Atomics.load, ≈ 10–20 ns) before parking in Atomics.wait. */
const SPIN = 20000;

// The worker's whole program (run with eval so it needs no file or loader). It loads
// worker_threads with import(), which works whether the inherited execArgv makes eval code
// CommonJS or an ES module (--input-type=module).
const WORKER_SOURCE = `import('node:worker_threads').then(({ workerData }) => {
const { module, memory, ctrl, values, names } = workerData;
const c = new Int32Array(ctrl);
const v = new Float64Array(values);
const exports = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
const fns = names.map((name) => exports[name]);
Atomics.store(c, ${READY}, 1);
let seen = 0;
for (;;) {
  let s = Atomics.load(c, ${SEQ});
  for (let i = 0; s === seen && i < ${SPIN}; i++) s = Atomics.load(c, ${SEQ});
  if (s === seen) { Atomics.wait(c, ${SEQ}, seen); continue; }
  seen = s;
  if (s < 0) break;
  if (Atomics.compareExchange(c, ${JOIN}, s, -s) !== s) continue;
  try {
    const fn = fns[c[${FN}]], nargs = c[${NARGS}], rowArg = c[${ROW_ARG}];
    const base = Array.from(v.subarray(${ARGS}, ${ARGS} + nargs));
    const steps = Array.from(v.subarray(${STEPS}, ${STEPS} + nargs));
    const rows = c[${ROWS}], chunks = c[${CHUNKS}], m = base[rowArg];
    const args = base.slice();
    for (let i = Atomics.add(c, ${NEXT}, 1); i < chunks; i = Atomics.add(c, ${NEXT}, 1)) {
      const r0 = i * rows;
      for (let j = 0; j < nargs; j++) args[j] = base[j] + r0 * steps[j];
      args[rowArg] = Math.min(m, r0 + rows) - r0;
      fn(...args);
      Atomics.add(c, ${WORKED}, 1);
    }
  } catch {
    Atomics.store(c, ${FAILED}, 1);
  }
  Atomics.store(c, ${DONE}, s);
  Atomics.notify(c, ${DONE});
}
});
`;

/** One kernel call to split by rows (see the header). */
export interface RowJob {
  /** Index of the kernel in the export names given to startKernelThreads. */
  fn: number;
  /** The caller's arguments (at most 12). */
  args: readonly number[];
  /** The worker's arguments where they differ (e.g. its own scratch); default `args`. */
  workerArgs?: readonly number[];
  /** Bytes each argument advances per row (0 for arguments that do not move). */
  steps: readonly number[];
  /** Which argument is the row count. */
  rowArg: number;
  /** Rows per chunk (a multiple of the kernel's row block). */
  chunkRows: number;
}

export interface KernelThreads {
  /**
   * Runs `job`, its rows split with the worker; `own` is the caller's instance of the same
   * kernel. Returns false if the worker failed, in which case the output is in an unknown
   * state and the worker is off.
   */
  run(job: RowJob, own: (...args: number[]) => void): boolean;
  /** Whether the worker has started (before that every job runs on the caller). */
  ready(): boolean;
  /** Row chunks the worker has computed so far. */
  workerChunks(): number;
  /** Asks the worker to leave its loop and exit. */
  stop(): void;
}

/**
 * How many threads the training products and the simulator's tiles (sim-threads.ts) use: 2
 * on the main thread of a multi-core machine (a piscina worker's pool already uses the cores),
 * 1 with DLP_THREADS=1. When the training operands had
 * to be copied into shared memory for every product (issue #5), the split lost on 2 vCPUs
 * (0.97 s/epoch against 0.92); with the parameters, gradients and batch resident in that
 * memory it wins (issue #23: 0.35-0.39 s/epoch against 0.48-0.55 for SGD at batch 100).
 */
export function kernelThreadCount(): number {
  return process.env.DLP_THREADS === '1' || !canSplit() ? 1 : 2;
}

/** Whether a worker can add a core: the main thread (a pool's workers already use the cores) of a multi-core machine. */
export function canSplit(): boolean {
  return workerThreads().isMainThread && availableParallelism() >= 2;
}

/** Starts the worker over `memory` (shared) running `module`'s exports `names`; undefined if that fails. */
export function startKernelThreads(module: object, memory: WasmMemory, names: readonly string[]): KernelThreads | undefined {
  const ctrl = new SharedArrayBuffer(SLOTS * 4);
  const c = new Int32Array(ctrl);
  // Written before the job opens (the Atomics.store of SEQ), read after the worker sees it.
  const values = new SharedArrayBuffer(2 * MAX_ARGS * 8);
  const v = new Float64Array(values);
  let worker: import('node:worker_threads').Worker;
  try {
    worker = new (workerThreads().Worker)(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrl, values, names } });
  } catch {
    return undefined;
  }
  worker.unref();
  let alive = true;
  worker.on('error', () => { alive = false; });
  worker.on('exit', () => { alive = false; });
  let seq = 0;
  const args: number[] = [];

  return {
    ready: () => alive && Atomics.load(c, READY) === 1 && Atomics.load(c, FAILED) === 0,
    workerChunks: () => Atomics.load(c, WORKED),
    stop() {
      alive = false;
      Atomics.store(c, SEQ, -1);
      Atomics.notify(c, SEQ);
    },
    run(job, own) {
      const nargs = job.args.length;
      if (nargs > MAX_ARGS) throw new Error(`a kernel job takes at most ${MAX_ARGS} arguments`);
      const m = job.args[job.rowArg]!;
      const rows = Math.max(1, job.chunkRows);
      const chunks = Math.ceil(m / rows);
      seq = seq >= 0x3fffffff ? 1 : seq + 1;
      c[FN] = job.fn; c[NARGS] = nargs; c[ROW_ARG] = job.rowArg; c[ROWS] = rows; c[CHUNKS] = chunks;
      v.set(job.workerArgs ?? job.args, ARGS);
      v.set(job.steps, STEPS);
      Atomics.store(c, NEXT, 0);
      Atomics.store(c, JOIN, seq);
      Atomics.store(c, SEQ, seq);
      Atomics.notify(c, SEQ);
      args.length = nargs;
      for (let i = Atomics.add(c, NEXT, 1); i < chunks; i = Atomics.add(c, NEXT, 1)) {
        const r0 = i * rows;
        for (let j = 0; j < nargs; j++) args[j] = job.args[j]! + r0 * job.steps[j]!;
        args[job.rowArg] = Math.min(m, r0 + rows) - r0;
        own(...args);
      }
      if (Atomics.compareExchange(c, JOIN, seq, 0) === seq) return true; // the worker never joined
      for (let d = Atomics.load(c, DONE), i = 0; d !== seq; d = Atomics.load(c, DONE), i++) {
        if (i > SPIN) Atomics.wait(c, DONE, d, 1);
      }
      if (Atomics.load(c, FAILED) !== 0) {
        alive = false;
        return false;
      }
      return true;
    },
  };
}

/** A worker started on first demand, as both users (training products, simulator tiles) want it. */
export interface LazyKernelThreads {
  /** The worker for this job, or undefined: the first call starts it (and gets undefined, so that
   * job runs on the caller), later calls get it once it is ready; undefined for good when off. */
  take(): KernelThreads | undefined;
  /** Off: never enabled, stopped, or failed; every job runs on the caller. */
  off(): boolean;
  /** The worker failed a job (the caller redoes it): off from now on. */
  fail(): void;
  /** 2 while the worker is running, else 1. */
  threads(): number;
  /** Row chunks the worker has computed so far. */
  workerChunks(): number;
  /** Ends the worker; off from now on. */
  stop(): void;
}

/** startKernelThreads deferred to the first `take()`; `enabled` false gives one that is off. */
export function lazyKernelThreads(module: object, memory: WasmMemory, names: readonly string[], enabled = true): LazyKernelThreads {
  let pool: KernelThreads | undefined;
  let state: 'none' | 'on' | 'off' = enabled ? 'none' : 'off';
  return {
    take() {
      if (state === 'none') {
        pool = startKernelThreads(module, memory, names);
        state = pool ? 'on' : 'off';
        return undefined;
      }
      return state === 'on' && pool!.ready() ? pool : undefined;
    },
    off: () => state === 'off',
    fail() { state = 'off'; },
    threads: () => (state === 'on' && pool!.ready() ? 2 : 1),
    workerChunks: () => pool?.workerChunks() ?? 0,
    stop() {
      pool?.stop();
      state = 'off';
    },
  };
}
