// The MATMUL tile product in WebAssembly SIMD, bit-exact with the reference loops the
// simulator documents (simulator/execute.ts). Operands are copied into one scratch linear
// memory, padded with zeros to the kernel's block sizes (k to even, n to 16 or 8, m to even),
// multiplied there, and the n real columns copied back. The copies are O(m·k + k·n + m·n),
// small next to the m·k·n multiply-adds of the tiles the simulator sees.
import { wasmApi, type WasmMemory } from './wasm-encoder.js';
import { buildTileMatmulModule } from './matmul-module.js';

type Fn4 = (a: number, b: number, c: number, d: number) => void;
type Fn6 = (a: number, b: number, c: number, d: number, e: number, f: number) => void;
interface Exports { packW8: Fn4; packW16: Fn4; widen8: (a: number, b: number, c: number) => void; mmI16: Fn6; mmF64: Fn6 }

/** One operand: a typed array, the element index of its first row, and its row pitch in elements. */
export interface TileOperand<T> { data: T; start: number; pitch: number }

export interface TileMatmul {
  /**
   * out[r][j] = (acc ? out[r][j] : 0) + Σ_p a[r][p]·w[p][j] with int32 wrap-around, for
   * r < m, p < k, j < n (a and w both int8 or both int16).
   */
  int(out: TileOperand<Int32Array>, a: TileOperand<Int8Array | Int16Array>, w: TileOperand<Int8Array | Int16Array>,
    m: number, k: number, n: number, acc: boolean): void;
  /**
   * out[r][j] = fp32((acc ? out[r][j] : 0) + Σ_p a[r][p]·w[p][j]), the sum taken in double
   * precision in order p = 0..k-1 and rounded to fp32 once.
   */
  f32(out: TileOperand<Float32Array>, a: TileOperand<Float32Array>, w: TileOperand<Float32Array>,
    m: number, k: number, n: number, acc: boolean): void;
}

const PAGE = 65536;
const roundUp = (v: number, to: number): number => Math.ceil(v / to) * to;

let compiled: object | null | undefined;

/** The compiled module (once per process: a cache of pure code, no state), or null without SIMD. */
function compiledModule(): object | null {
  if (compiled === undefined) {
    const wasm = wasmApi();
    try {
      compiled = wasm ? new wasm.Module(buildTileMatmulModule()) : null;
    } catch {
      compiled = null; // no WebAssembly SIMD here
    }
  }
  return compiled;
}

/**
 * A tile multiplier with its own scratch memory, or undefined where WebAssembly SIMD is not
 * available (or cannot reserve memory, e.g. under an address-space cap without
 * --disable-wasm-trap-handler); callers then use their scalar loops.
 */
export function createTileMatmul(): TileMatmul | undefined {
  const wasm = wasmApi();
  const module = compiledModule();
  if (!wasm || !module) return undefined;
  let memory: WasmMemory;
  let fns: Exports;
  try {
    memory = new wasm.Memory({ initial: 16 });
    fns = new wasm.Instance(module, { env: { mem: memory } }).exports as Exports;
  } catch {
    return undefined;
  }
  const reserve = (bytes: number): ArrayBuffer => {
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
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

      const aDst = wide ? new Int16Array(buffer, a16At, m2 * kk) : new Int8Array(buffer, aRawAt, m2 * kk);
      aDst.fill(0);
      for (let r = 0; r < m; r++) {
        const s = a.start + r * a.pitch;
        aDst.set(a.data.subarray(s, s + k), r * kk);
      }
      if (!wide) fns.widen8(aRawAt, a16At, m2 * kk);

      const wDst = wide ? new Int16Array(buffer, wRawAt, kk * nn) : new Int8Array(buffer, wRawAt, kk * nn);
      wDst.fill(0);
      for (let p = 0; p < k; p++) {
        const s = w.start + p * w.pitch;
        wDst.set(w.data.subarray(s, s + n), p * nn);
      }
      (wide ? fns.packW16 : fns.packW8)(wRawAt, wPairsAt, kk, nn);

      const o = new Int32Array(buffer, outAt, m2 * nn);
      o.fill(0);
      if (acc) for (let r = 0; r < m; r++) o.set(out.data.subarray(out.start + r * out.pitch, out.start + r * out.pitch + n), r * nn);
      fns.mmI16(a16At, wPairsAt, outAt, m2, kk, nn);
      for (let r = 0; r < m; r++) out.data.set(o.subarray(r * nn, r * nn + n), out.start + r * out.pitch);
    },

    f32(out, a, w, m, k, n, acc) {
      const nn = roundUp(n, 8);
      const aAt = 0;
      const wAt = roundUp(m * k * 4, 16);
      const sumAt = roundUp(wAt + k * nn * 4, 16);
      const buffer = reserve(sumAt + m * nn * 8);
      const aDst = new Float32Array(buffer, aAt, m * k);
      for (let r = 0; r < m; r++) aDst.set(a.data.subarray(a.start + r * a.pitch, a.start + r * a.pitch + k), r * k);
      const wDst = new Float32Array(buffer, wAt, k * nn);
      wDst.fill(0);
      for (let p = 0; p < k; p++) wDst.set(w.data.subarray(w.start + p * w.pitch, w.start + p * w.pitch + n), p * nn);
      const sum = new Float64Array(buffer, sumAt, m * nn);
      sum.fill(0);
      fns.mmF64(aAt, wAt, sumAt, m, k, nn);
      for (let r = 0; r < m; r++) {
        const o = out.start + r * out.pitch, s = r * nn;
        // Storing a double into a Float32Array rounds it once, as the reference does.
        if (acc) for (let j = 0; j < n; j++) out.data[o + j] = out.data[o + j]! + sum[s + j]!;
        else out.data.set(sum.subarray(s, s + n), o);
      }
    },
  };
}
