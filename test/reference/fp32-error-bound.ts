// A worst-case forward error bound for the fp32 reference (fp32Forward in mlp-reference.ts),
// so fp32 equivalence tolerates exactly the rounding the ISA allows and nothing more.
// Written from docs/isa.md (MATMUL: the sum in double, rounded to fp32 once per MATMUL, i.e.
// once per k-tile; ACT: fround after the bias add and after the activation) without compiler
// or simulator code. The device may split a dot product of length K into up to K k-tiles, so a
// dot product may carry up to K fp32 roundings of partial sums where the reference has one;
// when partial sums cancel, that difference is large relative to the result but never large
// relative to Σ|x·w|, which is what the bound is built from. Everything is first order in
// u = 2^-24 with a generous constant; a wrong tile, element or scale is off by O(|x·w|).
import { fp32Forward, type RefActivation, type RefLayer } from './mlp-reference.js';

const U = 2 ** -24;
/** Absolute slack per fp32 rounding for results in the subnormal range. */
const TINY = 2 ** -126;

/** Lipschitz constant of an activation (per column for PReLU). */
function lipschitz(a: RefActivation, slope: number): number {
  switch (a.kind) {
    case 'identity':
    case 'relu':
    case 'tanh': return 1;
    case 'sigmoid': return 0.25;
    case 'prelu': return Math.max(1, Math.abs(slope));
    case 'leaky':
    case 'elu': return Math.max(1, Math.abs(a.alpha));
  }
}

/**
 * fp32Forward's outputs (rows × last units) with a per-element bound on |device − reference|.
 * The reference runs layer by layer (fp32Forward on one layer at a time is the same chain) so
 * the bound can use each layer's fp32 inputs.
 */
export function fp32ForwardWithBound(layers: RefLayer[], x: Float32Array, rows: number, softmax: boolean): { y: Float32Array; bound: Float64Array } {
  let cur: Float32Array = x;
  let err = new Float64Array(x.length);
  layers.forEach((L) => {
    const out = fp32Forward([L], cur, rows, false);
    const next = new Float64Array(rows * L.units);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < L.units; c++) {
        let mag = 0;
        let prop = 0;
        for (let i = 0; i < L.inputs; i++) {
          const w = Math.abs(L.w[i * L.units + c]!);
          mag += Math.abs(cur[r * L.inputs + i]!) * w;
          prop += err[r * L.inputs + i]! * w;
        }
        // Input error carried through the weights, plus up to K + 1 partial-sum roundings on
        // either side, plus the bias add rounded on both sides.
        const dot = prop + (L.inputs + 1) * U * (mag + prop) + L.inputs * TINY;
        const v = dot * (1 + 2 * U) + 2 * U * (mag + Math.abs(L.b[c]!) + prop) + 2 * TINY;
        const slope = L.slopes ? L.slopes[c]! : 0;
        next[r * L.units + c] = lipschitz(L.activation, slope) * v * (1 + 2 * U) + 2 * U * Math.abs(out[r * L.units + c]!) + 2 * TINY;
      }
    }
    cur = out;
    err = next;
  });
  if (!softmax) return { y: cur, bound: err };
  const y = fp32Forward(layers, x, rows, true);
  // Softmax: logits off by at most E move every probability by a factor in [e^-2E, e^2E];
  // exp, the sequential sum of n terms and the division add (n + 3) roundings per side.
  const n = layers[layers.length - 1]!.units;
  const bound = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let E = 0;
    for (let c = 0; c < n; c++) E = Math.max(E, err[r * n + c]!);
    const rel = Math.expm1(2 * E) + 2 * (n + 3) * U;
    // A probability that underflowed to 0 may be up to 2^-149 before rounding; no probability
    // moves by more than 1 (this also keeps an infinite rel from giving 0·∞ = NaN).
    for (let c = 0; c < n; c++) bound[r * n + c] = Math.min(1, (Math.abs(y[r * n + c]!) + 2 ** -149) * rel * (1 + 1e-6) + 2 * TINY);
  }
  return { y, bound };
}
