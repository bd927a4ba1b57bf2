// The WebAssembly SIMD backend of the matmul kernels. Operands are copied into one scratch
// linear memory (a memcpy, small next to the multiply), transposed there when the variant
// needs it, multiplied by one register-blocked, zero-skipping kernel (wasm-module.ts) and the
// result is copied back. The compiled instance is created once per process on first use — a
// cache, not state that changes results. Set DLP_NO_SIMD=1 to force the TypeScript kernels.
import { buildKernelModule } from './wasm-module.js';

type Kernel7 = (a: number, b: number, c: number, d0: number, d1: number, d2: number, d3: number) => void;

export interface SimdKernels {
  matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, acc: boolean): boolean;
  matmulTransA(a: Float32Array, b: Float32Array, c: Float32Array, k: number, m: number, n: number, acc: boolean): boolean;
  matmulTransB(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, acc: boolean): boolean;
}

// The slice of the WebAssembly API used here (the project's lib settings carry no DOM types).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

let cached: SimdKernels | null | undefined;

/** The SIMD kernels, or undefined when WebAssembly SIMD is unavailable or disabled. */
export function simdKernels(): SimdKernels | undefined {
  if (cached === undefined) cached = process.env.DLP_NO_SIMD === '1' ? null : instantiate();
  return cached ?? undefined;
}

function instantiate(): SimdKernels | null {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return null;
  let memory: WasmMemory;
  let exports: Record<string, Kernel7>;
  try {
    memory = new wasm.Memory({ initial: 64 });
    const instance = new wasm.Instance(new wasm.Module(buildKernelModule()), { env: { mem: memory } });
    exports = instance.exports as unknown as Record<string, Kernel7>;
  } catch {
    return null;
  }
  let heap = new Float32Array(memory.buffer);
  const { mmBlocked, transpose } = exports as Record<'mmBlocked' | 'transpose', Kernel7>;

  /** Lays out regions of the given float sizes back to back (16-byte aligned); returns offsets. */
  const place = (...sizes: number[]): number[] => {
    const offs: number[] = [];
    let end = 0;
    for (const size of sizes) {
      offs.push(end);
      end = align4(end + size);
    }
    if (end * 4 > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end * 4 - memory.buffer.byteLength) / 65536));
      heap = new Float32Array(memory.buffer);
    }
    return offs;
  };

  /** Copies C in (or zeroes it), runs C += A·B with A at oa and B at ob, copies C out. */
  const multiply = (oa: number, ob: number, oc: number, ol: number, c: Float32Array, m: number, k: number, n: number, acc: boolean): true => {
    const sc = m * n;
    if (acc) heap.set(c.subarray(0, sc), oc);
    else heap.fill(0, oc, oc + sc);
    mmBlocked(oa * 4, ob * 4, oc * 4, m, k, n, ol * 4);
    c.set(heap.subarray(oc, oc + sc));
    return true;
  };

  return {
    matmul(a, b, c, m, k, n, acc) {
      const [oa, ob, oc, ol] = place(m * k, k * n, m * n, 2 * k) as [number, number, number, number];
      heap.set(a.subarray(0, m * k), oa);
      heap.set(b.subarray(0, k * n), ob);
      return multiply(oa, ob, oc, ol, c, m, k, n, acc);
    },
    // Aᵀ·B = (Aᵀ)·B: transpose A (k×m) in wasm memory, then the same zero-skipping kernel.
    matmulTransA(a, b, c, k, m, n, acc) {
      const [oa, oat, ob, oc, ol] = place(k * m, m * k, k * n, m * n, 2 * k) as [number, number, number, number, number];
      heap.set(a.subarray(0, k * m), oa);
      transpose(oa * 4, oat * 4, k, m, 0, 0, 0);
      heap.set(b.subarray(0, k * n), ob);
      return multiply(oat, ob, oc, ol, c, m, k, n, acc);
    },
    // A·Bᵀ: transpose B (n×k) to k×n; zeros of A (e.g. ReLU-masked gradients) are skipped.
    matmulTransB(a, b, c, m, k, n, acc) {
      const [oa, ob, obt, oc, ol] = place(m * k, n * k, k * n, m * n, 2 * k) as [number, number, number, number, number];
      heap.set(a.subarray(0, m * k), oa);
      heap.set(b.subarray(0, n * k), ob);
      transpose(ob * 4, obt * 4, n, k, 0, 0, 0);
      return multiply(oa, obt, oc, ol, c, m, k, n, acc);
    },
  };
}

function align4(floats: number): number {
  return (floats + 3) & ~3;
}
