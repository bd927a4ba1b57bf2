// Dense kernels on row-major Float32Arrays, written for the MLP shapes of the course
// (batch ≈ 100, features 10..784). Three matmul variants cover forward and backward:
//   matmul        C = A·B      (x·W in the forward pass)
//   matmulTransA  C = Aᵀ·B     (xᵀ·dY, the weight gradient)
//   matmulTransB  C = A·Bᵀ     (dY·Wᵀ, the input gradient)
// The left operand is scanned element by element and zeros are skipped: MNIST pixels are
// ~81 % zero and ReLU outputs are often zero, so x·W and xᵀ·dY do a fraction of the work.
// Loops are blocked so the reused panel of B (or C) stays in cache, and nothing allocates.
// When WebAssembly SIMD is available the same loops run there (see simd.ts), 4 lanes wide.
import { simdKernels } from './simd.js';

/** Rows of B (A·B) or of C (Aᵀ·B) kept hot in cache per block: 64 KiB at 128 columns. */
const PANEL_FLOATS = 16384;

function panelRows(n: number): number {
  return Math.max(8, Math.floor(PANEL_FLOATS / Math.max(1, n)));
}

/**
 * n zeroed floats, resident in the SIMD kernels' memory when it allows (products and
 * optimiser steps then use them in place, without copies), else an ordinary array. For
 * buffers used whole for as long as they are referenced: parameters, gradients, batches.
 */
export function kernelFloats(n: number): Float32Array {
  if (n === 0) return new Float32Array(0);
  return simdKernels()?.alloc(n) ?? new Float32Array(n);
}

/** Frees `x`, an array kernelFloats or residentRows made, at once (see SimdKernels.free). */
export function freeKernelFloats(x: Float32Array): void {
  simdKernels()?.free(x);
}

/** Whether x is resident in the SIMD kernels' memory. */
export function kernelsHold(x: Float32Array): boolean {
  return simdKernels()?.holds(x) ?? false;
}

/** x itself when it is resident in the SIMD kernels' memory, else (when `copy`) a resident
 * copy of it; undefined otherwise, where nothing is resident, or where the memory cannot grow
 * by x (its maximum, or an address-space cap): the copy is only an optimisation. */
export function residentRows(x: Float32Array, copy: boolean): Float32Array | undefined {
  const simd = simdKernels();
  if (!simd || x.length === 0) return undefined;
  if (simd.holds(x)) return x;
  if (!copy) return undefined;
  try {
    return simd.alloc(x.length, x);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

/**
 * Row i of `out` = row rows[i] of `x` (rows of `width` floats) for every i, by the SIMD kernels
 * (both threads when big enough) when x and out are resident; false, nothing done, otherwise.
 */
export function gatherRowsResident(x: Float32Array, width: number, rows: ArrayLike<number>, out: Float32Array): boolean {
  return simdKernels()?.gatherRows(x, width, rows, out) ?? false;
}

/** C[m×n] = A[m×k]·B[k×n] (or C += A·B when `accumulate`). Zero entries of A are skipped. */
export function matmul(
  a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, accumulate = false,
): void {
  const simd = simdKernels();
  if (simd && simd.matmul(a, b, c, m, k, n, accumulate)) return;
  matmulJs(a, b, c, m, k, n, accumulate);
}

/** The TypeScript reference of matmul (also the fallback without SIMD). */
export function matmulJs(
  a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, accumulate = false,
): void {
  if (!accumulate) c.fill(0, 0, m * n);
  const panel = panelRows(n);
  for (let p0 = 0; p0 < k; p0 += panel) {
    const p1 = Math.min(k, p0 + panel);
    for (let i = 0; i < m; i++) {
      const arow = i * k;
      const crow = i * n;
      for (let p = p0; p < p1; p++) {
        const av = a[arow + p]!;
        if (av === 0) continue;
        axpy(av, b, p * n, c, crow, n);
      }
    }
  }
}

/** C[m×n] = A[k×m]ᵀ·B[k×n] (or C += …). Zero entries of A are skipped. */
export function matmulTransA(
  a: Float32Array, b: Float32Array, c: Float32Array, k: number, m: number, n: number, accumulate = false,
): void {
  const simd = simdKernels();
  if (simd && simd.matmulTransA(a, b, c, k, m, n, accumulate)) return;
  matmulTransAJs(a, b, c, k, m, n, accumulate);
}

/** The TypeScript reference of matmulTransA (also the fallback without SIMD). */
export function matmulTransAJs(
  a: Float32Array, b: Float32Array, c: Float32Array, k: number, m: number, n: number, accumulate = false,
): void {
  if (!accumulate) c.fill(0, 0, m * n);
  const panel = panelRows(n);
  for (let i0 = 0; i0 < m; i0 += panel) {
    const i1 = Math.min(m, i0 + panel);
    for (let r = 0; r < k; r++) {
      const arow = r * m;
      const brow = r * n;
      for (let i = i0; i < i1; i++) {
        const av = a[arow + i]!;
        if (av === 0) continue;
        axpy(av, b, brow, c, i * n, n);
      }
    }
  }
}

/** C[m×n] = A[m×k]·B[n×k]ᵀ (or C += …): row-by-row dot products. */
export function matmulTransB(
  a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, accumulate = false,
): void {
  const simd = simdKernels();
  if (simd && simd.matmulTransB(a, b, c, m, k, n, accumulate)) return;
  matmulTransBJs(a, b, c, m, k, n, accumulate);
}

/** The TypeScript reference of matmulTransB (also the fallback without SIMD). */
export function matmulTransBJs(
  a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, accumulate = false,
): void {
  for (let i = 0; i < m; i++) {
    const arow = i * k;
    for (let j = 0; j < n; j++) {
      const brow = j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let p = 0;
      for (; p + 3 < k; p += 4) {
        s0 += a[arow + p]! * b[brow + p]!;
        s1 += a[arow + p + 1]! * b[brow + p + 1]!;
        s2 += a[arow + p + 2]! * b[brow + p + 2]!;
        s3 += a[arow + p + 3]! * b[brow + p + 3]!;
      }
      for (; p < k; p++) s0 += a[arow + p]! * b[brow + p]!;
      const s = s0 + s1 + s2 + s3;
      c[i * n + j] = accumulate ? c[i * n + j]! + s : s;
    }
  }
}

/** y[yo..yo+n) += alpha · x[xo..xo+n), unrolled by four. */
function axpy(alpha: number, x: Float32Array, xo: number, y: Float32Array, yo: number, n: number): void {
  let j = 0;
  for (; j + 3 < n; j += 4) {
    y[yo + j] = y[yo + j]! + alpha * x[xo + j]!;
    y[yo + j + 1] = y[yo + j + 1]! + alpha * x[xo + j + 1]!;
    y[yo + j + 2] = y[yo + j + 2]! + alpha * x[xo + j + 2]!;
    y[yo + j + 3] = y[yo + j + 3]! + alpha * x[xo + j + 3]!;
  }
  for (; j < n; j++) y[yo + j] = y[yo + j]! + alpha * x[xo + j]!;
}

/** out[i, j] += bias[j] for every row of an m×n matrix. */
export function addBias(out: Float32Array, bias: Float32Array, m: number, n: number): void {
  if (simdKernels()?.addBias(out, bias, m, n)) return;
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) out[row + j] = out[row + j]! + bias[j]!;
  }
}

/** out[j] = Σ_i x[i, j] (or += when `accumulate`): the bias gradient. */
export function sumRows(x: Float32Array, m: number, n: number, out: Float32Array, accumulate = false): void {
  if (simdKernels()?.sumRows(x, m, n, out, accumulate)) return;
  if (!accumulate) out.fill(0, 0, n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) out[j] = out[j]! + x[row + j]!;
  }
}

/** out[i] = argmax_j x[i, j] (first maximum wins). */
export function argmaxRows(x: Float32Array, m: number, n: number, out: Uint8Array | Int32Array): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    let best = 0;
    let bestValue = x[row]!;
    for (let j = 1; j < n; j++) {
      const v = x[row + j]!;
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[i] = best;
  }
}
