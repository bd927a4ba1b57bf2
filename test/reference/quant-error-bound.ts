// A worst-case bound on |device − exact| for int8/int16 bundles, per output element, written
// from docs/quantization.md (symmetric scales, round-half-away weights/bias/input, requant
// multiplier with relative error ≤ 2^-15, dequantised fp32 last layer) and stated in
// docs/models.md ("How close to PyTorch"). Per layer with input error bound e and true input x:
//   |z' − z|_j ≤ Σ_i e_i·|w_ij| + (s_w[j]/2)·Σ_i (|x_i| + e_i) + s_in·s_w[j]/2   (weights, bias)
// hidden:  e'_j = L·|z' − z|_j + s_out/2 + 2^-14·(|f(z_j)| + L·|z' − z|_j) (+ s_in·s_w/2 for
//          leaky/prelu's slope rounding, + 2^-16 on the float path)
// last:    e'_j = L·|z' − z|_j + 2^-22·(|f(z_j)| + L·|z' − z|_j)
// softmax: min(1, p_j·(e^{2E} − 1)) + 2^-20 with E = max_j e_j; host log-softmax: 2E.
// A ReLU unit with z + |z' − z| ≤ 0 outputs exactly 0 on both sides: its error is 0.
// The bound is worst case over the signs of the errors, so it grows geometrically with depth
// (for the 10-layer autoencoder fixture it exceeds the output range): it is a correctness
// check, and docs/models.md also reports the measured errors.
// L is the activation's Lipschitz constant. Inputs are in range of the input scale (calibrated
// on the rows themselves), so clamps never add error; saturation of hidden outputs only moves
// values toward the calibrated range, which holds the exact value.
import type { Bundle } from '../../compiler/bundle.js';
import type { ModelGraph, ModelWeights } from '../../compiler/model.js';

function lipschitz(kind: string, alpha: number | undefined, slopes: Float32Array | undefined): number {
  if (kind === 'sigmoid') return 0.25;
  if (kind === 'leaky' || kind === 'elu') return Math.max(1, Math.abs(alpha ?? 1));
  if (kind === 'prelu') return Math.max(1, ...Array.from(slopes ?? [], Math.abs));
  return 1;
}

function act(kind: string, alpha: number, v: number): number {
  switch (kind) {
    case 'relu': return Math.max(0, v);
    case 'leaky': return v < 0 ? alpha * v : v;
    case 'elu': return v < 0 ? alpha * (Math.exp(v) - 1) : v;
    case 'sigmoid': return 1 / (1 + Math.exp(-v));
    case 'tanh': return Math.tanh(v);
    default: return v;
  }
}

/** Exact (float64) outputs and the per-element bound, for rows × inputSize inputs `x`. */
export function quantErrorBound(
  model: ModelGraph, weights: ModelWeights, bundle: Bundle, x: Float32Array, output: 'softmax' | 'log-softmax' | 'plain',
): { exact: Float64Array; bound: Float64Array } {
  const rows = x.length / model.inputSize;
  const quant = bundle.layout.quant.layers;
  let cur = Float64Array.from(x);
  let width = model.inputSize;
  const sIn0 = bundle.layout.quant.inputScale;
  let err = new Float64Array(cur.length).fill(sIn0 / 2);
  model.layers.forEach((layer, l) => {
    const q = quant[l]!;
    const lw = weights[l]!;
    const n = layer.units;
    const last = l === model.layers.length - 1;
    const alpha = 'alpha' in layer.activation ? layer.activation.alpha : 1;
    const L = lipschitz(layer.activation.kind, alpha, lw.slopes);
    const next = new Float64Array(rows * n);
    const nextErr = new Float64Array(rows * n);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < n; j++) {
        const sw = q.wScale.length === 1 ? q.wScale[0]! : q.wScale[j]!;
        let z = lw.b[j]!;
        let dz = (q.inScale * sw) / 2;
        for (let i = 0; i < width; i++) {
          const xi = cur[r * width + i]!;
          const ei = err[r * width + i]!;
          const w = lw.w[i * n + j]!;
          z += xi * w;
          dz += ei * Math.abs(w) + (sw / 2) * (Math.abs(xi) + ei);
        }
        const kind = layer.activation.kind;
        const slope = lw.slopes ? lw.slopes[j]! : alpha;
        const y = kind === 'prelu' ? (z < 0 ? slope * z : z) : act(kind, alpha, z);
        let e = L * dz;
        // ReLU with z + dz ≤ 0: the device's pre-activation is ≤ 0 too, both outputs are exactly 0.
        if (kind === 'relu' && z + dz <= 0) e = 0;
        else if (last) e += 2 ** -22 * (Math.abs(y) + e);
        else {
          e += q.outScale / 2 + 2 ** -14 * (Math.abs(y) + e);
          if (kind === 'leaky' || kind === 'prelu') e += (q.inScale * sw) / 2;
          if (q.path === 'float') e += 2 ** -16;
        }
        next[r * n + j] = y;
        nextErr[r * n + j] = e;
      }
    }
    cur = next;
    err = nextErr;
    width = n;
  });
  if (output !== 'plain') {
    for (let r = 0; r < rows; r++) {
      const row = cur.subarray(r * width, (r + 1) * width);
      const E = Math.max(...err.subarray(r * width, (r + 1) * width));
      const max = Math.max(...row);
      const sum = row.reduce((a, v) => a + Math.exp(v - max), 0);
      for (let j = 0; j < width; j++) {
        const logp = row[j]! - max - Math.log(sum);
        if (output === 'softmax') {
          const p = Math.exp(logp);
          row[j] = p;
          err[r * width + j] = Math.min(1, p * (Math.exp(2 * E) - 1)) + 2 ** -20;
        } else {
          row[j] = logp;
          err[r * width + j] = 2 * E + 2 ** -20 * Math.abs(logp);
        }
      }
    }
  }
  return { exact: cur, bound: err };
}
