// In-memory data sets for host training: a row-major feature matrix plus either class ids
// (classification) or dense float targets (regression, multi-label), with helpers to take
// subsets by index and to expand labels to one-hot rows.
import { DlpError } from '../isa/errors.js';
import { gatherRowsResident } from './tensor/matmul.js';

export interface Dataset {
  /** n × features, row-major. */
  x: Float32Array;
  /** Class ids (length n), or targets (n × width, row-major) as a Float32Array. */
  y: Uint8Array | Float32Array;
  n: number;
  features: number;
}

/** Builds a data set, checking that x and y agree on the number of samples. */
export function createDataset(x: Float32Array, y: Uint8Array | Float32Array, features: number): Dataset {
  if (!Number.isInteger(features) || features <= 0) throw new DlpError(`features must be a positive integer, got ${features}`);
  if (x.length % features !== 0) throw new DlpError(`x has ${x.length} values, not a multiple of ${features} features`);
  const n = x.length / features;
  if (y instanceof Uint8Array ? y.length !== n : y.length % n !== 0 || (n === 0 && y.length !== 0)) {
    throw new DlpError(`y has ${y.length} values for ${n} samples`);
  }
  return { x, y, n, features };
}

/** Values of y per sample: 1 for class ids, the target width otherwise. */
export function targetWidth(data: Dataset): number {
  return data.y instanceof Uint8Array ? 1 : data.n === 0 ? 0 : data.y.length / data.n;
}

/** The rows `idx` of a data set, copied, in the given order. */
export function selectRows(data: Dataset, idx: ArrayLike<number>): Dataset {
  const f = data.features;
  const w = targetWidth(data);
  const x = new Float32Array(idx.length * f);
  const y = data.y instanceof Uint8Array ? new Uint8Array(idx.length) : new Float32Array(idx.length * w);
  for (let r = 0; r < idx.length; r++) {
    const s = idx[r]!;
    x.set(data.x.subarray(s * f, (s + 1) * f), r * f);
    y.set(data.y.subarray(s * w, (s + 1) * w), r * w);
  }
  return { x, y, n: idx.length, features: f };
}

/** Expands class ids to one-hot rows of width `classes`. */
export function oneHot(labels: ArrayLike<number>, classes: number, out = new Float32Array(labels.length * classes)): Float32Array {
  out.fill(0, 0, labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c >= classes) throw new DlpError(`label ${c} at sample ${i} is out of range for ${classes} classes`);
    out[i * classes + c] = 1;
  }
  return out;
}

/**
 * Writes the batch of rows `order[start..start+batch)` into `xb` and the matching targets,
 * as rows of width `outputs`, into `tb` (one-hot for class ids; for a single-output model,
 * a class id is used as the 0/1 target itself), and the class of each row into `cb`.
 * `residentX`, data.x resident in the SIMD kernels' memory (tensor/matmul.ts residentRows),
 * lets the kernels gather the rows (the same bytes, on both threads).
 */
export function gatherBatch(
  data: Dataset, order: Uint32Array, start: number, batch: number, outputs: number,
  xb: Float32Array, tb: Float32Array, cb: Int32Array, residentX?: Float32Array,
): void {
  const f = data.features;
  const y = data.y;
  const copied = residentX !== undefined && gatherRowsResident(residentX, f, order.subarray(start, start + batch), xb);
  for (let r = 0; r < batch; r++) {
    const s = order[start + r]!;
    if (!copied) xb.set(data.x.subarray(s * f, (s + 1) * f), r * f);
    if (y instanceof Uint8Array) {
      const c = y[s]!;
      cb[r] = c;
      if (outputs === 1) tb[r] = c;
      else {
        tb.fill(0, r * outputs, (r + 1) * outputs);
        if (c >= outputs) throw new DlpError(`label ${c} at sample ${s} is out of range for ${outputs} outputs`);
        tb[r * outputs + c] = 1;
      }
    } else {
      tb.set(y.subarray(s * outputs, (s + 1) * outputs), r * outputs);
      cb[r] = classOf(y, s * outputs, outputs);
    }
  }
}

/** The class a target row stands for: argmax, or threshold 0.5 for a single output. */
export function classOf(v: Float32Array, offset: number, width: number): number {
  if (width === 1) return v[offset]! >= 0.5 ? 1 : 0;
  let best = 0;
  for (let j = 1; j < width; j++) if (v[offset + j]! > v[offset + best]!) best = j;
  return best;
}
