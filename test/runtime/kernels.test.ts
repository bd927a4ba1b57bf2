// The matmul kernels (WebAssembly SIMD and the TypeScript reference) against a naive float64
// triple loop, on shapes that exercise every strip width and the zero-skipping paths.
import { describe, expect, it } from 'vitest';
import { argmaxRows, createRng, matmul, matmulTransA, matmulTransB, sumRows } from '../../runtime/index.js';
import { matmulJs, matmulTransAJs, matmulTransBJs } from '../../runtime/tensor/matmul.js';

const shapes: Array<[number, number, number]> = [[1, 1, 1], [3, 5, 7], [4, 33, 37], [17, 9, 10], [20, 784, 128], [5, 64, 130]];

function sparseRandom(n: number, seed: number, zeroRate = 0.6): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() < zeroRate ? 0 : rng.next() * 2 - 1));
}

/** C = op(A)·op(B) in float64, where op transposes when asked. */
function naive(a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += (ta ? a[p * m + i]! : a[i * k + p]!) * (tb ? b[j * k + p]! : b[p * n + j]!);
    c[i * n + j] = s;
  }
  return c;
}

function maxDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

describe('matmul kernels', () => {
  const variants = [
    { name: 'A·B', fast: matmul, ref: matmulJs, ta: false, tb: false },
    { name: 'Aᵀ·B', fast: matmulTransA, ref: matmulTransAJs, ta: true, tb: false },
    { name: 'A·Bᵀ', fast: matmulTransB, ref: matmulTransBJs, ta: false, tb: true },
  ] as const;
  for (const v of variants) {
    for (const [m, k, n] of shapes) {
      it(`${v.name} ${m}×${k}×${n} matches float64 (SIMD and reference, with accumulate)`, () => {
        const a = sparseRandom(m * k, m * 31 + k);
        const b = sparseRandom(k * n, n * 17 + k, 0.2);
        const want = naive(a, b, m, k, n, v.ta, v.tb);
        // Transposed variants take (k, m, n) for Aᵀ·B; the others (m, k, n).
        const dims = (v.ta ? [k, m, n] : [m, k, n]) as [number, number, number];
        for (const f of [v.fast, v.ref]) {
          const c = new Float32Array(m * n).fill(123);
          f(a, b, c, ...dims);
          expect(maxDiff(c, want)).toBeLessThan(1e-4 * Math.max(1, k / 10));
          f(a, b, c, ...dims, true);
          expect(maxDiff(c, Float64Array.from(want, (x) => 2 * x))).toBeLessThan(2e-4 * Math.max(1, k / 10));
        }
      });
    }
  }

  it('a zero left operand gives exact zeros and leaves no stale values', () => {
    const c = new Float32Array(12).fill(7);
    matmul(new Float32Array(8), Float32Array.from({ length: 6 }, (_, i) => i + 1), c, 4, 2, 3);
    expect(Array.from(c)).toEqual(new Array(12).fill(0));
  });

  it('sumRows and argmaxRows', () => {
    const x = Float32Array.of(1, 5, 2, 7, 0, 7);
    const s = new Float32Array(3);
    sumRows(x, 2, 3, s);
    expect(Array.from(s)).toEqual([8, 5, 9]);
    const out = new Uint8Array(2);
    argmaxRows(x, 2, 3, out);
    expect(Array.from(out)).toEqual([1, 0]);
  });
});
