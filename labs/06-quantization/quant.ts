// Lab 06 — your file. Symmetric linear quantisation of a weight matrix stored (in, out), as
// README.md "The scheme" defines it: one scale for the whole tensor, or one per output column.

export interface Quantized {
  /** Integers in [−(2^(bits−1) − 1), 2^(bits−1) − 1], same layout as the weights. */
  q: Int32Array;
  /** One scale (per tensor) or one per output column (per channel). */
  scales: Float64Array;
}

/** scale = max|w| / (2^(bits−1) − 1) (1 if all weights are 0); q = clamp(roundHalfAway(w / scale)). */
export function quantizePerTensor(w: Float32Array, bits: number): Quantized {
  throw new Error('TODO: quantizePerTensor');
}

/** The same with one scale per output column j (w[i * outF + j]). */
export function quantizePerChannel(w: Float32Array, inF: number, outF: number, bits: number): Quantized {
  throw new Error('TODO: quantizePerChannel');
}

/** w ≈ q · scale (scales of length 1 or outF). */
export function dequantize(qw: Quantized, outF: number): Float32Array {
  throw new Error('TODO: dequantize');
}
