// A second thread for the big matmuls. One worker (node:worker_threads) instantiates the same
// kernel module on the same *shared* WebAssembly.Memory; a product's rows of C are cut into
// chunks that both threads claim with an atomic counter, each running the unchanged
// register-blocked kernel on its chunk. The kernel computes every row of C independently, so
// any split gives the same bits as one thread. Claiming (rather than halving) keeps a busy or
// slow-to-wake worker from delaying the caller: the caller takes whatever chunks are left.
//
// Handshake on an Int32Array over a SharedArrayBuffer. The caller writes the arguments, opens
// job s (JOIN = s) and bumps SEQ to s. The worker, spinning briefly and then parked in
// Atomics.wait on SEQ, joins by swapping JOIN s → −s, claims chunks, then stores DONE = s.
// When the caller runs out of chunks it tries to close the job (JOIN s → 0): success means
// the worker never joined and there is nothing to wait for; otherwise it waits for DONE = s.
// The worker is unref'd (it never keeps the process alive) and leaves its loop on SEQ = −1.
// Opt-in (DLP_THREADS=2): see kernelThreadCount for why one thread is the default.
import { availableParallelism } from 'node:os';
import { isMainThread, Worker } from 'node:worker_threads';
import type { WasmMemory } from '../../kernels/wasm-encoder.js';

/** (a, b, c, m, k, n, list, rs, es, acc): see mmBlocked in wasm-module.ts. */
export type MmBlocked = (a: number, b: number, c: number, m: number, k: number, n: number, list: number, rs: number, es: number, acc: number) => void;


// Control slots.
const SEQ = 0, JOIN = 1, DONE = 2, READY = 3, NEXT = 4, CHUNKS = 5, ROWS = 6;
const A = 7, B = 8, C = 9, M = 10, K = 11, N = 12, LIST = 13, FAILED = 14, WORKED = 15, RS = 16, ES = 17, ACC = 18;
const SLOTS = 20;
/** Spin iterations (each one Atomics.load, ≈ 10–20 ns) before parking in Atomics.wait. */
const SPIN = 20000;
/** Chunks per product: enough for balance, few enough that claiming costs nothing. */
const CHUNKS_PER_JOB = 16;

// The worker's whole program (CommonJS, run with eval so it needs no file or loader).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl } = workerData;
const c = new Int32Array(ctrl);
const mm = new WebAssembly.Instance(module, { env: { mem: memory } }).exports.mmBlocked;
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
    const a = c[${A}], b = c[${B}], cc = c[${C}], m = c[${M}], k = c[${K}], n = c[${N}], list = c[${LIST}];
    const rows = c[${ROWS}], chunks = c[${CHUNKS}], rs = c[${RS}], es = c[${ES}], acc = c[${ACC}];
    for (let i = Atomics.add(c, ${NEXT}, 1); i < chunks; i = Atomics.add(c, ${NEXT}, 1)) {
      const r0 = i * rows, r1 = Math.min(m, r0 + rows);
      mm(a + r0 * rs, b, cc + r0 * n * 4, r1 - r0, k, n, list, rs, es, acc);
      Atomics.add(c, ${WORKED}, 1);
    }
  } catch {
    Atomics.store(c, ${FAILED}, 1);
  }
  Atomics.store(c, ${DONE}, s);
  Atomics.notify(c, ${DONE});
}
`;

export interface KernelThreads {
  /**
   * The kernel's C[m×n] (+)= A[m×k]·B[k×n] (byte addresses in the shared memory; A's element
   * (i, p) at a + i·rs + p·es), rows split with the worker; `list` and `workerList` are each
   * thread's scratch of 2k floats. Returns false if the worker failed, in which case C is in
   * an unknown state and threading is off.
   */
  mmBlocked(
    a: number, rs: number, es: number, b: number, c: number, m: number, k: number, n: number, list: number, workerList: number, acc: number,
  ): boolean;
  /** Whether the worker has started (before that every product runs on the caller). */
  ready(): boolean;
  /** Row chunks the worker has computed so far. */
  workerChunks(): number;
  /** Asks the worker to leave its loop and exit. */
  stop(): void;
}

/**
 * How many threads the kernels use: DLP_THREADS=2 opts in to the worker (on the main thread
 * of a multi-core machine; a piscina worker's pool already uses the cores), else 1.
 * One thread is the default because on the 2-vCPU machines measured (issue #5) the split
 * lost: operands are rewritten by the main thread before every product (new batch, new
 * weights), so the worker pulls them across cores, and V8 copies into shared memory several
 * times slower than into unshared memory — 0.97 s/epoch with two threads vs 0.92 with one.
 */
export function kernelThreadCount(): number {
  const env = Number(process.env.DLP_THREADS);
  if (!Number.isInteger(env) || env < 2 || !isMainThread || availableParallelism() < 2) return 1;
  return 2;
}

/** Starts the worker over `memory` (shared) running `module`'s mmBlocked; undefined if that fails. */
export function startKernelThreads(module: object, memory: WasmMemory, mm: MmBlocked): KernelThreads | undefined {
  const ctrl = new SharedArrayBuffer(SLOTS * 4);
  const c = new Int32Array(ctrl);
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrl } });
  } catch {
    return undefined;
  }
  worker.unref();
  let alive = true;
  worker.on('error', () => { alive = false; });
  worker.on('exit', () => { alive = false; });
  let seq = 0;

  return {
    ready: () => alive && Atomics.load(c, READY) === 1 && Atomics.load(c, FAILED) === 0,
    workerChunks: () => Atomics.load(c, WORKED),
    stop() {
      alive = false;
      Atomics.store(c, SEQ, -1);
      Atomics.notify(c, SEQ);
    },
    mmBlocked(a, rs, es, b, cc, m, k, n, list, workerList, acc) {
      const rows = Math.max(1, Math.ceil(m / CHUNKS_PER_JOB));
      const chunks = Math.ceil(m / rows);
      seq = seq >= 0x3fffffff ? 1 : seq + 1;
      c[A] = a; c[B] = b; c[C] = cc; c[M] = m; c[K] = k; c[N] = n; c[LIST] = workerList;
      c[ROWS] = rows; c[CHUNKS] = chunks; c[RS] = rs; c[ES] = es; c[ACC] = acc;
      Atomics.store(c, NEXT, 0);
      Atomics.store(c, JOIN, seq);
      Atomics.store(c, SEQ, seq);
      Atomics.notify(c, SEQ);
      for (let i = Atomics.add(c, NEXT, 1); i < chunks; i = Atomics.add(c, NEXT, 1)) {
        const r0 = i * rows;
        mm(a + r0 * rs, b, cc + r0 * n * 4, Math.min(m, r0 + rows) - r0, k, n, list, rs, es, acc);
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
