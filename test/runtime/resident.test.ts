// Buffers resident in the SIMD kernels' memory (kernelFloats): products, the element-wise
// steps and SGD run on them in place, and must give the same bits as on ordinary arrays
// (which go through copies or the JavaScript loops).
import { describe, expect, it } from 'vitest';
import { createRng } from '../../runtime/index.js';
import { addBias, kernelFloats, matmul, matmulTransA, matmulTransB, sumRows } from '../../runtime/tensor/matmul.js';
import { simdKernels } from '../../runtime/tensor/simd.js';
import { canSplit } from '../../runtime/tensor/kernel-threads.js';
import { ReLU } from '../../runtime/nn/activations.js';
import { createOptimizerOn } from '../../runtime/optim.js';

const simd = simdKernels();
const resident = simd?.alloc(1) !== undefined;

function values(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  // Zeros of both signs, negatives, positives (and a NaN in the element-wise inputs below).
  return Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? -0 : rng.next() * 2 - 1));
}

function copyTo(x: Float32Array): Float32Array {
  const r = kernelFloats(x.length);
  r.set(x);
  return r;
}

const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength)));

describe.skipIf(!resident)('resident buffers', () => {
  it('kernelFloats gives zeroed views of the kernels\' memory', () => {
    const a = kernelFloats(10);
    expect(a.length).toBe(10);
    expect(Array.from(a)).toEqual(new Array(10).fill(0));
    expect(simd!.regionOf(a, 12)).toBeGreaterThanOrEqual(0);
    expect(simd!.regionOf(a.subarray(4), 12)).toBe(-1);
    expect(simd!.regionOf(new Float32Array(12), 12)).toBe(-1);
  });

  for (const [m, k, n] of [[3, 5, 7], [100, 64, 10], [20, 130, 37]] as const) {
    it(`products ${m}×${k}×${n} in place equal the copied ones bit for bit`, () => {
      const a = values(m * k, 1), b = values(k * n, 2), bt = values(n * k, 3), at = values(k * m, 4);
      for (const acc of [false, true]) {
        const c0 = values(m * n, 5), c1 = copyTo(c0);
        matmul(a, b, c0, m, k, n, acc);
        matmul(copyTo(a), copyTo(b), c1, m, k, n, acc);
        expect(bits(c1)).toEqual(bits(c0));
        const d0 = values(m * n, 6), d1 = copyTo(d0);
        matmulTransA(at, b, d0, k, m, n, acc);
        matmulTransA(copyTo(at), copyTo(b), d1, k, m, n, acc);
        expect(bits(d1)).toEqual(bits(d0));
        const e0 = values(m * n, 7), e1 = copyTo(e0);
        matmulTransB(a, bt, e0, m, k, n, acc);
        matmulTransB(copyTo(a), copyTo(bt), e1, m, k, n, acc);
        expect(bits(e1)).toEqual(bits(e0));
      }
    });
  }

  it('a C that overlaps A is not written in place while it is read', () => {
    const m = 4, k = 4, n = 4;
    const buf = kernelFloats(2 * m * k);
    buf.set(values(2 * m * k, 8));
    const plain = buf.slice();
    const expected = new Float32Array(m * n);
    matmul(plain.subarray(0, m * k), plain.subarray(m * k), expected, m, k, n);
    matmul(buf.subarray(0, m * k), buf.subarray(m * k), buf.subarray(0, m * n), m, k, n);
    expect(bits(buf.subarray(0, m * n))).toEqual(bits(expected));
  });

  for (const [m, n] of [[1, 1], [3, 7], [100, 128], [5, 10]] as const) {
    it(`addBias, sumRows and ReLU ${m}×${n} equal the JavaScript loops bit for bit`, () => {
      const x = values(m * n, 9);
      x[1 % x.length] = NaN;
      const bias = values(n, 10);
      const y0 = x.slice(), y1 = copyTo(x);
      addBias(y0, bias, m, n);
      addBias(y1, copyTo(bias), m, n);
      expect(bits(y1)).toEqual(bits(y0));
      for (const acc of [false, true]) {
        const s0 = values(n, 11), s1 = copyTo(s0);
        sumRows(x, m, n, s0, acc);
        sumRows(copyTo(x), m, n, s1, acc);
        expect(bits(s1)).toEqual(bits(s0));
      }
      const relu = new ReLU(n);
      const f0 = relu.forward(x, m).slice();
      const g = values(m * n, 12);
      const b0 = relu.backward(g).slice();
      // JavaScript reference: y = x > 0 ? x : +0, dx = y > 0 ? dy : +0.
      expect(bits(f0)).toEqual(bits(Float32Array.from(x, (v) => (v > 0 ? v : 0))));
      expect(bits(b0)).toEqual(bits(Float32Array.from(g, (v, i) => (f0[i]! > 0 ? v : 0))));
      const r = new ReLU(n);
      expect(bits(r.forward(copyTo(x), m))).toEqual(bits(f0));
      expect(bits(r.backward(copyTo(g)))).toEqual(bits(b0));
    });
  }

  // 100,003 floats: past the size that splits an update with the worker (simd.ts), and not a
  // multiple of 4 (the last row of 4 is padding).
  for (const kind of [{ kind: 'sgd' }, { kind: 'momentum' }, { kind: 'momentum', nesterov: true }, { kind: 'adam' }] as const) {
    it(`${JSON.stringify(kind)} on big resident parameters, split with the worker, equals the JavaScript steps bit for bit`, async () => {
      const n = 100_003;
      const w = values(n, 21);
      const p0 = { name: 'weight', value: w.slice(), grad: new Float32Array(n), shape: [n], regularize: true };
      const p1 = { name: 'weight', value: copyTo(w), grad: kernelFloats(n), shape: [n], regularize: true };
      const js = createOptimizerOn(kind, 'js');
      const wasm = createOptimizerOn(kind, 'auto');
      const before = simd!.workerChunks();
      // The first big job starts the worker (and runs here); steps continue until it has taken
      // part. A step is short: a parked worker joins only if it wakes before the caller has done
      // every chunk, which on a loaded machine may take many steps, so the bound is time (a
      // count of 400 steps ran out once in a full `npm test`), and the worker is up first.
      const step = (k: number): void => {
        const g = values(n, 30 + k);
        p0.grad.set(g);
        p1.grad.set(g);
        js.step([p0], 0.01);
        wasm.step([p1], 0.01);
      };
      step(0);
      for (let i = 0; i < 1000 && canSplit() && simd!.threads() < 2; i++) await new Promise((r) => setTimeout(r, 10));
      const deadline = Date.now() + 60_000;
      for (let k = 1; k < 4 || (canSplit() && simd!.workerChunks() === before && Date.now() < deadline); k++) {
        step(k);
        if (k % 10 === 9) await new Promise((r) => setTimeout(r, 1));
      }
      expect(bits(p1.value)).toEqual(bits(p0.value));
      if (canSplit()) expect(simd!.workerChunks()).toBeGreaterThan(before);
    }, 120_000);
  }

  for (const kind of [{ kind: 'sgd' }, { kind: 'momentum' }, { kind: 'momentum', nesterov: true }, { kind: 'adam' }] as const) {
    it(`${JSON.stringify(kind)} on resident parameters equals the JavaScript steps bit for bit`, () => {
      const w = values(13, 13);
      const p0 = { name: 'weight', value: w.slice(), grad: new Float32Array(13), shape: [13], regularize: true };
      const p1 = { name: 'weight', value: copyTo(w), grad: kernelFloats(13), shape: [13], regularize: true };
      const js = createOptimizerOn(kind, 'js');
      const wasm = createOptimizerOn(kind, 'auto');
      for (let step = 0; step < 3; step++) {
        const g = values(13, 14 + step);
        p0.grad.set(g);
        p1.grad.set(g);
        js.step([p0], 0.01);
        wasm.step([p1], 0.01);
        expect(bits(p1.value)).toEqual(bits(p0.value));
      }
    });
  }
});
