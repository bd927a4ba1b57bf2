// The MATMUL tile product in WebAssembly SIMD, bit-exact with the reference loops the
// simulator documents (simulator/execute.ts). Operands are copied into one scratch linear
// memory, padded with zeros to the kernel's block sizes (k to even, n to 16 or 8, m to even),
// multiplied there, and the n real columns copied back. The copies are O(m·k + k·n + m·n),
// small next to the m·k·n multiply-adds of the tiles the simulator sees. The multiply step
// goes through a runner, which may split its rows over worker threads sharing the memory
// (runtime/sim-threads.ts): every output row is computed alone, so any split gives the same bits.
import { wasmApi, type MemoryImport, type WasmMemory } from './wasm-encoder.js';
import { buildTileMatmulModule } from './matmul-module.js';

type Fn4 = (a: number, b: number, c: number, d: number) => void;
type Fn6 = (a: number, b: number, c: number, d: number, e: number, f: number) => void;
interface Exports { packW8: Fn4; packW16: Fn4; widen8: (a: number, b: number, c: number) => void; mmI16: Fn6; mmF64: Fn6 }

/** One operand: a typed array, the element index of its first row, and its row pitch in elements. */
export interface TileOperand<T> { data: T; start: number; pitch: number }

export interface TileMatmul {
  /**
   * out[r][j] = (acc ? out[r][j] : 0) + Σ_p a[r][p]·w[p][j] with int32 wrap-around, for
   * r < m, p < k, j < n (a and w both int8 or both int16). False (and nothing written) when
   * the tile's scratch does not fit the kernel's memory (a shared memory has a maximum).
   */
  int(out: TileOperand<Int32Array>, a: TileOperand<Int8Array | Int16Array>, w: TileOperand<Int8Array | Int16Array>,
    m: number, k: number, n: number, acc: boolean): boolean;
  /**
   * out[r][j] = fp32((acc ? out[r][j] : 0) + Σ_p a[r][p]·w[p][j]), the sum taken in double
   * precision in order p = 0..k-1 and rounded to fp32 once. False as for `int`.
   */
  f32(out: TileOperand<Float32Array>, a: TileOperand<Float32Array>, w: TileOperand<Float32Array>,
    m: number, k: number, n: number, acc: boolean): boolean;
}

const PAGE = 65536;
const roundUp = (v: number, to: number): number => Math.ceil(v / to) * to;

/**
 * The multiply step of one tile: `kernel` over `args` (a, w, out, rows, k, nn) — every output
 * row independent of the others, so its rows may be split: a block of rows [r0, r1) is the
 * call with a + r0·steps[0], out + r0·steps[2] and r1 − r0 rows (r0 a multiple of rowBlock).
 */
export interface TileMultiply {
  kernel: 'mmI16' | 'mmF64';
  args: [a: number, w: number, out: number, rows: number, k: number, nn: number];
  steps: [number, number, number, number, number, number];
  rowBlock: 1 | 2;
  /** Multiply-adds of the step (padded shape), for deciding whether splitting pays. */
  macs: number;
}

/**
 * Runs a multiply step; `own` is this memory's instance of the kernel (the default runner
 * calls it once). False means the step failed part way (a worker died) and its output rows
 * are in an unknown state: the caller stages them again and multiplies on its own thread.
 */
export type MultiplyRunner = (step: TileMultiply, own: (...args: number[]) => void) => boolean;

/** A memory and module for the tile kernel other than a private unshared one (a shared memory whose rows worker threads also multiply). */
export interface TileMatmulMemory {
  memory: WasmMemory;
  /** Compiled by compileTileMatmulModule for that memory. */
  module: object;
  run: MultiplyRunner;
}

let compiled: object | null | undefined;

/** The compiled module (once per process: a cache of pure code, no state), or null without SIMD. */
function compiledModule(): object | null {
  if (compiled === undefined) compiled = compileTileMatmulModule({ shared: false }) ?? null;
  return compiled;
}

/** The tile kernel compiled for a memory import like `memory`; undefined without WebAssembly SIMD. */
export function compileTileMatmulModule(memory: MemoryImport): object | undefined {
  const wasm = wasmApi();
  try {
    return wasm ? new wasm.Module(buildTileMatmulModule(memory)) : undefined;
  } catch {
    return undefined; // no WebAssembly SIMD here
  }
}

/** Typed arrays that copy between each other with set(). */
interface Elements { set(from: ArrayLike<number>, offset: number): void; subarray(begin: number, end: number): ArrayLike<number> }

/**
 * Copies `rows` runs of `cols` elements from src (pitch srcPitch) to dst (pitch dstPitch); one
 * block copy when both are dense (the common tile, and far cheaper per byte into a shared memory).
 */
export function copyRows(dst: Elements, dstAt: number, dstPitch: number, src: Elements, srcAt: number, srcPitch: number, rows: number, cols: number): void {
  if (rows === 1 || (dstPitch === cols && srcPitch === cols)) {
    dst.set(src.subarray(srcAt, srcAt + rows * cols), dstAt);
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(src.subarray(srcAt + r * srcPitch, srcAt + r * srcPitch + cols), dstAt + r * dstPitch);
}

const runOnce: MultiplyRunner = (step, own) => {
  own(...step.args);
  return true;
};

/**
 * A tile multiplier with its own scratch memory (or the given one), or undefined where
 * WebAssembly SIMD is not available (or cannot reserve memory, e.g. under an address-space cap
 * without --disable-wasm-trap-handler); callers then use their scalar loops.
 */
export function createTileMatmul(on?: TileMatmulMemory): TileMatmul | undefined {
  const wasm = wasmApi();
  const module = on ? on.module : compiledModule();
  if (!wasm || !module) return undefined;
  const run = on?.run ?? runOnce;
  let memory: WasmMemory;
  let fns: Exports;
  try {
    memory = on?.memory ?? new wasm.Memory({ initial: 16 });
    fns = new wasm.Instance(module, { env: { mem: memory } }).exports as Exports;
  } catch {
    return undefined;
  }
  /** The memory's buffer with at least `bytes`, or undefined if it cannot grow that far. */
  const reserve = (bytes: number): ArrayBuffer | undefined => {
    const have = memory.buffer.byteLength;
    try {
      if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
    } catch {
      return undefined;
    }
    return memory.buffer as ArrayBuffer;
  };

  return {
    int(out, a, w, m, k, n, acc) {
      const wide = a.data.BYTES_PER_ELEMENT === 2;
      const es = wide ? 2 : 1;
      const m2 = roundUp(m, 2), kk = roundUp(k, 2), nn = roundUp(n, 16);
      // Layout: A as int16 | A raw (int8 only) | W raw | W pairs | out.
      const a16At = 0;
      const aRawAt = roundUp(a16At + m2 * kk * 2, 16);
      const wRawAt = roundUp(aRawAt + (wide ? 0 : m2 * kk), 16);
      const wPairsAt = roundUp(wRawAt + kk * nn * es, 16);
      const outAt = roundUp(wPairsAt + kk * nn * 2, 16);
      const buffer = reserve(outAt + m2 * nn * 4);
      if (!buffer) return false;

      const aDst = wide ? new Int16Array(buffer, a16At, m2 * kk) : new Int8Array(buffer, aRawAt, m2 * kk);
      // Zeros only where there is padding (the scratch keeps earlier tiles' bytes).
      if (m2 !== m || kk !== k) aDst.fill(0);
      copyRows(aDst, 0, kk, a.data, a.start, a.pitch, m, k);
      if (!wide) fns.widen8(aRawAt, a16At, m2 * kk);

      const wDst = wide ? new Int16Array(buffer, wRawAt, kk * nn) : new Int8Array(buffer, wRawAt, kk * nn);
      if (kk !== k || nn !== n) wDst.fill(0);
      copyRows(wDst, 0, nn, w.data, w.start, w.pitch, k, n);
      (wide ? fns.packW16 : fns.packW8)(wRawAt, wPairsAt, kk, nn);

      const o = new Int32Array(buffer, outAt, m2 * nn);
      const stageOut = (): void => {
        if (!acc || m2 !== m || nn !== n) o.fill(0);
        if (acc) copyRows(o, 0, nn, out.data, out.start, out.pitch, m, n);
      };
      stageOut();
      const step: TileMultiply = { kernel: 'mmI16', args: [a16At, wPairsAt, outAt, m2, kk, nn], steps: [kk * 2, 0, nn * 4, 0, 0, 0], rowBlock: 2, macs: m2 * kk * nn };
      if (!run(step, fns.mmI16)) {
        stageOut();
        fns.mmI16(...step.args);
      }
      copyRows(out.data, out.start, out.pitch, o, 0, nn, m, n);
      return true;
    },

    f32(out, a, w, m, k, n, acc) {
      const nn = roundUp(n, 8);
      const aAt = 0;
      const wAt = roundUp(m * k * 4, 16);
      const sumAt = roundUp(wAt + k * nn * 4, 16);
      const buffer = reserve(sumAt + m * nn * 8);
      if (!buffer) return false;
      const aDst = new Float32Array(buffer, aAt, m * k);
      copyRows(aDst, 0, k, a.data, a.start, a.pitch, m, k);
      const wDst = new Float32Array(buffer, wAt, k * nn);
      if (nn !== n) wDst.fill(0);
      copyRows(wDst, 0, nn, w.data, w.start, w.pitch, k, n);
      const sum = new Float64Array(buffer, sumAt, m * nn);
      sum.fill(0);
      const step: TileMultiply = { kernel: 'mmF64', args: [aAt, wAt, sumAt, m, k, nn], steps: [k * 4, 0, nn * 8, 0, 0, 0], rowBlock: 1, macs: m * k * nn };
      if (!run(step, fns.mmF64)) {
        sum.fill(0);
        fns.mmF64(...step.args);
      }
      for (let r = 0; r < m; r++) {
        const o = out.start + r * out.pitch, s = r * nn;
        // Storing a double into a Float32Array rounds it once, as the reference does.
        if (acc) for (let j = 0; j < n; j++) out.data[o + j] = out.data[o + j]! + sum[s + j]!;
        else out.data.set(sum.subarray(s, s + n), o);
      }
      return true;
    },
  };
}
