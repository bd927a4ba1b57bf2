// Calibration: the fp32 forward over the calibration rows (with ACT's float arithmetic,
// isa/act.ts) and the range statistics that size each activation scale (docs/quantization.md).
import { createRng } from '../../isa/rng.js';
import { floatActivation } from '../../isa/act.js';
import type { Activation, ModelGraph, ModelWeights } from '../model.js';

export function alphaOf(a: Activation): number {
  return a.kind === 'leaky' || a.kind === 'elu' ? a.alpha : 0;
}

/** Rows used when the caller gives no calibration: seeded uniform values in [-1, 1). */
export function defaultCalibration(inputSize: number, rows = 32): Float32Array {
  const rng = createRng(0x9e3779b9);
  const out = new Float32Array(rows * inputSize);
  for (let i = 0; i < out.length; i++) out[i] = rng() * 2 - 1;
  return out;
}

/** Statistic of |x| used to size a scale. */
export function rangeOf(values: Float32Array | Float64Array, method: 'maxabs' | 'percentile', pct: number): number {
  if (values.length === 0) return 0;
  if (method === 'maxabs') {
    let m = 0;
    for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
    return m;
  }
  const abs = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) abs[i] = Math.abs(values[i]!);
  abs.sort();
  const at = Math.min(abs.length - 1, Math.max(0, Math.ceil((pct / 100) * abs.length) - 1));
  return abs[at]!;
}

/** Applies an activation in fp32 (the calibration forward): ACT's float path, isa/act.ts,
 * with the fp32 alpha the instruction carries and the fp32 PReLU slope of the column. */
export function applyActivation(kind: Activation['kind'], v: number, alpha: number, slope: number): number {
  return floatActivation(kind, v, kind === 'prelu' ? Math.fround(slope) : Math.fround(alpha));
}

/** fp32 forward over the calibration rows; returns each layer's activated outputs, of the
 * first `layers` layers (default all). */
export function forwardFp32(model: ModelGraph, weights: ModelWeights, x: Float32Array, rows: number, layers = model.layers.length): Float32Array[] {
  const outs: Float32Array[] = [];
  let cur = x;
  let K = model.inputSize;
  model.layers.slice(0, layers).forEach((layer, l) => {
    const { w, b, slopes } = weights[l]!;
    const N = layer.units;
    const y = new Float32Array(rows * N);
    const acc = new Float64Array(N);
    const alpha = alphaOf(layer.activation);
    for (let r = 0; r < rows; r++) {
      acc.fill(0);
      for (let i = 0; i < K; i++) {
        const xv = cur[r * K + i]!;
        if (xv === 0) continue;
        const row = i * N;
        for (let j = 0; j < N; j++) acc[j] += xv * w[row + j]!;
      }
      for (let j = 0; j < N; j++) {
        y[r * N + j] = applyActivation(layer.activation.kind, Math.fround(acc[j]! + b[j]!), alpha, slopes?.[j] ?? 0);
      }
    }
    outs.push(y);
    cur = y;
    K = N;
  });
  return outs;
}
