// The plain typed-array reference the simulator's speed is compared with: the same integer
// arithmetic as an int8 program (int8 × int8 products accumulated in int32, then bias, ReLU
// and a multiply-and-shift requantisation back to int8), written as the straightforward
// i-p-j loop nest a student would write — no blocking, no SIMD, no threads.

export interface RefLayer {
  K: number;
  N: number;
  /** K × N, row-major (in, out) as in the course. */
  w: Int8Array;
  bias: Int32Array;
  relu: boolean;
  /** Requantisation: out = clamp((acc · mult) >> shift). */
  mult: number;
  shift: number;
}

/** Seeded int8 layers for a chain of widths (values do not matter for timing). */
export function createRefLayers(widths: readonly number[], reluLast = false): RefLayer[] {
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24) - 128;
  return widths.slice(1).map((N, l) => {
    const K = widths[l]!;
    const w = new Int8Array(K * N);
    for (let i = 0; i < w.length; i++) w[i] = next() >> 2;
    const bias = new Int32Array(N);
    for (let i = 0; i < N; i++) bias[i] = next();
    return { K, N, w, bias, relu: l < widths.length - 2 || reluLast, mult: 1 << 14, shift: 22 };
  });
}

export function createRefInput(rows: number, cols: number): Int8Array {
  const x = new Int8Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = (i * 7919) % 127;
  return x;
}

/** Runs the layers over `rows` rows of `x`; returns the last layer's int32 accumulators. */
export function runReferenceForward(layers: readonly RefLayer[], x: Int8Array, rows: number): Int32Array {
  let input = x;
  let acc = new Int32Array(0);
  for (const L of layers) {
    const { K, N, w, bias } = L;
    acc = new Int32Array(rows * N);
    for (let r = 0; r < rows; r++) {
      const o = r * N;
      for (let j = 0; j < N; j++) acc[o + j] = bias[j]!;
      for (let p = 0; p < K; p++) {
        const a = input[r * K + p]!;
        const wo = p * N;
        for (let j = 0; j < N; j++) acc[o + j] += a * w[wo + j]!;
      }
    }
    const out = new Int8Array(rows * N);
    for (let i = 0; i < out.length; i++) {
      let v = acc[i]!;
      if (L.relu && v < 0) v = 0;
      const q = Math.floor((v * L.mult) / 2 ** L.shift);
      out[i] = q > 127 ? 127 : q < -128 ? -128 : q;
    }
    input = out;
  }
  return acc;
}
