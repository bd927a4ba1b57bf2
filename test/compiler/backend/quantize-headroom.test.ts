// Accumulator headroom (docs/quantization.md): int16 (and, for huge K, int8) layers get weight
// scales whose int32 accumulators provably cannot overflow. Checked on the simulated program
// against exact float64 integer sums with saturating inputs, on a trained MNIST MLP's
// accuracy, on the range analysis itself, and on the error when no scale can avoid overflow.
import { describe, expect, it } from 'vitest';
import { compile } from '../../../compiler/pipeline.js';
import { quantizeModel, type QuantLayer } from '../../../compiler/passes/quantize.js';
import { INT32_MAX, accumulatorRange, outputRange, quantizedRange, typeRange } from '../../../compiler/passes/headroom.js';
import { clamp, roundHalfAway } from '../../../compiler/passes/quant-math.js';
import { readOutputs, writeInputs, type Bundle } from '../../../compiler/bundle.js';
import type { ModelGraph, ModelWeights } from '../../../compiler/model.js';
import { loadHardware } from '../../../isa/node.js';
import { createRng } from '../../../isa/rng.js';
import { simulate } from '../../../simulator/index.js';
import { createMlp, defaultMnistSpec, loadMnist, train } from '../../../runtime/index.js';
import { makeModel, referenceFor } from './helpers.js';

const hw = loadHardware('dlp-s');

/** Runs a bundle with raw int16 values placed directly in the input region. */
function runRaw(b: Bundle, xq: Int16Array): Float32Array {
  const dram = b.image.slice();
  new Uint8Array(dram.buffer, b.layout.input.addr, xq.byteLength).set(new Uint8Array(xq.buffer));
  return readOutputs(b, simulate(b.program, hw, { dram }).dram);
}

/** fround(E·s_acc) with E = Σ x_q·w_q + b_q computed exactly (no wrap): the last layer's output. */
function exactOutputs(L: QuantLayer, xq: Int16Array, rows: number): { out: Float32Array; maxAbs: number } {
  const out = new Float32Array(rows * L.N);
  let maxAbs = 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < L.N; j++) {
      let e = L.bias[j]!;
      for (let i = 0; i < L.K; i++) e += xq[r * L.K + i]! * L.w[i * L.N + j]!;
      maxAbs = Math.max(maxAbs, Math.abs(e));
      out[r * L.N + j] = Math.fround(e * L.accScale[L.accScale.length === 1 ? 0 : j]!);
    }
  }
  return { out, maxAbs };
}

/** Worst-case raw inputs: all -32768, all +32767, and per column j the sign pattern of w[:, j]. */
function adversarialInputs(L: QuantLayer, cols: number): Int16Array {
  const rows = 2 + cols;
  const xq = new Int16Array(rows * L.K);
  for (let i = 0; i < L.K; i++) {
    xq[i] = -32768;
    xq[L.K + i] = 32767;
    for (let j = 0; j < cols; j++) xq[(2 + j) * L.K + i] = L.w[i * L.N + j]! >= 0 ? 32767 : -32768;
  }
  return xq;
}

function singleLayer(K: number, N: number, fill: (i: number) => number, bias = 0): { model: ModelGraph; weights: ModelWeights } {
  const model = makeModel(K, [[N, { kind: 'identity' }]], false);
  const w = Float32Array.from({ length: K * N }, (_, i) => fill(i));
  return { model, weights: [{ w, b: new Float32Array(N).fill(bias) }] };
}

describe('int16 accumulators never wrap', () => {
  const cases: [string, () => number, boolean][] = [
    ['equal max-magnitude weights, per tensor', () => 0.5, false],
    ['mixed-sign weights, per tensor', (() => { const r = createRng(5); return () => r() * 2 - 1; })(), false],
    ['mixed-sign weights, per channel', (() => { const r = createRng(6); return () => (r() * 2 - 1) * (1 + r()); })(), true],
  ];
  for (const [name, gen, perChannel] of cases) {
    it(`K = 784, saturating inputs: ${name}`, () => {
      const { model, weights } = singleLayer(784, 8, () => gen(), 0.25);
      const opts = { dtype: 'int16' as const, batch: 10, perChannel, scales: { input: 1 / 32767 } };
      const b = compile(model, weights, hw, opts);
      const L = quantizeModel(model, weights, opts).layers[0]!;
      expect(b.layout.quant.layers[0]!.wQmax).toEqual(L.wQmax);
      expect(Math.max(...L.wQmax)).toBeLessThan(32767);
      expect(L.accBound).toBeLessThanOrEqual(INT32_MAX);
      const xq = adversarialInputs(L, 8);
      const { out, maxAbs } = exactOutputs(L, xq, 10);
      // The headroom is used, not wasted: the worst case comes within 2 % of 2^31.
      expect(maxAbs).toBeGreaterThan(0.98 * 2 ** 31);
      expect(maxAbs).toBeLessThanOrEqual(L.accBound);
      expect(Array.from(runRaw(b, xq))).toEqual(Array.from(out));
    });
  }

  it('equal weights 0.5 over K = 784 get qmax ⌊(2^31 − 1) / (32768·784)⌋ = 83', () => {
    const { model, weights } = singleLayer(784, 8, () => 0.5);
    const L = quantizeModel(model, weights, { dtype: 'int16', scales: { input: 1 / 32767 } }).layers[0]!;
    expect(L.wQmax).toEqual([83]);
    expect(L.accBound).toBe(32768 * 784 * 83);
  });

  it('stays bit-exact with the reference MLP through a hidden layer', () => {
    const model = makeModel(784, [[32, { kind: 'relu' }], [10, { kind: 'identity' }]], true);
    const r = createRng(9);
    const weights: ModelWeights = [
      { w: Float32Array.from({ length: 784 * 32 }, () => r() * 2 - 1), b: Float32Array.from({ length: 32 }, () => r() - 0.5) },
      { w: Float32Array.from({ length: 320 }, () => r() * 2 - 1), b: Float32Array.from({ length: 10 }, () => r() - 0.5) },
    ];
    const x = Float32Array.from({ length: 4 * 784 }, (_, i) => (i % 3 === 0 ? 1 : -1));
    const b = compile(model, weights, hw, { dtype: 'int16', batch: 4, calibration: x });
    const dram = b.image.slice();
    writeInputs(b, dram, x);
    const got = readOutputs(b, simulate(b.program, hw, { dram }).dram);
    expect(Array.from(got)).toEqual(Array.from(referenceFor(b, model, weights, x, 4)));
    for (const L of b.layout.quant.layers) expect(L.accBound).toBeLessThanOrEqual(INT32_MAX);
  });
});

describe('int16 accuracy on a trained MNIST MLP', () => {
  it('agrees with the host model at least as well as int8, and on ≥ 98 % of 500 test images', async () => {
    const mnist = loadMnist({ subset: 5000 });
    const net = createMlp(defaultMnistSpec);
    await train(net, mnist.train, { epochs: 1 });
    const { model, weights } = net.toGraph();
    const rows = 500;
    const x = mnist.test.x.subarray(0, rows * 784);
    const host = net.classify(x, rows);
    const calibration = mnist.train.x.subarray(0, 500 * 784);
    const agreement: Record<string, number> = {};
    for (const dtype of ['fp32', 'int8', 'int16'] as const) {
      const b = compile(model, weights, hw, { dtype, batch: rows, calibration });
      const dram = b.image.slice();
      writeInputs(b, dram, x);
      const out = readOutputs(b, simulate(b.program, hw, { dram }).dram);
      let same = 0;
      for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let c = 1; c < 10; c++) if (out[r * 10 + c]! > out[r * 10 + best]!) best = c;
        if (best === host[r]) same++;
      }
      agreement[dtype] = same / rows;
      if (dtype === 'int16') {
        // fc1 (K = 784) needs headroom; int16 still keeps far more weight levels than int8.
        const fc1 = b.layout.quant.layers[0]!;
        expect(fc1.wQmax[0]).toBeGreaterThan(127);
        expect(fc1.wQmax[0]).toBeLessThan(32767);
      }
    }
    expect(agreement.fp32).toBeGreaterThanOrEqual(0.99);
    expect(agreement.int16).toBeGreaterThanOrEqual(0.98);
    expect(agreement.int16).toBeGreaterThanOrEqual(agreement.int8!);
  }, 60_000);
});

describe('int8 keeps the type qmax unless it too could overflow', () => {
  it('an ordinary int8 layer keeps qmax 127', () => {
    const { model, weights } = singleLayer(784, 4, (i) => Math.sin(i));
    expect(quantizeModel(model, weights, { dtype: 'int8' }).layers[0]!.wQmax).toEqual([127]);
  });
  it('K = 140000 int8 shrinks to qmax ⌊(2^31 − 1) / (128·140000)⌋ = 119', () => {
    const { model, weights } = singleLayer(140_000, 1, () => 0.5);
    const L = quantizeModel(model, weights, { dtype: 'int8', calibration: new Float32Array(140_000) }).layers[0]!;
    expect(L.wQmax).toEqual([119]);
    expect(L.accBound).toBe(128 * 140_000 * 119);
  });
});

describe('bias headroom', () => {
  it('tiny weights next to a large bias get a bias-limited scale instead of a clamped bias', () => {
    // At q = 1, s_w = 1e-7 would need b_q = 2·32767/1e-7 ≈ 6.6e11: the scale comes from the bias.
    const { model, weights } = singleLayer(3, 2, () => 1e-7, 2);
    const L = quantizeModel(model, weights, { dtype: 'int16', scales: { input: 1 / 32767 } }).layers[0]!;
    const sIn = Math.fround(1 / 32767);
    expect(L.wQmax).toEqual([1]);
    expect(L.wScale).toEqual([Math.fround(2 / (sIn * 2 ** 30))]);
    expect(Array.from(L.w)).toEqual([0, 0, 0, 0, 0, 0]);
    // 2^30 up to the fp32 rounding of s_w: the bias takes half the accumulator range.
    expect(Array.from(L.bias)).toEqual([2 ** 30 + 1, 2 ** 30 + 1]);
  });
});

describe('range analysis', () => {
  it('bounds partial sums by the negative and positive parts, bias included', () => {
    const acc = accumulatorRange({ lo: Float64Array.of(-2, 0), hi: Float64Array.of(3, 5) }, Int16Array.of(4, -1, -2, 3), 2, 2, [10, -7]);
    // column 0: terms 4·[-2,3] = [-8,12] and -2·[0,5] = [-10,0]; column 1: -1·[-2,3] = [-3,2] and 3·[0,5] = [0,15].
    expect(Array.from(acc.neg)).toEqual([-18, -10]);
    expect(Array.from(acc.pos)).toEqual([22, 17]);
    expect(Array.from(acc.lo)).toEqual([-8, -10]);
    expect(Array.from(acc.hi)).toEqual([22, 10]);
  });

  it('quantises as quant-math does while it bounds (one pass, the same integers and ranges)', () => {
    const rng = createRng(7);
    const K = 37, pitch = 11, c0 = 3, n = 6, q = 127, scale = 0.25;
    // Values on the rounding ties (k + 0.5 steps of the scale), past ±q (saturation), signed zeros and plain draws.
    const src = Float32Array.from({ length: K * pitch }, (_, i) => {
      const pick = i % 5;
      if (pick === 0) return (Math.floor(rng() * 80) - 40 + 0.5) * scale;
      if (pick === 1) return (rng() < 0.5 ? -1 : 1) * (q + 1 + rng() * 50) * scale;
      if (pick === 2) return i % 2 ? -0 : 0;
      return (rng() * 2 - 1) * 40;
    });
    const x = { lo: Float64Array.from({ length: K }, () => -Math.floor(rng() * 200)), hi: Float64Array.from({ length: K }, () => Math.floor(rng() * 200)) };
    const bias = Float64Array.from({ length: n }, () => Math.round((rng() * 2 - 1) * 1e5));
    const w = new Int16Array(K * n);
    const acc = quantizedRange(x, src, pitch, c0, K, n, scale, q, w, bias);
    const expected = Int16Array.from({ length: K * n }, (_, e) => clamp(roundHalfAway(src[Math.floor(e / n) * pitch + c0 + (e % n)]! / scale), -q, q));
    expect(Array.from(w)).toEqual(Array.from(expected));
    expect(expected.some((v) => Math.abs(v) === q)).toBe(true);
    const ref = accumulatorRange(x, expected, K, n, bias);
    for (const k of ['neg', 'pos', 'lo', 'hi'] as const) expect(Array.from(acc[k])).toEqual(Array.from(ref[k]));
  });

  const base = { N: 1, alpha: 0, accScale: [2 ** -16], outType: 'int16' as const, slopes: undefined };
  const table: [string, Parameters<typeof outputRange>[0], [number, number], [number, number]][] = [
    ['relu clips the negative end', { ...base, func: 'relu', path: 'int', requant: [{ mult: 16384, shift: 15 }] }, [-1000, 600], [0, 300]],
    ['identity saturates to int16', { ...base, func: 'identity', path: 'int', requant: [{ mult: 16384, shift: 14 }] }, [-1e6, 1e6], [-32768, 32767]],
    ['leaky scales the negative end', { ...base, func: 'leaky', alpha: 0.25, path: 'int', requant: [{ mult: 16384, shift: 14 }] }, [-400, 50], [-100, 50]],
    ['sigmoid stays in [0, 1/s_out]', { ...base, func: 'sigmoid', path: 'float', requant: [{ mult: 16384, shift: 16 }] }, [-1e9, 1e9], [0, 16384]],
  ];
  for (const [name, L, [lo, hi], want] of table) {
    it(name, () => {
      const r = outputRange(L, { lo: Float64Array.of(lo), hi: Float64Array.of(hi) });
      expect([r.lo[0], r.hi[0]]).toEqual(want);
    });
  }

  it('the input region is assumed to hold any integer of its type', () => {
    const r = typeRange('int16', 2);
    expect([Array.from(r.lo), Array.from(r.hi)]).toEqual([[-32768, -32768], [32767, 32767]]);
  });
});

describe('unavoidable overflow is an error naming the layer', () => {
  it('K = 70000 int16 inputs overflow even with ±1 weights', () => {
    // The headroom proof itself (quantizeModel); compile() refuses such a layer earlier, at the
    // front-end limit of 65535 features, where 65535 · 32768 < 2^31 cannot overflow with ±1 weights.
    const { model, weights } = singleLayer(70_000, 1, () => 0.5);
    expect(() => quantizeModel(model, weights, { dtype: 'int16', scales: { input: 1 } })).toThrow(
      "layer 'fc1': int16 accumulators can overflow int32 even with weights quantised to ±1 (column 0 can reach 2293760000 over 70000 inputs); use int8 or fewer inputs per layer",
    );
    expect(() => compile(model, weights, hw, { dtype: 'int16', calibration: new Float32Array(70_000) })).toThrow(
      "input size 70000 exceeds dlpkit's limit of 65535 features per layer",
    );
  });
  it('a bias no finite weight scale can bring into int32', () => {
    const { model, weights } = singleLayer(4, 2, () => 0.001, 1e38);
    expect(() => quantizeModel(model, weights, { dtype: 'int16', scales: { input: 1e-30 } })).toThrow(
      "layer 'fc1': bias[0] = 9.999999680285692e+37 cannot be represented in int32 at the input scale 1.0000000031710769e-30 by any finite weight scale; use a larger input scale",
    );
  });
});
