// Lab 07 — the lab's reference MLP: test/reference/mlp-reference.ts restricted to the
// activations the checker draws (identity, relu, gelu) with gelu taken from the lab's own PWL
// model (pwl-spec.ts). Plain loops following docs/quantization.md, no compiler code, so the
// student's compiler + simulator are compared with something they did not write.
import { actGelu, roundShift, specGelu } from './pwl-spec.js';

export type LabActivation = 'identity' | 'relu' | 'gelu';

export interface LabLayer {
  inputs: number;
  units: number;
  act: LabActivation;
  /** inputs × units, row-major. */
  w: Float32Array;
  b: Float32Array;
}

/** The scales a compiled bundle records (per-tensor weights). */
export interface LabScales {
  input: number;
  layers: { wScale: number[]; outScale: number; wQmax: number[] }[];
}

/** Lipschitz constant of GELU's table (the largest chord slope is below 1.13). */
const GELU_LIPSCHITZ = 1.13;
/** fp32 tolerance relative to the propagated magnitude Σ|x|·|w| + |b| (a few K·2^-24 suffice). */
export const FP32_REL = 1e-5;

const f = Math.fround;

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

function sat(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** The documented multiplier/shift: the largest shift ≤ 47 keeping mult below 2^15. */
export function refRequant(r: number): { mult: number; shift: number } {
  let shift = 0;
  let scaled = r;
  while (scaled < 16384 && shift < 47) {
    scaled *= 2;
    shift++;
  }
  while (scaled >= 32768 && shift > 0) {
    scaled /= 2;
    shift--;
  }
  let mult = Math.round(scaled);
  if (mult >= 32768 && shift > 0) {
    mult = Math.round(scaled / 2);
    shift--;
  }
  return { mult: Math.min(mult, 32767), shift };
}

function floatAct(a: LabActivation, v: number): number {
  return a === 'gelu' ? specGelu(v) : a === 'relu' ? Math.max(v, 0) : v;
}

function softmaxRows(y: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, y[r * cols + c]!);
    const e = new Float32Array(cols);
    let s = 0;
    for (let c = 0; c < cols; c++) {
      e[c] = f(Math.exp(y[r * cols + c]! - m));
      s = f(s + e[c]!);
    }
    for (let c = 0; c < cols; c++) y[r * cols + c] = f(e[c]! / s);
  }
}

/** Integer forward pass (int8/int16), bit-exact with the DLP; fp32 outputs of the last layer. */
export function quantForward(layers: LabLayer[], scales: LabScales, dtype: 'int8' | 'int16', x: Float32Array, rows: number, softmax: boolean): Float32Array {
  const qmax = dtype === 'int8' ? 127 : 32767;
  let cur = Array.from(x, (v) => sat(roundHalfAway(v / scales.input), -qmax, qmax));
  let inScale = scales.input;
  let result = new Float32Array(0);
  layers.forEach((L, l) => {
    const { wScale, outScale, wQmax } = scales.layers[l]!;
    const sw = wScale[0]!;
    const wq = Array.from(L.w, (w) => sat(roundHalfAway(w / sw), -(wQmax[0] ?? qmax), wQmax[0] ?? qmax));
    const bq = Array.from(L.b, (b) => sat(roundHalfAway(b / (inScale * sw)), -2147483648, 2147483647));
    const accScale = f(inScale * sw);
    const isLast = l === layers.length - 1;
    const next: number[] = new Array(rows * L.units);
    const out = new Float32Array(rows * L.units);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < L.units; c++) {
        let acc = 0;
        for (let i = 0; i < L.inputs; i++) acc += cur[r * L.inputs + i]! * wq[i * L.units + c]!;
        const xv = ((acc | 0) + bq[c]!) | 0;
        if (isLast) {
          out[r * L.units + c] = f(floatAct(L.act, f(xv * accScale)));
        } else if (L.act === 'gelu') {
          // Float path: v = fround(x·scale), the table, 16.16 fixed point, requantise.
          const { mult, shift } = refRequant(1 / (outScale * 65536));
          next[r * L.units + c] = actGelu(xv, dtype, accScale, mult, shift);
        } else {
          const { mult, shift } = refRequant((inScale * sw) / outScale);
          const v = L.act === 'relu' ? Math.max(xv, 0) : xv;
          next[r * L.units + c] = sat(roundShift(v * mult, shift), -qmax - 1, qmax);
        }
      }
    }
    cur = next;
    inScale = outScale;
    result = out;
  });
  if (softmax) softmaxRows(result, rows, layers[layers.length - 1]!.units);
  return result;
}

/** fp32 forward pass with a per-output tolerance: FP32_REL × the magnitude Σ|x|·|w| + |b|
 * carried through the layers (and, after softmax, the matching bound on the probabilities). */
export function fp32Forward(layers: LabLayer[], x: Float32Array, rows: number, softmax: boolean): { y: Float32Array; tol: Float64Array } {
  let cur = Float32Array.from(x);
  let mag = Float64Array.from(x, Math.abs);
  for (const L of layers) {
    const out = new Float32Array(rows * L.units);
    const m = new Float64Array(rows * L.units);
    const lip = L.act === 'gelu' ? GELU_LIPSCHITZ : 1;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < L.units; c++) {
        let acc = 0;
        let a = 0;
        for (let i = 0; i < L.inputs; i++) {
          acc += cur[r * L.inputs + i]! * L.w[i * L.units + c]!;
          a += mag[r * L.inputs + i]! * Math.abs(L.w[i * L.units + c]!);
        }
        out[r * L.units + c] = f(floatAct(L.act, f(f(acc) + L.b[c]!)));
        m[r * L.units + c] = lip * (a + Math.abs(L.b[c]!));
      }
    }
    cur = out;
    mag = m;
  }
  const tol = mag.map((v) => FP32_REL * v + 1e-30);
  if (!softmax) return { y: cur, tol };
  const n = layers[layers.length - 1]!.units;
  softmaxRows(cur, rows, n);
  for (let r = 0; r < rows; r++) {
    let E = 0;
    for (let c = 0; c < n; c++) E = Math.max(E, tol[r * n + c]!);
    for (let c = 0; c < n; c++) tol[r * n + c] = cur[r * n + c]! * (Math.expm1(2 * E) + 1e-6) + 1e-12;
  }
  return { y: cur, tol };
}
