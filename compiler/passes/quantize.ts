// Pass 2: quantisation. Turns fp32 weights into the integer (or fp32) tensors the program
// stores, picks one symmetric scale per tensor (per output column for weights, optionally),
// and derives the exact integers every ACT instruction carries (bias in int32, multiplier +
// shift, dequantisation scale). The scheme is documented step by step in docs/quantization.md;
// test/reference/mlp-reference.ts re-derives it independently from that document.
import type { ActFunc, DType } from '../../isa/spec.js';
import { DlpError } from '../../isa/errors.js';
import { createRng } from '../../isa/rng.js';
import type { Activation, ModelGraph, ModelWeights } from '../model.js';

export type ComputeDType = 'int8' | 'int16' | 'fp32';

export interface QuantOptions {
  dtype: ComputeDType;
  /** One scale per weight output column instead of one per tensor. */
  perChannel?: boolean;
  /** Calibration rows (rows × inputSize, fp32). */
  calibration?: Float32Array;
  /** maxabs (default) or percentile of |x| over the calibration rows. */
  calibrationMethod?: 'maxabs' | 'percentile';
  /** Percentile for calibrationMethod 'percentile' (default 99.99). */
  percentile?: number;
  /** Fixed scales that override calibration: the input, and each layer's output. */
  scales?: { input?: number; layers?: (number | undefined)[] };
}

/** Requantisation constants: q = roundShift(x · mult, shift). */
export interface Requant {
  mult: number;
  shift: number;
}

/** How ACT computes a layer's output (see docs/quantization.md). */
export type ActPath = 'int' | 'float' | 'fp32';

export interface QuantLayer {
  name: string;
  /** Reduction length (inputs) and output features. */
  K: number;
  N: number;
  func: Exclude<ActFunc, 'softmax'>;
  /** Leaky slope or ELU alpha (0 otherwise). */
  alpha: number;
  /** Type of the stored weights and of the MATMUL operands. */
  dtype: ComputeDType;
  /** Quantised (or fp32) weights, K×N row-major. */
  w: Int8Array | Int16Array | Float32Array;
  /** Bias: int32 at the accumulator scale, or fp32. */
  bias: Int32Array | Float32Array;
  slopes?: Float32Array;
  /** Scale of this layer's input values. */
  inScale: number;
  /** Weight scales: length 1 (per tensor) or N (per channel). */
  wScale: number[];
  /** ACT `scale` field per weight scale: fround(inScale · wScale[c]). */
  accScale: number[];
  /** Scale of this layer's output (1 for fp32 outputs). */
  outScale: number;
  /** Element type ACT writes: int8/int16 for hidden layers, fp32 for the last one. */
  outType: DType;
  path: ActPath;
  /** Requantisation per weight scale (mult 1, shift 0 when unused). */
  requant: Requant[];
}

export interface QuantModel {
  dtype: ComputeDType;
  inputScale: number;
  /** Element type of the input region. */
  inputType: DType;
  layers: QuantLayer[];
  softmax: boolean;
  perChannel: boolean;
}

export const QMAX: Record<'int8' | 'int16', number> = { int8: 127, int16: 32767 };

/** Rounds half away from zero (the rounding of every quantiser in dlpkit). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/** Chooses mult ∈ [2^14, 2^15) and shift ∈ [0, 47] with mult·2^-shift ≈ r. Multipliers below
 * 2^-33 keep shift = 47 and a smaller mult; r ≥ 2^15 saturates at mult 32767, shift 0. */
export function deriveRequant(r: number): Requant {
  if (!(r > 0) || !Number.isFinite(r)) throw new DlpError(`cannot requantise by ${r}: the ratio of scales must be a positive number`);
  let shift = 14 - Math.floor(Math.log2(r));
  while (r * 2 ** shift >= 2 ** 15) shift--;
  while (r * 2 ** shift < 2 ** 14) shift++;
  let mult = Math.round(r * 2 ** shift);
  if (mult === 2 ** 15) {
    mult = 2 ** 14;
    shift -= 1;
  }
  if (shift > 47) return { mult: Math.round(r * 2 ** 47), shift: 47 };
  if (shift < 0) return { mult: Math.min(32767, Math.round(r)), shift: 0 };
  return { mult, shift };
}

const INT_PATH_FUNCS: ReadonlySet<string> = new Set(['identity', 'relu', 'leaky', 'prelu']);

function alphaOf(a: Activation): number {
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
function rangeOf(values: Float32Array | Float64Array, method: 'maxabs' | 'percentile', pct: number): number {
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

/** Applies an activation in fp32 (the calibration forward; mirrors ACT's float path). */
export function applyActivation(kind: Activation['kind'], v: number, alpha: number, slope: number): number {
  switch (kind) {
    case 'identity': return v;
    case 'relu': return v > 0 ? v : 0;
    case 'leaky': return v < 0 ? alpha * v : v;
    case 'prelu': return v < 0 ? slope * v : v;
    case 'elu': return v < 0 ? alpha * Math.expm1(v) : v;
    case 'sigmoid': return 1 / (1 + Math.exp(-v));
    case 'tanh': return Math.tanh(v);
  }
}

/** fp32 forward over the calibration rows; returns each layer's activated outputs. */
function forwardFp32(model: ModelGraph, weights: ModelWeights, x: Float32Array, rows: number): Float32Array[] {
  const outs: Float32Array[] = [];
  let cur = x;
  let K = model.inputSize;
  model.layers.forEach((layer, l) => {
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

function checkScale(s: number, what: string): number {
  if (!(s > 0) || !Number.isFinite(s)) throw new DlpError(`${what}: scale must be a positive number, got ${s}`);
  return Math.fround(s);
}

/** Scale of a quantised tensor whose range is `range`; all-zero tensors get scale 1/qmax. */
function scaleFor(range: number, qmax: number): number {
  return Math.fround(range > 0 ? range / qmax : 1 / qmax);
}

/** Quantises every layer of a model. */
export function quantizeModel(model: ModelGraph, weights: ModelWeights, opts: QuantOptions): QuantModel {
  const { dtype } = opts;
  const perChannel = dtype !== 'fp32' && opts.perChannel === true;
  if (weights.length !== model.layers.length) {
    throw new DlpError(`model '${model.name}' has ${model.layers.length} layers but ${weights.length} weight sets were given`);
  }
  if (dtype === 'fp32') return quantizeFp32(model, weights);
  const qmax = QMAX[dtype];
  const method = opts.calibrationMethod ?? 'maxabs';
  const pct = opts.percentile ?? 99.99;
  const given = opts.calibration;
  if (given && given.length % model.inputSize !== 0) {
    throw new DlpError(`calibration has ${given.length} values, not a multiple of the input size ${model.inputSize}`);
  }
  const calib = given && given.length > 0 ? given : defaultCalibration(model.inputSize);
  const rows = calib.length / model.inputSize;
  const acts = forwardFp32(model, weights, calib, rows);
  const fixedIn = opts.scales?.input;
  const inputScale = fixedIn !== undefined ? checkScale(fixedIn, 'input')
    : given ? scaleFor(rangeOf(calib, method, pct), qmax) : Math.fround(1 / qmax);

  let inScale = inputScale;
  let K = model.inputSize;
  const last = model.layers.length - 1;
  const layers = model.layers.map((layer, l): QuantLayer => {
    const N = layer.units;
    const lw = weights[l]!;
    const func = layer.activation.kind;
    const wScale = weightScales(lw.w, K, N, perChannel, qmax);
    const w = dtype === 'int8' ? new Int8Array(K * N) : new Int16Array(K * N);
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < N; j++) {
        const s = wScale[perChannel ? j : 0]!;
        w[i * N + j] = clamp(roundHalfAway(lw.w[i * N + j]! / s), -qmax, qmax);
      }
    }
    const bias = new Int32Array(N);
    for (let j = 0; j < N; j++) {
      bias[j] = clamp(roundHalfAway(lw.b[j]! / (inScale * wScale[perChannel ? j : 0]!)), -(2 ** 31), 2 ** 31 - 1);
    }
    const accScale = wScale.map((s) => Math.fround(inScale * s));
    const isLast = l === last;
    let outScale = 1;
    let path: ActPath = 'float';
    let requant: Requant[] = wScale.map(() => ({ mult: 1, shift: 0 }));
    if (!isLast) {
      const fixed = opts.scales?.layers?.[l];
      if (fixed !== undefined) outScale = checkScale(fixed, `layer '${layer.name}'`);
      else if (func === 'sigmoid' || func === 'tanh') outScale = Math.fround(1 / qmax);
      else outScale = scaleFor(rangeOf(acts[l]!, method, pct), qmax);
      path = INT_PATH_FUNCS.has(func) ? 'int' : 'float';
      requant = path === 'int'
        ? wScale.map((s) => deriveRequant((inScale * s) / outScale))
        : wScale.map(() => deriveRequant(1 / (outScale * 65536)));
    }
    const q: QuantLayer = {
      name: layer.name, K, N, func, alpha: alphaOf(layer.activation), dtype, w, bias,
      slopes: func === 'prelu' ? lw.slopes ?? new Float32Array(N) : undefined,
      inScale, wScale, accScale, outScale, outType: isLast ? 'fp32' : dtype, path, requant,
    };
    inScale = outScale;
    K = N;
    return q;
  });
  return { dtype, inputScale, inputType: dtype, layers, softmax: model.softmax, perChannel };
}

function quantizeFp32(model: ModelGraph, weights: ModelWeights): QuantModel {
  let K = model.inputSize;
  const layers = model.layers.map((layer, l): QuantLayer => {
    const N = layer.units;
    const lw = weights[l]!;
    const q: QuantLayer = {
      name: layer.name, K, N, func: layer.activation.kind, alpha: alphaOf(layer.activation), dtype: 'fp32',
      w: Float32Array.from(lw.w), bias: Float32Array.from(lw.b),
      slopes: layer.activation.kind === 'prelu' ? lw.slopes ?? new Float32Array(N) : undefined,
      inScale: 1, wScale: [1], accScale: [1], outScale: 1, outType: 'fp32', path: 'fp32',
      requant: [{ mult: 1, shift: 0 }],
    };
    K = N;
    return q;
  });
  return { dtype: 'fp32', inputScale: 1, inputType: 'fp32', layers, softmax: model.softmax, perChannel: false };
}

function weightScales(w: Float32Array, K: number, N: number, perChannel: boolean, qmax: number): number[] {
  if (!perChannel) {
    let m = 0;
    for (let i = 0; i < w.length; i++) m = Math.max(m, Math.abs(w[i]!));
    return [scaleFor(m, qmax)];
  }
  const m = new Float64Array(N);
  for (let i = 0; i < K; i++) for (let j = 0; j < N; j++) m[j] = Math.max(m[j]!, Math.abs(w[i * N + j]!));
  return Array.from(m, (v) => scaleFor(v, qmax));
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Quantises fp32 rows into the input type (roundHalfAway(x / s), saturated to ±qmax). */
export function quantizeInput(x: Float32Array, q: Pick<QuantModel, 'inputType' | 'inputScale'>): Int8Array | Int16Array | Float32Array {
  if (q.inputType === 'fp32') return Float32Array.from(x);
  const qmax = QMAX[q.inputType as 'int8' | 'int16'];
  const out = q.inputType === 'int8' ? new Int8Array(x.length) : new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = clamp(roundHalfAway(x[i]! / q.inputScale), -qmax, qmax);
  return out;
}
