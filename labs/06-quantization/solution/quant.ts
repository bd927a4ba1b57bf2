// Lab 06 — reference solution: symmetric per-tensor and per-channel weight quantisation.

export interface Quantized {
  q: Int32Array;
  scales: Float64Array;
}

function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
}

function quantizeWith(w: Float32Array, outF: number, scales: Float64Array, qmax: number): Int32Array {
  const q = new Int32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const s = scales.length === 1 ? scales[0]! : scales[i % outF]!;
    q[i] = Math.max(-qmax, Math.min(qmax, roundHalfAway(w[i]! / s)));
  }
  return q;
}

export function quantizePerTensor(w: Float32Array, bits: number): Quantized {
  const qmax = 2 ** (bits - 1) - 1;
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scales = Float64Array.of(max === 0 ? 1 : max / qmax);
  return { q: quantizeWith(w, 1, scales, qmax), scales };
}

export function quantizePerChannel(w: Float32Array, inF: number, outF: number, bits: number): Quantized {
  const qmax = 2 ** (bits - 1) - 1;
  const max = new Float64Array(outF);
  for (let i = 0; i < inF; i++) for (let j = 0; j < outF; j++) max[j] = Math.max(max[j]!, Math.abs(w[i * outF + j]!));
  const scales = max.map((m) => (m === 0 ? 1 : m / qmax));
  return { q: quantizeWith(w, outF, scales, qmax), scales };
}

export function dequantize(qw: Quantized, outF: number): Float32Array {
  const out = new Float32Array(qw.q.length);
  for (let i = 0; i < out.length; i++) out[i] = qw.q[i]! * (qw.scales.length === 1 ? qw.scales[0]! : qw.scales[i % outF]!);
  return out;
}
